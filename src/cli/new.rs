//! `biaogan new case`.

use anyhow::Result;
use clap::{Args, Subcommand};

use super::{Cli, EXIT_OK};

/// Flags of `new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to create.
    #[command(subcommand)]
    pub what: NewWhat,
}

/// Kinds of new content.
#[derive(Debug, Subcommand)]
pub enum NewWhat {
    /// A case folder named by the enterprise, with front matter and the standard sections.
    Case {
        /// Collection year.
        #[arg(long)]
        year: u16,
        /// 企业名称 (full name; also the folder name).
        #[arg(long)]
        enterprise: String,
        /// Focus area id or name.
        #[arg(long, default_value = "")]
        area: String,
        /// Region id or name.
        #[arg(long, default_value = "")]
        region: String,
        /// 典型经验名称.
        #[arg(long, default_value = "")]
        title: String,
    },
}

/// Writes the skeleton.
pub fn run(cli: &Cli, args: &NewArgs) -> Result<u8> {
    match &args.what {
        NewWhat::Case {
            year,
            enterprise,
            area,
            region,
            title,
        } => {
            let fields = biaogan::scaffold::CaseFields {
                enterprise: enterprise.clone(),
                year: *year,
                title: title.clone(),
                region: region.clone(),
                area: area.clone(),
                summary: String::new(),
                ..Default::default()
            };
            let path = biaogan::scaffold::new_case(&cli.root, &fields)?;
            eprintln!("created {}", biaogan::error::display_path(&path));
        }
    }
    Ok(EXIT_OK)
}
