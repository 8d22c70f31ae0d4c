//! Reading a caller's turn as dialogue acts before anything acts on it:
//! whether a request for a person or to stop is meant, negated (不用转人工)
//! or taken back (算了，还是给我登记吧); whether the caller declines to give a
//! fact (身份证号能不能不在电话里讲) or cannot answer (不知道); whether a yes
//! or no answers the question put back to them. Moves with consequences act
//! only when the reading is sure; otherwise the dialogue asks. The words
//! are data (`acts:` in `intents/entities.yaml`, [`ActWords`]); how they
//! are weighed is here.

use crate::nlu::cues::ActWords;
use crate::nlu::{Intent, Understanding};

/// The least intent confidence at which a request to stop the call or for
/// a person (without 转人工 said outright) is acted on without asking back.
/// Calibrated on `tests/nlu/tuning.yaml` by `consequential_moves_need_confidence`
/// in `tests/dialogues.rs`: the stops and persons callers meant there score
/// 0.56 or more (我现在不想办了); misread stops score up to 0.61 (算了，还是给我登记吧, kept
/// going by the act reading) and 0.44 (为什么一定要身份证号？我不想说, a
/// question). 0.5 lies between. See BENCHMARKS.md, "Consequential moves".
pub const ACT_CONFIDENCE: f32 = 0.5;

/// A move with consequences the caller may be asking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Cancel,
    Handoff,
}

/// How sure the reading of a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Act on it.
    Sure(Request),
    /// Perhaps: ask back, with the options.
    Unsure(Request),
    /// Not asked for (or asked for and taken back).
    None,
}

/// The request this turn makes, and how sure that reading is.
pub fn request(understanding: &Understanding, text: &str, words: &ActWords) -> Reading {
    let asked_for_person = clauses(text).any(|clause| {
        words
            .person
            .iter()
            .any(|word| clause.contains(word.as_str()) && !negated(clause, word, words))
    });
    // An explicit 转人工 always works, whatever else the turn says.
    if asked_for_person {
        return Reading::Sure(Request::Handoff);
    }
    let sure = understanding.confidence >= ACT_CONFIDENCE;
    match understanding.intent {
        Intent::Handoff if refuses_person(text, words) => Reading::None,
        Intent::Handoff if sure => Reading::Sure(Request::Handoff),
        Intent::Handoff => Reading::Unsure(Request::Handoff),
        Intent::CancelDialogue
            if goes_on(text, words) || is_question(text, words) || does_not_know(text, words) =>
        {
            Reading::None
        }
        Intent::CancelDialogue if sure => Reading::Sure(Request::Cancel),
        Intent::CancelDialogue => Reading::Unsure(Request::Cancel),
        _ => Reading::None,
    }
}

/// The understanding once the requests the caller did not make are taken
/// out: 不用转人工，你帮我办 is the task, 算了，还是给我登记吧 is going on,
/// a weak 不办 inside a question is the question.
pub fn without_unmade_requests(
    mut understanding: Understanding,
    text: &str,
    words: &ActWords,
) -> Understanding {
    if request(&understanding, text, words) != Reading::None {
        return understanding;
    }
    let unmade = understanding.intent;
    let instead = match unmade {
        Intent::CancelDialogue if goes_on(text, words) => Intent::Register,
        Intent::CancelDialogue if is_question(text, words) => Intent::AskPolicy,
        Intent::Handoff | Intent::CancelDialogue => understanding
            .intents
            .iter()
            .map(|(intent, _)| *intent)
            .find(|intent| !matches!(intent, Intent::Handoff | Intent::CancelDialogue))
            .unwrap_or(if understanding.entities.is_empty() {
                Intent::Unknown
            } else {
                Intent::ProvideInfo
            }),
        _ => return understanding,
    };
    understanding.intent = instead;
    understanding
        .intents
        .retain(|(intent, _)| !matches!(intent, Intent::Handoff | Intent::CancelDialogue));
    understanding
}

/// A yes or no to a question put back to the caller (您是要…吗？); `None`
/// when the turn is neither, or both.
pub fn yes_or_no(understanding: &Understanding) -> Option<bool> {
    let has = |wanted: Intent| {
        understanding.intent == wanted
            || understanding
                .intents
                .iter()
                .any(|(intent, score)| *intent == wanted && *score >= ACT_CONFIDENCE)
    };
    match (
        has(Intent::Affirm),
        has(Intent::Deny) || has(Intent::Correct),
    ) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// The slot the caller will not give (身份证号能不能不在电话里讲, 为什么一定要
/// 电话): the ID number or the phone, named or pending.
pub fn declines(text: &str, pending: Option<&str>, words: &ActWords) -> Option<&'static str> {
    let said = |list: &[String]| list.iter().any(|word| text.contains(word.as_str()));
    if !said(&words.reluctant) {
        return None;
    }
    let number = said(&words.number_named);
    if said(&words.id_number_named) || number && pending == Some("applicant.id_number") {
        return Some("applicant.id_number");
    }
    if said(&words.phone_number_named) || number && pending == Some("applicant.phone") {
        return Some("applicant.phone");
    }
    match pending {
        Some(slot @ ("applicant.id_number" | "applicant.phone")) if text.chars().count() <= 12 => {
            Some(if slot == "applicant.phone" {
                "applicant.phone"
            } else {
                "applicant.id_number"
            })
        }
        _ => None,
    }
}

