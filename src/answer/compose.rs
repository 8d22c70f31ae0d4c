//! The Answer from what search found: the short reply in the best
//! passage's own words with its citation, or an honest refusal with the
//! offer of a human.

use super::reply::{self, Short};
use super::scope::Verdict;
use super::wording::Wording;
use super::{Answer, AnswerPassage, AnswerSource};
use crate::corpus::Passage;

/// A passage search found, with what the answer needs to cite it.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    pub passage: &'a Passage,
    pub score: f32,
    /// Its sentences, replies and citation.
    pub prepared: &'a Prepared,
}

/// What answering from a passage takes that depends on the passage alone,
/// prepared once at load: its sentences, the reply that starts at each of
/// them, and its citation. A question then only picks the sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The passage's text as [`reply::sentences`] splits it.
    pub sentences: Vec<String>,
    /// For each sentence, the reply [`reply::shorten_sentences`] gives when
    /// it picks that sentence, the written one after the citation.
    replies: Vec<Short>,
    /// `东莞市《异地就医备案申请流程》“温馨提示 2”`.
    pub cite: String,
}

impl Prepared {
    /// `region_name`: the Chinese name of the passage's region, e.g. `东莞市`.
    pub fn of(passage: &Passage, region_name: &str, wording: &Wording) -> Prepared {
        let sentences = reply::sentences(&passage.text);
        let cite = wording.cite.said(&[
            ("region", region_name),
            ("title", &passage.title),
            ("clause", &passage.clause),
        ]);
        let offer = wording.offer_more.said(&[]);
        let replies = (0..sentences.len())
            .map(|best| {
                let mut short = reply::shorten_at(&sentences, best, &offer);
                short.written = according_to(&cite, &short.written, wording);
                short
            })
            .collect();
        Prepared {
            sentences,
            replies,
            cite,
        }
    }

    /// The reply of the sentence that covers the question's `words` best.
    fn reply(&self, words: &[(String, f32)], wording: &Wording) -> Short {
        match reply::best_sentence(&self.sentences, words) {
            Some(best) => self.replies[best].clone(),
            None => Short {
                written: according_to(&self.cite, "", wording),
                ..Short::default()
            },
        }
    }
}

