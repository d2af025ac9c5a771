// The static search in a real browser, over http and from file:// (a USB stick at a workshop):
// the rendered result list and window.biaogan.search must equal `biaogan search --json`.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import path from "node:path";
import { after, test } from "node:test";

import { chromium } from "playwright-core";

import { launchOptions } from "../lib/chromium.js";
import { buildSite, REPO, startServer } from "../lib/site.js";

const QUERIES = ["追溯", "质量管理", "SPC", "数字化 追溯", "零缺陷"];

const server = await startServer();
const site = await buildSite(`${server.origin}/`);
server.setRoot(site.dir);
const browser = await chromium.launch(launchOptions());

after(async () => {
  await browser.close();
  await server.close?.();
  await site.cleanup();
});

/** Ranked URLs from the command line, which queries tantivy directly; `extra` are more flags. */
function cliUrls(query, extra = []) {
  const bin = process.env.BIAOGAN_BIN;
  const args = ["--root", REPO, "search", query, "--json", "--limit", "1000", ...extra];
  const out = bin
    ? execFileSync(bin, args, { cwd: REPO, encoding: "utf8" })
    : execFileSync("cargo", ["run", "--release", "--locked", "--quiet", "--", ...args], { cwd: REPO, encoding: "utf8" });
  return JSON.parse(out).map((hit) => hit.url);
}

