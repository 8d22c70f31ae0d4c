//! Facts named in words: insurance, scheme, channel, materials
//! (with negation: 没有居住证), whether they act for
//! someone else, costs already incurred, and corrections. The words come
//! from `intents/entities.yaml` ([`Cues`]); how they are weighed is here.

use super::cues::Cues;
use crate::rules::{Channel, Insurance, Scheme};

/// Whether the words just before `at` in the same clause deny it.
pub fn negated_before(text: &str, at: usize, cues: &Cues) -> bool {
    let clause = clause_before(text, at);
    // Only the last few characters count: 没有房子但是有居住证 keeps 居住证.
    let tail: String = {
        let chars: Vec<char> = clause.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    cues.negations_before
        .iter()
        .any(|negation| tail.contains(negation.as_str()))
        && !tail.contains("没问题")
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

fn clause_before(text: &str, at: usize) -> &str {
    let before = &text[..at];
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| "，。,；;！!？?、 但".contains(*c))
        .map_or(0, |(index, c)| index + c.len_utf8());
    &before[start..]
}

/// Whether one of `words` is in `text` and not negated.
fn affirmed(text: &str, words: &[String], cues: &Cues) -> bool {
    words.iter().any(|word| {
        text.match_indices(word.as_str())
            .any(|(at, _)| !negated_before(text, at, cues))
    })
}

/// Whether one of `words` is in `text`, negated or not.
fn contains_any(text: &str, words: &[String]) -> bool {
    words.iter().any(|word| text.contains(word.as_str()))
}

/// 职工医保 or 城乡居民医保.
pub fn insurance(text: &str, cues: &Cues) -> Option<Insurance> {
    // 城乡居民 first: 居民 must not be read as part of 职工.
    if affirmed(text, &cues.resident, cues) {
        return Some(Insurance::Resident);
    }
    if affirmed(text, &cues.employee, cues) {
        return Some(Insurance::Employee);
    }
    None
}

/// 生育保险 when the caller speaks of pregnancy or birth.
pub fn scheme(text: &str, cues: &Cues) -> Option<Scheme> {
    affirmed(text, &cues.maternity, cues).then_some(Scheme::Maternity)
}

/// A submission channel the caller names (传真 → fax), the first in the
/// order of the data file.
pub fn submit_via(text: &str, cues: &Cues) -> Option<Channel> {
    cues.channels
        .iter()
        .find(|(_, words)| affirmed(text, words, cues))
        .map(|(channel, _)| *channel)
}

/// Materials named, split into those the caller has and those they say
/// they do not have. A 身份证 followed by 号 is a number being given, not
/// a document being declared. Materials are tried in the order of the data
/// file, so a longer word listed first (居住证回执) takes its text before
/// a shorter one (居住证).
pub fn materials(text: &str, cues: &Cues) -> (Vec<String>, Vec<String>) {
    let mut have = Vec::new();
    let mut lack = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    for (id, words) in &cues.materials {
        for word in words {
            for (at, _) in text.match_indices(word.as_str()) {
                let end = at + word.len();
                if taken.iter().any(|(s, e)| at < *e && end > *s) {
                    continue;
                }
                let rest = &text[end..];
                if matches!(id.as_str(), "id_card" | "social_security_card")
                    && (rest.starts_with('号')
                        || rest.starts_with("的号")
                        || rest.starts_with("上的号"))
                {
                    continue;
                }
                taken.push((at, end));
                let list = if negated_before(text, at, cues) || negated_after(text, end, cues) {
                    &mut lack
                } else {
                    &mut have
                };
                if !list.iter().any(|known: &String| known == id) {
                    list.push(id.clone());
                }
            }
        }
    }
    have.retain(|id| !lack.contains(id));
    (have, lack)
}

/// Whether the caller registers for someone else (帮我爸办) or for
/// themselves (我自己办).
pub fn by_proxy(text: &str, cues: &Cues) -> Option<bool> {
    if contains_any(text, &cues.by_self) {
        return Some(false);
    }
    cues.proxy.is_match(text).then_some(true)
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
