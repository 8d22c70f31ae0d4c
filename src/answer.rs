//! Answer composition (contract §2.1): a short reply built from the best
//! passages, or an honest refusal with the offer of a human. (To be written.)

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub question: String,
    pub answered: bool,
    pub answer: String,
    pub passages: Vec<AnswerPassage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerPassage {
    pub doc_id: String,
    pub title: String,
    pub region: String,
    pub clause: String,
    pub text: String,
    pub score: f32,
    pub passage_id: String,
}

/// A question, as the CLI and the API take it.
#[derive(Debug, Clone, Default)]
pub struct Question {
    pub text: String,
    pub region: Option<String>,
    pub top: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AskError {
    #[error("question: must not be empty")]
    Empty,
    #[error("question: longer than {max} characters")]
    TooLong { max: usize },
    #[error("region: unknown region `{given}`; valid regions: {valid}")]
    UnknownRegion { given: String, valid: String },
}
