//! Facts named in words: insurance, scheme, channel, materials
//! (with negation: 没有居住证), whether they act for
//! someone else, costs already incurred, and corrections. The words come
//! from `intents/entities.yaml` ([`Cues`]); how they are weighed is here.

use aho_corasick::AhoCorasick;

use super::cues::Cues;
use crate::rules::{Channel, Insurance, Scheme};

/// Whether the words just before `at` in the same clause deny it: a
/// negation in the last few characters (没有居住证; 没有房子但是有居住证
/// keeps 居住证), or one before a modifier that ends in 的 (没有医院开的
/// 转院单).
pub fn negated_before(text: &str, at: usize, cues: &Cues) -> bool {
    let clause = clause_before(text, at);
    // Its last four characters.
    let tail_start = clause.char_indices().rev().nth(3).map_or(0, |(at, _)| at);
    let tail = &clause[tail_start..];
    let denies =
        |part: &str| cues.fact_words.negations_before.is_match(part) && !part.contains("没问题");
    if denies(tail) {
        return true;
    }
    let Some(modifier) = clause.strip_suffix('的') else {
        return false;
    };
    cues.negations_before.iter().any(|negation| {
        modifier.rfind(negation.as_str()).is_some_and(|found| {
            let between = &modifier[found + negation.len()..];
            between.chars().count() <= 8 && !between.contains(['有', '是', '但', '的'])
        })
    })
}

fn negated_after(text: &str, end: usize, cues: &Cues) -> bool {
    let rest = &text[end..];
    let head: String = rest.chars().take(4).collect();
    cues.negations_after.iter().any(|negation| {
        head.starts_with(negation.as_str())
            || head
                .get(3..)
                .is_some_and(|h| h.starts_with(negation.as_str()))
    })
}

/// The marks that end a clause: punctuation, and 但 (户口本有但居住证没有).
fn ends_clause(c: char) -> bool {
    "，。,；;！!？?、但".contains(c)
}

fn clause_before(text: &str, at: usize) -> &str {
    let before = &text[..at];
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| *c == ' ' || ends_clause(*c))
        .map_or(0, |(index, c)| index + c.len_utf8());
    &before[start..]
}

/// Lists of words, each list asked whether one of its words is in a text
/// and not negated, all found in one pass over the text instead of a
/// substring search per word.
#[derive(Debug, Clone)]
pub struct WordLists {
    automaton: AhoCorasick,
    /// For each pattern of `automaton`: the list it belongs to.
    lists: Vec<usize>,
}

impl WordLists {
    pub fn new<'a>(lists: impl IntoIterator<Item = &'a [String]>) -> WordLists {
        let mut patterns = Vec::new();
        let mut of_list = Vec::new();
        for (list, words) in lists.into_iter().enumerate() {
            for word in words {
                patterns.push(word.as_str());
                of_list.push(list);
            }
        }
        WordLists {
            automaton: AhoCorasick::new(&patterns)
                .expect("a few dozen short words always build an automaton"),
            lists: of_list,
        }
    }

    /// The first list (in the order given) with a word in `text` that is
    /// not negated. Each word's occurrences are judged where
    /// `str::match_indices` finds them (left to right, each after the end
    /// of the one before), as a search per word would.
    pub fn first_affirmed(&self, text: &str, cues: &Cues) -> Option<usize> {
        let mut first: Option<usize> = None;
        // (pattern, where its next occurrence may start), for the few found.
        let mut free_from: Vec<(usize, usize)> = Vec::new();
        for found in self.automaton.find_overlapping_iter(text) {
            let pattern = found.pattern().as_usize();
            let Some(&list) = self.lists.get(pattern) else {
                continue;
            };
            match free_from.iter_mut().find(|(seen, _)| *seen == pattern) {
                Some((_, free)) if found.start() < *free => continue,
                Some((_, free)) => *free = found.end(),
                None => free_from.push((pattern, found.end())),
            }
            if first.is_some_and(|first| first <= list) {
                continue;
            }
            if !negated_before(text, found.start(), cues) {
                first = Some(list);
            }
        }
        first
    }
}

