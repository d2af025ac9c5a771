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
const DV = new Int8Array(128);
[..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].forEach((c, i) => { DV[c.charCodeAt(0)] = i; });
const vlq = (s = "") => {
  const out = [];
  for (let i = 0, v = 0, m = 1; i < s.length; i++) {
    const d = DV[s.charCodeAt(i)];
    v += (d & 31) * m;
    if (d & 32) m *= 32; else { out.push(v); v = 0; m = 1; }
  }
  return out;
};
const postings = x => {
  const a = vlq(x[1]), p = { d: [], tf: [], fn: [], raw: x[2] };
  for (let i = 0, d = -1; i < a.length; i += 3) {
    d += a[i] + 1;
    p.d.push(d); p.tf.push(a[i + 1] + 1); p.fn.push(a[i + 2]);
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
const entry = async t => { const b = bucket(t); return { t, b, e: (await load("t/" + b)).t[t] }; };
/* Postings per field, decoded once per page; positions and flags added when first needed. */
const decoded = {};
const term = async ({ t, b, e }, needq, flags) => { /* → [field 0..9] → postings */
  if (e === undefined) return [];
  const big = typeof e[0] === "number"; /* big: [n, q bytes, has flags] */
  const m = await (decoded[t] || (decoded[t] = (big ? load("p/" + e[0]) : Promise.resolve(e)).then(rows => {
    const out = [];
    rows.forEach(x => { (out[x[0]] = postings(x)).fl = []; });
    return { out, q: big ? 0 : 1, s: 0 };
  })));
  const add = (list, k) => list.forEach(x => { if (m.out[x[0]]) m.out[x[0]][k] = k === "raw" ? x[1] : x; });
  if (needq && !m.q) m.q = e[1] ? load("q/" + e[0]).then(qs => add(qs, "raw")) : Promise.resolve(); /* q bytes 0: no positions */
  if (flags && !m.s) m.s = big ? (e[2] ? load("s/" + e[0]) : Promise.resolve([])).then(s => add(s, "fl")) : load("t/" + b).then(r => add(r.r[t] || [], "fl"));
  await Promise.all([needq && m.q, flags && m.s]);
  return m.out;
};
const sepAfter = (c, j) => (c.t[j + 1] || [])[1] === " ";
/* The position bytes of a bucket entry with its own files, else 0 (inline, the separator's 0,
   a term found nowhere). */
const cost = x => typeof (x && x.e || "")[0] === "number" ? x.e[1] : 0;
const omit = (t, es) => { /* interior bigrams whose positions are skipped: see export.rs */
  const w = j => cost(es[j]), best = [], take = [], o = new Set();
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
/* Occurrences of a phrase in one document: lists[k] (ascending) at offs[k] from a start. */
const phraseCount = (lists, offs, at) => {
  let n = 0;
  at.fill(0);
  for (const x of lists[0]) {
    const base = x - offs[0];
    let k = 1;
    for (; k < lists.length; k++) {
      const a = lists[k], want = base + offs[k];
      let y = at[k];
      while (y < a.length && a[y] < want) y++;
      at[k] = y;
      if (a[y] !== want) break;
    }
    if (k === lists.length) n++;
  }
  return n;
};
/* Advances idx[k] along ps[k].d (ascending) to d, k ≥ 1: true when every list holds d. */
const meet = (ps, idx, d) => {
  for (let k = 1; k < ps.length; k++) {
    const dl = ps[k].d;
    let y = idx[k];
    while (y < dl.length && dl[y] < d) y++;
    idx[k] = y;
    if (dl[y] !== d) return false;
  }
  return true;
};
/* doc → f32 score, in the order first added: what clauseScores needs of a Map, over typed
   arrays (it adds every posting of a clause on each keystroke). */
const docScores = () => {
  const v = new Float32Array(M.N), seen = new Uint8Array(M.N), ds = [];
  return {
    add: (d, x) => { if (!seen[d]) { seen[d] = 1; ds.push(d); } v[d] += x; }, /* stored as f32: F(v + x) */
    get: d => seen[d] ? v[d] : undefined,
    forEach: fn => { for (let i = 0; i < ds.length; i++) fn(v[ds[i]], ds[i]); },
  };
};
const clauseScores = (c, terms) => { /* doc → Σ fields of boosted BM25 */
  const acc = docScores(), real = c.t.map((x, j) => j).filter(j => terms[j]), keep = real.filter(j => !c.o.has(j));
  const offs = keep.map(j => c.t[j][0]), modes = keep.map(j => sepAfter(c, j) ? 1 : c.o.has(j + 1) ? 2 : 0);
  const which = keep.map(j => real.indexOf(j)), multi = terms.length > 1;
  for (let fi = 0; fi < 5; fi++) {
    const f = c.u ? fi + 5 : fi, ps = real.map(j => terms[j][f]), ks = keep.map(j => terms[j][f]);
    if (!ps.every(Boolean) || terms.length > ps.length && !M.sep[f]) continue;
    let isum = 0;
    terms.forEach(t => { isum = F(isum + idf(t ? t[f].d.length : M.sep[f])); });
    const w = F(F(isum * K1P1) * M.boost[fi]), p0 = ps[0];
    /* idx[k] walks ps[k] (ascending) along p0 */
    const idx = new Int32Array(ps.length), pos = multi ? ks.map((p, k) => positions(p, modes[k])) : [];
    const lists = new Array(ks.length), at = new Int32Array(ks.length);
    for (let i0 = 0; i0 < p0.d.length; i0++) {
      const d = p0.d[i0];
      let tf = p0.tf[i0];
      if (multi) {
        if (!meet(ps, idx, d)) continue;
        idx[0] = i0;
        for (let j = 0; j < ks.length; j++) lists[j] = pos[j][idx[which[j]]];
        if (!(tf = phraseCount(lists, offs, at))) continue;
      }
      acc.add(d, bm25(w, f, p0.fn[i0], tf));
    }
  }
  return acc;
};

/* The bucket entries of a clause's terms (0 for the separator). */
const entries = c => Promise.all(c.t.map(t => t[1] === " " ? 0 : entry(t[1])));
/* A clause's postings for exact scores (positions, flags as needed). */
const exactTerms = (c, es) => {
  c.o = omit(c.t, es);
  return Promise.all(es.map((x, j) => x && term(x, c.t.length > 1 && !c.o.has(j), sepAfter(c, j) || c.o.has(j + 1))));
};
/* Documents in every clause's map (score or bound), summed in clause order. */
const combine = maps => {
  const cand = [];
  maps[0].forEach((x0, d) => {
    let s = 0;
    for (const m of maps) { const x = m.get(d); if (x === undefined) return; s = F(s + x); }
    cand.push({ d, s });
  });
  return cand;
};
/* Documents matching every clause: [{d, s}] in document order. */
const score = async cs => {
  const data = await Promise.all(cs.map(async c => exactTerms(c, await entries(c))));
  return combine(cs.map((c, i) => clauseScores(c, data[i])));
};
/* Puts the first of xs[from..] in order at xs[from..to), the rest after them; → to (≤ length).
   A quickselect, then a sort: a keystroke verifies the first few of thousands of candidates. */
const sortFrom = (xs, from, to, order) => {
  to = Math.min(to, xs.length);
  for (let lo = from, hi = xs.length - 1, k = to - 1; to < xs.length && lo < hi;) {
    const pivot = xs[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (order(xs[i], pivot) < 0) i++;
      while (order(xs[j], pivot) > 0) j--;
      if (i <= j) { const t = xs[i]; xs[i++] = xs[j]; xs[j--] = t; }
    }
    if (k <= j) hi = j; else if (k >= i) lo = i; else break;
  }
  xs.slice(from, to).sort(order).forEach((x, i) => { xs[from + i] = x; });
  return to;
};
/* Score descending, then document; "date": newest first before that. */
const ordering = (sort, date) => {
  const byScore = (a, b) => b.s - a.s || a.d - b.d;
  return sort === "date" ? (a, b) => date(b.d) - date(a.d) || byScore(a, b) : byScore;
};
/* First results without positions. A phrase of 3+ Chinese characters (consecutive bigrams)
   occurs in a field as often as its characters do in the field's text, so the texts in d/,
   which the result cards load anyway, can stand in for its positions. Candidates (documents
   with every bigram in one field) are ranked by an upper bound, the BM25 of the smallest
   bigram frequency, and verified in that order until the k-th verified result beats the
   next bound; the exact list, count and facet counts follow from the positions (full()). */
const textual = c => !c.u && c.n.length === 1 && !c.n[0].w && c.t.length === c.n[0].c.length - 1 && c.t.every((x, j) => x[0] === j);
const boundScores = (c, terms, j = -1, skip = -1, dfs = []) => { /* doc → bound; j: a pair of
  bigrams j, j + 1 whose positions are loaded, their count as a phrase bounding too; skip: a
  bigram whose postings are not loaded (its document frequencies dfs stand in for its idf) */
  const acc = docScores(), two = new Int32Array(2), at = k => k - (skip >= 0 && k > skip);
  c.w = [];
  c.z = skip === 0 ? 1 : 0; /* the first term loaded */
  for (let f = 0; f < 5; f++) {
    const all = terms.map((t, k) => k === skip ? dfs[f] : t[f]);
    if (!all.every(Boolean)) continue;
    let isum = 0;
    all.forEach(p => { isum = F(isum + idf(p.d ? p.d.length : p)); });
    const ps = all.filter((p, k) => k !== skip);
    const w = c.w[f] = F(F(isum * K1P1) * M.boost[f]), p0 = ps[0], idx = new Int32Array(ps.length);
    for (let i0 = 0; i0 < p0.d.length; i0++) {
      const d = p0.d[i0];
      if (!meet(ps, idx, d)) continue;
      let tf = p0.tf[i0];
      for (let k = 1; k < ps.length; k++) tf = Math.min(tf, ps[k].tf[idx[k]]);
      if (j >= 0) {
        const ks = k => positions(ps[k])[k ? idx[k] : i0];
        if (!(tf = Math.min(tf, phraseCount([ks(at(j)), ks(at(j + 1))], [0, 1], two)))) continue;
      }
      acc.add(d, bm25(w, f, p0.fn[i0], tf));
    }
  }
  return acc;
};
const FIELD_KEYS = "tesgb";
/* Where the characters c stand in n, overlapping: n is a text()'s normalized characters. */
const each = (n, c, fn) => {
  const s = c.join("");
  if (typeof n === "string") { /* one code unit a character */
    if (c.length && s.length === c.length) for (let i = n.indexOf(s); i >= 0; i = n.indexOf(s, i + 1)) fn(i);
    return;
  }
  for (let i = 0; c.length && i + c.length <= n.length; i++) {
    let j = 0;
    while (j < c.length && n[i + j] === c[j]) j++;
    if (j === c.length) fn(i);
  }
};
const occurrences = (n, c) => {
  let k = 0;
  each(n, c, () => { k++; });
  return k;
};
/* Where d stands in the ascending list ds, -1 if absent. */
const find = (ds, d) => {
  let lo = 0, hi = ds.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (ds[m] < d) lo = m + 1; else hi = m; }
  return ds[lo] === d ? lo : -1;
};
/* The clause's exact score in document d (text x), -1 if absent: the fields of boundScores
   (where the phrase is absent from a field's postings it is absent from its text too). */
const textScore = (c, terms, d, x) => {
  let s = -1;
  for (let f = 0; f < 5; f++) {
    const p0 = c.w[f] !== undefined && terms[c.z][f], i = p0 ? find(p0.d, d) : -1;
    const tf = i < 0 ? 0 : occurrences(text(x, FIELD_KEYS[f])[1], c.n[0].c);
    if (tf) s = F((s < 0 ? 0 : s) + bm25(c.w[f], f, p0.fn[i], tf));
  }
  return s;
};
const quick = async (cs, fl, sort) => { /* → a lazy result, or null when positions are cheap */
  const data = await Promise.all(cs.map(async c => {
    const es = await entries(c);
    return { es, big: c.t.length > 1 && es.some(x => x && typeof (x.e || "")[0] === "number") };
  }));
  if (!data.some(x => x.big) || data.some((x, i) => x.big && !textual(cs[i]))) return null;
  let Q = 0; /* bytes of the big phrases' positions, the cost of ranking exactly */
  data.forEach(({ es, big }, i) => { const o = big && omit(cs[i].t, es); if (big) es.forEach((x, j) => { if (!o.has(j)) Q += cost(x); }); });
  /* The cheapest pair of adjacent bigrams of each big phrase of 3+ bigrams (-1: none), and
     what its positions cost in document files. */
  const two = (es, m) => cost(es[m]) + cost(es[m + 1]);
  const pairs = cs.map((c, i) => {
    const es = data[i].es;
    if (!data[i].big || es.length < 3) return -1;
    let j = 0;
    for (let m = 1; m + 1 < es.length; m++) if (two(es, m) < two(es, j)) j = m;
    return j;
  });
  /* With a pair, the dearest other bigram with its own files (-1: none): its postings stay
     unloaded, its document frequencies in the bucket stand in for them (first_page.rs). */
  const skips = pairs.map((j, i) => {
    const es = data[i].es;
    let s = -1;
    if (j >= 0) es.forEach((x, m) => { if (m !== j && m !== j + 1 && cost(x) > (s < 0 ? 0 : cost(es[s])) && x.e[3]) s = m; });
    return s;
  });
  const dfs = i => skips[i] < 0 ? [] : data[i].es[skips[i]].e[3];
  const bigTerms = (i, j) => Promise.all(data[i].es.map((x, m) => x && m !== skips[i] && term(x, j >= 0 && (m === j || m === j + 1), false)));
  const terms = await Promise.all(cs.map((c, i) => data[i].big ? bigTerms(i, -1) : exactTerms(c, data[i].es)));
  const maps = cs.map((c, i) => data[i].big ? boundScores(c, terms[i], -1, skips[i], dfs(i)) : clauseScores(c, terms[i]));
  const pd = pairs.map((j, i) => j < 0 ? 0 : two(data[i].es, j) / M.D);
  let Pd = 0; /* all pairs, in clause order */
  pairs.forEach((j, i) => { if (j >= 0) Pd += pd[i]; });
  let cand = combine(maps), date = () => 0;
  if (fl.length || sort === "date") {
    const row = await facetRows(cand);
    cand = tally(cand, row, fl).hits;
    date = d => row(d)[6] || 0;
  }
  const order = ordering(sort, date);
  let sorted = 0; /* cand is in order up to here */
  const at = i => { if (i >= sorted) sorted = sortFrom(cand, sorted, Math.max(i + 1, 2 * sorted, 32), order); return cand[i]; };
  const exact = (h, x) => {
    let s = 0;
    for (let i = 0; i < cs.length; i++) {
      const e = data[i].big ? textScore(cs[i], terms[i], h.d, x) : maps[i].get(h.d);
      if (e < 0) return -1;
      s = F(s + e);
    }
    return s;
  };
  const V = [], r = { clauses: cs };
  let next = 0, loaded = 0, busy = Promise.resolve(), probed = false;
  /* Once the texts would cost more than the pairs' positions: those positions, for tighter
     bounds of the candidates not yet verified (first_page.rs replays this too). */
  const probe = async () => {
    probed = true;
    await Promise.all(cs.map(async (c, i) => {
      const j = pairs[i];
      if (j < 0) return;
      loaded += pd[i];
      maps[i] = boundScores(c, await bigTerms(i, j), j, skips[i], dfs(i));
    }));
    const s = new Map(combine(maps).map(h => [h.d, h.s]));
    const rest = cand.slice(next).filter(h => s.has(h.d)).map(h => ({ d: h.d, s: s.get(h.d) }));
    cand = cand.slice(0, next).concat(rest);
    sorted = next;
  };
  const grow = async k => { /* see first_page.rs, which replays this walk */
    while (k > 0) {
      const kth = V.length >= k ? V[k - 1] : null;
      if (next >= cand.length || kth && order(kth, at(next)) < 0) return;
      let running = kth ? 0 : k - V.length;
      if (kth) while (next + running < cand.length && order(kth, at(next + running)) >= 0) running++;
      if (!probed && pairs.some(j => j >= 0) && loaded + running > k + Pd) { await probe(); continue; }
      if (loaded + running > k + Q / M.D) { /* the texts would cost more than the positions */
        const x = await r.full();
        V.splice(0, V.length, ...x.hits);
        next = cand.length;
        return;
      }
      const batch = [];
      while (next < cand.length && batch.length < (kth ? k : k - V.length) && !(kth && order(kth, at(next)) < 0)) batch.push(at(next++));
      loaded += batch.length;
      const xs = await Promise.all(batch.map(h => load("d/" + h.d)));
      batch.forEach((h, j) => {
        const s = exact(h, xs[j]);
        if (s < 0) return;
        const v = { d: h.d, s };
        let at = V.length;
        while (at && order(V[at - 1], v) > 0) at--;
        V.splice(at, 0, v);
      });
    }
  };
  r.page = (from, to) => (busy = busy.then(() => grow(to))).then(() => {
    if (next >= cand.length) r.total = V.length;
    return V.slice(from, to);
  });
  return r;
};
const open = async () => { M = await load("meta"); avg = avg || M.tot.map(t => F(F(t) / F(M.N))); };
/* filters: facet → value or [values] (any of them); facets combine with AND. */
const groups = filters => FACETS.map((f, i) => {
  const v = (filters || {})[f];
  return [i, (v === undefined || v === null ? [] : [].concat(v)).map(String).filter(x => x)];
}).filter(x => x[1].length);
/* Facet rows of the candidates' shards: d → [year, area, region, [..], [..], [..], date]. */
const facetRows = async cand => {
  const fs = [], shards = [];
  for (const h of cand) shards[Math.floor(h.d / M.FS)] = 1;
  await Promise.all(shards.map(async (x, k) => { fs[k] = await load("f/" + k); }));
  return d => fs[Math.floor(d / M.FS)][d % M.FS];
};
/* Candidates matching every facet group, and counts[i] following every group but facet i's
   own. A row's facet is -1 (none), a value number or an array of them. */
const tally = (cand, row, fl) => {
  const want = fl.map(([i, vs]) => [i, new Set(vs.map(v => M.facets[FACETS[i]].indexOf(v)))]);
  const has = (v, set) => typeof v === "number" ? set.has(v) : v.some(x => set.has(x));
  const tallies = FACETS.map(f => new Uint32Array(M.facets[f].length)), hits = [];
  const add = (v, t) => { if (typeof v === "number") { if (v >= 0) t[v]++; } else for (const x of v) t[x]++; };
  cand.forEach(h => {
    const r = row(h.d);
    let miss = -1, n = 0;
    for (const [i, set] of want) if (!has(r[i], set)) { miss = i; if (++n > 1) return; }
    if (n === 0) { hits.push(h); for (let i = 0; i < FACETS.length; i++) add(r[i], tallies[i]); } else add(r[miss], tallies[miss]);
  });
  const counts = tallies.map((t, i) => {
    const m = {};
    t.forEach((n, x) => { if (n) m[M.facets[FACETS[i]][x]] = n; });
    return m;
  });
  return { hits, counts };
};
/* → {hits: [{d, s}], total, clauses, counts()}; sort "date": newest first (the date key of
   export.rs), then score, then URL, as SearchIndex::search_sorted. counts() resolves to the
   facet counts ([facet] → value → n, following the query and every facet's selection but
   the facet's own); without filters or the date order the hits come without loading the
   facet shards, and counts() loads them. */
const run = api.run = async (q, filters = {}, sort) => {
  const x = await matching(q, filters, sort);
  x.hits.sort(x.order);
  return x;
};
/* run's result with the hits not yet in order, and the order. */
const matching = async (q, filters = {}, sort) => {
  await open();
  const cs = parse(q), fl = groups(filters);
  let cand = [];
  if (cs.length) cand = await score(cs);
  else if (fl.length) for (let d = 0; d < M.N; d++) cand.push({ d, s: 0 });
  if (!fl.length && sort !== "date") {
    let later;
    return { hits: cand, order: ordering(), total: cand.length, clauses: cs,
      counts: () => later || (later = facetRows(cand).then(row => tally(cand, row, []).counts)) };
  }
  const row = await facetRows(cand), { hits, counts } = tally(cand, row, fl), date = d => row(d)[6] || 0;
  return { hits, order: ordering(sort, date), total: hits.length, clauses: cs, counts: () => Promise.resolve(counts) };
};
/* The first k hits in order, without sorting them all (a keystroke shows ten of thousands). */
const firstK = (hits, k, order) => {
  const top = [];
  for (const h of hits) {
    if (top.length === k && order(h, top[k - 1]) >= 0) continue;
    let i = Math.min(top.length, k - 1);
    top[i] = h;
    for (; i > 0 && order(top[i], top[i - 1]) < 0; i--) [top[i], top[i - 1]] = [top[i - 1], top[i]];
  }
  return top;
};
/* → {clauses, page(from, to) → hits, total (once known), full() → run's result, counts()}:
   the first pages from quick() where it applies, else from run(). */
const start = api.start = async (q, filters = {}, sort) => {
  await open();
  const cs = parse(q), fl = groups(filters), r = cs.length ? await quick(cs, fl, sort) : null;
  if (!r) {
    const x = await matching(q, filters, sort);
    let sorted = false;
    const all = () => { if (!sorted) { x.hits.sort(x.order); sorted = true; } return x; };
    return { clauses: x.clauses, total: x.total, full: () => Promise.resolve(all()), counts: x.counts,
      page: (a, b) => Promise.resolve(!sorted && b > 0 && b <= 4 * PAGE ? firstK(x.hits, b, x.order).slice(a) : all().hits.slice(a, b)) };
  }
  let exact;
  const full = () => exact || (exact = run(q, filters, sort));
  return Object.assign(r, { full, counts: () => full().then(x => x.counts()) });
};
/* How many documents contain each clause of q on its own (no filters), and for a Chinese
   run found nowhere, its longest sub-strings that do occur: [{text, n, parts: [{text, n}]}]. */
api.explain = async q => {
  await open();
  const out = [];
  for (const c of parse(q)) {
    const text = c.n.map(k => k.c.join("")).join(" "), n = (await score([c])).length, parts = [];
    const cjk = c.n.length === 1 && !c.n[0].w ? c.n[0].c : [];
    if (!n) for (let L = cjk.length - 1; L >= 2 && !parts.length; L--) {
      for (let i = 0; i + L <= cjk.length; i++) {
        const sub = cjk.slice(i, i + L).join(""), k = (await score(parse(sub))).length;
        if (k && !parts.some(p => p.text === sub)) parts.push({ text: sub, n: k });
      }
    }
    out.push({ text, n, parts });
  }
  return out;
};

/* Snippets, as src/search/snippet.rs. */
const NORMC = new Map();
const normc = ch => {
  let n = NORMC.get(ch);
  if (n === undefined) {
    const c = String.fromCodePoint(fold(ch.codePointAt(0))), l = c.toLowerCase();
    NORMC.set(ch, n = [...l].length === 1 ? l : c);
  }
  return n;
};
/* Characters and normalized characters of a shard text, once per page: the text and a string
   of the same length where it has no surrogate (one code unit a character), else arrays. */
const CHANGED = /[A-Z]|[^\0-\x7F\u3001-\u9FFF]/g; /* may change: ASCII and U+3001–U+9FFF have no fold, no case */
const text = (o, k) => {
  if (o["\0" + k]) return o["\0" + k];
  const x = o[k];
  if (!/[\uD800-\uDFFF]/.test(x)) {
    const n = x.replace(CHANGED, normc);
    if (n.length === x.length) return (o["\0" + k] = [x, n]);
  }
  const t = [], n = [];
  for (let i = 0; i < x.length; i++) {
    const c = x.charCodeAt(i), d = x.charCodeAt(i + 1), pair = c >= 0xD800 && c < 0xDC00 && d >= 0xDC00 && d < 0xE000;
    const ch = pair ? x.slice(i, ++i + 1) : x[i];
    t.push(ch);
    n.push(c < 0x80 ? (c > 64 && c < 91 ? String.fromCharCode(c + 32) : ch) : c > 0x3000 && c < 0xA000 ? ch : normc(ch));
  }
  return (o["\0" + k] = [t, n]);
};
const matches = (n, nds) => { /* n: normalized characters */
  const r = [], out = [];
  const isw = i => i >= 0 && i < n.length && cls(n[i].codePointAt(0)) === 2;
  nds.forEach(nd => {
    const k = nd.c.length;
    each(n, nd.c, i => { if (!(nd.w && (isw(i - 1) || isw(i + k)))) r.push([i, i + k]); });
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
const snippet = (x, nds) => {
  const [b, bn] = text(x, "b"), m = matches(bn, nds);
  if (m.length) return render(b, bounds(m[0], b.length), m, b.length);
  const [s, sn] = text(x, "s"), ms = matches(sn, nds), t = b.length ? b : s;
  return ms.length ? render(s, bounds(ms[0], s.length), ms, s.length) : render(t, [0, Math.min(100, t.length)], [], t.length);
};
/* The needles a query's snippets mark, each once. */
const needles = clauses => {
  const nds = [], seen = {};
  clauses.forEach(c => c.n.forEach(k => { const key = k.w + k.c.join(""); if (!seen[key]) { seen[key] = 1; nds.push(k); } }));
  return nds;
};
/* Hit h as a result, from its document x. */
const result = (h, x, nds) => ({ url: x.u, title: x.t, enterprise: x.e, year: x.y, area: x.a, region: x.r, date: x.k, score: h.s, snippet: snippet(x, nds) });
const materialize = (clauses, hits) => {
  const nds = needles(clauses);
  return Promise.all(hits.map(async h => result(h, await load("d/" + h.d), nds)));
};
/* → [{url, title, enterprise, year, area, region, date, score, snippet}]; filters as in run,
   sort "relevance" (default) or "date". */
api.search = async (q, filters, limit = PAGE, sort) => { const r = await start(q, filters, sort); return materialize(r.clauses, await r.page(0, limit)); };


/* The page (templates/search.html): results while typing (api.wait ms after the last
   keystroke, default WAIT), never for half-composed input (IME), at once on Enter or when
   a composition ends; state in the URL (q, repeated facet parameters, sort) kept with
   history.replaceState, so Back leaves the page and a shared URL reproduces the view. */
const NAMES = "年度 重点领域 地区 行业 方法 标签".split(" "), TOP = 5, WAIT = 120, COUNT_WAIT = 300;
const el = (tag, attrs, ...kids) => {
  const e = doc.createElement(tag);
  for (const k in attrs) if (attrs[k] !== false && attrs[k] !== undefined) e.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
  e.append(...kids);
  return e;
};
const page = () => {
  const $ = id => doc.getElementById(id), form = $("search-form"), list = $("search-results");
  if (!form || !list) return;
  const input = form.elements.q, status = $("search-status"), more = $("search-more"), facets = $("search-facets");
  const chips = $("search-chips"), toggle = $("search-filter-toggle"), sortSel = $("search-sort"), clear = $("search-clear");
  const help = $("search-empty"), isl = $("search-labels"), island = isl ? JSON.parse(isl.textContent) : {};
  const params = new URLSearchParams(location.search), sel = {}, expanded = {};
  FACETS.forEach(f => { sel[f] = [...new Set(params.getAll(f).filter(Boolean))]; });
  let q = params.get("q") || "", sort = params.get("sort") === "date" ? "date" : "", composing = false, timer = 0, seq = 0, shown = 0, r = null;
  const label = (f, v) => f === "year" ? v + "年" : (M && M.labels[f] || {})[v] || (island[f] || {})[v] || v;
  const active = () => FACETS.some(f => sel[f].length);
  const say = (t, b) => { status.ariaBusy = b ? "true" : null; status.textContent = t; }; /* b: count to come, say it once */
  const url = () => {
    const p = new URLSearchParams();
    if (q) p.set("q", q);
    FACETS.forEach(f => sel[f].forEach(v => p.append(f, v)));
    if (sort) p.set("sort", sort);
    const s = String(p);
    return location.pathname + (s ? "?" + s : "");
  };
  let rt = 0; /* replaceState costs ~5 ms: while typing, the URL follows once typing pauses */
  const remember = () => { clearTimeout(rt); try { history.replaceState(null, "", url()); } catch (e) { /* file:// in some browsers */ } };
  const layout = list.closest(".search-layout");
  const bare = b => { /* nothing to filter: the explanation takes the facets' place */
    if (layout) layout.classList.toggle("no-facets", b);
    if (toggle) toggle.hidden = b;
  };
  const fileLink = u => location.protocol === "file:" && /\/$/.test(u) ? u + "index.html" : u;
  const renderChips = () => {
    const items = [];
    FACETS.forEach((f, i) => sel[f].forEach(v => items.push(el("li", {}, el("button", {
      type: "button", class: "chip", "data-f": f, "data-v": v, "aria-label": `移除筛选：${NAMES[i]} ${label(f, v)}`,
    }, `${label(f, v)}`, el("span", { "aria-hidden": "true", class: "chip-x" }, "×"))))));
    if (items.length > 1) items.push(el("li", {}, el("button", { type: "button", class: "chip chip-clear", "data-clear": "" }, "清除全部筛选")));
    chips.replaceChildren(...items);
    chips.hidden = !items.length;
    const n = FACETS.reduce((a, f) => a + sel[f].length, 0);
    if (toggle) toggle.querySelector(".n").textContent = n ? `（${n}）` : "";
  };
  const renderFacets = counts => {
    const focused = doc.activeElement, inside = focused && focused.closest && focused.closest("#search-facets");
    const fkey = inside ? [focused.getAttribute("data-f"), focused.getAttribute("data-v"), focused.id] : null;
    const parts = [];
    counts.forEach((m, i) => {
      const f = FACETS[i], on = sel[f];
      const vals = [...new Set([...Object.keys(m), ...on])].sort(f === "year" ? (a, b) => b - a : (a, b) => (m[b] || 0) - (m[a] || 0) || (a < b ? -1 : 1));
      if (!vals.length) return;
      const all = expanded[f] || vals.length <= TOP + 1, vis = all ? vals : vals.filter((v, k) => k < TOP || on.includes(v));
      const items = vis.map(v => {
        const id = `ff-${i}-${vals.indexOf(v)}`;
        return el("li", {}, el("input", { type: "checkbox", id, "data-f": f, "data-v": v, checked: on.includes(v) }),
          el("label", { for: id }, el("span", { class: "fv" }, label(f, v)), el("span", { class: "count" }, String(m[v] || 0), el("span", { class: "vh" }, " 个案例"))));
      });
      const box = el("fieldset", { class: "facet" }, el("legend", {}, NAMES[i]), el("ul", {}, ...items));
      if (vals.length > TOP + 1) box.append(el("button", { type: "button", class: "facet-more", id: `fm-${i}`, "data-more": f, "aria-expanded": String(!!expanded[f]) },
        expanded[f] ? "收起" : `更多（${vals.length - vis.length}）`));
      parts.push(box);
    });
    facets.replaceChildren(...parts);
    if (fkey) {
      const again = fkey[1] !== null ? [...facets.querySelectorAll("input")].find(x => x.getAttribute("data-f") === fkey[0] && x.getAttribute("data-v") === fkey[1]) : $(fkey[2]);
      if (again) again.focus();
    }
  };
  const card = h => {
    const p = el("p", { class: "snippet" }), meta = [label("year", h.year), h.area && label("area", h.area), h.region && label("region", h.region)].filter(Boolean);
    p.innerHTML = h.snippet;
    return el("li", {}, el("article", { class: "card result" },
      el("h2", { class: "card-title" }, el("a", { href: fileLink("../" + h.url) }, h.title)),
      el("p", { class: "card-ent" }, h.enterprise),
      el("p", { class: "card-meta" }, meta.join(" · ")), p));
  };
  const explainEmpty = async (my, fl) => {
    const out = [], words = q.trim() ? await api.explain(q) : [];
    if (my !== seq) return;
    if (words.length > 1 || words.some(w => !w.n)) {
      const ul = el("ul", { class: "explain" }, ...words.map(w => el("li", {},
        el("strong", {}, `“${w.text}”`), w.n ? `：${w.n} 个案例包含` : "：没有案例包含",
        ...(w.parts.length ? ["；其中 ", ...w.parts.flatMap((x, k) => [k ? "、" : "", el("button", { type: "button", class: "linkish", "data-q": x.text }, `“${x.text}”`), `（${x.n}）`]), " 有案例包含"] : []))));
      out.push(el("p", {}, words.length > 1 ? "没有案例同时包含这些词。每个词单独出现在：" : "全站案例中："), ul);
      if (words.length > 1) out.push(el("p", {}, "可以去掉一个词再试。"));
    }
    if (fl) {
      const n = q.trim() ? (await run(q, {})).total : 0;
      if (my !== seq) return;
      if (n) out.push(el("p", {}, `去掉筛选条件后有 ${n} 个案例。`, " ", el("button", { type: "button", class: "btn", "data-clear": "" }, "清除全部筛选")));
    }
    if (!out.length) out.push(el("p", {}, "试试更短的词，或换一个说法。"));
    help.replaceChildren(...out);
    help.hidden = false;
  };
  const search = async typing => {
    const my = ++seq, fl = active();
    if (typing === 1) { clearTimeout(rt); rt = setTimeout(remember, COUNT_WAIT); } else remember();
    renderChips();
    if (clear) clear.hidden = !input.value;
    if (!q.trim() && !fl) {
      r = null; shown = 0;
      list.replaceChildren(); list.ariaBusy = null; facets.replaceChildren(); help.hidden = true; more.hidden = true;
      say("");
      return;
    }
    const filters = {};
    FACETS.forEach(f => { filters[f] = sel[f]; });
    let res, hits;
    try {
      res = await start(q, filters, sort);
      if (my !== seq) return;
      hits = await res.page(0, PAGE);
      if (my !== seq) return;
      /* Cards in order as their documents arrive, the list aria-busy until the last. */
      const nds = needles(res.clauses), docs = hits.map(h => load("d/" + h.d));
      docs.forEach(d => d.catch(() => {})); /* reported below, when awaited */
      for (let i = 0; i < hits.length; i++) {
        const c = card(result(hits[i], await docs[i], nds));
        if (my !== seq) return;
        if (i) list.append(c);
        else { bare(false); more.hidden = true; list.ariaBusy = "true"; list.replaceChildren(c); }
      }
      list.ariaBusy = null;
    } catch (e) { if (my === seq) { list.ariaBusy = null; say("搜索索引加载失败：" + e.message); } return; }
    r = res; shown = hits.length;
    if (!shown) list.replaceChildren();
    const counted = total => {
      bare(!total && !fl);
      more.hidden = shown >= total;
      say(total ? `找到 ${total} 个案例` : q.trim() ? `没有找到包含“${q.trim()}”的案例` : "没有符合筛选条件的案例");
      if (!total) explainEmpty(my, fl);
    };
    help.hidden = true;
    if (res.total !== undefined) counted(res.total);
    else { more.hidden = shown < PAGE; say("正在统计案例总数…", 1); }
    await new Promise(go => requestAnimationFrame(() => setTimeout(go, 0))); /* results paint first */
    if (my !== seq) return;
    try {
      if (res.total === undefined) { /* positions: only once typing pauses */
        await new Promise(go => setTimeout(go, COUNT_WAIT));
        if (my !== seq) return;
        const x = await res.full();
        if (my !== seq) return;
        res.total = x.total;
        counted(x.total);
      }
      const counts = await res.counts();
      if (my === seq) renderFacets(counts);
    } catch (e) { if (my === seq) say("搜索索引加载失败：" + e.message); }
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(search, api.wait === undefined ? WAIT : api.wait, 1); };
  const typed = () => { if (input.value !== q) { q = input.value; later(); } };
  input.value = q;
  if (sortSel) {
    sortSel.value = sort;
    sortSel.addEventListener("change", () => { sort = sortSel.value; search(); });
  }
  input.addEventListener("compositionstart", () => { composing = true; clearTimeout(timer); });
  input.addEventListener("compositionend", () => { composing = false; if (input.value !== q) { q = input.value; clearTimeout(timer); search(); } });
  input.addEventListener("input", e => { if (!composing && !e.isComposing) typed(); });
  list.addEventListener("click", remember); /* before a result opens */
  W.addEventListener("pagehide", remember);
  form.addEventListener("submit", e => { e.preventDefault(); clearTimeout(timer); q = input.value; search(); });
  if (clear) clear.addEventListener("click", () => { input.value = q = ""; input.focus(); clearTimeout(timer); search(); });
  if (toggle) toggle.addEventListener("click", () => {
    const openNow = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(openNow));
    facets.classList.toggle("open", openNow);
  });
  facets.addEventListener("change", e => {
    const t = e.target, f = t.getAttribute("data-f"), v = t.getAttribute("data-v");
    if (!f) return;
    sel[f] = t.checked ? [...sel[f], v] : sel[f].filter(x => x !== v);
    search();
  });
  facets.addEventListener("click", e => {
    const f = e.target.getAttribute && e.target.getAttribute("data-more");
    if (f && r) { expanded[f] = !expanded[f]; r.counts().then(renderFacets); }
  });
  const dropAll = () => { FACETS.forEach(f => { sel[f] = []; }); search(); };
  chips.addEventListener("click", e => {
    const b = e.target.closest("button");
    if (!b) return;
    if (b.hasAttribute("data-clear")) { dropAll(); input.focus(); return; }
    const f = b.getAttribute("data-f"), v = b.getAttribute("data-v");
    sel[f] = sel[f].filter(x => x !== v);
    search().then(() => { const c = chips.querySelector("button"); (c || input).focus(); });
  });
  help.addEventListener("click", e => {
    const b = e.target.closest("button");
    if (!b) return;
    if (b.hasAttribute("data-clear")) dropAll();
    else if (b.hasAttribute("data-q")) { input.value = q = b.getAttribute("data-q"); search(); }
  });
  more.addEventListener("click", () => {
    const my = seq, res = r;
    if (!res) return;
    res.page(shown, shown + PAGE).then(hs => materialize(res.clauses, hs)).then(hs => {
      if (my !== seq) return;
      const from = list.children.length;
      list.append(...hs.map(card));
      shown += hs.length;
      more.hidden = res.total === undefined ? hs.length < PAGE : shown >= res.total;
      const a = list.children[from] && list.children[from].querySelector("a");
      if (a) a.focus();
    });
  });
  if (q.trim() || active()) { say("正在搜索…"); search(); } else { renderChips(); open().catch(() => {}); } /* meta (preloaded) ready for the first keystroke */
};
if (doc) doc.readyState === "loading" ? doc.addEventListener("DOMContentLoaded", page) : page();
})(window);
