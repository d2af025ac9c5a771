// Just enough PDF parsing to read back the text Chromium (Skia) writes: uncompressed object
// table, FlateDecode streams, per-page /Font resources with /ToUnicode CMaps (Type0 with
// two-byte codes or Type3 with one-byte codes), and the Tj/TJ/'/" text operators.
import { inflateSync } from "node:zlib";

function parseObjects(buf) {
  const s = buf.toString("latin1");
  const objs = new Map();
  const re = /(\d+) 0 obj\b/g;
  let m;
  while ((m = re.exec(s))) {
    const start = m.index + m[0].length;
    const end = s.indexOf("endobj", start);
    if (end < 0) break;
    const body = s.slice(start, end);
    const si = body.indexOf("stream");
    let dict = body;
    let stream = null;
    if (si >= 0 && /^\s*<</.test(body)) {
      dict = body.slice(0, si);
      let from = start + si + "stream".length;
      if (s[from] === "\r") from++;
      if (s[from] === "\n") from++;
      const to = s.lastIndexOf("endstream", end);
      let raw = buf.subarray(from, to);
      if (/\/FlateDecode/.test(dict)) {
        try {
          raw = inflateSync(raw, { finishFlush: 2 /* Z_SYNC_FLUSH: tolerate trailing EOL */ });
        } catch {
          raw = Buffer.alloc(0);
        }
      }
      stream = raw.toString("latin1");
    }
    objs.set(Number(m[1]), { dict, stream });
    re.lastIndex = end;
  }
  return objs;
}

const hexBytes = (h) => h.replace(/\s+/g, "");
const hexToCodepoints = (h) => {
  // UTF-16BE
  const bytes = Buffer.from(hexBytes(h), "hex");
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(bytes.readUInt16BE(i));
  return out;
};

function parseCMap(text) {
  const map = new Map();
  let codeLen = 1;
  const cs = /begincodespacerange\s*<([0-9a-fA-F\s]+)>/.exec(text);
  if (cs) codeLen = hexBytes(cs[1]).length / 2;
  for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const e of block[1].matchAll(/<([0-9a-fA-F\s]+)>\s*<([0-9a-fA-F\s]*)>/g)) {
      map.set(parseInt(hexBytes(e[1]), 16), hexToCodepoints(e[2]));
    }
  }
  for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const e of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F\s]*>|\[[^\]]*\])/g)) {
      const lo = parseInt(e[1], 16);
      const hi = parseInt(e[2], 16);
      if (e[3].startsWith("[")) {
        const items = [...e[3].matchAll(/<([0-9a-fA-F\s]*)>/g)];
        items.forEach((it, i) => map.set(lo + i, hexToCodepoints(it[1])));
      } else {
        const base = Buffer.from(hexBytes(e[3].slice(1, -1)), "hex");
        for (let c = lo; c <= hi && c - lo < 65536; c++) {
          const b = Buffer.from(base);
          b.writeUInt16BE((b.readUInt16BE(b.length - 2) + (c - lo)) & 0xffff, b.length - 2);
          map.set(c, hexToCodepoints(b.toString("hex")));
        }
      }
    }
  }
  return { codeLen, map };
}

function literalBytes(lit) {
  // (…) string with escapes → bytes
  const out = [];
  for (let i = 0; i < lit.length; i++) {
    let c = lit[i];
    if (c !== "\\") {
      out.push(lit.charCodeAt(i) & 0xff);
      continue;
    }
    c = lit[++i];
    const esc = { n: 10, r: 13, t: 9, b: 8, f: 12, "(": 40, ")": 41, "\\": 92 };
    if (c in esc) out.push(esc[c]);
    else if (/[0-7]/.test(c)) {
      let o = c;
      while (o.length < 3 && /[0-7]/.test(lit[i + 1])) o += lit[++i];
      out.push(parseInt(o, 8) & 0xff);
    }
  }
  return Buffer.from(out);
}

