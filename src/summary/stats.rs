//! Statistics of a collection year: cases by focus area, by region (with the quota) and by
//! industry, as plain data, as self-contained SVG bar charts and as HTML tables.
//!
//! The charts need no script, font or stylesheet: text and bars are drawn in `currentColor`,
//! so they follow the page's text colour in dark mode, in forced-colours mode and in print.
//! Each chart is an image with a `<title>` and a `<desc>` that reads out every bar; the same
//! figures are also given as a table ([`table_html`], or the `table` rows of [`Chart`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::content::Site;
use crate::escape;
use crate::taxonomy::Taxonomy;
use crate::vocab::{Kind, Term};

/// One bar: a term and its number of cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatRow {
    /// Term id (empty for the "not given" row).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Site-relative URL of the term's page, when it has one (e.g. `regions/zhengzhou/`).
    pub url: Option<String>,
    /// Cases of the year with this term.
    pub count: usize,
    /// The region's quota for the year (regions only).
    pub quota: Option<u32>,
}

/// The figures of one collection year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearStats {
    /// The year.
    pub year: u16,
    /// Number of cases of the year.
    pub total: usize,
    /// Every focus area of the year's vocabulary, in order, zero counts included.
    pub areas: Vec<StatRow>,
    /// Regions with at least one case, in vocabulary order, with their quotas.
    pub regions: Vec<StatRow>,
    /// Industries with at least one case, in vocabulary order; a last row `未填写` counts
    /// the cases without an industry. A case may name several industries.
    pub industries: Vec<StatRow>,
}

/// Label of the row counting cases that give no industry.
pub const NO_INDUSTRY: &str = "未填写";

/// Counts the cases of `year` in `site` (pass the published site, without drafts, for the
/// public page). Terms come in the order of the year's vocabulary; `taxonomies` (of the same
/// site) supply the URLs of term pages.
pub fn year_stats(site: &Site, taxonomies: &[Taxonomy], year: u16) -> YearStats {
    let vocab = site.vocabulary(year);
    let cases: Vec<_> = site.cases.iter().filter(|c| c.year == year).collect();
    let url = |kind: Kind, id: &str| {
        taxonomies
            .iter()
            .find(|t| t.kind == kind)
            .and_then(|t| t.term(id))
            .map(|t| t.url.clone())
    };
    let count = |kind: Kind, terms: &[Term], ids: &dyn Fn(&crate::content::Case) -> Vec<String>| {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for case in &cases {
            let mut case_ids = ids(case);
            case_ids.sort();
            case_ids.dedup();
            for id in case_ids {
                *counts.entry(id).or_default() += 1;
            }
        }
        let mut rows: Vec<StatRow> = terms
            .iter()
            .map(|term| StatRow {
                id: term.id.clone(),
                name: term.name.clone(),
                url: url(kind, &term.id),
                count: counts.remove(&term.id).unwrap_or(0),
                quota: term.quota,
            })
            .collect();
        // Ids the year's vocabulary does not know (the model resolves every id, so this only
        // happens with hand-made models): listed after, by id.
        rows.extend(counts.into_iter().map(|(id, count)| StatRow {
            name: id.clone(),
            url: url(kind, &id),
            id,
            count,
            quota: None,
        }));
        rows
    };
    let areas = count(Kind::Areas, &vocab.areas, &|c| vec![c.area.clone()]);
    let mut regions = count(Kind::Regions, &vocab.regions, &|c| vec![c.region.clone()]);
    regions.retain(|r| r.count > 0);
    let mut industries = count(Kind::Industries, &vocab.industries, &|c| {
        c.industries.clone()
    });
    industries.retain(|r| r.count > 0);
    let without = cases.iter().filter(|c| c.industries.is_empty()).count();
    if without > 0 {
        industries.push(StatRow {
            id: String::new(),
            name: NO_INDUSTRY.to_string(),
            url: None,
            count: without,
            quota: None,
        });
    }
    YearStats {
        year,
        total: cases.len(),
        areas,
        regions,
        industries,
    }
}

/// One chart of the statistics page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chart {
    /// Heading, e.g. `按地区`.
    pub title: String,
    /// The inline SVG (insert unescaped: `{{ chart.svg | safe }}`).
    pub svg: String,
    /// The same figures for the accessible table.
    pub table: Vec<StatRow>,
}

/// Context of the statistics page template (`stats.html`), under the name `stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsContext {
    /// The year.
    pub year: u16,
    /// Page title, e.g. `2023年典型经验统计`.
    pub title: String,
    /// Number of cases of the year.
    pub total: usize,
    /// Charts: by focus area, by region (with quotas), by industry.
    pub charts: Vec<Chart>,
    /// Site-relative URL of the public CSV summary, `2023/summary.csv`.
    pub summary_csv: String,
    /// Site-relative URL of the public XLSX summary, `2023/summary.xlsx`.
    pub summary_xlsx: String,
}

