//! The Answer's JSON body: byte for byte what `serde_json::to_vec(&answer)`
//! writes, with each passage's fixed fields copied from JSON made once at
//! start-up instead of escaped again for every answer.
//!
//! The passages are most of an answer's bytes (five whole clauses), and
//! their JSON was the largest piece of work the server added to an uncached
//! ask. The corpus never changes while the server runs, so a passage's
//! JSON up to its score, and from its score on, is the same in every
//! answer. A passage that is not its corpus passage word for word (none
//! today) is written by serde as before.

use rustc_hash::FxHashMap;

use crate::answer::{Answer, AnswerPassage};
use crate::corpus::Passage;

/// The corpus passages' JSON, by passage id.
pub struct AnswerJson {
    passages: FxHashMap<String, PassageJson>,
}

/// One passage as an answer carries it, and its JSON around the score.
struct PassageJson {
    /// The fields besides the score, to check an answer's passage is this.
    passage: AnswerPassage,
    /// `{"doc_id":…,"text":…,"score":`
    before_score: Vec<u8>,
    /// `,"passage_id":…}`
    after_score: Vec<u8>,
}

/// What serde writes for an answer's empty passage list. Its quotes are
/// unescaped, so it cannot be inside a string (where a quote is `\"`).
const NO_PASSAGES: &[u8] = br#""passages":[]"#;

impl AnswerJson {
    pub fn new(passages: &[Passage]) -> AnswerJson {
        let passages = passages
            .iter()
            .map(|passage| {
                let passage = AnswerPassage {
                    doc_id: passage.doc_id.clone(),
                    title: passage.title.clone(),
                    region: passage.region.clone(),
                    clause: passage.clause.clone(),
                    text: passage.text.clone(),
                    score: 0.0,
                    passage_id: passage.id.clone(),
                };
                let json = serde_json::to_vec(&passage).expect("a passage is plain strings");
                // The score is the only number: `"score":0.0` in serde's
                // field order.
                let score = b"\"score\":0.0";
                let at = json
                    .windows(score.len())
                    .position(|window| window == score)
                    .expect("every passage has a score");
                let before_score = json[..at + b"\"score\":".len()].to_vec();
                let after_score = json[at + score.len()..].to_vec();
                let id = passage.passage_id.clone();
                let json = PassageJson {
                    passage,
                    before_score,
                    after_score,
                };
                (id, json)
            })
            .collect();
        AnswerJson { passages }
    }

    /// `answer` as JSON, equal to `serde_json::to_vec(&answer)`.
    pub fn body(&self, mut answer: Answer) -> serde_json::Result<Vec<u8>> {
        let passages = std::mem::take(&mut answer.passages);
        let room = [&answer.question, &answer.answer, &answer.written]
            .into_iter()
            .chain(&answer.cite)
            .chain(passages.iter().map(|passage| &passage.text))
            .map(|text| text.len() + 256)
            .sum();
        let mut body = Vec::with_capacity(room);
        serde_json::to_writer(&mut body, &answer)?;
        let Some(at) = body
            .windows(NO_PASSAGES.len())
            .rposition(|window| window == NO_PASSAGES)
        else {
            answer.passages = passages;
            return serde_json::to_vec(&answer);
        };
        // The passages go between the list's brackets.
        let rest = body.split_off(at + NO_PASSAGES.len() - 1);
        for (n, passage) in passages.iter().enumerate() {
            if n > 0 {
                body.push(b',');
            }
            match self.passages.get(&passage.passage_id) {
                Some(json) if json.is(passage) => {
                    body.extend_from_slice(&json.before_score);
                    serde_json::to_writer(&mut body, &passage.score)?;
                    body.extend_from_slice(&json.after_score);
                }
                _ => serde_json::to_writer(&mut body, passage)?,
            }
        }
        body.extend_from_slice(&rest);
        Ok(body)
    }
}

impl PassageJson {
    /// Whether `passage` is this one, whatever its score.
    fn is(&self, passage: &AnswerPassage) -> bool {
        let mine = &self.passage;
        mine.passage_id == passage.passage_id
            && mine.text == passage.text
            && mine.clause == passage.clause
            && mine.title == passage.title
            && mine.doc_id == passage.doc_id
            && mine.region == passage.region
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::answer::Question;
    use crate::assistant::Assistant;

    /// Every answer of both parts of the question set, with their regions
    /// and without, and one on the rules' side, is written as serde writes
    /// it.
    #[test]
    fn bodies_are_serdes_byte_for_byte() {
        #[derive(serde::Deserialize)]
        struct Case {
            q: String,
            region: Option<String>,
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let assistant = Assistant::load(&root.join("corpus"), &root.join("intents")).unwrap();
        let json = AnswerJson::new(&assistant.corpus.passages);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2);
        let mut compared = 0;
        let mut passages = 0;
        for file in ["questions.yaml", "frozen.yaml"] {
            let text = std::fs::read_to_string(root.join("tests/qa").join(file)).unwrap();
            let cases: Vec<Case> = yaml_serde::from_str(&text).unwrap();
            for case in &cases {
                for region in [None, case.region.clone()] {
                    for top in [None, Some(1), Some(50)] {
                        let question = Question {
                            text: case.q.clone(),
                            region: region.clone(),
                            top,
                            today,
                            ..Question::default()
                        };
                        let answer = assistant.ask(&question).unwrap();
                        let serde = serde_json::to_vec(&answer).unwrap();
                        passages += answer.passages.len();
                        assert_eq!(
                            String::from_utf8(json.body(answer).unwrap()).unwrap(),
                            String::from_utf8(serde).unwrap(),
                            "{}",
                            case.q
                        );
                        compared += 1;
                    }
                }
            }
        }
        assert!(
            compared > 2_000 && passages > 10_000,
            "{compared} {passages}"
        );
    }

    /// A passage that is not its corpus passage, and quotes and control
    /// characters in every string, are written as serde writes them.
    #[test]
    fn anything_else_is_written_by_serde() {
        let passage = |id: &str, text: &str| AnswerPassage {
            doc_id: "d".into(),
            title: "《标题》\"引号\"".into(),
            region: "dongguan".into(),
            clause: "第一条\t".into(),
            text: text.into(),
            score: 1.25,
            passage_id: id.into(),
        };
        let corpus = |p: &AnswerPassage| Passage {
            id: p.passage_id.clone(),
            doc_id: p.doc_id.clone(),
            region: p.region.clone(),
            scheme: Default::default(),
            title: p.title.clone(),
            clause: p.clause.clone(),
            text: p.text.clone(),
            line: 1,
            topics: Vec::new(),
            categories: Vec::new(),
            tags_line: None,
        };
        let known = passage("d#a", "原文\n\"passages\":[]\\");
        let json = AnswerJson::new(&[corpus(&known)]);
        let changed = passage("d#a", "改过的原文");
        let unknown = passage("d#b", "别的");
        for passages in [
            vec![],
            vec![known.clone()],
            vec![known.clone(), changed, unknown, known],
        ] {
            let answer = Answer {
                question: "\"passages\":[]".into(),
                answered: true,
                answer: "答\u{1}".into(),
                written: String::new(),
                cite: Some("\"passages\":[],".into()),
                source: Default::default(),
                passages,
                confidence: f32::NAN,
            };
            let serde = serde_json::to_vec(&answer).unwrap();
            assert_eq!(json.body(answer).unwrap(), serde);
        }
    }
}
