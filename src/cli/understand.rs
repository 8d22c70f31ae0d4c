//! `hotline understand "<utterance>" [--today D] [--region R] [--pending S]`:
//! prints what the NLU makes of one utterance (intents, confidence,
//! entities) as JSON, in the region's own categories and with the question
//! pending when given. For writing intents and dialogue scripts.

use super::{Cli, CliError};

#[derive(Debug, clap::Args)]
pub struct UnderstandArgs {
    /// What the caller said.
    pub text: String,
    /// The clock relative dates are read against.
    #[command(flatten)]
    pub today: super::Today,
    /// The caller's region: the category is read in its own categories.
    #[arg(long)]
    pub region: Option<String>,
    /// The question just asked: a slot (applicant.name, materials…),
    /// hukou_moved or confirm.
    #[arg(long)]
    pub pending: Option<String>,
}

pub fn run(cli: &Cli, args: &UnderstandArgs) -> Result<i32, CliError> {
    let today = args.today.day()?;
    let assistant = super::load_assistant(cli)?;
    let own = match &args.region {
        Some(region) if !assistant.policies.regions.contains_key(region) => {
            return Err(CliError::Usage(format!(
                "--region: unknown region {region}"
            )));
        }
        Some(region) => Some(crate::nlu::OwnCategories::of(
            &assistant.policies,
            region,
            today,
        )),
        None => None,
    };
    let context = crate::nlu::Context {
        pending: args.pending.as_deref(),
        situation: &[],
        own_categories: own.as_ref(),
    };
    let understanding = assistant.nlu.understand_in(&args.text, today, &context);
    let json = serde_json::to_string_pretty(&understanding)
        .map_err(|error| CliError::Failed(error.to_string()))?;
    outln!("{json}");
    Ok(0)
}
