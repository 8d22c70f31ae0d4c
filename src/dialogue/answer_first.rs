//! Answer first, then ask: a turn that gives facts and asks, in one of
//! its clauses, what the rules decide for the caller's own case (我退休回
//! 南宁定居，能打电话办吗) is answered from the Decision before the
//! dialogue asks its next question, even when the turn as a whole reads
//! as giving information rather than asking.

use super::{Draft, Services, Session, SessionChannel, acts};
use crate::answer::{AnswerSource, Question};
use crate::nlu::cues::ActWords;

/// Answers the question clauses of a turn that was not taken as a
/// question, when the rules decide what they ask; nothing otherwise (a
/// side remark is not a question to search the texts for).
pub(super) fn side_question(services: &dyn Services, session: &Session, draft: &mut Draft) {
    if draft.asked {
        return;
    }
    let Some(asked) = question_clauses(&draft.text, services.act_words()) else {
        return;
    };
    let answer = services.ask(&Question {
        text: asked,
        region: Some(session.slots.region.clone()),
        top: Some(3),
        case: Some(session.slots.clone()),
        today: Some(session.today),
    });
    let Ok(answer) = answer else { return };
    draft.answers.push(answer.clone());
    if !answer.answered || answer.source != AnswerSource::Rules {
        return;
    }
    draft.parts.push(match session.channel {
        SessionChannel::Phone => answer.answer,
        SessionChannel::Widget | SessionChannel::Agent => answer.written,
    });
    draft.passages = Some(answer.passages);
}

/// The clauses of `text` that ask something, joined; `None` when none does.
fn question_clauses(text: &str, words: &ActWords) -> Option<String> {
    let asked: String = text
        .split_inclusive(['，', ',', '。', '！', '!', '；', ';', '？', '?', ' '])
        .filter(|clause| acts::is_question(clause, words))
        .collect();
    (!asked.trim().is_empty()).then_some(asked)
}

#[cfg(test)]
mod tests {
    use super::question_clauses;
    use crate::dialogue::Services;

    #[test]
    fn only_the_asking_clauses_are_asked() {
        let words = crate::dialogue::tests::Fake.act_words();
        assert_eq!(
            question_clauses(
                "我退休了回广西南宁定居，户口也迁过去了，这个能打电话办吗？",
                words
            )
            .as_deref(),
            Some("这个能打电话办吗？")
        );
        assert_eq!(question_clauses("我退休了回广西南宁定居。", words), None);
    }
}
