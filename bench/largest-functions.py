#!/usr/bin/env python3
"""Lists the largest Rust functions below a directory, by lines from the `fn` line to the
closing brace (signature, body and blank lines; nested closures count with their function).

    bench/largest-functions.py [DIR [COUNT]]      # defaults: src 10
"""
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else "src"
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10
fn_re = re.compile(r'^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)')
out = []
for d, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith(".rs"): continue
        p = os.path.join(d, f)
        lines = open(p, encoding="utf-8").read().split("\n")
        i = 0
        while i < len(lines):
            m = fn_re.match(lines[i])
            if m:
                depth = 0; started = False; j = i
                while j < len(lines):
                    s = re.sub(r'"(\\.|[^"\\])*"', '""', lines[j])
                    s = re.sub(r"'(\\.|[^'\\])'", "''", s)
                    s = s.split("//")[0]
                    for c in s:
                        if c == '{': depth += 1; started = True
                        elif c == '}': depth -= 1
                    if started and depth <= 0: break
                    if not started and s.rstrip().endswith(';'): break
                    j += 1
                if started:
                    out.append((j - i + 1, f"{p}:{i+1}", m.group(6)))
            i += 1
out.sort(reverse=True)
for c, loc, name in out[:n]:
    print(f"{c:5d}  {name:32s} {loc}")