/// Builds the Answer: on [`Verdict::Answered`] the reply is the sentence
/// of the best passage that covers the question's `words` (weighted, as
/// search used them); otherwise it says so and offers a human.
pub fn compose(
    question: &str,
    evidence: &[Evidence<'_>],
    words: &[(String, f32)],
    familiarity: f32,
    verdict: &Verdict,
    wording: &Wording,
) -> Answer {
    let best = evidence.first();
    let (answered, short, cite) = match (verdict, best) {
        (Verdict::Answered, Some(best)) => (
            true,
            best.prepared.reply(words, wording),
            Some(best.prepared.cite.clone()),
        ),
        (Verdict::OutOfScope { topic: Some(topic) }, _) => (
            false,
            refusal(&wording.out_of_scope_topic.said(&[("topic", topic)])),
            None,
        ),
        (Verdict::OutOfRegion { reply }, _) => (false, refusal(reply), None),
        _ => (false, refusal(&wording.not_found.said(&[])), None),
    };
    // Weak candidates still help an agent who takes over; a question about
    // another topic altogether gets none, so nothing unrelated is shown.
    let passages = match verdict {
        Verdict::OutOfScope { topic: Some(_) } | Verdict::OutOfRegion { .. } => Vec::new(),
        _ => evidence.iter().map(answer_passage).collect(),
    };
    Answer {
        question: question.to_string(),
        answered,
        answer: short.spoken,
        written: short.written,
        cite,
        source: AnswerSource::Search,
        confidence: (familiarity * 100.0).round() / 100.0,
        passages,
    }
}

/// The Answer to a question the rules decide: the Decision's reply, the
/// clause it rests on first among the passages, then what search found.
pub fn decided(
    question: &str,
    short: Short,
    cited: &Evidence<'_>,
    found: &[Evidence<'_>],
    top: usize,
    familiarity: f32,
    wording: &Wording,
) -> Answer {
    let cite = cited.prepared.cite.clone();
    let mut passages = vec![answer_passage(cited)];
    passages.extend(
        found
            .iter()
            .filter(|evidence| evidence.passage.id != cited.passage.id)
            .map(answer_passage),
    );
    passages.truncate(top);
    Answer {
        question: question.to_string(),
        answered: true,
        answer: short.spoken,
        written: according_to(&cite, &short.written, wording),
        cite: Some(cite),
        source: AnswerSource::Rules,
        confidence: (familiarity * 100.0).round() / 100.0,
        passages,
    }
}

/// A refusal is short already and the same in both lengths.
fn refusal(text: &str) -> Short {
    Short {
        spoken: text.to_string(),
        written: text.to_string(),
        more: false,
    }
}

/// A written reply with the clause it rests on before it.
fn according_to(cite: &str, reply: &str, wording: &Wording) -> String {
    wording
        .according_to
        .said(&[("cite", cite), ("reply", reply)])
}

pub fn answer_passage(evidence: &Evidence<'_>) -> AnswerPassage {
    let passage = evidence.passage;
    AnswerPassage {
        doc_id: passage.doc_id.clone(),
        title: passage.title.clone(),
        region: passage.region.clone(),
        clause: passage.clause.clone(),
        text: passage.text.clone(),
        // Two decimals are plenty for ranking and keep the JSON readable.
        score: (evidence.score * 100.0).round() / 100.0,
        passage_id: passage.id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::reply::PHONE_MAX_CHARS;
    use super::super::scope::judge;
    use super::*;

    fn tips() -> Passage {
        Passage {
            id: "d#tips-2".into(),
            doc_id: "d".into(),
            region: "dongguan".into(),
            scheme: crate::corpus::Scheme::General,
            title: "异地就医备案申请流程".into(),
            clause: "温馨提示 2".into(),
            text: "2.长期异地就医人员备案后长期有效，\n备案后6个月内原则上不可变更或取消".into(),
            line: 1,
            ..Passage::default()
        }
    }

    #[test]
    fn answers_say_the_best_passage_briefly_and_cite_it() {
        let passage = tips();
        let wording = crate::answer::wording::for_tests();
        let prepared = Prepared::of(&passage, "东莞市", &wording);
        let evidence = [Evidence {
            passage: &passage,
            score: 20.123,
            prepared: &prepared,
        }];
        let words = [("取消".to_string(), 1.0)];
        let answer = compose(
            "备案能取消吗",
            &evidence,
            &words,
            1.0,
            &Verdict::Answered,
            &wording,
        );
        assert!(answer.answered);
        let sentence = "备案后6个月内原则上不可变更或取消。";
        assert_eq!(
            answer.answer,
            format!("{sentence}{}", wording.offer_more.said(&[])),
            "the sentence on the question, and the offer of the rest"
        );
        assert!(answer.answer.chars().count() <= PHONE_MAX_CHARS);
        let cite = answer.cite.as_deref().unwrap();
        for part in ["东莞市", "异地就医备案申请流程", "温馨提示 2"] {
            assert!(cite.contains(part), "{cite}");
        }
        assert!(
            answer.written.contains(cite) && answer.written.ends_with(sentence),
            "the clause, then the sentence: {}",
            answer.written
        );
        assert_eq!(answer.passages[0].score, 20.12);
        assert_eq!(
            answer.passages[0].text, passage.text,
            "the whole clause stays"
        );
    }

    #[test]
    fn refusals_offer_a_human_and_show_nothing_unrelated() {
        let passage = tips();
        let wording = crate::answer::wording::for_tests();
        let prepared = Prepared::of(&passage, "东莞市", &wording);
        let evidence = [Evidence {
            passage: &passage,
            score: 1.0,
            prepared: &prepared,
        }];
        let refused = compose(
            "公积金",
            &evidence,
            &[],
            0.0,
            &judge(true, 1.0, Some("公积金")),
            &wording,
        );
        assert_eq!(judge(true, 0.2, None), Verdict::OutOfScope { topic: None });
        assert_eq!(judge(false, 1.0, None), Verdict::OutOfScope { topic: None });
        assert!(!refused.answered);
        assert!(refused.answer.contains("人工") && refused.answer.contains("公积金"));
        assert!(refused.passages.is_empty());
        assert!(refused.cite.is_none());
    }
}
