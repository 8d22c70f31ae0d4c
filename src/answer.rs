//! Answer composition (contract §2.1): a short reply built from the best
//! passages, or an honest refusal with the offer of a human.
//!
//! Pure: it takes the question and what search found and returns the
//! Answer. Whether the corpus answers a question at all is decided here
//! too ([`judge`]), from the search scores and from topics the corpus is
//! known not to cover.

use serde::{Deserialize, Serialize};

use crate::corpus::{Lexicon, Passage, Region};

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
/// Longest spoken answer, in characters, before it is cut at a sentence end.
const MAX_ANSWER_CHARS: usize = 160;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub question: String,
    pub answered: bool,
    /// A short reply an agent can read aloud.
    pub answer: String,
    /// Ranked best first, at most `top`.
    pub passages: Vec<AnswerPassage>,
    /// The share of the question's words the policy texts know, 0 to 1.
    pub confidence: f32,
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

/// Whether the corpus answers a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Answered,
    /// Outside what the corpus covers; the reason is said to the caller.
    OutOfScope {
        topic: Option<String>,
    },
}

/// Decides from whether anything was found, how familiar the question's
/// words are to the corpus (`search::SearchIndex::familiarity`, 0 to 1)
/// and any out-of-scope topic it names (公积金, 养老金认证, another city's
/// policy …). Raw search scores are not comparable across questions, so
/// they do not decide.
pub fn judge(found: bool, familiarity: f32, off_topic: Option<&str>) -> Verdict {
    if let Some(topic) = off_topic {
        return Verdict::OutOfScope {
            topic: Some(topic.to_string()),
        };
    }
    if found && familiarity >= ANSWER_THRESHOLD {
        Verdict::Answered
    } else {
        Verdict::OutOfScope { topic: None }
    }
}

/// Words that, right before a city's name, make it the caller's
/// destination (去深圳, 在广州, 回佛山) rather than the policy asked about.
const DESTINATION_MARKERS: &str = "去到在回住搬迁往赴来于从";
/// Words that, right after a city's name, make the question about that
/// city's own insurance (深圳的报销比例, 广州医保).
const POLICY_MARKERS: &[&str] = &[
    "的",
    "医保",
    "社保",
    "报销",
    "政策",
    "待遇",
    "规定",
    "参保",
    "那边的",
];

/// Words that make a question about registering for care elsewhere even
/// when it also names an out-of-scope topic ("我领养老金的，回老家看病要备案吗").
/// Only registration's own words: 住院, 看病 and 门诊 are as common in
/// questions on medical insurance in general (住院天数, 门诊报销额度),
/// which the texts do not cover.
const IN_SCOPE_ANCHORS: &[&str] = &["备案", "登记", "异地就医", "转诊"];

/// The out-of-scope topic a question names, as the reply should say it:
/// a topic of `out_of_scope.txt`, or the policy of a city the corpus does
/// not cover.
pub fn off_topic(question: &str, lexicon: &Lexicon) -> Option<String> {
    let anchored = IN_SCOPE_ANCHORS
        .iter()
        .any(|anchor| question.contains(anchor));
    if !anchored {
        // Domain words are masked first, so 交社保卡 does not read as 交社保,
        // unless the topic's own words hold the domain word (办居住证).
        let mut masked = question.to_string();
        let mut domain_words = Vec::new();
        for (word, _) in &lexicon.user_words {
            if word.chars().count() > 2 && masked.contains(word.as_str()) {
                masked = masked.replace(word.as_str(), "□");
                domain_words.push(word.as_str());
            }
        }
        let names = |said: &String| {
            masked.contains(said.as_str())
                || (question.contains(said.as_str())
                    && domain_words.iter().any(|word| said.contains(word)))
        };
        for topic in &lexicon.out_of_scope {
            if topic.say.iter().any(names) {
                return topic.means.first().cloned();
            }
        }
    }
    for place in &lexicon.other_places {
        for (start, _) in question.match_indices(place.as_str()) {
            let before = question[..start].chars().last();
            let after = &question[start + place.len()..];
            let after = after.strip_prefix('市').unwrap_or(after);
            let is_destination = before.is_some_and(|c| DESTINATION_MARKERS.contains(c));
            let asks_policy = POLICY_MARKERS
                .iter()
                .any(|marker| after.starts_with(marker));
            if asks_policy && !is_destination {
                return Some(format!("{place}的医保政策"));
            }
        }
    }
    None
}

/// A passage search found, with what the answer needs to cite it.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    pub passage: &'a Passage,
    pub score: f32,
    /// The Chinese name of the passage's region, e.g. `东莞市`.
    pub region_name: &'a str,
}

