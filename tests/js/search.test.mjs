// Parity of templates/static/search.js with SearchIndex::search.
// Run by tests/search_parity.rs (`cargo test`), which exports an index and the expected
// results and sets BIAOGAN_SEARCH_DIR (the export), BIAOGAN_SEARCH_EXPECTED (JSON dump of
// the library's results) and BIAOGAN_SEARCH_JS (the script under test).
// Standalone: `node --test tests/js/` skips unless those variables are set.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";

const dir = process.env.BIAOGAN_SEARCH_DIR;
const expectedPath = process.env.BIAOGAN_SEARCH_EXPECTED;
const jsPath = process.env.BIAOGAN_SEARCH_JS ||
  new URL("../../templates/static/search.js", import.meta.url).pathname;
const skip = !dir || !expectedPath ? "set BIAOGAN_SEARCH_DIR and BIAOGAN_SEARCH_EXPECTED (run `cargo test --test search_parity`)" : false;

/** A fresh page: search.js evaluated in its own context, shards loaded from `dir`. */
function engine() {
  const ctx = vm.createContext({});
  ctx.window = ctx;
  vm.runInContext(fs.readFileSync(jsPath, "utf8"), ctx, { filename: jsPath });
  const loaded = [];
  ctx.biaogan.fetch = (name, done) => {
    loaded.push(name + ".js");
    try {
      vm.runInContext(fs.readFileSync(path.join(dir, name + ".js"), "utf8"), ctx);
    } catch (e) {
      return done(e);
    }
    done();
  };
  return { api: ctx.biaogan, loaded };
}

const plain = (x) => JSON.parse(JSON.stringify(x));

test("search.js returns the same documents, order, scores and snippets as tantivy", { skip }, async () => {
  const cases = JSON.parse(fs.readFileSync(expectedPath, "utf8"));
  let hits = 0, exact = 0, maxRel = 0, fileSets = 0, skipped = 0;
  for (const c of cases) {
    const { api, loaded } = engine();
    const first = plain(await api.search(c.q, c.filters, 10));
    const label = `${JSON.stringify(c.q)} ${JSON.stringify(c.filters)}`;
    // The files a first query loads are exactly those the library predicts (payload accounting).
    assert.deepEqual([...new Set(loaded)].sort(), [...c.files].sort(), `files of ${label}`);
    fileSets++;
    assert.deepEqual(first.map((h) => h.url), c.hits.slice(0, 10).map((h) => h.url), `first page of ${label}`);
    const all = plain(await api.search(c.q, c.filters, 100000));
    skipped += (await api.run(c.q, c.filters)).clauses.filter((cl) => cl.o.size > 0).length;
    assert.deepEqual(all.map((h) => h.url), c.hits.map((h) => h.url), `ranking of ${label}`);
    all.forEach((h, i) => {
      const want = c.hits[i];
      const rel = Math.abs(h.score - want.score) / Math.max(Math.abs(want.score), 1e-30);
      assert.ok(rel <= 1e-4, `score of ${want.url} for ${label}: ${h.score} vs ${want.score}`);
      if (h.score === Math.fround(want.score)) exact++;
      maxRel = Math.max(maxRel, rel);
      assert.equal(h.title, want.title, `title of ${want.url}`);
      assert.equal(h.snippet, want.snippet, `snippet of ${want.url} for ${label}`);
      hits++;
    });
  }
  console.log(`parity: ${cases.length} queries, ${hits} hits, ${exact} scores bit-identical (f32), max relative difference ${maxRel}, ${fileSets} file sets equal, ${skipped} phrases matched without some positions`);
  assert.ok(skipped > 0, "the interior-bigram optimisation is exercised");
});

