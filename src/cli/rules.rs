//! `hotline rules` (to be written).

use super::{Cli, CliError};

#[derive(Debug, clap::Args)]
pub struct RulesArgs {}

pub fn run(_cli: &Cli, _args: &RulesArgs) -> Result<i32, CliError> {
    Err(CliError::Failed("not available yet".into()))
}
