// Warm keystroke → rendered results on the search page, measured in Chromium (not a test).
//
//   node tests/browser/bench/keystroke.js PUBLIC_DIR [QUERY...]
//
// Serves PUBLIC_DIR (a built site) on 127.0.0.1, opens /search/, runs every query once to
// warm the shards, then for each query types its last character again and measures from the
// key event to the frame after the result list changed, with the page's debounce set to 0
// (window.biaogan.wait): the work a keystroke costs. The page's real debounce (120 ms) comes
// on top. Prints the median and the spread over the runs.
import { chromium } from "playwright-core";

import { launchOptions } from "../lib/chromium.js";
import { startServer } from "../lib/site.js";

const [dir, ...args] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node tests/browser/bench/keystroke.js PUBLIC_DIR [QUERY...]");
  process.exit(2);
}
const queries = args.length ? args : ["质量", "追溯", "质量管理", "数字化 追溯", "质", "提升"];
const RUNS = 7;

const server = await startServer();
server.setRoot(dir);
const browser = await chromium.launch(launchOptions());
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(`${server.origin}/search/`);
await page.evaluate(() => { window.biaogan.wait = 0; });
const box = page.locator("#search-page-q");
const rows = [];
for (const q of queries) {
  const head = q.slice(0, -1), last = q.slice(-1);
  const times = [];
  let total = "";
  for (let i = 0; i <= RUNS; i++) {
    await box.fill(head);
    await page.waitForFunction((h) => new URL(location.href).searchParams.get("q") === (h || null) || (!h && !location.search.includes("q=")), head);
    await page.waitForTimeout(50);
    const ms = await page.evaluate((ch) => new Promise((resolve) => {
      const list = document.getElementById("search-results"), status = document.getElementById("search-status");
      const obs = new MutationObserver(() => {
        obs.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
      });
      obs.observe(status, { childList: true, characterData: true, subtree: true });
      const input = document.getElementById("search-page-q");
      const t0 = performance.now();
      input.value += ch;
      input.dispatchEvent(new InputEvent("input", { bubbles: true, data: ch, inputType: "insertText" }));
    }), last);
    total = await page.textContent("#search-status");
    if (i > 0) times.push(ms); // the first run warms the shards
  }
  times.sort((a, b) => a - b);
  rows.push({ q, median: times[times.length >> 1], min: times[0], max: times[times.length - 1], total });
}
for (const r of rows) {
  console.log(`${r.q.padEnd(8)}  median ${r.median.toFixed(1)} ms  (min ${r.min.toFixed(1)}, max ${r.max.toFixed(1)})  ${r.total}`);
}
const all = rows.map((r) => r.median).sort((a, b) => a - b);
console.log(`median of the medians: ${all[all.length >> 1].toFixed(1)} ms`);
await browser.close();
await server.close();