for (const mode of ["http", "file"]) {
  test(`search page and window.biaogan.search equal the CLI (${mode})`, { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    const external = [];
    page.on("request", (request) => {
      const url = request.url();
      const local = mode === "http" ? url.startsWith(server.origin) : url.startsWith("file://");
      if (!local && !url.startsWith("data:")) external.push(url);
    });
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    for (const query of QUERIES) {
      const expected = cliUrls(query);
      assert.ok(expected.length > 0, `the sample site has results for ${query}`);
      const base = mode === "http"
        ? `${server.origin}/search/index.html`
        : pathToFileURL(path.join(site.dir, "search", "index.html")).href;
      await page.goto(`${base}?q=${encodeURIComponent(query)}`);
      await page.waitForFunction(
        () => document.querySelectorAll("#search-results > li").length > 0,
        null,
        { timeout: 30_000 },
      );
      const shown = await page.$$eval("#search-results > li a[href]", (links) =>
        [...new Set(links.map((a) => a.getAttribute("href")))]);
      const fromApi = await page.evaluate(async (q) => (await window.biaogan.search(q, {}, 1000)).map((h) => h.url), query);
      assert.deepEqual(fromApi, expected, `window.biaogan.search("${query}") (${mode})`);
      const shownUrls = shown
        .map((href) => href.replace(/^\.\.\//, "").replace(/index\.html$/, ""))
        .slice(0, expected.length);
      assert.deepEqual(shownUrls, expected.slice(0, shownUrls.length), `rendered results for "${query}" (${mode})`);
    }
    assert.deepEqual(external, [], "no request leaves the site");
    assert.deepEqual(errors, [], "no script error");
    await page.close();
  });
}

/** Rendered result URLs (site-relative) of the page. */
const shownUrls = (page) => page.$$eval("#search-results > li .card-title a[href]", (links) =>
  links.map((a) => a.getAttribute("href").replace(/^\.\.\//, "").replace(/index\.html$/, "")));

/** Waits for a first page of results: cards shown, the last of them in (the list is aria-busy
 *  while they arrive). */
const waitResults = (page) => page.waitForFunction(
  () => document.querySelectorAll("#search-results > li").length > 0 &&
    !document.getElementById("search-results").hasAttribute("aria-busy"), null, { timeout: 30_000 });

// Issue 14: several values of a facet (any of), several facets (all of) and the date order
// give the same results in the same order in the CLI and in the page.
const COMBOS = [
  { q: "质量", filters: { area: ["digital", "reliability"] }, sort: "" },
  { q: "质量", filters: { area: ["digital", "reliability", "key-process"], year: ["2023", "2024"] }, sort: "date" },
  { q: "", filters: { area: ["gbt19004", "sme-innovation"] }, sort: "date" },
  { q: "管理", filters: {}, sort: "date" },
];
test("issue 14: multi-select facets and sort=date equal the CLI", { timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  for (const c of COMBOS) {
    const flags = Object.entries(c.filters).flatMap(([f, vs]) => vs.flatMap((v) => [`--${f}`, v]));
    if (c.sort) flags.push("--sort", c.sort);
    const expected = cliUrls(c.q, flags);
    assert.ok(expected.length > 1, `the sample site has results for ${JSON.stringify(c)}`);
    const p = new URLSearchParams();
    if (c.q) p.set("q", c.q);
    Object.entries(c.filters).forEach(([f, vs]) => vs.forEach((v) => p.append(f, v)));
    if (c.sort) p.set("sort", c.sort);
    await page.goto(`${server.origin}/search/?${p}`);
    await waitResults(page);
    const fromApi = await page.evaluate(async (x) => (await window.biaogan.search(x.q, x.filters, 1000, x.sort)).map((h) => h.url), c);
    assert.deepEqual(fromApi, expected, `window.biaogan.search for ${JSON.stringify(c)}`);
    assert.deepEqual(await shownUrls(page), expected.slice(0, 10), `rendered results for ${JSON.stringify(c)}`);
    const status = await page.textContent("#search-status");
    assert.equal(status, `找到 ${expected.length} 个案例`);
    // The checked boxes are the URL's filters; each shows as a removable chip.
    const checked = await page.$$eval("#search-facets input:checked", (xs) => xs.map((x) => x.dataset.f + "=" + x.dataset.v).sort());
    const want = Object.entries(c.filters).flatMap(([f, vs]) => vs.map((v) => `${f}=${v}`)).sort();
    assert.deepEqual(checked, want);
    assert.equal(await page.locator("#search-chips .chip[data-f]").count(), want.length);
  }
  await page.close();
});

for (const [width, height] of [[1280, 800], [360, 740]]) {
  test(`issue 14: the first result's title is on the first screen at ${width}×${height}`, { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width, height }, locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${server.origin}/search/?q=${encodeURIComponent("追溯")}&area=digital&area=key-process`);
    await waitResults(page);
    const box = await page.locator("#search-results > li:first-child .card-title").boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= height, `first title at ${JSON.stringify(box)}`);
    console.log(`# first result title at ${width}×${height}: y=${Math.round(box.y)}..${Math.round(box.y + box.height)}`);
    const facets = await page.locator("#search-facets").isVisible();
    const chips = await page.locator("#search-chips").boundingBox();
    assert.ok(chips && chips.y < box.y, "the chosen filters show above the results");
    if (width < 768) {
      // Facets wait behind the 筛选 button; it opens them in place and checking one filters.
      assert.equal(facets, false, "facets are collapsed on a phone");
      await page.click("#search-filter-toggle");
      assert.equal(await page.getAttribute("#search-filter-toggle", "aria-expanded"), "true");
      assert.ok(await page.locator("#search-facets").isVisible(), "the 筛选 button opens the facets");
      await page.locator('#search-facets input[data-f="area"][data-v="digital"]').uncheck();
      await page.waitForFunction(() => !location.search.includes("area=digital"));
      assert.match(page.url(), /area=key-process/);
    } else {
      assert.equal(facets, true, "facets beside the results");
      const side = await page.locator("#search-facets").boundingBox();
      assert.ok(side.x + side.width <= box.x, "the facets are a sidebar left of the results");
    }
    await context.close();
  });
}

test("issue 14: results while typing, the URL follows, Back leaves the page", { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/`);
  await page.goto(`${server.origin}/search/`);
  await page.focus("#search-page-q");
  await page.keyboard.type("追溯", { delay: 30 });
  await waitResults(page);
  // The URL follows once typing pauses (history.replaceState at every keystroke costs ~5 ms).
  await page.waitForFunction(() => new URL(location.href).searchParams.get("q") === "追溯");
  assert.deepEqual(await shownUrls(page), cliUrls("追溯").slice(0, 10));
  assert.equal(await page.getAttribute("#search-status", "aria-busy"), null, "the count is final: the status is not busy");
  // Narrowing while typing replaces the results.
  await page.keyboard.type(" 数字化", { delay: 30 });
  await page.waitForFunction(() => new URL(location.href).searchParams.get("q") === "追溯 数字化");
  await page.waitForFunction((n) => document.querySelectorAll("#search-results > li").length === n, cliUrls("追溯 数字化").length);
  assert.deepEqual(await shownUrls(page), cliUrls("追溯 数字化").slice(0, 10));
  await page.goBack();
  assert.equal(new URL(page.url()).pathname, "/", "history.replaceState: Back leaves the search page");
  await page.close();
});

test("issue 18: a result opened right after typing leaves the query in the URL for Back", { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/search/`);
  await page.evaluate(() => { window.biaogan.wait = 0; });
  // Typed, shown and clicked in one go, well before the typing pause after which the URL
  // follows; the click's navigation is cancelled so that the URL can be read after it.
  const seen = await page.evaluate(() => new Promise((resolve) => {
    const input = document.getElementById("search-page-q"), list = document.getElementById("search-results");
    const before = location.search;
    new MutationObserver((_, obs) => {
      const link = list.querySelector("li a");
      if (!link) return;
      obs.disconnect();
      window.addEventListener("click", (e) => e.preventDefault(), { once: true });
      link.click();
      resolve({ before, after: new URL(location.href).searchParams.get("q") });
    }).observe(list, { childList: true });
    input.value = "追溯";
    input.dispatchEvent(new InputEvent("input", { bubbles: true, data: "溯", inputType: "insertText" }));
  }));
  assert.equal(seen.before, "", "the URL had no query before");
  assert.equal(seen.after, "追溯", "opening a result first writes the query into the URL");
  await page.close();
});

test("issue 18: meta.js comes with the page (preload), once, and an empty page asks for it at once", { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    window.__asked = [];
    new MutationObserver((ms) => ms.forEach((m) => m.addedNodes.forEach((n) => {
      if (n.tagName === "SCRIPT" && n.src) window.__asked.push(n.src);
    }))).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`${server.origin}/search/?q=${encodeURIComponent("追溯")}`);
  await waitResults(page);
  const entries = await page.evaluate(() => performance.getEntriesByType("resource")
    .filter((e) => e.name.endsWith("/search/meta.js")).map((e) => e.initiatorType));
  assert.deepEqual(entries, ["link"], "fetched once, by the preload, and the script used it");
  await page.goto(`${server.origin}/search/`);
  await page.waitForFunction(() => window.__asked.some((u) => u.endsWith("/search/meta.js")));
  assert.equal(await page.locator("#search-results > li").count(), 0, "no search without a query");
  await page.close();
});

test("issue 18: the first card shows while the other documents are still on their way", { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  const expected = cliUrls("质");
  let release, first = null;
  const held = new Promise((go) => { release = go; });
  // The first document asked for (the first result's) comes at once; the others wait.
  await page.route(/\/search\/d\/\d+\.js$/, async (route) => {
    if (first === null) first = route.request().url();
    if (route.request().url() !== first) await held;
    await route.continue();
  });
  // (The held documents hold the load event too.)
  await page.goto(`${server.origin}/search/?q=${encodeURIComponent("质")}`, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => document.querySelectorAll("#search-results > li").length > 0);
  const during = await page.evaluate(() => ({
    cards: document.querySelectorAll("#search-results > li").length,
    busy: document.getElementById("search-results").getAttribute("aria-busy"),
  }));
  assert.deepEqual(during, { cards: 1, busy: "true" });
  assert.deepEqual(await shownUrls(page), expected.slice(0, 1));
  release();
  await waitResults(page);
  assert.deepEqual(await shownUrls(page), expected.slice(0, 10));
  await page.close();
});

test("issue 14: no search on pinyin being composed; the committed text is searched at once", { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    const replace = history.replaceState.bind(history);
    window.__urls = [];
    history.replaceState = (s, t, u) => { window.__urls.push(String(u)); return replace(s, t, u); };
  });
  await page.goto(`${server.origin}/search/`);
  await page.focus("#search-page-q");
  const cdp = await page.context().newCDPSession(page);
  for (const text of ["z", "zh", "zhui", "zhui s", "zhui su"]) {
    await cdp.send("Input.imeSetComposition", { text, selectionStart: text.length, selectionEnd: text.length });
    await page.waitForTimeout(60);
  }
  await page.waitForTimeout(400);
  assert.equal(await page.inputValue("#search-page-q"), "zhui su", "the composition is in the box");
  assert.equal(await page.locator("#search-results > li").count(), 0, "nothing searched while composing");
  const started = Date.now();
  await cdp.send("Input.insertText", { text: "追溯" });
  await waitResults(page);
  const ms = Date.now() - started;
  const urls = await page.evaluate(() => window.__urls);
  assert.ok(!urls.some((u) => /zhui|[?&]q=z/.test(decodeURIComponent(u))), `searched composing text: ${urls}`);
  assert.equal(new URL(page.url()).searchParams.get("q"), "追溯");
  assert.deepEqual(await shownUrls(page), cliUrls("追溯").slice(0, 10));
  console.log(`# committed 追溯 rendered ${ms} ms after insertText (no debounce)`);
  await page.close();
});

