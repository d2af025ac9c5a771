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
    /// The sheet: .xlsx, .xls, .ods or .csv (UTF-8 or GB18030), with a header of one or two
    /// rows (企业名称, 典型经验名称, 推荐单位 or 地区, 重点领域 by name or number …).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Collection year of the cases.
    #[arg(long)]
    pub year: u16,
}

/// Imports the sheet and prints what was read, one line per case, per bad row and per cell
/// kept in `private.extra`, then how many cells went where; exit 1 on any bad row.
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
    let sheet = biaogan::summary::read_sheet(&args.file)?;
    let report = biaogan::summary::import(&cli.root, &config, args.year, &sheet);
    let path = |p: &std::path::Path| biaogan::error::display_path(p);
    let header_rows = match sheet.header_rows.as_slice() {
        [one] => format!("row {one}"),
        [first, .., last] => format!("rows {first}–{last}"),
        [] => "no row".to_string(),
    };
    eprintln!(
        "read {} of {}: header on {header_rows}, {} data row(s)",
        sheet.sheet,
        path(&args.file),
        sheet.rows.len()
    );
    for (row, line) in &sheet.preamble {
        eprintln!("  above the header, row {row}: {line}");
    }
    if let Some(unit) = sheet.reporting_unit() {
        let vocab = config.vocabulary(args.year);
        if let Some(region) = vocab.find(
            biaogan::vocab::Kind::Regions,
            unit,
            biaogan::vocab::Leniency::Sheet,
        ) {
            eprintln!(
                "  填报单位 {unit} is {}: rows without 地区 belong to it",
                region.name
            );
        }
    }
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
    for (row, line) in &sheet.notes {
        eprintln!("note: row {row} is not a case: {line}");
    }
    if !report.kept.is_empty() {
        eprintln!(
            "kept {} cell(s) in private.extra (no field of their own; never published):",
            report.kept.len()
        );
        for kept in &report.kept {
            eprintln!("  {} {}: {}", kept.cell, kept.header, kept.value);
        }
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    eprintln!(
        "imported {} row(s): {} cell(s) into fields, {} kept in private.extra, {} empty",
        report.created.len(),
        report.into_fields,
        report.kept.len(),
        report.empty
    );
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
