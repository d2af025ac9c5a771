//! `biaogan search`.

use anyhow::{Context, Result};
use clap::Args;

use super::{color, Cli, EXIT_OK};
use biaogan::search::{Filters, SearchIndex};

/// Flags of `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words are ANDed; Chinese text matches as an exact substring; "…" keeps a phrase.
    pub query: String,
    /// Only this collection year.
    #[arg(long)]
    pub year: Option<u16>,
    /// Only this focus area id.
    #[arg(long)]
    pub area: Option<String>,
    /// Only this region id.
    #[arg(long)]
    pub region: Option<String>,
    /// Only this industry id.
    #[arg(long)]
    pub industry: Option<String>,
    /// Only this method id.
    #[arg(long)]
    pub method: Option<String>,
    /// Only this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// At most this many results.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Print a JSON array of {url, title, enterprise, score, snippet}.
    #[arg(long)]
    pub json: bool,
}

/// Queries the index written by the last `biaogan build`.
pub fn run(cli: &Cli, args: &SearchArgs) -> Result<u8> {
    let dir = biaogan::build::index_dir(&cli.root);
    if !dir.is_dir() {
        anyhow::bail!(
            "no search index in {}: run `biaogan build` first",
            biaogan::error::display_path(&dir)
        );
    }
    let index = SearchIndex::open(&dir).context("cannot open the search index")?;
    let filters = Filters {
        year: args.year,
        area: args.area.clone(),
        region: args.region.clone(),
        industry: args.industry.clone(),
        method: args.method.clone(),
        tag: args.tag.clone(),
    };
    let hits = index.search(&args.query, &filters, args.limit)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&hits)?);
        return Ok(EXIT_OK);
    }
    let (bold, plain) = if color() {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    for (rank, hit) in hits.iter().enumerate() {
        println!(
            "{:>3}. {bold}{}{plain} — {}",
            rank + 1,
            hit.title,
            hit.enterprise
        );
        println!("     {}  (score {:.3})", hit.url, hit.score);
        let snippet = hit
            .snippet
            .replace("<mark>", bold)
            .replace("</mark>", plain)
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        println!("     {snippet}");
    }
    eprintln!("{} result(s)", hits.len());
    Ok(EXIT_OK)
}
