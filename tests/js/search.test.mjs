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
  let multi = 0, byDate = 0, fromTexts = 0, gaveUp = 0;
  for (const c of cases.filter((x) => x.hits)) {
    const { api, loaded } = engine();
    const first = plain(await api.search(c.q, c.filters, 10, c.sort));
    const label = `${JSON.stringify(c.q)} ${JSON.stringify(c.filters)}${c.sort ? " sort=" + c.sort : ""}`;
    // The files a first query loads are exactly those the library predicts (payload accounting).
    if (c.files) {
      assert.deepEqual([...new Set(loaded)].sort(), [...c.files].sort(), `files of ${label}`);
      fileSets++;
    }
    if (Object.values(c.filters).some((v) => v.length > 1)) multi++;
    if (c.sort === "date") byDate++;
    assert.deepEqual(first.map((h) => h.url), c.hits.slice(0, 10).map((h) => h.url), `first page of ${label}`);
    {
      const fresh = engine(), r = await fresh.api.start(c.q, c.filters, c.sort);
      if (r.total === undefined) {
        fromTexts++;
        await r.page(0, 10);
        if (fresh.loaded.some((f) => f.startsWith("q/"))) gaveUp++;
      }
    }
    const all = plain(await api.search(c.q, c.filters, 100000, c.sort));
    skipped += (await api.run(c.q, c.filters, c.sort)).clauses.filter((cl) => cl.o.size > 0).length;
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
  console.log(`parity: ${multi} with several values of a facet, ${byDate} sorted by date`);
  assert.ok(multi > 3 && byDate > 10, "multi-select filters and the date order are exercised");
  console.log(`parity: ${cases.length} queries, ${hits} hits, ${exact} scores bit-identical (f32), max relative difference ${maxRel}, ${fileSets} file sets equal, ${skipped} phrases matched without some positions`);
  assert.ok(skipped > 0, "the interior-bigram optimisation is exercised");
  // First results verified from the documents' texts (no positions): the first page and
  // the whole list (every candidate verified from its text) equal the library's.
  console.log(`parity: ${fromTexts} queries answered first from the texts, ${gaveUp} of them ranked from the positions after all`);
  assert.ok(fromTexts > 20, "phrases with big terms take the text path");
  assert.ok(gaveUp > 0 && gaveUp < fromTexts, "the texts' budget is exercised both ways");
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

test("explain: per-word counts and the longest sub-phrases that occur, as the library counts them", { skip }, async () => {
  const cases = JSON.parse(fs.readFileSync(expectedPath, "utf8")).filter((x) => x.explain);
  assert.ok(cases.length >= 2, "explain cases in the dump");
  for (const c of cases) {
    const { api } = engine();
    assert.deepEqual(plain(await api.explain(c.q)), c.explain, `explain ${JSON.stringify(c.q)}`);
  }
});

test("facet counts: the first results load no facet shard; each count is the total that selecting the value alone gives", { skip }, async () => {
  const FACETS = ["year", "area", "region", "industry", "method", "tag"];
  const queries = [...new Set(JSON.parse(fs.readFileSync(expectedPath, "utf8"))
    .filter((x) => x.hits && x.hits.length > 1 && !x.sort && !Object.values(x.filters).some((v) => v.length)).map((x) => x.q))].slice(0, 6);
  assert.ok(queries.length >= 3, "unfiltered queries in the dump");
  let checked = 0;
  for (const q of queries) {
    const { api, loaded } = engine();
    const r = await api.run(q, {});
    assert.ok(!loaded.some((f) => f.startsWith("f/")), `no facet shard before the results of ${q}`);
    const counts = plain(await r.counts());
    assert.ok(loaded.some((f) => f.startsWith("f/")), `counts() loads the facet shards for ${q}`);
    for (const [i, f] of FACETS.entries()) {
      for (const [v, n] of Object.entries(counts[i]).slice(0, 4)) {
        assert.equal((await api.run(q, { [f]: v })).total, n, `${f}=${v} for ${q}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 20, `${checked} counts checked`);
});