/// The word lists [`insurance`], [`scheme`] and [`submit_via`] look for,
/// each as one automaton.
#[derive(Debug, Clone)]
pub struct FactWords {
    /// 城乡居民 (0), then 职工 (1).
    insurance: WordLists,
    maternity: WordLists,
    /// One list per channel, in the order of `Cues::channels`.
    channels: WordLists,
    /// `Cues::negations_before`, for whether a text holds any of them.
    negations_before: AhoCorasick,
}

impl FactWords {
    pub fn new(cues: &Cues) -> FactWords {
        FactWords {
            insurance: WordLists::new([cues.resident.as_slice(), cues.employee.as_slice()]),
            maternity: WordLists::new([cues.maternity.as_slice()]),
            channels: WordLists::new(cues.channels.iter().map(|(_, words)| words.as_slice())),
            negations_before: AhoCorasick::new(&cues.negations_before)
                .expect("a few dozen short words always build an automaton"),
        }
    }

    /// Before [`FactWords::new`] can read the cues it is built from.
    pub(super) fn none() -> FactWords {
        FactWords {
            insurance: WordLists::new([]),
            maternity: WordLists::new([]),
            channels: WordLists::new([]),
            negations_before: AhoCorasick::new([""; 0]).expect("no words build an automaton"),
        }
    }
}

/// Whether one of `words` is in `text`, negated or not.
fn contains_any(text: &str, words: &[String]) -> bool {
    words.iter().any(|word| text.contains(word.as_str()))
}

/// 职工医保 or 城乡居民医保.
pub fn insurance(text: &str, cues: &Cues) -> Option<Insurance> {
    // 城乡居民 first: 居民 must not be read as part of 职工.
    match cues.fact_words.insurance.first_affirmed(text, cues)? {
        0 => Some(Insurance::Resident),
        _ => Some(Insurance::Employee),
    }
}

/// 生育保险 when the caller speaks of pregnancy or birth.
pub fn scheme(text: &str, cues: &Cues) -> Option<Scheme> {
    cues.fact_words
        .maternity
        .first_affirmed(text, cues)
        .map(|_| Scheme::Maternity)
}

/// A submission channel the caller names (传真 → fax), the first in the
/// order of the data file.
pub fn submit_via(text: &str, cues: &Cues) -> Option<Channel> {
    let first = cues.fact_words.channels.first_affirmed(text, cues)?;
    cues.channels.get(first).map(|(channel, _)| channel.clone())
}

