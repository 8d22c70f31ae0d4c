//! `hotline ask "<question>" [--region R] [--top N] [--json]`: answers one
//! free-text question from the policy texts (contract §2.1).

use super::{Cli, CliError};
use crate::answer::{Answer, Question};

#[derive(Debug, clap::Args)]
pub struct AskArgs {
    /// The question, as the caller asked it.
    pub question: String,
    /// Only answer from this region's documents (an id of corpus/regions.toml).
    #[arg(long)]
    pub region: Option<String>,
    /// How many passages to show (default 5).
    #[arg(long)]
    pub top: Option<usize>,
    /// Print the Answer as one JSON document.
    #[arg(long)]
    pub json: bool,
}

pub fn run(cli: &Cli, args: &AskArgs) -> Result<i32, CliError> {
    let assistant = super::load_assistant(cli)?;
    let question = Question {
        text: args.question.clone(),
        region: args.region.clone(),
        top: args.top,
        case: None,
        today: Some(chrono::Local::now().date_naive()),
    };
    let answer = assistant
        .ask(&question)
        .map_err(|error| CliError::Usage(error.to_string()))?;
    if args.json {
        let json = serde_json::to_string_pretty(&answer)
            .map_err(|error| CliError::Failed(error.to_string()))?;
        outln!("{json}");
    } else {
        out!("{}", human(&answer));
    }
    Ok(0)
}

/// The answer for a person at a terminal: the reply, then each passage
/// with its citation.
fn human(answer: &Answer) -> String {
    let mut out = format!("问：{}\n答：{}\n", answer.question, answer.answer);
    if !answer.passages.is_empty() {
        out.push_str("\n依据：\n");
    }
    for (rank, passage) in answer.passages.iter().enumerate() {
        out.push_str(&format!(
            "{}. 《{}》{}  [{}，得分 {:.1}]\n",
            rank + 1,
            passage.title,
            passage.clause,
            passage.passage_id,
            passage.score
        ));
        for line in passage.text.lines() {
            out.push_str(&format!("   {line}\n"));
        }
    }
    out
}
