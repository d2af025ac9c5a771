//! `biaogan search`.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use super::{color, print_stdout, Cli, EXIT_OK};
use biaogan::search::{Filters, SearchIndex, Sort};

/// Flags of `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words are ANDed; Chinese text matches as an exact substring; "…" keeps a phrase.
    pub query: String,
    /// Only this collection year (repeat for any of several).
    #[arg(long)]
    pub year: Vec<u16>,
    /// Only this focus area id (repeat for any of several).
    #[arg(long)]
    pub area: Vec<String>,
    /// Only this region id (repeat for any of several).
    #[arg(long)]
    pub region: Vec<String>,
    /// Only this industry id (repeat for any of several).
    #[arg(long)]
    pub industry: Vec<String>,
    /// Only this method id (repeat for any of several).
    #[arg(long)]
    pub method: Vec<String>,
    /// Only this tag (repeat for any of several).
    #[arg(long)]
    pub tag: Vec<String>,
    /// Order: by relevance, or by date, newest first (equal dates by relevance).
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// At most this many results.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Print a JSON array of {url, title, enterprise, score, snippet}.
    #[arg(long)]
    pub json: bool,
}

/// Values of `--sort`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    /// Descending score, ties by URL.
    Relevance,
    /// Newest first, equal dates by relevance.
    Date,
}

impl From<SortArg> for Sort {
    fn from(s: SortArg) -> Sort {
        match s {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Date => Sort::Date,
        }
    }
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
    // A build may swap a new index in while this one is being opened: try once more.
    let index = SearchIndex::open(&dir)
        .or_else(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            SearchIndex::open(&dir)
        })
        .context("cannot open the search index")?;
    let filters = Filters {
        year: args.year.clone(),
        area: args.area.clone(),
        region: args.region.clone(),
        industry: args.industry.clone(),
        method: args.method.clone(),
        tag: args.tag.clone(),
    };
    let hits = index.search_sorted(&args.query, &filters, args.sort.into(), args.limit)?;
    if args.json {
        print_stdout(&format!("{}\n", serde_json::to_string_pretty(&hits)?))?;
        return Ok(EXIT_OK);
    }
    let (bold, plain) = if color() {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let mut text = String::new();
    for (rank, hit) in hits.iter().enumerate() {
        text.push_str(&format!(
            "{:>3}. {bold}{}{plain} — {}\n",
            rank + 1,
            hit.title,
            hit.enterprise
        ));
        text.push_str(&format!("     {}  (score {:.3})\n", hit.url, hit.score));
        let snippet = hit
            .snippet
            .replace("<mark>", bold)
            .replace("</mark>", plain)
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        text.push_str(&format!("     {snippet}\n"));
    }
    print_stdout(&text)?;
    eprintln!("{} result(s)", hits.len());
    Ok(EXIT_OK)
}
