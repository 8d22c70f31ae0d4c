//! Reading a caller's turn as dialogue acts before anything acts on it:
//! whether a request for a person or to stop is meant, negated (不用转人工)
//! or taken back (算了，还是给我登记吧); whether the caller declines to give a
//! fact (身份证号能不能不在电话里讲) or cannot answer (不知道); whether a yes
//! or no answers the question put back to them. Moves with consequences act
//! only when the reading is sure; otherwise the dialogue asks.

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

/// Words that ask for a person outright.
const PERSON_WORDS: [&str; 11] = [
    "转人工",
    "人工服务",
    "人工客服",
    "转接",
    "找人工",
    "要人工",
    "接人工",
    "换人工",
    "真人",
    "找个人",
    "找客服",
];

/// Words that negate what follows them in the same clause.
const NEGATORS: [&str; 10] = [
    "不用",
    "不要",
    "别",
    "不需要",
    "用不着",
    "没必要",
    "不想",
    "甭",
    "不必",
    "无需",
];

/// Words that stop the call.
const STOP_WORDS: [&str; 6] = ["算了", "不办", "不弄", "不要了", "拉倒", "不搞"];

/// Words after a stop word that take it back: the caller goes on.
const GO_ON_WORDS: [&str; 10] = [
    "还是",
    "继续",
    "接着",
    "照样",
    "帮我办",
    "给我办",
    "帮我登记",
    "给我登记",
    "办吧",
    "登记吧",
];

/// Words that make a clause a question (shared with the clause filter).
pub const QUESTION_MARKS: [&str; 17] = [
    "？",
    "?",
    "吗",
    "怎么",
    "多少",
    "多久",
    "哪些",
    "能不能",
    "可不可以",
    "是不是",
    "要不要",
    "有没有",
    "行不行",
    "会不会",
    "来得及",
    "咋",
    "为什么",
];