/// Materials named, split into those the caller has and those they say
/// they do not have. A 身份证 followed by 号 is a number being given, not
/// a document being declared. Materials are tried in the order of the data
/// file, so a longer word listed first (居住证回执) takes its text before
/// a shorter one (居住证). A negation covers the whole list it stands
/// by: 户口本和居住证都没有, 没有居住证、户口本 — but not what a pause or
/// another word separates (就带了社保卡，户口本没有).
pub fn materials(text: &str, cues: &Cues) -> (Vec<String>, Vec<String>) {
    // (start, end, id, negated) of every material named, in text order.
    let mut found: Vec<(usize, usize, &str, bool)> = Vec::new();
    for (id, words) in &cues.materials {
        for word in words {
            for (at, _) in text.match_indices(word.as_str()) {
                let end = at + word.len();
                if found.iter().any(|(s, e, _, _)| at < *e && end > *s) {
                    continue;
                }
                let rest = &text[end..];
                // 户口迁过去了, 户口还在老家: where the 户籍 is, not the book.
                if word == "户口"
                    && cues
                        .hukou_whereabouts
                        .iter()
                        .any(|verb| rest.starts_with(verb.as_str()))
                {
                    continue;
                }
                if matches!(id.as_str(), "id_card" | "social_security_card")
                    && (rest.starts_with('号')
                        || rest.starts_with("的号")
                        || rest.starts_with("上的号"))
                {
                    continue;
                }
                let negated = negated_before(text, at, cues) || negated_after(text, end, cues);
                found.push((at, end, id.as_str(), negated));
            }
        }
    }
    found.sort_by_key(|(at, ..)| *at);
    // 户口本在老家没拿过来: a denial a few characters on, before the
    // clause or the next material ends it (没有户口本 in 有身份证没有户口本
    // is the next one's).
    for index in 0..found.len() {
        if found[index].3 {
            continue;
        }
        let next = found.get(index + 1).map(|(at, ..)| *at);
        found[index].3 = denied_later(text, found[index].1, next, cues);
    }
    // A list joined by 和/跟/、 shares the negation said before or after it.
    for index in 1..found.len() {
        let joined = only_joiners(&text[found[index - 1].1..found[index].0], cues);
        if joined && found[index - 1].3 && negated_before(text, found[index - 1].0, cues) {
            found[index].3 = true;
        }
    }
    for index in (1..found.len()).rev() {
        let joined = only_joiners(&text[found[index - 1].1..found[index].0], cues);
        if joined && found[index].3 && !negated_before(text, found[index].0, cues) {
            found[index - 1].3 = true;
        }
    }
    // Said twice (房产证还在办，购房合同有): the later word stands.
    let mut said: Vec<(&str, bool)> = Vec::new();
    for (_, _, id, negated) in found {
        said.retain(|(known, _)| *known != id);
        said.push((id, negated));
    }
    let ids = |negated: bool| {
        said.iter()
            .filter(|(_, lacking)| *lacking == negated)
            .map(|(id, _)| id.to_string())
            .collect::<Vec<_>>()
    };
    (ids(false), ids(true))
}

/// The characters of the clause after a material up to `next` (the next
/// material), at most six, deny it.
fn denied_later(text: &str, end: usize, next: Option<usize>, cues: &Cues) -> bool {
    let until = next.unwrap_or(text.len()).max(end);
    let rest = &text[end..until];
    let clause_end = rest.find(ends_clause).unwrap_or(rest.len());
    let ends_at_next = clause_end == rest.len() && next.is_some();
    let window: String = rest[..clause_end].chars().take(6).collect();
    let about_others = cues.negations_others.iter().any(|word| {
        window.contains(word.as_str()) || clause_before(text, end).contains(word.as_str())
    });
    let kept = cues.negations_kept.iter().any(|word| {
        window.contains(word.as_str())
            && !cues.negations_later.iter().any(|negation| {
                negation.contains(word.as_str()) && window.contains(negation.as_str())
            })
    });
    if kept || about_others {
        return false;
    }
    cues.negations_later.iter().any(|negation| {
        window.find(negation.as_str()).is_some_and(|at| {
            // 没有 right before the next material denies that one.
            !(ends_at_next && at + negation.len() == window.len())
        })
    })
}

/// Whether `between` only joins two items of a list (和, 跟, 、, 还有…).
fn only_joiners(between: &str, cues: &Cues) -> bool {
    let mut rest = between.trim();
    while !rest.is_empty() {
        match cues
            .speech
            .list_joiners
            .iter()
            .find(|joiner| rest.starts_with(joiner.as_str()))
        {
            Some(joiner) => rest = rest[joiner.len()..].trim_start(),
            None => return false,
        }
    }
    true
}

/// Whether the caller registers for someone else (帮我爸办, 俺是替俺爹打的,
/// 我是她女儿, 我妈要去广州看病) or for themselves (我自己办).
pub fn by_proxy(text: &str, cues: &Cues) -> Option<bool> {
    if contains_any(text, &cues.by_self) {
        return Some(false);
    }
    let relative_travels = cues.relative_travels.is_match(text)
        && !contains_any(text, &cues.caller_goes)
        && !cues.relative_helps_caller.is_match(text);
    (cues.proxy.is_match(text) || relative_travels).then_some(true)
}

