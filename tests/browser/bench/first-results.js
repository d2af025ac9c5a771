// Cold first query → first result card on the search page, measured in Chromium (not a test).
//
//   node tests/browser/bench/first-results.js PUBLIC_DIR [--latency MS --kbps N] [QUERY...]
//
// Serves PUBLIC_DIR (a built site) on 127.0.0.1 and, for each query, opens
// /search/?q=QUERY in a fresh browser context (nothing cached) five times, timing from the
// navigation's start to the first result card in the list. --latency and --kbps emulate a
// slow network (round-trip latency in ms, download in kilobytes per second; the local server
// does not compress, so the bytes are the files' own). Prints the median and the spread.
import { chromium } from "playwright-core";

import { launchOptions } from "../lib/chromium.js";
import { startServer } from "../lib/site.js";

const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : Number(argv.splice(i, 2)[1]);
};
const latency = option("--latency"), kbps = option("--kbps");
const [dir, ...args] = argv;
if (!dir || [latency, kbps].some((x) => Number.isNaN(x))) {
  console.error("usage: node tests/browser/bench/first-results.js PUBLIC_DIR [--latency MS --kbps N] [QUERY...]");
  process.exit(2);
}
const queries = args.length ? args : ["质量", "追溯", "首件检验", "质量管理", "数字化转型", "六西格玛", "spc", "关键工序"];
const RUNS = 5;

const server = await startServer();
server.setRoot(dir);
const browser = await chromium.launch(launchOptions());
for (const q of queries) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    if (latency !== undefined || kbps !== undefined) {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false, latency: latency || 0,
        downloadThroughput: kbps ? kbps * 1000 : -1, uploadThroughput: -1,
      });
    }
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.querySelector("#search-results > li")) {
          window.__first = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${server.origin}/search/?q=${encodeURIComponent(q)}`);
    await page.waitForFunction(() => window.__first, null, { timeout: 60_000 });
    times.push(await page.evaluate(() => window.__first));
    await context.close();
  }
  times.sort((a, b) => a - b);
  const ms = (x) => `${x.toFixed(0)} ms`;
  console.log(`${q.padEnd(8)} median ${ms(times[RUNS >> 1])}  (min ${ms(times[0])}, max ${ms(times[RUNS - 1])})`);
}
await browser.close();
await server.close?.();
