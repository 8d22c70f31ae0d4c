//! `hotline test-dialogues` (to be written).

use super::{Cli, CliError};

#[derive(Debug, clap::Args)]
pub struct TestDialoguesArgs {}

pub fn run(_cli: &Cli, _args: &TestDialoguesArgs) -> Result<i32, CliError> {
    Err(CliError::Failed("not available yet".into()))
}