test("a query without results: its explanation takes the facets' column, no filter button on phones", { timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const left = (sel) => page.locator(sel).boundingBox().then((b) => Math.round(b.x));
  await page.goto(`${server.origin}/search/?q=${encodeURIComponent("不存在的词")}`);
  await page.waitForSelector("#search-empty:not([hidden]) li");
  assert.equal(await left("#search-empty"), await left("#search-status"), "the explanation starts where the status does");
  await page.fill("#search-page-q", "追溯");
  await page.press("#search-page-q", "Enter");
  await waitResults(page);
  assert.ok(await left("#search-results") > await left("#search-status") + 100, "results sit beside the facets again");
  await page.setViewportSize({ width: 360, height: 800 });
  assert.ok(await page.isVisible("#search-filter-toggle"), "results can be filtered");
  await page.fill("#search-page-q", "不存在的词");
  await page.press("#search-page-q", "Enter");
  await page.waitForSelector("#search-empty:not([hidden]) li");
  assert.ok(await page.isHidden("#search-filter-toggle"), "nothing to filter");
  await page.close();
});

test("issue 14: empty results say which word is missing and offer to drop the filters", { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/search/?q=${encodeURIComponent("追溯 不存在的词")}&year=2023`);
  await page.waitForSelector("#search-empty:not([hidden]) li");
  const words = await page.$$eval("#search-empty li", (xs) => xs.map((x) => x.textContent));
  const n = cliUrls("追溯").length;
  assert.equal(words[0], `“追溯”：${n} 个案例包含`);
  assert.match(words[1], /^“不存在的词”：没有案例包含/);
  assert.match(await page.textContent("#search-status"), /没有找到/);
  // A long phrase that occurs nowhere: its longest parts that do occur, each a button.
  await page.goto(`${server.origin}/search/?q=${encodeURIComponent("追溯零缺陷")}`);
  await page.waitForSelector("#search-empty:not([hidden]) li");
  const parts = await page.$$eval("#search-empty li button[data-q]", (xs) => xs.map((x) => x.dataset.q));
  assert.ok(parts.length > 0, "sub-phrases that occur are offered");
  await page.click(`#search-empty button[data-q="${parts[0]}"]`);
  await waitResults(page);
  assert.equal(new URL(page.url()).searchParams.get("q"), parts[0]);
  // Filters that leave nothing: the page offers to drop them.
  await page.goto(`${server.origin}/search/?q=${encodeURIComponent("追溯")}&area=digital&region=no-such-region`);
  await page.waitForSelector("#search-empty:not([hidden]) button[data-clear]");
  assert.match(await page.textContent("#search-empty"), new RegExp(`去掉筛选条件后有 ${n} 个案例`));
  await page.click("#search-empty button[data-clear]");
  await waitResults(page);
  assert.equal(await page.locator("#search-results > li").count(), Math.min(10, n));
  assert.ok(!page.url().includes("area="), "the filters are gone from the URL");
  await page.close();
});

