//! `biaogan import summary`.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};

use super::{Cli, EXIT_ERROR, EXIT_OK};

/// Flags of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What to import.
    #[command(subcommand)]
    pub what: ImportWhat,
}

/// Kinds of import.
#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Scaffold one case folder per enterprise of a summary sheet (汇总表); never overwrites.
    Summary(SummaryImportArgs),
}

/// Flags of `import summary`.
#[derive(Debug, Args)]
pub struct SummaryImportArgs {
    /// The sheet: .xlsx or .csv, with a header row (企业名称, 典型经验名称, 地区, 重点领域 …).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Collection year of the cases.
    #[arg(long)]
    pub year: u16,
}

/// Imports the sheet and prints one line per case and per bad row; exit 1 on any bad row.
pub fn run(cli: &Cli, args: &ImportArgs) -> Result<u8> {
    let ImportWhat::Summary(args) = &args.what;
    if !(1000..=9999).contains(&args.year) {
        bail!("--year {} is not a four-digit year", args.year);
    }
    let config = biaogan::config::SiteConfig::load(&cli.root)?;
    let lock = biaogan::lock::SiteLock::acquire(&cli.root, "import")?;
    for note in lock.notes() {
        eprintln!("note: {note}");
    }
    let rows = biaogan::summary::read_sheet(&args.file)?;
    let report = biaogan::summary::import(&cli.root, &config, args.year, &rows);
    let path = |p: &std::path::Path| biaogan::error::display_path(p);
    for case in &report.created {
        eprintln!("created {} (row {})", path(&case.path), case.row);
    }
    for case in &report.skipped {
        eprintln!(
            "skipped row {} ({}): {} already exists; nothing was overwritten",
            case.row,
            case.enterprise,
            path(&case.path)
        );
    }
    for problem in report.bad_rows.iter().chain(&report.failed) {
        eprintln!("error: {problem}");
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    eprintln!(
        "{} case(s) created, {} skipped, {} bad row(s){} in {}",
        report.created.len(),
        report.skipped.len(),
        report.bad_rows.len(),
        if report.failed.is_empty() {
            String::new()
        } else {
            format!(", {} not written", report.failed.len())
        },
        path(&args.file)
    );
    if !report.created.is_empty() {
        eprintln!("next: write each summary and body, then run `biaogan check`");
    }
    Ok(if report.is_ok() { EXIT_OK } else { EXIT_ERROR })
}
