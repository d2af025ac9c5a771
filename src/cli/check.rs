//! `biaogan check`.

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::{color, print_stdout, Cli, EXIT_ERROR, EXIT_OK};

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compiler-style messages.
    Human,
    /// A JSON array of {severity, code, file, line, column, message, help}.
    Json,
}

/// Flags of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Only report problems of this collection year (site-wide problems are always reported).
    #[arg(long)]
    pub year: Option<u16>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

/// Runs every check and prints the diagnostics; exit 1 when there are errors.
pub fn run(cli: &Cli, args: &CheckArgs) -> Result<u8> {
    let highlighter = biaogan::markdown::Highlighter::new();
    let checked = biaogan::pipeline::load_and_check(&cli.root, None, &highlighter)?;
    let diagnostics: Vec<_> = checked
        .diagnostics
        .into_iter()
        .filter(|d| match args.year {
            None => true,
            Some(year) => {
                let year = year.to_string();
                let mut parts = d
                    .file
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned());
                parts.next().as_deref() != Some("content")
                    || parts
                        .next()
                        .is_none_or(|first| first.len() != 4 || first == year)
            }
        })
        .collect();
    match args.format {
        Format::Json => print_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&diagnostics)?
        ))?,
        Format::Human => {
            if diagnostics.is_empty() {
                eprintln!("no problems found in {} cases", checked.site.cases.len());
            } else {
                eprintln!(
                    "{}",
                    biaogan::error::format_diagnostics(&diagnostics, color())
                );
            }
        }
    }
    Ok(if diagnostics.iter().any(|d| d.is_error()) {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}