test("issue 14: a one-character query works; 显示更多 adds the next results", { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  const expected = cliUrls("质");
  assert.ok(expected.length > 10, "more than one page of results for 质");
  await page.goto(`${server.origin}/search/?q=${encodeURIComponent("质")}`);
  await waitResults(page);
  assert.deepEqual(await shownUrls(page), expected.slice(0, 10));
  await page.click("#search-more");
  await page.waitForFunction((n) => document.querySelectorAll("#search-results > li").length === n, Math.min(20, expected.length));
  assert.deepEqual(await shownUrls(page), expected.slice(0, 20));
  const card = await page.$eval("#search-results > li:first-child .result", (a) => ({
    ent: a.querySelector(".card-ent").textContent, meta: a.querySelector(".card-meta").textContent, mark: !!a.querySelector(".snippet mark"),
  }));
  assert.ok(card.ent && card.mark, "enterprise and highlighted snippet");
  assert.match(card.meta, /^\d{4}年 · \S+ · \S+$/, "year · area · region, by name");
  assert.ok(!/[a-z]/.test(card.meta), `names, not ids: ${card.meta}`);
  await page.close();
});

test("issue 14: keyboard: / focuses the box anywhere; Tab goes box → filters → results", { timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.origin}/2023/`);
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "search-q", "/ focuses the header box");
  await page.goto(`${server.origin}/search/?q=${encodeURIComponent("质量")}`);
  await waitResults(page);
  await page.waitForSelector("#search-facets input"); // the counts follow the results by a frame
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "search-page-q", "/ focuses the page's box");
  const order = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    order.push(await page.evaluate(() => {
      const e = document.activeElement;
      return e.closest("#search-facets") ? "facet" : e.closest("#search-results") ? "result" : e.closest("#search-form") ? "box" : "other";
    }));
  }
  const firstFacet = order.indexOf("facet"), firstResult = order.indexOf("result");
  assert.ok(firstFacet >= 0 && firstResult > firstFacet, `Tab order: ${order.join(" ")}`);
  assert.ok(!order.slice(0, firstFacet).includes("result"), "no result before the filters");
  await page.close();
});

for (const width of [360, 1280]) {
  test(`issue 14: no layout shift while results arrive (${width} px)`, { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width, height: width === 360 ? 740 : 800 } });
    await page.addInitScript(() => {
      window.__cls = 0;
      new PerformanceObserver((l) => l.getEntries().forEach((e) => { if (!e.hadRecentInput) window.__cls += e.value; }))
        .observe({ type: "layout-shift", buffered: true });
    });
    await page.goto(`${server.origin}/search/?q=${encodeURIComponent("质量")}&area=digital`);
    await waitResults(page);
    await page.waitForTimeout(500);
    const cls = await page.evaluate(() => window.__cls);
    console.log(`# CLS at ${width} px: ${cls.toFixed(4)}`);
    assert.ok(cls < 0.05, `cumulative layout shift ${cls}`);
    await page.close();
  });
}
