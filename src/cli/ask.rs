//! `hotline ask` (to be written).

use super::{Cli, CliError};

#[derive(Debug, clap::Args)]
pub struct AskArgs {}

pub fn run(_cli: &Cli, _args: &AskArgs) -> Result<i32, CliError> {
    Err(CliError::Failed("not available yet".into()))
}
