//! Whether the corpus answers a question at all: from the search scores,
//! from topics the corpus is known not to cover, and from cities this
//! deployment does not serve.

use aho_corasick::AhoCorasick;

use super::ANSWER_THRESHOLD;
use super::wording::Wording;
use crate::corpus::{Lexicon, ScopeCues, Synonym};

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

/// The out-of-scope topics of `out_of_scope.txt` and what tells them
/// (see [`OffTopic::topic`]), with the word lists as automata built once:
/// which words a question holds is found in one pass per list instead of
/// one substring search per word.
#[derive(Debug, Clone)]
pub struct OffTopic {
    /// Registering for care elsewhere, plainly (`scope_cues.txt` anchors),
    /// and words that say when rather than what (its settings).
    anchors: Vec<String>,
    settings: Vec<String>,
    /// The domain dictionary's words of three characters or more, in the
    /// file's order, each word's pattern, and an automaton finding them.
    domain_words: Vec<String>,
    domain_patterns: Vec<usize>,
    domain: AhoCorasick,
    /// The topics, and for each of their `say` phrasings its pattern in
    /// `said`.
    topics: Vec<Synonym>,
    said_patterns: Vec<Vec<usize>>,
    said: AhoCorasick,
}

/// One automaton over `words`, each distinct word one pattern; and each
/// word's pattern.
fn automaton<'a>(words: impl IntoIterator<Item = &'a str>) -> (AhoCorasick, Vec<usize>) {
    let mut patterns: Vec<&str> = Vec::new();
    let mut of_word = Vec::new();
    for word in words {
        let pattern = match patterns.iter().position(|known| *known == word) {
            Some(pattern) => pattern,
            None => {
                patterns.push(word);
                patterns.len() - 1
            }
        };
        of_word.push(pattern);
    }
    let automaton =
        AhoCorasick::new(&patterns).expect("a few hundred short words always build an automaton");
    (automaton, of_word)
}

/// Which of `automaton`'s patterns occur in `text`, overlaps included.
fn found_in(automaton: &AhoCorasick, text: &str) -> Vec<bool> {
    let mut found = vec![false; automaton.patterns_len()];
    for occurrence in automaton.find_overlapping_iter(text) {
        found[occurrence.pattern().as_usize()] = true;
    }
    found
}

impl OffTopic {
    pub fn new(lexicon: &Lexicon) -> OffTopic {
        let domain_words: Vec<String> = lexicon
            .user_words
            .iter()
            .map(|(word, _)| word)
            .filter(|word| word.chars().count() > 2)
            .cloned()
            .collect();
        let (domain, domain_patterns) = automaton(domain_words.iter().map(String::as_str));
        let topics = lexicon.out_of_scope.clone();
        let (said, of_say) = automaton(
            topics
                .iter()
                .flat_map(|topic| &topic.say)
                .map(String::as_str),
        );
        let mut of_say = of_say.into_iter();
        let said_patterns = topics
            .iter()
            .map(|topic| of_say.by_ref().take(topic.say.len()).collect())
            .collect();
        OffTopic {
            anchors: lexicon.scope_cues.anchor.clone(),
            settings: lexicon.scope_cues.setting.clone(),
            domain_words,
            domain_patterns,
            domain,
            topics,
            said_patterns,
            said,
        }
    }

    /// The out-of-scope topic a question names, as the reply should say
    /// it: a topic of `out_of_scope.txt`. A city the corpus does not cover
    /// is [`OtherRegions`]'.
    pub fn topic(&self, question: &str) -> Option<String> {
        // 备案以后 says when the question is asked of, not what about: it
        // anchors nothing (备案以后发票丢了怎么办 asks about the invoice).
        let mut unset = question.to_string();
        for setting in &self.settings {
            if unset.contains(setting.as_str()) {
                unset = unset.replace(setting.as_str(), "□");
            }
        }
        if self
            .anchors
            .iter()
            .any(|anchor| unset.contains(anchor.as_str()))
        {
            return None;
        }
        // Domain words are masked first, so 交社保卡 does not read as 交社保,
        // unless the topic's own words hold the domain word (办居住证). Only
        // words the question holds can be masked, in the file's order.
        let present = found_in(&self.domain, question);
        let mut masked = question.to_string();
        let mut domain_words = Vec::new();
        for (word, _) in self
            .domain_words
            .iter()
            .zip(&self.domain_patterns)
            .filter(|(_, pattern)| present[**pattern])
        {
            if masked.contains(word.as_str()) {
                masked = masked.replace(word.as_str(), "□");
                domain_words.push(word.as_str());
            }
        }
        // A phrasing found in the masked question is in the question too.
        let said = found_in(&self.said, question);
        let names = |(say, pattern): (&String, &usize)| {
            said[*pattern]
                && (masked.contains(say.as_str())
                    || domain_words.iter().any(|word| say.contains(word)))
        };
        self.topics
            .iter()
            .zip(&self.said_patterns)
            .find(|(topic, patterns)| topic.say.iter().zip(patterns.iter()).any(names))
            .and_then(|(topic, _)| topic.means.first().cloned())
    }
}

