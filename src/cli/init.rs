//! `biaogan init`.

use std::path::PathBuf;

use anyhow::Result;
use chrono::Datelike;
use clap::Args;

use super::EXIT_OK;

/// Flags of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory of the new site (created if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// Creates the site and says what to do next.
pub fn run(args: &InitArgs) -> Result<u8> {
    let year = chrono::Local::now().year().clamp(2000, 9999) as u16;
    let written = biaogan::scaffold::init_site(&args.dir, year)?;
    for path in &written {
        eprintln!("created {}", biaogan::error::display_path(path));
    }
    eprintln!(
        "next: cd {} && biaogan build",
        biaogan::error::display_path(&args.dir)
    );
    Ok(EXIT_OK)
}