function decode(bytes, font) {
  if (!font) return bytes.toString("latin1");
  let out = "";
  for (let i = 0; i + font.codeLen <= bytes.length; i += font.codeLen) {
    const code = font.codeLen === 2 ? bytes.readUInt16BE(i) : bytes[i];
    out += font.map.get(code) ?? "";
  }
  return out;
}

const ref = (dict, key) => {
  const m = new RegExp(`/${key}\\s+(\\d+)\\s+0\\s+R`).exec(dict);
  return m ? Number(m[1]) : null;
};

/** The text of every page of a PDF (Buffer), pages in document order, joined with newlines. */
export function pdfText(buf) {
  return pdfPages(buf).join("\n");
}

/** The text of each page of a PDF (Buffer), in document order. */
export function pdfPages(buf) {
  const objs = parseObjects(buf);
  const pages = [...objs.entries()].filter(([, o]) => /\/Type\s*\/Page\b/.test(o.dict)).map(([n]) => n);
  const cmapCache = new Map();
  const fontOf = (num) => {
    if (!cmapCache.has(num)) {
      const f = objs.get(num);
      const tu = f ? ref(f.dict, "ToUnicode") : null;
      const cm = tu !== null ? objs.get(tu)?.stream : null;
      cmapCache.set(num, cm ? parseCMap(cm) : null);
    }
    return cmapCache.get(num);
  };
  const texts = [];
  for (const p of pages) {
    const dict = objs.get(p).dict;
    let fontsDict = /\/Font\s*<<([^>]*)>>/.exec(dict)?.[1];
    if (!fontsDict) {
      const r = ref(dict, "Font") ?? (ref(dict, "Resources") !== null ? ref(objs.get(ref(dict, "Resources")).dict, "Font") : null);
      fontsDict = r !== null ? objs.get(r)?.dict ?? "" : "";
    }
    const fonts = new Map([...fontsDict.matchAll(/\/([^\s/<>\[\]()]+)\s+(\d+)\s+0\s+R/g)].map((m) => [m[1], Number(m[2])]));
    const contentsArr = /\/Contents\s*\[([^\]]*)\]/.exec(dict);
    const contentRefs = contentsArr
      ? [...contentsArr[1].matchAll(/(\d+)\s+0\s+R/g)].map((m) => Number(m[1]))
      : [ref(dict, "Contents")].filter((x) => x !== null);
    let text = "";
    for (const c of contentRefs) {
      const content = objs.get(c)?.stream ?? "";
      let font = null;
      // Marked content with /ActualText (Skia's way of spelling a glyph whose font cmap
      // points at a compatibility character) replaces the glyphs up to its EMC.
      let actual = false;
      const tok =
        /\/ActualText\s*(?:<([0-9a-fA-F\s]*)>|\(((?:\\.|[^\\)])*)\))|\bEMC\b|\/([^\s/<>\[\]()]+)\s+[-\d.]+\s+Tf|<([0-9a-fA-F\s]*)>|\(((?:\\.|[^\\)])*)\)|\b(ET|T\*|Td|TD|'|")(?=\s)/g;
      let t;
      while ((t = tok.exec(content))) {
        if (t[1] !== undefined || t[2] !== undefined) {
          const bytes = t[1] !== undefined ? Buffer.from(hexBytes(t[1]), "hex") : literalBytes(t[2]);
          const hex = bytes.toString("hex");
          text += hex.startsWith("feff") ? hexToCodepoints(hex.slice(4)) : bytes.toString("latin1");
          actual = true;
        } else if (t[0] === "EMC") actual = false;
        else if (t[3] !== undefined) font = fonts.has(t[3]) ? fontOf(fonts.get(t[3])) : null;
        else if (actual) continue;
        else if (t[4] !== undefined) text += decode(Buffer.from(hexBytes(t[4]), "hex"), font);
        else if (t[5] !== undefined) text += decode(literalBytes(t[5]), font);
        else text += "\n";
      }
    }
    texts.push(text);
  }
  return texts;
}