/// Everything the statistics page of `year` needs: [`year_stats`] drawn as charts.
pub fn stats_context(site: &Site, taxonomies: &[Taxonomy], year: u16) -> StatsContext {
    let stats = year_stats(site, taxonomies, year);
    let chart = |title: &str, rows: Vec<StatRow>| {
        let bars: Vec<(String, usize, Option<u32>)> = rows
            .iter()
            .map(|r| (r.name.clone(), r.count, r.quota))
            .collect();
        Chart {
            title: title.to_string(),
            svg: bar_chart_svg(&format!("{year}年{title}"), &bars),
            table: rows,
        }
    };
    StatsContext {
        year,
        title: format!("{year}年典型经验统计"),
        total: stats.total,
        charts: vec![
            chart("按重点领域", stats.areas),
            chart("按地区", stats.regions),
            chart("按行业", stats.industries),
        ],
        summary_csv: format!("{year}/summary.csv"),
        summary_xlsx: format!("{year}/summary.xlsx"),
    }
}

const FONT_SIZE: f64 = 14.0;
const ROW_HEIGHT: f64 = 28.0;
const BAR_HEIGHT: f64 = 18.0;
const BAR_AREA: f64 = 320.0;
const PAD: f64 = 8.0;
const VALUE_WIDTH: f64 = 72.0;
const LEGEND_HEIGHT: f64 = 24.0;

/// Approximate drawn width of `text` at the chart's font size: CJK one em, others 0.6 em.
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if super::is_wide(c) { 1.0 } else { 0.6 })
        .sum::<f64>()
        * FONT_SIZE
}

/// A stable id for the chart's `<title>`/`<desc>` (unique per title and bars on a page).
fn chart_id(title: &str, bars: &[(String, usize, Option<u32>)]) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u32::from(*byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    };
    feed(title.as_bytes());
    for (name, count, quota) in bars {
        feed(name.as_bytes());
        feed(&count.to_le_bytes());
        feed(&quota.unwrap_or(u32::MAX).to_le_bytes());
    }
    format!("chart-{hash:08x}")
}

/// Formats a coordinate with at most one decimal.
fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    format!("{rounded}")
}

/// One bar's figure as read out: `3 项` or `3 项（名额 10）`.
fn figure(count: usize, quota: Option<u32>) -> String {
    match quota {
        Some(quota) => format!("{count} 项（名额 {quota}）"),
        None => format!("{count} 项"),
    }
}

