//! Whether the corpus answers a question at all: from the search scores,
//! from topics the corpus is known not to cover, and from cities this
//! deployment does not serve.

use super::ANSWER_THRESHOLD;
use crate::corpus::Lexicon;

/// Whether the corpus answers a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Answered,
    /// Outside what the corpus covers; the reason is said to the caller.
    OutOfScope {
        topic: Option<String>,
    },
    /// About a place this deployment does not serve; `reply` names the
    /// regions served and where to ask instead.
    OutOfRegion {
        reply: String,
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

/// The out-of-scope topic a question names, as the reply should say it: a
/// topic of `out_of_scope.txt`. A city the corpus does not cover is
/// [`other_region`]'s.
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
    None
}

/// The city (of `other_places.txt`) whose own policy the question asks
/// about (深圳的报销比例, 广州医保怎么报); a city named only as where the
/// caller goes (去深圳住) is not one.
pub fn other_region(question: &str, lexicon: &Lexicon) -> Option<String> {
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
                return Some(place.clone());
            }
        }
    }
    None
}

/// Which regions are served and where to ask instead: that city's 12345
/// or its 医保. `served` are the regions' names as people say them.
pub fn out_of_region(place: &str, served: &[&str]) -> Verdict {
    Verdict::OutOfRegion {
        reply: format!(
            "我这里只能解答{}的异地就医备案政策，{place}的规定请咨询{place}的12345热线或当地医保部门。",
            served.join("、")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            other_region("深圳的报销比例是多少", &lexicon).as_deref(),
            Some("深圳")
        );
        assert_eq!(
            other_region("深圳市医保怎么报", &lexicon).as_deref(),
            Some("深圳")
        );
        assert_eq!(
            other_region("我要去深圳的女儿家住，怎么备案", &lexicon),
            None
        );
        assert_eq!(other_region("退休了住在深圳", &lexicon), None);
        assert_eq!(
            off_topic("公积金怎么提取", &lexicon).as_deref(),
            Some("住房公积金")
        );
    }

    #[test]
    fn a_city_not_served_is_told_the_regions_served_and_where_to_ask() {
        let Verdict::OutOfRegion { reply } =
            out_of_region("深圳", &["东莞", "韶关", "湛江", "济宁"])
        else {
            panic!("not out of region");
        };
        assert_eq!(
            reply,
            "我这里只能解答东莞、韶关、湛江、济宁的异地就医备案政策，深圳的规定请咨询深圳的12345热线或当地医保部门。"
        );
        assert!(reply.chars().count() <= super::super::reply::PHONE_MAX_CHARS);
    }
}
