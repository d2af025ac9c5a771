//! Command-line interface: clap definitions and one module per subcommand. Turns flags into
//! the library's option structs, calls the library, prints results. The only place that
//! prints or chooses exit codes (with `main.rs`).

mod build;
mod check;
mod export;
mod import;
mod init;
mod new;
mod search;
mod serve;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: the content has errors, or the command failed.
pub const EXIT_ERROR: u8 = 1;

/// biaogan builds searchable static sites from quality-benchmark case write-ups (质量标杆典型经验).
#[derive(Debug, Parser)]
#[command(name = "biaogan", version, about, long_about = None)]
pub struct Cli {
    /// Site directory (holding site.yaml).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output directory.
    Build(build::BuildArgs),
    /// Validate the content without writing anything; exit 1 on errors.
    Check(check::CheckArgs),
    /// Create a new site in DIR.
    Init(init::InitArgs),
    /// Create new content from a skeleton.
    New(new::NewArgs),
    /// Search the index written by the last build (exact Chinese substrings, ANDed words).
    Search(search::SearchArgs),
    /// Export a year's summary sheet (汇总表, CSV or XLSX) or its compilation (典型经验汇编, Word).
    Export(export::ExportArgs),
    /// Import a summary sheet (汇总表): one new case folder per enterprise; never overwrites.
    Import(import::ImportArgs),
    /// Preview the site on 127.0.0.1 with live reload; rebuilds on change.
    Serve(serve::ServeArgs),
}

/// Runs the CLI and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Build(args) => build::run(&cli, args),
        Command::Check(args) => check::run(&cli, args),
        Command::Init(args) => init::run(args),
        Command::New(args) => new::run(&cli, args),
        Command::Search(args) => search::run(&cli, args),
        Command::Export(args) => export::run(&cli, args),
        Command::Import(args) => import::run(&cli, args),
        Command::Serve(args) => serve::run(&cli, args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            print_error(&error);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Whether to colour messages on standard error.
pub fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Whether to show progress (a terminal, not CI).
pub fn interactive() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

/// Prints an error with its causes; content errors as a numbered list of diagnostics.
pub fn print_error(error: &anyhow::Error) {
    if let Some(biaogan::Error::Content(diagnostics)) = error.downcast_ref::<biaogan::Error>() {
        eprintln!(
            "{}",
            biaogan::build::format_diagnostics(diagnostics, color())
        );
        eprintln!("error: {error}");
        return;
    }
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}
