// Lighthouse (programmatic API) against a Chromium started with a debugging port.
import lighthouse, { desktopConfig } from "lighthouse";

export const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];

/**
 * Audits `url` with the mobile (Lighthouse's default) or desktop preset. Resolves to
 * {scores: {category: 0..100}, failing: [{category, id, title, score, displayValue}], html}.
 */
export async function audit(url, port, preset) {
  const flags = { port, output: "html", logLevel: "error", onlyCategories: CATEGORIES };
  const result = await lighthouse(url, flags, preset === "desktop" ? desktopConfig : undefined);
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
  const scores = {};
  const failing = [];
  for (const id of CATEGORIES) {
    const cat = lhr.categories[id];
    scores[id] = cat?.score == null ? null : Math.round(cat.score * 100);
    for (const ref of cat?.auditRefs ?? []) {
      const a = lhr.audits[ref.id];
      if (ref.weight > 0 && a && a.score !== null && a.score < 1) {
        const items = (a.details?.items ?? []).slice(0, 5).map((it) =>
          [it.source, it.description, it.url, it.node?.snippet, it.node?.explanation].filter(Boolean).join(" "),
        );
        failing.push({ category: id, id: ref.id, title: a.title, score: a.score, displayValue: a.displayValue ?? "", items });
      }
    }
  }
  const warnings = lhr.runWarnings ?? [];
  return { scores, failing, warnings, html: result.report };
}