/// A horizontal bar chart as a self-contained inline SVG: one bar per `(label, count,
/// quota)`, a dashed marker at the quota when there is one, the count (and quota) after each
/// bar. No script, no external font; drawn in `currentColor`; `role="img"` with a `<title>`
/// and a `<desc>` that lists every bar. Scales down to the container's width.
pub fn bar_chart_svg(title: &str, bars: &[(String, usize, Option<u32>)]) -> String {
    let id = chart_id(title, bars);
    let label_width = bars
        .iter()
        .map(|(label, _, _)| text_width(label))
        .fold(FONT_SIZE * 2.0, f64::max)
        .ceil();
    let has_quota = bars.iter().any(|(_, _, q)| q.is_some());
    let max = bars
        .iter()
        .map(|(_, count, quota)| (*count as f64).max(quota.map_or(0.0, f64::from)))
        .fold(1.0, f64::max);
    let rows = bars.len().max(1) as f64;
    let bar_x = PAD + label_width + PAD;
    let width = (bar_x + BAR_AREA + VALUE_WIDTH + PAD).ceil();
    let legend = if has_quota { LEGEND_HEIGHT } else { 0.0 };
    let height = (PAD * 2.0 + rows * ROW_HEIGHT + legend).ceil();
    let scale = |value: f64| BAR_AREA * value / max;

    let description = if bars.is_empty() {
        "无数据".to_string()
    } else {
        bars.iter()
            .map(|(label, count, quota)| format!("{label}：{}", figure(*count, *quota)))
            .collect::<Vec<_>>()
            .join("；")
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" width="{w}" height="{h}" style="max-width:100%;height:auto" font-family="system-ui, sans-serif" font-size="{FONT_SIZE}">"#,
        w = num(width),
        h = num(height),
    );
    let _ = write!(
        svg,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape::html(title),
        escape::html(&description)
    );
    let _ = write!(svg, r#"<g fill="currentColor">"#);
    if bars.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" dy="0.35em">无数据</text>"#,
            num(bar_x),
            num(PAD + ROW_HEIGHT / 2.0)
        );
    }
    for (index, (label, count, quota)) in bars.iter().enumerate() {
        let middle = PAD + index as f64 * ROW_HEIGHT + ROW_HEIGHT / 2.0;
        let bar_width = scale(*count as f64);
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" dy="0.35em" text-anchor="end">{}</text>"#,
            num(bar_x - PAD),
            num(middle),
            escape::html(label)
        );
        if let Some(quota) = quota {
            // A faint track up to the quota: how much of it is used.
            let _ = write!(
                svg,
                r#"<rect x="{}" y="{}" width="{}" height="{BAR_HEIGHT}" rx="2" fill-opacity="0.12"/>"#,
                num(bar_x),
                num(middle - BAR_HEIGHT / 2.0),
                num(scale(f64::from(*quota))),
            );
        }
        if *count > 0 {
            let _ = write!(
                svg,
                r#"<rect x="{}" y="{}" width="{}" height="{BAR_HEIGHT}" rx="2" fill-opacity="0.7"/>"#,
                num(bar_x),
                num(middle - BAR_HEIGHT / 2.0),
                num(bar_width.max(1.0)),
            );
        }
        let value_x = bar_x + bar_width.max(quota.map_or(0.0, |q| scale(f64::from(q)))) + 6.0;
        let value = match quota {
            Some(quota) => format!("{count} / {quota}"),
            None => count.to_string(),
        };
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" dy="0.35em">{value}</text>"#,
            num(value_x),
            num(middle)
        );
    }
    let _ = write!(svg, "</g>");
    if has_quota {
        let _ = write!(
            svg,
            r#"<g stroke="currentColor" stroke-width="2" stroke-dasharray="4 3" fill="none">"#
        );
        for (index, (_, _, quota)) in bars.iter().enumerate() {
            let Some(quota) = quota else { continue };
            let top = PAD + index as f64 * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2.0 - 3.0;
            let x = num(bar_x + scale(f64::from(*quota)));
            let _ = write!(
                svg,
                r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
                num(top),
                num(top + BAR_HEIGHT + 6.0)
            );
        }
        let legend_y = PAD + rows * ROW_HEIGHT + LEGEND_HEIGHT / 2.0;
        let _ = write!(
            svg,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/></g>"#,
            num(bar_x),
            num(legend_y - 7.0),
            num(bar_x),
            num(legend_y + 7.0)
        );
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" dy="0.35em" fill="currentColor" font-size="12">推荐名额（数字为 已推荐 / 名额）</text>"#,
            num(bar_x + 8.0),
            num(legend_y)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The figures of a chart as an accessible HTML table: a caption, a header row (`name_header`,
/// 数量, and 名额 when a bar has a quota), one row per bar.
pub fn table_html(
    caption: &str,
    name_header: &str,
    bars: &[(String, usize, Option<u32>)],
) -> String {
    let has_quota = bars.iter().any(|(_, _, q)| q.is_some());
    let mut html = format!(
        "<table class=\"stats-table\"><caption>{}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">数量</th>{}</tr></thead><tbody>",
        escape::html(caption),
        escape::html(name_header),
        if has_quota { "<th scope=\"col\">名额</th>" } else { "" }
    );
    for (label, count, quota) in bars {
        let _ = write!(
            html,
            "<tr><th scope=\"row\">{}</th><td>{count}</td>",
            escape::html(label)
        );
        if has_quota {
            let _ = write!(
                html,
                "<td>{}</td>",
                quota.map(|q| q.to_string()).unwrap_or_default()
            );
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_escapes_and_scales() {
        let svg = bar_chart_svg(
            "A & B",
            &[
                ("郑州市".to_string(), 3, Some(10)),
                ("<x>".to_string(), 0, Some(2)),
            ],
        );
        assert!(svg.starts_with("<svg "));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("A &amp; B"));
        assert!(svg.contains("&lt;x&gt;"));
        assert!(svg.contains("郑州市：3 项（名额 10）"));
        assert!(svg.contains("3 / 10"));
        assert!(!svg.contains("<x>"));
        // The quota (10) is the widest value: bar 3 is 3/10 of the bar area.
        assert!(svg.contains(&format!(r#"width="{}""#, num(BAR_AREA * 0.3))));
    }

    #[test]
    fn empty_chart_says_so() {
        let svg = bar_chart_svg("空", &[]);
        assert!(svg.contains("无数据"));
    }

    #[test]
    fn table_lists_every_bar() {
        let html = table_html("按地区", "地区", &[("郑州市".to_string(), 3, Some(10))]);
        assert!(html.contains("<caption>按地区</caption>"));
        assert!(html.contains("<th scope=\"row\">郑州市</th><td>3</td><td>10</td>"));
    }
}
