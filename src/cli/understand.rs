//! `hotline understand "<utterance>" [--today D]`: prints what the NLU makes
//! of one utterance (intents, confidence, entities) as JSON. For writing
//! intents and dialogue scripts.

use super::{Cli, CliError};

#[derive(Debug, clap::Args)]
pub struct UnderstandArgs {
    /// What the caller said.
    pub text: String,
    /// The clock relative dates are read against (YYYY-MM-DD).
    #[arg(long)]
    pub today: Option<String>,
}

pub fn run(cli: &Cli, args: &UnderstandArgs) -> Result<i32, CliError> {
    let today = match &args.today {
        Some(text) => super::parse_date("--today", text)?,
        None => chrono::Local::now().date_naive(),
    };
    let assistant = super::load_assistant(cli)?;
    let understanding = assistant.nlu.understand(&args.text, today);
    let json = serde_json::to_string_pretty(&understanding)
        .map_err(|error| CliError::Failed(error.to_string()))?;
    println!("{json}");
    Ok(0)
}