/// The cities of `other_places.txt` and the words around them
/// (`scope_cues.txt`), with the cities as one automaton built once: where
/// a question names one is found in one pass instead of one search per
/// city.
#[derive(Debug, Clone)]
pub struct OtherRegions {
    /// Each city once, in the file's order.
    places: Vec<String>,
    automaton: AhoCorasick,
    cues: ScopeCues,
}

impl OtherRegions {
    pub fn new(lexicon: &Lexicon) -> OtherRegions {
        let mut places: Vec<String> = Vec::new();
        for place in &lexicon.other_places {
            if !places.contains(place) {
                places.push(place.clone());
            }
        }
        let (automaton, _) = automaton(places.iter().map(String::as_str));
        OtherRegions {
            places,
            automaton,
            cues: lexicon.scope_cues.clone(),
        }
    }

    /// The city whose own policy the question asks about (深圳的报销比例,
    /// 广州医保怎么报), or where the caller is insured (我在中山交的医保,
    /// 医保关系在佛山); a city named only as where the caller goes (去深圳住)
    /// is not one. `served` are the names of the regions served, as people
    /// say them: a cue after one of them is about that region. Cities are
    /// tried in the file's order, each where `str::match_indices` finds it.
    pub fn place(&self, question: &str, served: &[&str]) -> Option<String> {
        let mut named: Vec<(usize, usize)> = Vec::new();
        let mut free_from = vec![0; self.places.len()];
        for found in self.automaton.find_overlapping_iter(question) {
            let place = found.pattern().as_usize();
            if found.start() >= free_from[place] {
                free_from[place] = found.end();
                named.push((place, found.start()));
            }
        }
        named.sort_unstable();
        named
            .into_iter()
            .find(|(place, start)| self.about(question, &self.places[*place], *start, served))
            .map(|(place, _)| self.places[place].clone())
    }

    /// Whether `place`, named at `start`, is what the question is about.
    fn about(&self, question: &str, place: &str, start: usize, served: &[&str]) -> bool {
        let cues = &self.cues;
        let before = &question[..start];
        let after = &question[start + place.len()..];
        let after = after.strip_prefix('市').unwrap_or(after);
        let is_destination = cues
            .destination
            .iter()
            .any(|cue| before.ends_with(cue.as_str()));
        let asks_policy = cues
            .policy
            .iter()
            .any(|cue| after.starts_with(cue.as_str()));
        let insured_before = cues
            .insured_before
            .iter()
            .any(|cue| before.ends_with(cue.as_str()));
        // The rest of the clause, up to another place named in it.
        let clause = after.split(CLAUSE_ENDS).next().unwrap_or_default();
        let clause = self
            .places
            .iter()
            .map(String::as_str)
            .chain(served.iter().copied())
            .filter_map(|other| clause.find(other))
            .min()
            .map_or(clause, |at| &clause[..at]);
        let insured = cues.insured.iter().any(|cue| clause.contains(cue.as_str()));
        (asks_policy && !is_destination) || insured_before || insured
    }
}

/// What ends a clause: a city's cues are looked for up to one of these.
const CLAUSE_ENDS: &[char] = &['，', ',', '。', '；', ';', '？', '?', '！', '!', ' ', '、'];

