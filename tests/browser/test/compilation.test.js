// The printable compilation page (/2023/compilation/, issue 15) printed to PDF by Chromium:
// every case title is in the PDF, each case starts on a page of its own after the cover and
// the table of contents, pages are numbered in the bottom margin, and no navigation or search
// UI is printed. On screen it reads at 360 and 1280 px without horizontal scrolling.
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, test } from "node:test";

import { chromium } from "playwright-core";

import { launchOptions } from "../lib/chromium.js";
import { pdfPages } from "../lib/pdf-text.js";
import { buildSite, REPO, startServer } from "../lib/site.js";

const ARTIFACTS = path.join(REPO, "target", "browser-artifacts");
const URL_PATH = "/2023/compilation/";

const server = await startServer();
const site = await buildSite(`${server.origin}/`);
server.setRoot(site.dir);
const browser = await chromium.launch(launchOptions());
await mkdir(ARTIFACTS, { recursive: true });

after(async () => {
  await browser.close();
  await server.close?.();
  await site.cleanup();
});

const norm = (s) => s.normalize("NFKC").replace(/\s+/g, "");

test("the compilation prints: cover, contents, one case per page, numbered, no site UI", { timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  const external = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(server.origin) && !r.url().startsWith("data:")) external.push(r.url());
  });
  try {
    const response = await page.goto(server.origin + URL_PATH, { waitUntil: "load" });
    assert.equal(response.status(), 200);
    await page.emulateMedia({ media: "print" });
    const dom = await page.evaluate(() => {
      const display = (sel) => {
        const e = document.querySelector(sel);
        return e ? getComputedStyle(e).display : "missing";
      };
      const cases = [...document.querySelectorAll(".compilation-case")];
      return {
        header: display(".site-header"),
        nav: display(".site-nav"),
        search: display("form[role=search]"),
        footer: display(".site-footer"),
        breaks: cases.map((c) => getComputedStyle(c).breakBefore),
        titles: cases.map((c) => {
          const h = c.querySelector("h2").cloneNode(true);
          h.querySelector(".case-no")?.remove();
          return h.textContent.trim();
        }),
      };
    });
    assert.equal(dom.header, "none", "the site header is printed");
    assert.equal(dom.nav, "none", "the navigation is printed");
    assert.equal(dom.search, "none", "the search form is printed");
    assert.equal(dom.footer, "none", "the site footer is printed");
    assert.equal(dom.titles.length, 13, "the 2023 sample has 13 cases");
    assert.ok(dom.breaks.every((b) => b === "page"), `break-before: ${dom.breaks}`);

    const pdf = await page.pdf({ preferCSSPageSize: true });
    await writeFile(path.join(ARTIFACTS, "compilation.pdf"), pdf);
    const pages = pdfPages(pdf).map(norm);
    console.log(`# compilation.pdf: ${pdf.length} bytes, ${pages.length} pages`);
    assert.ok(pages.length >= dom.titles.length + 2, `${pages.length} pages`);

    // The cover, then the table of contents naming every case.
    assert.ok(pages[0].includes(norm("2023年质量标杆典型经验汇编")), "no cover title on page 1");
    const tocPages = pages.slice(1).filter((p) => p.includes(norm("目录")));
    assert.ok(tocPages.length >= 1, "no table of contents");

    // Every case: its title heads a page of its own, in order, after the contents.
    let previous = 1;
    for (const title of dom.titles) {
      const t = norm(title);
      const first = pages.findIndex((p, i) => i > previous && p.includes(t));
      assert.ok(first > previous, `${title} is not on a page of its own after the previous case`);
      previous = first;
    }

    // Page numbers in the bottom margin (not on the cover).
    for (let i = 1; i < pages.length; i++) {
      const number = String(i + 1);
      assert.ok(
        pages[i].endsWith(number) || pages[i].startsWith(number),
        `page ${i + 1} has no page number: …${pages[i].slice(-40)}`,
      );
    }

    // No site UI.
    const all = pages.join("");
    for (const ui of ["跳到正文", "搜索典型经验", "年度合集", "本页网址"]) {
      assert.ok(!all.includes(norm(ui)), `the PDF contains ${ui}`);
    }
    assert.deepEqual(external, [], "requests to other origins");
  } finally {
    await page.close();
  }
});

for (const width of [360, 1280]) {
  test(`the compilation reads at ${width} px`, { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    try {
      await page.goto(server.origin + URL_PATH, { waitUntil: "load" });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${overflow}px of horizontal scrolling`);
      // The table of contents links to each case's section.
      const broken = await page.evaluate(() =>
        [...document.querySelectorAll(".compilation-toc a")]
          .map((a) => a.getAttribute("href"))
          .filter((h) => !document.getElementById(decodeURIComponent(h.slice(1)))),
      );
      assert.deepEqual(broken, []);
      await page.screenshot({ path: path.join(ARTIFACTS, `compilation-${width}.png`) });
    } finally {
      await page.close();
    }
  });
}
