//! Whether a short word occurs in a text, answered from a set of hashes
//! instead of a scan. Ranking asks this hundreds of times per question
//! (does the passage cover the caller's words? does the corpus know this
//! word at all?), always of the same few hundred passages.

use std::collections::HashSet;
use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;

/// Words up to this many characters are looked up by hash; longer ones,
/// which are rare in questions, are searched for in the text.
const MAX_HASHED_CHARS: usize = 8;

/// The substrings of one text, up to [`MAX_HASHED_CHARS`] characters.
pub struct Substrings {
    text: String,
    /// Hashes of every substring of 1 to `MAX_HASHED_CHARS` characters. A
    /// 64-bit hash stands in for the substring: at a few hundred thousand
    /// entries a collision is vanishingly unlikely, and this keeps the set
    /// a few bytes an entry.
    hashes: HashSet<u64, FxBuildHasher>,
}

/// A word prepared for looking up in many texts: hashed once.
pub enum Needle<'a> {
    Hashed(u64),
    Long(&'a str),
}

impl<'a> Needle<'a> {
    pub fn new(word: &'a str) -> Needle<'a> {
        if word.chars().count() <= MAX_HASHED_CHARS {
            Needle::Hashed(hash(word))
        } else {
            Needle::Long(word)
        }
    }
}

fn hash(text: &str) -> u64 {
    // Fixed keys: the same text always gives the same hash.
    FxBuildHasher.hash_one(text)
}

impl Substrings {
    pub fn of(text: String) -> Substrings {
        let starts: Vec<usize> = text
            .char_indices()
            .map(|(at, _)| at)
            .chain([text.len()])
            .collect();
        let mut hashes = HashSet::with_hasher(FxBuildHasher);
        // The empty word occurs in every text.
        hashes.insert(hash(""));
        for (i, &start) in starts.iter().enumerate() {
            for &end in starts.iter().skip(i + 1).take(MAX_HASHED_CHARS) {
                hashes.insert(hash(&text[start..end]));
            }
        }
        hashes.shrink_to_fit();
        Substrings { text, hashes }
    }

    /// Whether `word` occurs in the text.
    pub fn contains(&self, word: &str) -> bool {
        self.contains_needle(&Needle::new(word))
    }

    /// The hash of each distinct substring looked up by hash.
    pub fn hashes(&self) -> impl Iterator<Item = u64> + '_ {
        self.hashes.iter().copied()
    }

    /// Whether the prepared word occurs in the text.
    pub fn contains_needle(&self, needle: &Needle<'_>) -> bool {
        match needle {
            Needle::Hashed(hash) => self.hashes.contains(hash),
            Needle::Long(word) => self.text.contains(word),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_as_a_scan_would() {
        let text = "退休人员异地安置，需提供户口簿首页和本人页。".to_string();
        let substrings = Substrings::of(text.clone());
        for word in [
            "退休",
            "户口",
            "户口簿",
            "本人页。",
            "异地安置，需提供户口簿",
            "居住证",
            "退 休",
            "页和",
            "",
            "退休人员异地安置，需提供户口簿首页和本人页。多",
        ] {
            assert_eq!(substrings.contains(word), text.contains(word), "{word}");
        }
    }
}