/// Which regions are served and where to ask instead: that city's 12345
/// or its 医保. `served` are the regions' names as people say them.
pub fn out_of_region(place: &str, served: &[&str], wording: &Wording) -> Verdict {
    Verdict::OutOfRegion {
        reply: wording
            .out_of_region
            .said(&[("served", &served.join("、")), ("place", place)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        let words = |list: &[&str]| list.iter().map(|word| word.to_string()).collect();
        Lexicon {
            other_places: words(&["深圳", "中山", "佛山"]),
            out_of_scope: vec![crate::corpus::Synonym {
                say: vec!["公积金".into()],
                means: vec!["住房公积金".into()],
            }],
            scope_cues: crate::corpus::ScopeCues {
                destination: words(&["去", "在", "住"]),
                policy: words(&["的", "医保"]),
                insured: words(&["参保", "交的医保", "交的社保"]),
                insured_before: words(&["医保在", "医保是"]),
                anchor: words(&["备案"]),
                setting: words(&["备案以后"]),
            },
            ..Lexicon::default()
        }
    }

    #[test]
    fn other_cities_are_off_topic_only_when_their_policy_is_asked() {
        let lexicon = lexicon();
        let other_regions = OtherRegions::new(&lexicon);
        let other = |question: &str| other_regions.place(question, &["东莞"]);
        assert_eq!(other("深圳的报销比例是多少").as_deref(), Some("深圳"));
        assert_eq!(other("深圳市医保怎么报").as_deref(), Some("深圳"));
        assert_eq!(other("我要去深圳的女儿家住，怎么备案"), None);
        assert_eq!(other("退休了住在深圳"), None);
        let off_topic = OffTopic::new(&lexicon);
        assert_eq!(
            off_topic.topic("公积金怎么提取").as_deref(),
            Some("住房公积金")
        );
        assert_eq!(off_topic.topic("领公积金的人回老家备案"), None);
        assert_eq!(
            off_topic.topic("备案以后公积金能取吗").as_deref(),
            Some("住房公积金"),
            "after registering is when, not what"
        );
    }

    #[test]
    fn domain_words_are_masked_unless_the_topic_holds_them() {
        let mut lexicon = lexicon();
        // Listed twice: masked once, as a scan in file order would.
        lexicon.user_words = ["社保卡", "居住证", "社保卡"]
            .map(|word| (word.to_string(), None))
            .to_vec();
        lexicon.out_of_scope.push(crate::corpus::Synonym {
            say: vec!["交社保".into(), "办居住证".into()],
            means: vec!["社保缴费".into()],
        });
        let off_topic = OffTopic::new(&lexicon);
        assert_eq!(off_topic.topic("社保卡去哪里交社保卡"), None);
        assert_eq!(off_topic.topic("我想交社保").as_deref(), Some("社保缴费"));
        assert_eq!(off_topic.topic("怎么办居住证").as_deref(), Some("社保缴费"));
        assert_eq!(
            off_topic.topic("公积金和社保卡").as_deref(),
            Some("住房公积金")
        );
    }

    #[test]
    fn a_caller_insured_in_another_city_is_out_of_region() {
        let lexicon = lexicon();
        let other_regions = OtherRegions::new(&lexicon);
        let other = |question: &str| other_regions.place(question, &["东莞"]);
        assert_eq!(
            other("我在中山交的医保，回老家要备案吗").as_deref(),
            Some("中山")
        );
        assert_eq!(
            other("我在佛山上班交的社保，要去外地").as_deref(),
            Some("佛山")
        );
        assert_eq!(other("我的医保在深圳，去外地住院").as_deref(), Some("深圳"));
        assert_eq!(other("我是深圳参保人员").as_deref(), Some("深圳"));
        // Insured in a region served, going to a city that is not.
        assert_eq!(other("我在东莞交的社保，被派到深圳上班"), None);
        assert_eq!(other("要去深圳住院，我们东莞参保的能直接结算吗"), None);
        assert_eq!(other("去深圳住东莞参保的怎么办"), None);
    }

    #[test]
    fn a_city_not_served_is_told_the_regions_served_and_where_to_ask() {
        let wording = crate::answer::wording::for_tests();
        let Verdict::OutOfRegion { reply } =
            out_of_region("深圳", &["东莞", "韶关", "湛江", "济宁"], &wording)
        else {
            panic!("not out of region");
        };
        assert!(
            reply.contains("东莞、韶关、湛江、济宁") && reply.contains("深圳的12345"),
            "the regions served, and where to ask instead: {reply}"
        );
        assert!(reply.chars().count() <= super::super::reply::PHONE_MAX_CHARS);
    }
}
