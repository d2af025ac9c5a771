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

/** Ranked URLs from the command line, which queries tantivy directly. */
function cliUrls(query) {
  const bin = process.env.BIAOGAN_BIN;
  const args = ["--root", REPO, "search", query, "--json", "--limit", "1000"];
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
