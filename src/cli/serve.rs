//! `hotline serve` (to be written).

use super::{Cli, CliError};

#[derive(Debug, clap::Args)]
pub struct ServeArgs {}

pub fn run(_cli: &Cli, _args: &ServeArgs) -> Result<i32, CliError> {
    Err(CliError::Failed("not available yet".into()))
}