/// Whether the caller already saw a doctor or paid at the destination
/// (Jining locks changes once costs are incurred).
pub fn incurred_costs(text: &str, cues: &Cues) -> Option<bool> {
    if contains_any(text, &cues.costs_not_yet) {
        return Some(false);
    }
    contains_any(text, &cues.costs_already).then_some(true)
}

/// 不对, 说错了, 改成…: the caller corrects something said before.
pub fn correction(text: &str, cues: &Cues) -> bool {
    contains_any(text, &cues.correction)
}

/// 上次备案的, 去年办的那个备案: the caller speaks of a registration made
/// before this call.
pub fn earlier_registration(text: &str, cues: &Cues) -> bool {
    contains_any(text, &cues.earlier_registration)
}

/// 我自己, 本人, 我自己要去的: the whole answer says it is for oneself (a
/// word of two characters or more may lead a longer answer; 我 alone must
/// be all of it, or 我妈 would be the caller). The particles of a short
/// reply (`speech.reply_particles`: 哦，我自己; 俺咧) are not part of it.
pub fn self_answer(text: &str, cues: &Cues) -> bool {
    let particles = &cues.speech.reply_particles;
    let said = text.trim_matches(|c: char| {
        c.is_whitespace() || "，。,.!！?？".contains(c) || particles.contains(&c)
    });
    cues.self_answer
        .iter()
        .any(|word| said == word || (word.chars().count() >= 2 && said.starts_with(word.as_str())))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Whether one of `words` is in `text` and not negated, by a substring
    /// search per word.
    fn affirmed_by_scan(text: &str, words: &[String], cues: &Cues) -> bool {
        words.iter().any(|word| {
            text.match_indices(word.as_str())
                .any(|(at, _)| !negated_before(text, at, cues))
        })
    }

    /// One pass of the automata finds what a search per word finds, on
    /// every question of the question set and every intent example, and on
    /// words said twice, overlapping and denied.
    #[test]
    fn the_automata_read_as_a_search_per_word() {
        #[derive(serde::Deserialize)]
        struct Case {
            q: String,
        }
        #[derive(serde::Deserialize)]
        struct Examples {
            examples: Vec<String>,
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut problems = Vec::new();
        let cues = super::super::cues::load(&root.join("intents/entities.yaml"), &mut problems)
            .expect("entities.yaml loads");
        let mut texts: Vec<String> = Vec::new();
        for file in ["questions.yaml", "frozen.yaml"] {
            let yaml = std::fs::read_to_string(root.join("tests/qa").join(file)).unwrap();
            let cases: Vec<Case> = yaml_serde::from_str(&yaml).unwrap();
            texts.extend(cases.into_iter().map(|case| case.q));
        }
        for entry in std::fs::read_dir(root.join("intents/examples")).unwrap() {
            let yaml = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let file: Examples = yaml_serde::from_str(&yaml).unwrap();
            texts.extend(file.examples);
        }
        texts.extend(
            [
                "没有职工医保，是居民居民医保",
                "不是居民是职工职工",
                "传真传真没有传真，发传真",
                "不是生育生育险，没怀孕",
                "职工",
                "",
            ]
            .map(String::from),
        );
        for text in &texts {
            let insurance_by_scan = if affirmed_by_scan(text, &cues.resident, &cues) {
                Some(Insurance::Resident)
            } else if affirmed_by_scan(text, &cues.employee, &cues) {
                Some(Insurance::Employee)
            } else {
                None
            };
            assert_eq!(insurance(text, &cues), insurance_by_scan, "{text}");
            let scheme_by_scan =
                affirmed_by_scan(text, &cues.maternity, &cues).then_some(Scheme::Maternity);
            assert_eq!(scheme(text, &cues), scheme_by_scan, "{text}");
            let channel_by_scan = cues
                .channels
                .iter()
                .find(|(_, words)| affirmed_by_scan(text, words, &cues))
                .map(|(channel, _)| channel.clone());
            assert_eq!(submit_via(text, &cues), channel_by_scan, "{text}");
        }
        assert!(texts.len() > 1000, "{} texts", texts.len());
    }
}
