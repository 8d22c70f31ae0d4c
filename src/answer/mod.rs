//! Answers to free-text questions (contract §2.1): a short reply in the
//! clause's own words with the whole clauses beside it, or an honest
//! refusal with the offer of a human.
//!
//! Pure: it takes the question and what search found and returns the
//! Answer.
//! - `compose`: the Answer from ranked passages;
//! - `from_rules`: questions the rules decide, answered from the Decision;
//! - `reply`: the short reply, one spoken sentence or two written ones;
//! - `scope`: whether the corpus answers the question at all ([`judge`]);
//! - `wording`: every fixed sentence of an answer (`intents/answers.yaml`).

mod compose;
pub mod from_rules;
pub mod reply;
mod scope;
pub mod wording;

pub use compose::{Evidence, Prepared, answer_passage, compose, decided};
pub use scope::{OffTopic, OtherRegions, Verdict, judge, out_of_region};
pub use wording::Wording;

use serde::{Deserialize, Serialize};

use crate::corpus::Region;

/// Longest question accepted, in characters.
pub const MAX_QUESTION_CHARS: usize = 2000;
/// Passages returned when the caller does not say how many.
pub const DEFAULT_TOP: usize = 5;
/// Most passages one answer may carry.
pub const MAX_TOP: usize = 50;
/// Below this share of familiar words the corpus is taken not to answer a
/// question. Calibrated on the tuning part, `tests/qa/questions.yaml` (the
/// test prints the sweep; BENCHMARKS.md): 0.5 is the highest that answers
/// every in-scope question there (100 % answered, 98.1 % of out-of-scope
/// refused); 0.55 refuses 3.4 % of in-scope ones to refuse one more.
pub const ANSWER_THRESHOLD: f32 = 0.5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub question: String,
    pub answered: bool,
    /// A short reply an agent can read aloud: one sentence, at most
    /// [`reply::PHONE_MAX_CHARS`] characters, ending with an offer to say
    /// more (`wording::Wording::offer_more`) where the clauses hold more.
    pub answer: String,
    /// The reply for reading (the widget): at most two sentences, with
    /// the clause it rests on.
    #[serde(default)]
    pub written: String,
    /// The clause the reply rests on, e.g.
    /// `东莞市《异地就医备案申请流程》“温馨提示 2”`; none on a refusal.
    #[serde(default)]
    pub cite: Option<String>,
    /// Where the reply comes from.
    #[serde(default)]
    pub source: AnswerSource,
    /// Ranked best first, at most `top`.
    pub passages: Vec<AnswerPassage>,
    /// The share of the question's words the policy texts know, 0 to 1.
    pub confidence: f32,
}

/// Where an answer comes from: the rules module deciding the caller's case
/// (or the category the question names), or search over the texts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerSource {
    Rules,
    #[default]
    Search,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerPassage {
    pub doc_id: String,
    pub title: String,
    pub region: String,
    /// The citation label, e.g. `第八条`.
    pub clause: String,
    pub text: String,
    pub score: f32,
    /// `<doc_id>#<anchor>`.
    pub passage_id: String,
}

/// A question, as the CLI and the API take it.
#[derive(Debug, Clone, Default)]
pub struct Question {
    pub text: String,
    pub region: Option<String>,
    pub top: Option<usize>,
    /// The caller's case as known so far (a session's slots): a question
    /// the rules decide is answered for it. Without one, the case is what
    /// the question itself says (the category it names).
    pub case: Option<crate::rules::Application>,
    /// The day rules-backed answers are decided on; without one, only
    /// search answers.
    pub today: Option<chrono::NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AskError {
    #[error("question: must not be empty")]
    Empty,
    #[error("question: longer than {max} characters")]
    TooLong { max: usize },
    #[error("region: unknown region `{given}`; valid regions: {valid}")]
    UnknownRegion { given: String, valid: String },
    #[error("top: must be between 1 and {max}")]
    BadTop { max: usize },
}

/// A question that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidQuestion {
    pub text: String,
    /// A region id from `regions.toml`.
    pub region: Option<String>,
    pub top: usize,
}

/// Checks a question: not empty, not too long, a known region (by id or by
/// its Chinese name, 东莞 or 东莞市), a sensible `top`.
pub fn validate(question: &Question, regions: &[Region]) -> Result<ValidQuestion, AskError> {
    let text = question.text.trim();
    if text.is_empty() {
        return Err(AskError::Empty);
    }
    if text.chars().count() > MAX_QUESTION_CHARS {
        return Err(AskError::TooLong {
            max: MAX_QUESTION_CHARS,
        });
    }
    let region = match question.region.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(given) => Some(
            find_region(given, regions)
                .ok_or_else(|| AskError::UnknownRegion {
                    given: given.to_string(),
                    valid: regions
                        .iter()
                        .map(|region| region.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?
                .id
                .clone(),
        ),
    };
    let top = question.top.unwrap_or(DEFAULT_TOP);
    if !(1..=MAX_TOP).contains(&top) {
        return Err(AskError::BadTop { max: MAX_TOP });
    }
    Ok(ValidQuestion {
        text: text.to_string(),
        region,
        top,
    })
}

fn find_region<'a>(given: &str, regions: &'a [Region]) -> Option<&'a Region> {
    let given_lower = given.to_lowercase();
    regions.iter().find(|region| {
        region.id == given_lower || region.name == given || short_name(&region.name) == given
    })
}

/// `东莞市` → `东莞`: how people name a city.
pub fn short_name(name: &str) -> &str {
    name.strip_suffix('市').unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> Vec<Region> {
        crate::corpus::regions::dongguan_only()
    }

    fn ask(
        text: &str,
        region: Option<&str>,
        top: Option<usize>,
    ) -> Result<ValidQuestion, AskError> {
        let question = Question {
            text: text.into(),
            region: region.map(String::from),
            top,
            ..Question::default()
        };
        validate(&question, &regions())
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(ask("  ", None, None), Err(AskError::Empty));
        assert_eq!(
            ask(&"问".repeat(2001), None, None),
            Err(AskError::TooLong { max: 2000 })
        );
        assert_eq!(
            ask("备案", Some("shenzhen"), None),
            Err(AskError::UnknownRegion {
                given: "shenzhen".into(),
                valid: "dongguan".into()
            })
        );
        assert_eq!(
            ask("备案", None, Some(0)),
            Err(AskError::BadTop { max: MAX_TOP })
        );
        assert!(ask(&"问".repeat(2000), None, None).is_ok());
    }

    #[test]
    fn regions_are_known_by_id_or_chinese_name() {
        for given in ["dongguan", "DongGuan", "东莞", "东莞市"] {
            assert_eq!(
                ask("备案", Some(given), None).unwrap().region.as_deref(),
                Some("dongguan")
            );
        }
    }
}
