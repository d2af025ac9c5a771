//! `biaogan build`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::Args;

use super::{color, interactive, Cli, EXIT_OK};

/// Flags of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Output directory [default: ROOT/public].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Publish draft cases and pages too.
    #[arg(long)]
    pub drafts: bool,
    /// Override base_url of site.yaml (absolute URLs in feeds, sitemap, QR codes).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// Runs the build and prints a summary.
pub fn run(cli: &Cli, args: &BuildArgs) -> Result<u8> {
    let mut options = biaogan::build::BuildOptions::new(&cli.root);
    if let Some(out) = &args.out {
        options.out = out.clone();
    }
    options.drafts = args.drafts;
    options.base_url = args.base_url.clone();
    // Ctrl-C and SIGTERM stop the build between steps, so that it cleans up after itself.
    biaogan::cancel::install()?;
    let spinner = interactive().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message("building…");
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    });
    let result = biaogan::build::build(&options);
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let report = result?;
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    for warning in &report.warnings {
        eprintln!("{}\n", warning.render(color()));
    }
    eprintln!(
        "built {} cases, {} pages ({} reused{}) and {} other files into {} in {:.2}s (load {:.2}s, check {:.2}s, render {:.2}s: related {:.2}s then pages {:.2}s beside index {:.2}s, search export {:.2}s){}",
        report.cases,
        report.stats.pages,
        report.stats.reused,
        if report.search_reused { ", search unchanged" } else { "" },
        report.stats.files,
        biaogan::error::display_path(&options.out),
        report.timings.total.as_secs_f64(),
        report.timings.load.as_secs_f64(),
        report.timings.check.as_secs_f64(),
        report.timings.render.as_secs_f64(),
        report.timings.related.as_secs_f64(),
        report.timings.pages.as_secs_f64(),
        report.timings.index.as_secs_f64(),
        report.timings.export.as_secs_f64(),
        if report.warnings.is_empty() { String::new() } else { format!(", {} warning(s)", report.warnings.len()) }
    );
    if report.published_added > 0 {
        eprintln!(
            "recorded {} new published URL(s) in {}: commit it with the content",
            report.published_added,
            biaogan::error::display_path(&biaogan::published::record_path(&cli.root)),
        );
    }
    Ok(EXIT_OK)
}