/// Builds the Answer: on [`Verdict::Answered`] the reply quotes the best
/// passage with its citation; otherwise it says so and offers a human.
pub fn compose(
    question: &str,
    evidence: &[Evidence<'_>],
    familiarity: f32,
    verdict: &Verdict,
) -> Answer {
    let best = evidence.first();
    let (answered, answer) = match (verdict, best) {
        (Verdict::Answered, Some(best)) => (true, spoken_answer(best)),
        (Verdict::OutOfScope { topic: Some(topic) }, _) => (
            false,
            format!("抱歉，{topic}不在异地就医备案政策的范围内，我这里答不了。需要的话我帮您转接人工客服，好吗？"),
        ),
        _ => (
            false,
            "抱歉，我在异地就医备案的政策文件里没有找到能回答这个问题的条文。需要的话我帮您转接人工客服，好吗？".to_string(),
        ),
    };
    // Weak candidates still help an agent who takes over; a question about
    // another topic altogether gets none, so nothing unrelated is shown.
    let passages = match verdict {
        Verdict::OutOfScope { topic: Some(_) } => Vec::new(),
        _ => evidence.iter().map(answer_passage).collect(),
    };
    Answer {
        question: question.to_string(),
        answered,
        answer,
        confidence: (familiarity * 100.0).round() / 100.0,
        passages,
    }
}

fn answer_passage(evidence: &Evidence<'_>) -> AnswerPassage {
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

/// `根据东莞市《异地就医备案申请流程》“温馨提示 2”：……` — the best passage,
/// flattened to one line and cut at a sentence end so it can be read out.
fn spoken_answer(best: &Evidence<'_>) -> String {
    let passage = best.passage;
    let text = flatten(&passage.text);
    format!(
        "根据{}《{}》“{}”：{}",
        best.region_name,
        passage.title,
        passage.clause,
        cut_at_sentence(&text, MAX_ANSWER_CHARS)
    )
}

/// Joins the lines of a passage into one sentence-like line.
fn flatten(text: &str) -> String {
    let mut flat = String::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if let Some(last) = flat.chars().last()
            && !"。；：，、！？;:,".contains(last)
        {
            flat.push('；');
        }
        flat.push_str(line);
    }
    flat
}

/// At most `max` characters, ending at the last full stop or semicolon that
/// fits; `……` marks a cut.
fn cut_at_sentence(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    let cut = head
        .char_indices()
        .filter(|(_, c)| "。；！？".contains(*c))
        .map(|(index, c)| index + c.len_utf8())
        .next_back();
    match cut {
        Some(end) if end > head.len() / 3 => format!("{}……", &head[..end]),
        _ => format!("{head}……"),
    }
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

    #[test]
    fn answers_quote_the_best_passage_with_its_citation() {
        let passage = Passage {
            id: "d#tips-2".into(),
            doc_id: "d".into(),
            region: "dongguan".into(),
            scheme: crate::corpus::Scheme::General,
            title: "异地就医备案申请流程".into(),
            clause: "温馨提示 2".into(),
            text: "2.长期异地就医人员备案后长期有效，\n备案后6个月内原则上不可变更或取消".into(),
            line: 1,
            ..Passage::default()
        };
        let evidence = [Evidence {
            passage: &passage,
            score: 20.123,
            region_name: "东莞市",
        }];
        let answer = compose("备案能取消吗", &evidence, 1.0, &Verdict::Answered);
        assert!(answer.answered);
        assert_eq!(
            answer.answer,
            "根据东莞市《异地就医备案申请流程》“温馨提示 2”：2.长期异地就医人员备案后长期有效，备案后6个月内原则上不可变更或取消"
        );
        assert_eq!(answer.passages[0].score, 20.12);

        let refused = compose("公积金", &evidence, 0.0, &judge(true, 1.0, Some("公积金")));
        assert_eq!(judge(true, 0.2, None), Verdict::OutOfScope { topic: None });
        assert_eq!(judge(false, 1.0, None), Verdict::OutOfScope { topic: None });
        assert!(!refused.answered);
        assert!(refused.answer.contains("人工"));
        assert!(refused.passages.is_empty());
    }

    #[test]
    fn other_cities_are_off_topic_only_when_their_policy_is_asked() {
        let lexicon = Lexicon {
            other_places: vec!["深圳".into()],
            out_of_scope: vec![crate::corpus::Synonym {
                say: vec!["公积金".into()],
                means: vec!["住房公积金".into()],
            }],
            ..Lexicon::default()
        };
        assert_eq!(
            off_topic("深圳的报销比例是多少", &lexicon).as_deref(),
            Some("深圳的医保政策")
        );
        assert_eq!(
            off_topic("深圳市医保怎么报", &lexicon).as_deref(),
            Some("深圳的医保政策")
        );
        assert_eq!(off_topic("我要去深圳的女儿家住，怎么备案", &lexicon), None);
        assert_eq!(off_topic("退休了住在深圳", &lexicon), None);
        assert_eq!(
            off_topic("公积金怎么提取", &lexicon).as_deref(),
            Some("住房公积金")
        );
    }

    #[test]
    fn long_answers_are_cut_at_a_sentence_end() {
        let text = format!("{}。{}", "甲".repeat(100), "乙".repeat(100));
        assert_eq!(
            cut_at_sentence(&text, 160),
            format!("{}。……", "甲".repeat(100))
        );
    }
}
