/* biaogan static search. Loads the shards of src/search/export.rs (format documented there)
   and ranks like SearchIndex::search: same query language, tantivy's BM25 in f32, ties by
   URL. Classic ES2019 script; shards are scripts too, so file:// works. */
(W => {
"use strict";
const F = Math.fround, K1 = F(1.2), K1P1 = F(1 + K1), PAGE = 10;
const FACETS = ["year", "area", "region", "industry", "method", "tag"];
const doc = W.document, me = doc && doc.currentScript, api = W.biaogan = W.biaogan || {};
const memo = {}, wait = {}, norms = [];
let M, avg;
api.base = me ? me.getAttribute("data-index") || new URL("../search/", me.src).href : "";

W.__biaogan_shard = (n, d) => { const r = wait[n]; if (r) { delete wait[n]; r(d); } };
api.fetch = (n, done) => {
  const s = doc.createElement("script");
  s.src = api.base + n + ".js";
  s.onload = s.onerror = () => { s.remove(); done(); };
  doc.head.appendChild(s);
};
const load = n => memo[n] || (memo[n] = new Promise((res, rej) => {
  wait[n] = res;
  api.fetch(n, e => { if (wait[n]) { delete wait[n]; delete memo[n]; rej(e || Error("cannot load " + n)); } });
}));

/* Text analysis, as src/search/tokenizer.rs and query.rs. */
const CJK = /[\u3005\u3007\u3021-\u3029\u3038-\u303B\u3041-\u309F\u30A1-\u30FA\u30FC-\u30FF\u3105-\u312F\u31A0-\u31BF\u3131-\u318E\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF\uAC00-\uD7A3\uF900-\uFAFF\uFF66-\uFF9F\uFFA0-\uFFDC\u{1B000}-\u{1B16F}\u{20000}-\u{3FFFF}]/u;
const fold = c => c > 0xFF00 && c < 0xFF5F ? c - 0xFEE0 : c === 0x3000 ? 32 : c;
const cls = c => CJK.test(c = String.fromCodePoint(c)) ? 1 : /[\p{Alphabetic}\p{N}]/u.test(c) ? 2 : 0; /* 0 separator */
const runs = text => { /* [{k: class, g: gap before, c}] */
  const out = [];
  let cur = null, gap = false;
  for (const ch of text) {
    const c = fold(ch.codePointAt(0)), k = cls(c), s = String.fromCodePoint(c);
    if (!k) { cur = null; gap = out.length > 0; continue; }
    if (!cur || cur.k !== k) { out.push(cur = { k, g: gap, c: [] }); gap = false; }
    cur.c.push(k === 2 ? s.toLowerCase() : s);
  }
  return out;
};
const clause = (u, t, n) => ({ u, t, n, k: u + JSON.stringify(t) });
const needle = r => ({ c: [...r.c.join("")], w: r.k === 2 });
const bigrams = (c, p) => c.slice(1).map((x, i) => [p + i, c[i] + x]);
const unquoted = (text, out) => runs(text).forEach(r => out.push(
  r.k === 1 && r.c.length === 1 ? clause(1, [[0, r.c[0]]], [needle(r)])
    : clause(0, r.k === 2 ? [[0, r.c.join("")]] : bigrams(r.c, 0), [needle(r)])));
const quoted = (text, out) => { /* " " is the separator marker */
  const rs = runs(text), t = [];
  let p = 0;
  rs.forEach((r, i) => {
    if (r.g && i) t.push([p++, " "]);
    if (r.k === 2 || r.c.length === 1) t.push([p++, r.c.join(""), r.k === 1]);
    else { t.push(...bigrams(r.c, p)); p += r.c.length - 1; }
  });
  if (t.length === 1 && t[0][2]) out.push(clause(1, [[0, t[0][1]]], rs.map(needle)));
  else if (t.length) out.push(clause(0, t.map(x => [x[0], x[1]]), rs.map(needle)));
};
const parse = api.parse = q => {
  const raw = [], out = [];
  let inq = false, buf = "";
  for (const ch of q + '"') {
    if (/["\uFF02\u201C\u201D]/.test(ch)) { (inq ? quoted : unquoted)(buf, raw); inq = !inq; buf = ""; } else buf += ch;
  }
  raw.forEach(c => { if (out.length < 32 && !out.some(d => d.k === c.k)) out.push(c); });
  return out;
};

/* Postings: base-64 VLQ numbers. */
const DV = {};
[..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].forEach((c, i) => { DV[c] = i; });
const vlq = (s = "") => {
  const out = [];
  let v = 0, m = 1;
  for (const ch of s) {
    const d = DV[ch];
    v += (d & 31) * m;
    if (d & 32) m *= 32; else { out.push(v); v = 0; m = 1; }
  }
  return out;
};
const postings = x => {
  const a = vlq(x[1]), p = { d: [], tf: [], fn: [], at: new Map(), raw: x[2] };
  for (let i = 0, d = -1; i < a.length; i += 3) {
    d += a[i] + 1;
    p.at.set(d, p.d.length); p.d.push(d); p.tf.push(a[i + 1] + 1); p.fn.push(a[i + 2]);
  }
  return p;
};
const positions = (p, mode) => { /* per doc; mode 1: only separator-flagged, 2: no run ends */
  if (!p.pos) {
    const a = vlq(p.raw);
    let k = 0;
    p.pos = p.tf.map(tf => {
      const out = [];
      for (let j = 0, last = 0; j < tf; j++, k++) out.push(last = j ? last + a[k] + 1 : a[k]);
      return out;
    });
  }
  if (mode && !p[mode]) {
    const set = new Set();
    let n = -1, k = 0;
    vlq(p.fl[mode]).forEach(d => set.add(n += d + 1));
    p[mode] = p.pos.map(ps => ps.filter(() => set.has(k++) === (mode === 1)));
  }
  return mode ? p[mode] : p.pos;
};
const bucket = t => {
  let h = 0x811c9dc5;
  for (const ch of t) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
  return h & (M.S - 1);
};
const entry = async t => { const b = bucket(t); return { t, b, e: (await load("t/" + b))[t] }; };
const term = async ({ t, b, e }, needq, flags) => { /* → [field 0..9] → postings */
  const out = [], q = {}, fl = {};
  if (e === undefined) return out;
  if (typeof e[0] === "number") { /* big: [n, q bytes, has flags] */
    const [p, qs, s] = await Promise.all([load("p/" + e[0]), needq ? load("q/" + e[0]) : [], flags && e[2] ? load("s/" + e[0]) : []]);
    qs.forEach(x => { q[x[0]] = x[1]; });
    s.forEach(x => { fl[x[0]] = x; });
    e = p.map(x => [x[0], x[1], q[x[0]]]);
  } else if (flags) ((await load("r/" + b))[t] || []).forEach(x => { fl[x[0]] = x; });
  e.forEach(x => { (out[x[0]] = postings(x)).fl = fl[x[0]] || []; });
  return out;
};
const sepAfter = (c, j) => (c.t[j + 1] || [])[1] === " ";
const omit = (t, es) => { /* interior bigrams whose positions are skipped: see export.rs */
  const w = j => es[j] && typeof (es[j].e || "")[0] === "number" ? es[j].e[1] : 0, best = [], take = [], o = new Set();
  const bi = j => [...t[j][1]].length === 2 && [...t[j][1]].every(ch => cls(ch.codePointAt(0)) === 1);
  for (let k = 0; k < t.length; k++) {
    const b1 = k ? best[k - 1] : 0, b2 = k > 1 ? best[k - 2] : 0;
    take[k] = k > 0 && k < t.length - 1 && w(k) > 0 && bi(k - 1) && bi(k) && bi(k + 1) &&
      t[k][0] === t[k - 1][0] + 1 && t[k + 1][0] === t[k][0] + 1 && b2 + w(k) > b1;
    best[k] = take[k] ? b2 + w(k) : b1;
  }
  for (let k = t.length - 1; k > 0;) if (take[k]) { o.add(k); k -= 2; } else k--;
  return o;
};

/* BM25 as tantivy 0.25 computes it (src/query/bm25.rs), in f32. */
const fieldnorm = id => {
  const e = id - 24;
  return e < 0 ? id : 24 + (e < 8 ? e : ((e & 7) | 8) * 2 ** ((e >> 3) - 1));
};
const idf = n => n in M.idfx ? F(M.idfx[n]) : F(Math.log(F(1 + F(F(F(M.N - n) + 0.5) / F(n + 0.5)))));
const bm25 = (w, f, id, tf) => {
  const c = norms[f] || (norms[f] = []);
  const k = c[id] !== undefined ? c[id] : c[id] = F(K1 * F(0.25 + F(F(0.75 * F(fieldnorm(id))) / avg[f])));
  return F(w * F(tf / F(tf + k)));
};
const phraseCount = (lists, offs) => {
  let cand = lists[0].map(x => x - offs[0]);
  for (let j = 1; j < lists.length && cand.length; j++) {
    const b = lists[j], r = [];
    for (let x = 0, y = 0; x < cand.length && y < b.length;) {
      const v = b[y] - offs[j];
      if (cand[x] < v) x++; else if (cand[x] > v) y++; else { r.push(v); x++; y++; }
    }
    cand = r;
  }
  return cand.length;
};
const clauseScores = (c, terms) => { /* doc → Σ fields of boosted BM25 */
  const acc = new Map(), real = c.t.map((x, j) => j).filter(j => terms[j]), keep = real.filter(j => !c.o.has(j));
  const offs = keep.map(j => c.t[j][0]), modes = keep.map(j => sepAfter(c, j) ? 1 : c.o.has(j + 1) ? 2 : 0);
  for (let fi = 0; fi < 5; fi++) {
    const f = c.u ? fi + 5 : fi, ps = real.map(j => terms[j][f]), ks = keep.map(j => terms[j][f]);
    if (!ps.every(Boolean) || terms.length > ps.length && !M.sep[f]) continue;
    let isum = 0;
    terms.forEach(t => { isum = F(isum + idf(t ? t[f].d.length : M.sep[f])); });
    const w = F(F(isum * K1P1) * M.boost[fi]), p0 = ps[0];
    p0.d.forEach((d, i0) => {
      let tf = p0.tf[i0];
      if (terms.length > 1) {
        if (ps.some(p => !p.at.has(d))) return;
        if (!(tf = phraseCount(ks.map((p, k) => positions(p, modes[k])[p.at.get(d)]), offs))) return;
      }
      acc.set(d, F((acc.get(d) || 0) + bm25(w, f, p0.fn[i0], tf)));
    });
  }
  return acc;
};

/* → {hits: [{d, s}], total, counts, clauses} */
const run = api.run = async (q, filters = {}) => {
  M = await load("meta");
  avg = avg || M.tot.map(t => F(F(t) / F(M.N)));
  const cs = parse(q), cand = [], fs = {}, shards = {};
  const fl = FACETS.map((f, i) => [i, filters[f]]).filter(x => x[1]).map(x => [x[0], String(x[1])]);
  if (cs.length) {
    const data = await Promise.all(cs.map(async c => {
      const es = await Promise.all(c.t.map(t => t[1] === " " ? 0 : entry(t[1])));
      c.o = omit(c.t, es);
      return Promise.all(es.map((x, j) => x && term(x, c.t.length > 1 && !c.o.has(j), sepAfter(c, j) || c.o.has(j + 1))));
    }));
    const maps = cs.map((c, i) => clauseScores(c, data[i]));
    maps[0].forEach((s0, d) => {
      let s = 0;
      for (const m of maps) { const x = m.get(d); if (x === undefined) return; s = F(s + x); }
      cand.push({ d, s });
    });
  } else if (fl.length) for (let d = 0; d < M.N; d++) cand.push({ d, s: 0 });
  cand.forEach(h => { shards[Math.floor(h.d / M.FS)] = 1; });
  await Promise.all(Object.keys(shards).map(async k => { fs[k] = await load("f/" + k); }));
  const values = (d, i) => {
    const v = fs[Math.floor(d / M.FS)][d % M.FS][i];
    return (Array.isArray(v) ? v : v < 0 ? [] : [v]).map(x => M.facets[FACETS[i]][x]);
  };
  const hits = cand.filter(h => fl.every(x => values(h.d, x[0]).includes(x[1]))).sort((a, b) => b.s - a.s || a.d - b.d);
  const counts = FACETS.map((f, i) => {
    const m = {};
    hits.forEach(h => values(h.d, i).forEach(v => { m[v] = (m[v] || 0) + 1; }));
    return m;
  });
  return { hits, total: hits.length, counts, clauses: cs };
};

/* Snippets, as src/search/snippet.rs. */
const normc = ch => {
  const c = String.fromCodePoint(fold(ch.codePointAt(0))), l = c.toLowerCase();
  return [...l].length === 1 ? l : c;
};
const matches = (t, nds) => {
  const n = t.map(normc), r = [], out = [];
  const isw = i => i >= 0 && i < n.length && cls(n[i].codePointAt(0)) === 2;
  nds.forEach(nd => {
    for (let k = nd.c.length, i = 0; k && i + k <= n.length; i++) {
      let j = 0;
      while (j < k && n[i + j] === nd.c[j]) j++;
      if (j === k && !(nd.w && (isw(i - 1) || isw(i + k)))) r.push([i, i + k]);
    }
  });
  r.sort((a, b) => a[0] - b[0] || a[1] - b[1]).forEach(x => {
    const l = out[out.length - 1];
    if (l && x[0] <= l[1]) l[1] = Math.max(l[1], x[1]); else out.push(x);
  });
  return out;
};
const bounds = (m, len) => {
  const a = Math.min(Math.max(0, m[0] - 20), Math.max(0, len - 100));
  return [a, Math.max(Math.min(a + 100, len), m[1])];
};
const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\n": " ", "\r": " ", "\t": " " };
const render = (t, [a, b], m, len) => {
  let s = a > 0 ? "…" : "", open = false;
  for (let i = a; i < b; i++) {
    if (!open && m.some(x => x[0] <= i && i < x[1])) { s += "<mark>"; open = true; }
    s += ESC[t[i]] || t[i];
    if (open && m.some(x => x[1] === i + 1)) { s += "</mark>"; open = false; }
  }
  return s + (open ? "</mark>" : "") + (b < len ? "…" : "");
};
const snippet = async (n, x, nds) => {
  let b = [...x.h], m = matches(b, nds);
  const s = [...x.s], L = Math.max(0, ...nds.map(k => k.c.length));
  if (x.n > b.length && (!m.length || bounds(m[0], x.n)[1] + L > b.length)) m = matches(b = [...(await load("b/" + n)).b], nds);
  if (m.length) return render(b, bounds(m[0], x.n), m, x.n);
  const t = x.n ? b : s, ms = matches(s, nds);
  return ms.length ? render(s, bounds(ms[0], s.length), ms, s.length) : render(t, [0, Math.min(100, t.length)], [], t.length);
};
const materialize = (r, from, to) => {
  const nds = [], seen = {};
  r.clauses.forEach(c => c.n.forEach(k => { const key = k.w + k.c.join(""); if (!seen[key]) { seen[key] = 1; nds.push(k); } }));
  return Promise.all(r.hits.slice(from, to).map(async h => {
    const x = await load("d/" + h.d);
    return { url: x.u, title: x.t, enterprise: x.e, year: x.y, score: h.s, snippet: await snippet(h.d, x, nds) };
  }));
};
/* → [{url, title, enterprise, year, score, snippet}] */
api.search = async (q, filters, limit = PAGE) => materialize(await run(q, filters), 0, limit);

/* templates/search.html: state in the URL, plain links and GET forms. */
const el = (tag, attrs, ...kids) => {
  const e = doc.createElement(tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  e.append(...kids);
  return e;
};
const page = () => {
  const $ = id => doc.getElementById(id), form = $("search-form"), list = $("search-results");
  if (!form || !list) return;
  const status = $("search-status"), more = $("search-more"), filters = {};
  const params = new URLSearchParams(location.search), q = params.get("q") || "", isl = $("search-labels");
  const label = (f, v) => (M.labels[f] || {})[v] || (isl ? JSON.parse(isl.textContent)[f] || {} : {})[v] || v;
  const href = (f, v) => {
    const p = new URLSearchParams(location.search);
    v === null ? p.delete(f) : p.set(f, v);
    return "?" + p;
  };
  let shown = 0;
  FACETS.forEach(f => {
    const v = params.get(f);
    if (v) form.append(el("input", { type: "hidden", name: f, value: filters[f] = v }));
  });
  form.elements.q.value = q;
  if (!q.trim() && !Object.keys(filters).length) return;
  status.textContent = "正在搜索…";
  run(q, filters).then(r => {
    status.textContent = r.total ? `找到 ${r.total} 个结果` : `没有找到与“${q}”相关的案例`;
    r.counts.forEach((m, i) => {
      const f = FACETS[i], vals = Object.keys(m).sort((a, b) => m[b] - m[a] || (a < b ? -1 : 1));
      if (vals.length) $("search-facets").append(el("section", {}, el("h2", {}, "年度 重点领域 地区 行业 方法 标签".split(" ")[i]),
        el("ul", {}, ...vals.slice(0, 15).map(v => {
          const on = filters[f] === v, a = el("a", { href: href(f, on ? null : v) }, `${label(f, v)} (${m[v]})${on ? " ×" : ""}`);
          if (on) a.setAttribute("aria-current", "true");
          return el("li", {}, a);
        }))));
    });
    const next = () => materialize(r, shown, shown += PAGE).then(hs => {
      hs.forEach(h => {
        const p = el("p", { class: "snippet" }), file = location.protocol === "file:" && /\/$/.test(h.url);
        p.innerHTML = h.snippet;
        list.append(el("li", {}, el("a", { href: "../" + h.url + (file ? "index.html" : "") }, h.title),
          el("p", { class: "meta" }, `${h.enterprise} · ${h.year}年`), p));
      });
      if (more) more.hidden = shown >= r.total;
    });
    if (more) more.onclick = next;
    next();
  }).catch(e => { status.textContent = "搜索索引加载失败：" + e.message; });
};
if (doc) doc.readyState === "loading" ? doc.addEventListener("DOMContentLoaded", page) : page();
})(window);