/// The request this turn makes, and how sure that reading is.
pub fn request(understanding: &Understanding, text: &str) -> Reading {
    let asked_for_person = clauses(text).any(|clause| {
        PERSON_WORDS
            .iter()
            .any(|word| clause.contains(word) && !negated(clause, word))
    });
    // An explicit 转人工 always works, whatever else the turn says.
    if asked_for_person {
        return Reading::Sure(Request::Handoff);
    }
    let sure = understanding.confidence >= ACT_CONFIDENCE;
    match understanding.intent {
        Intent::Handoff if refuses_person(text) => Reading::None,
        Intent::Handoff if sure => Reading::Sure(Request::Handoff),
        Intent::Handoff => Reading::Unsure(Request::Handoff),
        Intent::CancelDialogue if goes_on(text) || is_question(text) || does_not_know(text) => {
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
pub fn without_unmade_requests(mut understanding: Understanding, text: &str) -> Understanding {
    if request(&understanding, text) != Reading::None {
        return understanding;
    }
    let unmade = understanding.intent;
    let instead = match unmade {
        Intent::CancelDialogue if goes_on(text) => Intent::Register,
        Intent::CancelDialogue if is_question(text) => Intent::AskPolicy,
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
pub fn declines(text: &str, pending: Option<&str>) -> Option<&'static str> {
    const RELUCTANT: [&str; 16] = [
        "不想",
        "不愿",
        "不方便",
        "能不能不",
        "可不可以不",
        "能不说",
        "不说",
        "不告诉",
        "不在电话里",
        "为什么要",
        "为什么一定",
        "为啥要",
        "干嘛要",
        "不放心",
        "不敢",
        "怕",
    ];
    if !RELUCTANT.iter().any(|word| text.contains(word)) {
        return None;
    }
    let number = text.contains("号码") || text.contains("号");
    if text.contains("身份证号") || number && pending == Some("applicant.id_number") {
        return Some("applicant.id_number");
    }
    if ["电话号", "手机号", "联系电话"]
        .iter()
        .any(|word| text.contains(word))
        || number && pending == Some("applicant.phone")
    {
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
pub fn does_not_know(text: &str) -> bool {
    const WORDS: [&str; 8] = [
        "不知道",
        "不清楚",
        "说不清",
        "不好说",
        "不懂",
        "搞不清",
        "不晓得",
        "不太明白",
    ];
    WORDS.iter().any(|word| text.contains(word))
}

/// Whether a turn asks again for something new after a finished
/// registration (再办一个, 给我老伴也办一个).
pub fn asks_for_another(understanding: &Understanding, text: &str) -> bool {
    const AGAIN: [&str; 9] = [
        "再办",
        "也办",
        "还要办",
        "还想办",
        "另外办",
        "再登记",
        "也登记",
        "再备案",
        "新的备案",
    ];
    matches!(
        understanding.intent,
        Intent::Register | Intent::RegisterMaternity
    ) || AGAIN.iter().any(|word| text.contains(word))
}

/// Whether the text asks something.
pub fn is_question(text: &str) -> bool {
    QUESTION_MARKS.iter().any(|mark| text.contains(mark))
}

fn clauses(text: &str) -> impl Iterator<Item = &str> {
    text.split(['，', ',', '。', '！', '!', '；', ';', '？', '?', ' ', '、'])
}

/// Whether `word` in `clause` stands after a negator (不用转人工) or before
/// one that closes the clause (转人工就不用了).
fn negated(clause: &str, word: &str) -> bool {
    let Some(at) = clause.find(word) else {
        return false;
    };
    // The negator may share characters with the word (不需要人工 holds 要人工).
    let before = &clause[..at + word.len()];
    let after = &clause[at + word.len()..];
    NEGATORS.iter().any(|negator| before.contains(negator))
        || ["不用了", "不需要了", "就不用", "算了"]
            .iter()
            .any(|closing| after.contains(closing))
}

/// Whether the text turns a person down (不用转人工，你帮我办就行): some
/// clause names one after a negator.
fn refuses_person(text: &str) -> bool {
    clauses(text).any(|clause| {
        ["人工", "真人", "客服"]
            .iter()
            .any(|word| clause.contains(word) && negated(clause, word))
    })
}

/// Whether the caller, after a word that stops the call, goes on after all
/// (算了，还是给我登记吧): the last stop word is followed by one that goes on.
fn goes_on(text: &str) -> bool {
    let last_stop = STOP_WORDS
        .iter()
        .filter_map(|word| text.rfind(word).map(|at| at + word.len()))
        .max();
    match last_stop {
        Some(end) => GO_ON_WORDS.iter().any(|word| text[end..].contains(word)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negated_person_is_not_asked_for() {
        assert!(negated("不用转人工", "转人工"));
        assert!(negated("别给我转人工啊", "转人工"));
        assert!(negated("转人工就不用了", "转人工"));
        assert!(negated("不需要人工", "要人工"));
        assert!(!negated("给我转人工", "转人工"));
        assert!(!negated("还是转人工吧", "转人工"));
    }

    #[test]
    fn a_stop_taken_back_goes_on() {
        assert!(goes_on("那算了，还是麻烦你给我登记吧"));
        assert!(goes_on("哎呀算了算了，你接着帮我办吧"));
        assert!(goes_on("本来想算了的，想想还是现在办了吧"));
        assert!(!goes_on("算了不办了"));
        assert!(!goes_on("算了，还是不办了"));
        assert!(!goes_on("还是算了吧"));
    }

    #[test]
    fn declining_a_number_names_it() {
        let id = Some("applicant.id_number");
        assert_eq!(declines("身份证号码能不能不在电话里讲？", None), id);
        assert_eq!(declines("我不想说", id), id);
        assert_eq!(
            declines("号码不方便说", Some("applicant.phone")),
            Some("applicant.phone")
        );
        assert_eq!(declines("为什么一定要身份证号？我不想说", None), id);
        assert_eq!(declines("身份证号440304197812032012", id), None);
        assert_eq!(declines("我怕身份证丢了", Some("materials")), None);
    }
}