test("query parsing edge cases", { skip: !fs.existsSync(jsPath) && "no search.js" }, () => {
  const ctx = vm.createContext({});
  ctx.window = ctx;
  vm.runInContext(fs.readFileSync(jsPath, "utf8"), ctx);
  const d = (q) => plain(ctx.biaogan.parse(q)).map((c) => (c.u ? "u:" : "") + c.t.map((t) => t[1].replace(" ", "_") + "@" + t[0]).join("+")).join(" & ");
  assert.equal(d("质"), "u:质@0");
  assert.equal(d("质量管理"), "质量@0+量管@1+管理@2");
  assert.equal(d("质量，管理"), "质量@0 & 管理@0");
  assert.equal(d("5G质量"), "5g@0 & 质量@0");
  assert.equal(d("ＳＰＣ spc SPC"), "spc@0");
  assert.equal(d("\"GB/T 19004\""), "gb@0+_@1+t@2+_@3+19004@4");
  assert.equal(d("\"质\""), "u:质@0");
  assert.equal(d("\"未闭合 引号"), "未闭@0+闭合@1+_@2+引号@3");
  assert.equal(d("，。！"), "");
});

/** A minimal DOM: just what search.js's page code uses. */
function fakePage(search) {
  const el = (tag) => ({
    tag, attrs: {}, kids: [], textContent: "", innerHTML: "", hidden: false,
    setAttribute(k, v) { this.attrs[k] = String(v); },
    append(...k) { this.kids.push(...k); },
    appendChild(k) { this.kids.push(k); return k; },
    remove() {},
  });
  const byId = {};
  for (const id of ["search-form", "search-results", "search-status", "search-facets", "search-more", "search-labels"]) byId[id] = el("x");
  byId["search-labels"].textContent = JSON.stringify({ area: { digital: "质量管理数字化" } });
  byId["search-form"].elements = { q: { value: "" } };
  let ready;
  const document = {
    readyState: "loading", currentScript: null, head: el("head"), createElement: el,
    getElementById: (id) => byId[id],
    addEventListener: (type, f) => { ready = f; },
  };
  const ctx = vm.createContext({ document, location: { search, protocol: "file:" }, URL, URLSearchParams });
  ctx.window = ctx;
  vm.runInContext(fs.readFileSync(jsPath, "utf8"), ctx);
  ctx.biaogan.fetch = (name, done) => {
    vm.runInContext(fs.readFileSync(path.join(dir, name + ".js"), "utf8"), ctx);
    done();
  };
  ready();
  return { byId, api: ctx.biaogan };
}

const text = (e) => (typeof e === "string" ? e : e.kids.map(text).join(""));

test("the search page renders results, facets and state from the URL (file://)", { skip }, async () => {
  const cases = JSON.parse(fs.readFileSync(expectedPath, "utf8"));
  const c = cases.find((x) => x.q === "质量" && Object.keys(x.filters).length === 0);
  const { byId } = fakePage("?q=" + encodeURIComponent("质量") + "&year=2023");
  for (let i = 0; i < 100 && !byId["search-results"].kids.length; i++) await new Promise((r) => setTimeout(r, 20));
  const want = c.hits.filter((h) => h.url.startsWith("2023/"));
  assert.equal(byId["search-status"].textContent, `找到 ${want.length} 个结果`);
  const items = byId["search-results"].kids;
  assert.equal(items.length, Math.min(10, want.length));
  assert.equal(items[0].kids[0].attrs.href, "../" + want[0].url + "index.html");
  assert.equal(text(items[0].kids[0]), want[0].title);
  assert.equal(items[0].kids[2].innerHTML, want[0].snippet);
  assert.equal(byId["search-more"].hidden, want.length <= 10);
  assert.equal(byId["search-form"].elements.q.value, "质量");
  assert.deepEqual(byId["search-form"].kids.map((k) => [k.attrs.name, k.attrs.value]), [["year", "2023"]]);
  const facets = byId["search-facets"].kids;
  assert.ok(facets.length >= 3, "facet sections");
  const year = facets[0].kids[1].kids.map((li) => li.kids[0]);
  assert.equal(year[0].attrs["aria-current"], "true");
  assert.match(year[0].attrs.href, /^\?q=/);
  assert.ok(!year[0].attrs.href.includes("year="), "the active filter links to its removal");
  const area = facets[1].kids[1].kids.map((li) => li.kids[0]);
  assert.match(area[0].attrs.href, /[?&]area=/);
  assert.match(text(area[0]), /\(\d+\)$/);
  assert.ok(area.some((a) => text(a).startsWith("质量管理数字化 (")), "labels from the page's JSON island");
});