/// The caller cannot answer the question (不知道, 说不清, 搞不懂).
pub fn does_not_know(text: &str, words: &ActWords) -> bool {
    words
        .cannot_answer
        .iter()
        .any(|word| text.contains(word.as_str()))
}

/// Whether a turn asks again for something new after a finished
/// registration (再办一个, 给我老伴也办一个).
pub fn asks_for_another(understanding: &Understanding, text: &str, words: &ActWords) -> bool {
    matches!(
        understanding.intent,
        Intent::Register | Intent::RegisterMaternity
    ) || words
        .another_registration
        .iter()
        .any(|word| text.contains(word.as_str()))
}

/// Whether the text asks something.
pub fn is_question(text: &str, words: &ActWords) -> bool {
    words
        .question_marks
        .iter()
        .any(|mark| text.contains(mark.as_str()))
}

/// Whether `text` holds only the sounds callers fill a pause with.
pub fn only_fillers(text: &str, words: &ActWords) -> bool {
    let mut rest = text.trim_matches(|c: char| c.is_whitespace() || "，,。、".contains(c));
    while !rest.is_empty() {
        let Some(filler) = words
            .fillers
            .iter()
            .find(|filler| !filler.is_empty() && rest.starts_with(filler.as_str()))
        else {
            return false;
        };
        rest = rest[filler.len()..]
            .trim_start_matches(|c: char| c.is_whitespace() || "，,、".contains(c));
    }
    true
}

fn clauses(text: &str) -> impl Iterator<Item = &str> {
    text.split(['，', ',', '。', '！', '!', '；', ';', '？', '?', ' ', '、'])
}

/// Whether `word` in `clause` stands after a negator (不用转人工) or before
/// one that closes the clause (转人工就不用了).
fn negated(clause: &str, word: &str, words: &ActWords) -> bool {
    let Some(at) = clause.find(word) else {
        return false;
    };
    // The negator may share characters with the word (不需要人工 holds 要人工).
    let before = &clause[..at + word.len()];
    let after = &clause[at + word.len()..];
    words
        .negators
        .iter()
        .any(|negator| before.contains(negator.as_str()))
        || words
            .negated_after
            .iter()
            .any(|closing| after.contains(closing.as_str()))
}

/// Whether the text turns a person down (不用转人工，你帮我办就行): some
/// clause names one after a negator.
fn refuses_person(text: &str, words: &ActWords) -> bool {
    clauses(text).any(|clause| {
        words
            .person_named
            .iter()
            .any(|word| clause.contains(word.as_str()) && negated(clause, word, words))
    })
}

/// Whether the caller, after a word that stops the call, goes on after all
/// (算了，还是给我登记吧): the last stop word is followed by one that goes on.
fn goes_on(text: &str, words: &ActWords) -> bool {
    let last_stop = words
        .stop
        .iter()
        .filter_map(|word| text.rfind(word.as_str()).map(|at| at + word.len()))
        .max();
    match last_stop {
        Some(end) => words
            .go_on
            .iter()
            .any(|word| text[end..].contains(word.as_str())),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped words (`acts:` in `intents/entities.yaml`).
    fn words() -> &'static ActWords {
        static WORDS: std::sync::LazyLock<ActWords> = std::sync::LazyLock::new(|| {
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/entities.yaml");
            let mut problems = Vec::new();
            crate::nlu::cues::load(&path, &mut problems)
                .unwrap_or_else(|| panic!("{problems:?}"))
                .acts
        });
        &WORDS
    }

    #[test]
    fn a_negated_person_is_not_asked_for() {
        assert!(negated("不用转人工", "转人工", words()));
        assert!(negated("别给我转人工啊", "转人工", words()));
        assert!(negated("转人工就不用了", "转人工", words()));
        assert!(negated("不需要人工", "要人工", words()));
        assert!(!negated("给我转人工", "转人工", words()));
        assert!(!negated("还是转人工吧", "转人工", words()));
    }

    #[test]
    fn a_stop_taken_back_goes_on() {
        assert!(goes_on("那算了，还是麻烦你给我登记吧", words()));
        assert!(goes_on("哎呀算了算了，你接着帮我办吧", words()));
        assert!(goes_on("本来想算了的，想想还是现在办了吧", words()));
        assert!(!goes_on("算了不办了", words()));
        assert!(!goes_on("算了，还是不办了", words()));
        assert!(!goes_on("还是算了吧", words()));
    }

    #[test]
    fn declining_a_number_names_it() {
        let id = Some("applicant.id_number");
        assert_eq!(
            declines("身份证号码能不能不在电话里讲？", None, words()),
            id
        );
        assert_eq!(declines("我不想说", id, words()), id);
        assert_eq!(
            declines("号码不方便说", Some("applicant.phone"), words()),
            Some("applicant.phone")
        );
        assert_eq!(
            declines("为什么一定要身份证号？我不想说", None, words()),
            id
        );
        assert_eq!(declines("身份证号440304197812032012", id, words()), None);
        assert_eq!(declines("我怕身份证丢了", Some("materials"), words()), None);
    }
}
