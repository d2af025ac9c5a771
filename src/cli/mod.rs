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
    let result = set_lock_wait().and_then(|()| match &cli.command {
        Command::Build(args) => build::run(&cli, args),
        Command::Check(args) => check::run(&cli, args),
        Command::Init(args) => init::run(args),
        Command::New(args) => new::run(&cli, args),
        Command::Search(args) => search::run(&cli, args),
        Command::Export(args) => export::run(&cli, args),
        Command::Import(args) => import::run(&cli, args),
        Command::Serve(args) => serve::run(&cli, args),
    });
    match result {
        Ok(code) => ExitCode::from(code),
        // Whoever read our output has stopped reading (`| head`): nothing more to say.
        Err(error) if is_broken_pipe(&error) => ExitCode::from(EXIT_OK),
        Err(error) => {
            if let Some(signal) = biaogan::cancel::signal() {
                eprintln!(
                    "error: stopped by signal {signal}; the previous output was left as it was"
                );
                return ExitCode::from(u8::try_from(signal).map_or(1, |s| 128u8.saturating_add(s)));
            }
            print_error(&error);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Environment variable: how many seconds a command that writes the site waits for another
/// one to finish (0: refuse at once).
pub const LOCK_WAIT_VAR: &str = "BIAOGAN_LOCK_WAIT";

/// Sets how long to wait for another writer of the site, and prints that we wait.
fn set_lock_wait() -> Result<(), anyhow::Error> {
    let limit = match std::env::var(LOCK_WAIT_VAR) {
        Ok(text) => match text.trim().parse::<u64>() {
            Ok(secs) => std::time::Duration::from_secs(secs),
            Err(_) => anyhow::bail!(
                "{LOCK_WAIT_VAR}={text:?} is not a number of seconds (e.g. 0 to refuse at once, 600 to wait up to 10 minutes)"
            ),
        },
        Err(_) => std::time::Duration::from_secs(600),
    };
    biaogan::lock::set_wait_policy(biaogan::lock::WaitPolicy {
        limit,
        report: |holder| eprintln!("waiting for {holder} to finish…"),
    });
    Ok(())
}

/// True when the error comes from writing to a pipe whose reader has gone (EPIPE).
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes `text` to standard output in one go; a closed pipe comes back as an error that
/// [`run`] turns into a quiet exit.
pub fn print_stdout(text: &str) -> Result<(), anyhow::Error> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
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
            biaogan::error::format_diagnostics(diagnostics, color())
        );
        eprintln!("error: {error}");
        return;
    }
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}
