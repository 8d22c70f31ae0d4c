//! `hotline chat` (to be written).

use super::{Cli, CliError};

#[derive(Debug, clap::Args)]
pub struct ChatArgs {}

pub fn run(_cli: &Cli, _args: &ChatArgs) -> Result<i32, CliError> {
    Err(CliError::Failed("not available yet".into()))
}
