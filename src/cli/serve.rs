//! `biaogan serve`: prints what the preview server reports.

use std::sync::Arc;

use anyhow::Result;
use clap::Args;

use biaogan::serve::rebuild::BuildKind;
use biaogan::serve::{Event, ServeOptions, DEFAULT_PORT};

use super::{color, Cli, EXIT_OK};

/// Flags of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0: any free port; the address is printed on standard output).
    #[arg(long, default_value_t = DEFAULT_PORT, value_name = "PORT")]
    pub port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Publish draft cases and pages too.
    #[arg(long)]
    pub drafts: bool,
}

/// Serves the site until Ctrl-C.
pub fn run(cli: &Cli, args: &ServeArgs) -> Result<u8> {
    let options = ServeOptions {
        root: cli.root.clone(),
        port: args.port,
        open: args.open,
        drafts: args.drafts,
    };
    biaogan::serve::serve(&options, Arc::new(report))?;
    Ok(EXIT_OK)
}

/// Prints an event: the address on standard output, everything else on standard error.
fn report(event: &Event<'_>) {
    match event {
        Event::Listening { url } => {
            println!("serving {url}");
            eprintln!("watching content/, templates/ and site.yaml; press Ctrl-C to stop");
        }
        Event::Changed { paths } => {
            let first = paths
                .first()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            match paths.len() {
                0 | 1 => eprintln!("changed: {first}"),
                n => eprintln!("changed: {first} and {} more", n - 1),
            }
        }
        Event::Built {
            initial,
            pages,
            files,
            elapsed,
            warnings,
            warnings_changed,
            kind,
        } => {
            if *warnings_changed {
                for warning in *warnings {
                    eprintln!("{}\n", warning.render(color()));
                }
            }
            let what = match kind {
                _ if *initial => "built".to_string(),
                BuildKind::Full => "rebuilt".to_string(),
                BuildKind::Incremental { pages: rendered } => {
                    format!("rebuilt {rendered} page(s) of")
                }
                BuildKind::Background => "caught up (search, related cases):".to_string(),
            };
            eprintln!(
                "{what} {pages} pages, {files} files in {} ms{}",
                elapsed.as_millis(),
                if warnings.is_empty() {
                    String::new()
                } else {
                    format!(", {} warning(s)", warnings.len())
                }
            );
        }
        Event::Failed {
            initial,
            elapsed,
            error,
        } => {
            if let biaogan::Error::Content(diagnostics) = error {
                eprintln!(
                    "{}",
                    biaogan::error::format_diagnostics(diagnostics, color())
                );
            }
            eprintln!(
                "error: build failed after {} ms: {error}",
                elapsed.as_millis()
            );
            eprintln!(
                "{}",
                if *initial {
                    "nothing to serve until the errors are fixed; pages show them meanwhile"
                } else {
                    "still serving the last good build; pages show the errors until they are fixed"
                }
            );
        }
        Event::Notice { message } => eprintln!("warning: {message}"),
        Event::Stopping => eprintln!("stopping"),
        _ => {}
    }
}
