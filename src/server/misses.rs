//! Questions the assistant refused or was unsure of, kept for the editors of
//! the corpus (`GET /v1/misses`, `hotline misses`): each with how often it
//! came, so the most asked gaps get a synonym, a tag or a passage first.
//!
//! The text is masked before it is stored: ID, phone and card numbers
//! (written or spoken), and the caller's name where the NLU reads one.

use std::sync::{Arc, OnceLock};

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use regex::Regex;
use serde::Deserialize;

use super::auth::Credential;
use super::{ApiError, AppState, pii};
use crate::answer::{ANSWER_THRESHOLD, Answer};
use crate::assistant::Assistant;
use crate::server::ErrorCode;
use crate::store::Miss;

/// An answered question whose share of familiar words is below this is
/// kept as `low_confidence`: answered, but near the refusal threshold, so
/// an editor should look at it. A quarter above the threshold.
pub const UNSURE_BELOW: f32 = ANSWER_THRESHOLD + 0.25;

/// Most misses one listing returns, and how many when not asked.
const MAX_LIMIT: usize = 1000;
const DEFAULT_LIMIT: usize = 100;

/// Why an answer counts as a miss, if it does: `off_topic` (a topic the
/// corpus does not cover, named), `refused` (nothing in the corpus answers
/// it) or `low_confidence`.
pub fn reason(answer: &Answer) -> Option<&'static str> {
    if !answer.answered {
        // An off-topic refusal shows no passages (nothing unrelated).
        Some(if answer.passages.is_empty() {
            "off_topic"
        } else {
            "refused"
        })
    } else if answer.confidence < UNSURE_BELOW {
        Some("low_confidence")
    } else {
        None
    }
}

/// A run of seven or more digits as a caller speaks them (幺三八…), or
/// written, possibly with the ID's check character: a number that may
/// identify someone.
fn spoken_numbers() -> &'static Regex {
    static RUNS: OnceLock<Regex> = OnceLock::new();
    RUNS.get_or_init(|| {
        Regex::new(r"[0-9０-９零〇一二三四五六七八九幺两洞拐勾*]{7,}[XxＸ叉]?")
            .expect("static pattern")
    })
}

/// The question as editors may see it: no number and no name that could
/// tell who asked.
pub fn mask(assistant: &Assistant, question: &str) -> String {
    let (name, unsure) = assistant.nlu.name_in(question);
    // A name read without a cue (我叫…) may be a word of the domain
    // (养老金 after the surname 养): that is the question, not a person.
    let names: Vec<String> = name
        .filter(|name| !unsure || !domain_word(assistant, name))
        .into_iter()
        .collect();
    let masked = pii::mask_text(question, &names);
    spoken_numbers()
        .replace_all(&masked, |captures: &regex::Captures| {
            "*".repeat(captures[0].chars().count())
        })
        .into_owned()
}

/// A word of the search vocabulary: the domain dictionary, synonyms, and
/// the topics known to be out of scope.
fn domain_word(assistant: &Assistant, word: &str) -> bool {
    let lexicon = &assistant.corpus.lexicon;
    lexicon.user_words.iter().any(|(known, _)| known == word)
        || lexicon
            .synonyms
            .iter()
            .chain(&lexicon.out_of_scope)
            .any(|line| {
                line.say
                    .iter()
                    .chain(&line.means)
                    .any(|known| known == word)
            })
}

/// The miss to record for `answer`, if it is one: masked, with the region
/// id the question was asked for.
pub fn of_answer(
    assistant: &Assistant,
    answer: &Answer,
    region: Option<String>,
) -> Option<Arc<Miss>> {
    let reason = reason(answer)?;
    Some(Arc::new(Miss {
        question: mask(assistant, &answer.question),
        region,
        reason: reason.to_string(),
        at: Utc::now(),
    }))
}

/// Counts `miss` once more, now, in the background: the answer does not
/// wait for the write (a miss is for editors, not the caller), and a store
/// that fails only logs it.
pub fn record(state: &AppState, miss: &Miss) {
    let now = Miss {
        at: Utc::now(),
        ..miss.clone()
    };
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(error) = state.store().record_miss(&now).await {
            tracing::warn!(%error, "could not keep a missed question");
        }
    });
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissesQuery {
    pub limit: Option<usize>,
}

/// Agents: the questions refused or answered unsurely, most frequent first.
#[utoipa::path(get, path = "/v1/misses",
    params(("limit" = Option<usize>, Query, description = "at most this many (1–1000, default 100)")),
    responses((status = 200, description = "`misses`: questions refused or answered unsurely, masked, most frequent first", body = Object),
              (status = 400, description = "bad limit", body = super::handlers::ErrorBody),
              (status = 401, description = "no token", body = super::handlers::ErrorBody),
              (status = 403, description = "a token that does not open this", body = super::handlers::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    credential: Credential,
    query: Result<Query<MissesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    credential.require_agent()?;
    let Query(query) =
        query.map_err(|error| ApiError::new(ErrorCode::InvalidQuery, error.body_text()))?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            format!("limit: must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let misses = state.store().misses(limit).await?;
    Ok(axum::Json(serde_json::json!({ "misses": misses })).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(answered: bool, confidence: f32, passages: usize) -> Answer {
        let passage = crate::answer::AnswerPassage {
            doc_id: "d".into(),
            title: String::new(),
            region: "dongguan".into(),
            clause: String::new(),
            text: String::new(),
            score: 1.0,
            passage_id: "d#a".into(),
        };
        Answer {
            question: "q".into(),
            answered,
            answer: String::new(),
            written: String::new(),
            cite: None,
            source: Default::default(),
            passages: vec![passage; passages],
            confidence,
        }
    }

    #[test]
    fn refusals_and_unsure_answers_are_misses() {
        assert_eq!(reason(&answer(false, 0.2, 3)), Some("refused"));
        assert_eq!(reason(&answer(false, 1.0, 0)), Some("off_topic"));
        assert_eq!(
            reason(&answer(true, ANSWER_THRESHOLD, 3)),
            Some("low_confidence")
        );
        assert_eq!(reason(&answer(true, 1.0, 3)), None);
    }

    #[test]
    fn spoken_and_written_numbers_are_masked() {
        let runs = spoken_numbers();
        assert_eq!(
            runs.replace_all("我的号码幺三八零零幺三八零零零，能查吗", "#"),
            "我的号码#，能查吗"
        );
        assert_eq!(
            runs.replace_all("备案要三个工作日吗", "#"),
            "备案要三个工作日吗"
        );
    }
}
