//! `biaogan export summary` and `biaogan export compilation`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{ArgGroup, Args, Subcommand};

use super::{Cli, EXIT_OK};

/// Flags of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export.
    #[command(subcommand)]
    pub what: ExportWhat,
}

/// Kinds of export.
#[derive(Debug, Subcommand)]
pub enum ExportWhat {
    /// The summary sheet (汇总表) of a year: CSV (UTF-8 with BOM) or XLSX.
    Summary(SummaryExportArgs),
    /// The year's compilation (典型经验汇编) as a Word document (.docx): cover, table of
    /// contents, every published case from a new page.
    Compilation(CompilationExportArgs),
}

/// Flags of `export compilation`.
#[derive(Debug, Args)]
pub struct CompilationExportArgs {
    /// Collection year.
    #[arg(long)]
    pub year: u16,
    /// Output file (default: `<year>年质量标杆典型经验汇编.docx` in the current directory).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Flags of `export summary`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("file").required(true).multiple(true).args(["out", "csv", "xlsx"])))]
pub struct SummaryExportArgs {
    /// Collection year.
    #[arg(long)]
    pub year: u16,
    /// Output file; the format follows its extension, .csv or .xlsx (CSV for /dev/stdout).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write a CSV file (any extension).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write an XLSX file (any extension).
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    /// Add the private columns (联系人, 电话, 统一社会信用代码, 利润). Never publish that file.
    #[arg(long)]
    pub private: bool,
    /// Include draft cases.
    #[arg(long)]
    pub drafts: bool,
}

/// Sheet formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

/// The files to write with their formats, checked before any work.
fn targets(args: &SummaryExportArgs) -> Result<Vec<(PathBuf, Format)>> {
    let mut targets = Vec::new();
    if let Some(out) = &args.out {
        let extension = out
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let format = match extension.as_str() {
            "csv" => Format::Csv,
            "xlsx" => Format::Xlsx,
            // A pipe has no extension: CSV is the format that reads as text.
            _ if out == Path::new("/dev/stdout") => Format::Csv,
            _ => bail!(
                "cannot tell the format of {} from its extension; name it .csv or .xlsx, or use --csv FILE / --xlsx FILE",
                biaogan::error::display_path(out)
            ),
        };
        targets.push((out.clone(), format));
    }
    if let Some(csv) = &args.csv {
        targets.push((csv.clone(), Format::Csv));
    }
    if let Some(xlsx) = &args.xlsx {
        targets.push((xlsx.clone(), Format::Xlsx));
    }
    Ok(targets)
}

/// Writes the sheet; refuses when the content has errors.
pub fn run(cli: &Cli, args: &ExportArgs) -> Result<u8> {
    match &args.what {
        ExportWhat::Summary(args) => summary(&cli.root, args),
        ExportWhat::Compilation(args) => compilation(&cli.root, args),
    }
}

/// Loads and checks the site; refuses when the content has errors. Returns the site and the
/// number of warnings.
fn checked_site(root: &Path) -> Result<(biaogan::content::Site, usize)> {
    let highlighter = biaogan::markdown::Highlighter::new();
    let checked = biaogan::build::load_and_check(root, None, &highlighter)?;
    let (errors, warnings): (Vec<_>, Vec<_>) = checked
        .diagnostics
        .into_iter()
        .partition(biaogan::Diagnostic::is_error);
    if !errors.is_empty() {
        let mut all = errors;
        all.extend(warnings);
        return Err(biaogan::Error::Content(all))
            .context("nothing was exported; fix the content first (`biaogan check`)");
    }
    Ok((checked.site, warnings.len()))
}

/// Years that have cases in `site`, for error messages.
fn years_with_cases(site: &biaogan::content::Site) -> String {
    let mut years: Vec<String> = site.cases.iter().map(|c| c.year.to_string()).collect();
    years.dedup();
    if years.is_empty() {
        "none".to_string()
    } else {
        years.join(", ")
    }
}

fn compilation(root: &Path, args: &CompilationExportArgs) -> Result<u8> {
    let started = std::time::Instant::now();
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(format!("{}.docx", biaogan::compilation::title(args.year)))
    });
    let (site, warnings) = checked_site(root)?;
    let site = site.without_drafts();
    let Some(compilation) = biaogan::compilation::compilation(&site, args.year) else {
        bail!(
            "no published cases in {}; years with cases: {}",
            args.year,
            years_with_cases(&site)
        );
    };
    let bytes = biaogan::compilation::docx::write(&compilation, &site.config.base_url)
        .with_context(|| format!("cannot export the compilation of {}", args.year))?;
    biaogan::fs::write_atomic(&out, &bytes)?;
    eprintln!(
        "wrote the compilation of {} ({} cases, {} KB) to {} in {:.2} s",
        args.year,
        compilation.entries.len(),
        bytes.len().div_ceil(1024),
        biaogan::error::display_path(&out),
        started.elapsed().as_secs_f64()
    );
    if warnings > 0 {
        eprintln!("{warnings} warning(s) in the content; see `biaogan check`");
    }
    Ok(EXIT_OK)
}

fn summary(root: &Path, args: &SummaryExportArgs) -> Result<u8> {
    let targets = targets(args)?;
    let highlighter = biaogan::markdown::Highlighter::new();
    let biaogan::pipeline::Published { site, warnings, .. } =
        biaogan::pipeline::load_and_check(root, None, &highlighter)?
            .publish(args.drafts)
            .context("nothing was exported; fix the content first (`biaogan check`)")?;
    let rows = biaogan::summary::rows(&site, args.year, args.private);
    if rows.is_empty() {
        let mut years: Vec<String> = site.cases.iter().map(|c| c.year.to_string()).collect();
        years.dedup();
        bail!(
            "no {}cases in {}; years with cases: {}",
            if args.drafts { "" } else { "published " },
            args.year,
            if years.is_empty() {
                "none".to_string()
            } else {
                years.join(", ")
            }
        );
    }
    for (path, format) in &targets {
        let bytes = match format {
            Format::Csv => biaogan::summary::write_csv(&rows, args.year, args.private)?,
            Format::Xlsx => biaogan::summary::write_xlsx(&rows, args.year, args.private)?,
        };
        biaogan::fs::write(path, &bytes)?;
        eprintln!(
            "wrote {} cases of {} to {}{}",
            rows.len(),
            args.year,
            biaogan::error::display_path(path),
            if args.private {
                " with private columns: keep this file private, never publish it"
            } else {
                ""
            }
        );
    }
    if !warnings.is_empty() {
        eprintln!(
            "{} warning(s) in the content; see `biaogan check`",
            warnings.len()
        );
    }
    Ok(EXIT_OK)
}
