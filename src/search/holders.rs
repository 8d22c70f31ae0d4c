//! Which passages hold a word, for the re-ranking's coverage check: each
//! short substring of the passages is mapped, at build, to the set of
//! passages holding it, so a question's word is looked up once instead of
//! once in every candidate passage.

use rustc_hash::FxHashMap;

use super::substrings::{Needle, Substrings};

/// The passages holding each short substring of theirs.
pub struct Holders {
    /// Words of 64 passages in a set.
    words: usize,
    /// Each distinct set of passages, `words` words each.
    sets: Vec<u64>,
    /// Each short substring, by its hash as [`Substrings`] takes it: the
    /// start of its set in `sets`.
    sets_of: FxHashMap<u64, usize>,
    /// Each passage's text, for words too long to be hashed.
    texts: Vec<String>,
}

impl Holders {
    /// `texts[ordinal]` is a passage's text as the coverage check reads it.
    pub fn new(texts: Vec<String>) -> Holders {
        let words = texts.len().div_ceil(64).max(1);
        let mut of_hash: FxHashMap<u64, Vec<u64>> = FxHashMap::default();
        for (passage, text) in texts.iter().enumerate() {
            for hash in Substrings::of(text.clone()).hashes() {
                let set = of_hash.entry(hash).or_insert_with(|| vec![0; words]);
                set[passage / 64] |= 1 << (passage % 64);
            }
        }
        // Most substrings are in one passage or a few: sets are shared.
        let mut sets = Vec::new();
        let mut starts: FxHashMap<Vec<u64>, usize> = FxHashMap::default();
        let mut sets_of = FxHashMap::default();
        for (hash, set) in of_hash {
            let start = *starts.entry(set).or_insert_with_key(|set| {
                sets.extend_from_slice(set);
                sets.len() - words
            });
            sets_of.insert(hash, start);
        }
        sets.shrink_to_fit();
        sets_of.shrink_to_fit();
        Holders {
            words,
            sets,
            sets_of,
            texts,
        }
    }

    /// `groups` of alternative words (a group is covered by a passage
    /// holding any of them), ready to be checked against many passages.
    pub fn groups<'a>(&'a self, groups: &'a [Vec<String>]) -> Groups<'a> {
        let mut sets = vec![0; groups.len() * self.words];
        let mut long = Vec::new();
        for (group, (alternatives, set)) in groups
            .iter()
            .zip(sets.chunks_exact_mut(self.words))
            .enumerate()
        {
            for word in alternatives {
                match Needle::new(word) {
                    Needle::Hashed(hash) => {
                        if let Some(&start) = self.sets_of.get(&hash) {
                            let holding = &self.sets[start..start + self.words];
                            for (into, from) in set.iter_mut().zip(holding) {
                                *into |= from;
                            }
                        }
                    }
                    Needle::Long(word) => long.push((group, word)),
                }
            }
        }
        Groups {
            holders: self,
            count: groups.len(),
            sets,
            long,
        }
    }
}

/// A question's word groups, each as the passages that hold one of its
/// words (and its words too long to be hashed, looked for in the text).
pub struct Groups<'a> {
    holders: &'a Holders,
    count: usize,
    /// For each group, the passages holding one of its short words.
    sets: Vec<u64>,
    /// (group, word) for each word too long to be hashed.
    long: Vec<(usize, &'a str)>,
}

impl Groups<'_> {
    /// The share of the groups that `passage` covers; `None` for a
    /// passage the holders do not know.
    pub fn coverage(&self, passage: usize) -> Option<f32> {
        let text = self.holders.texts.get(passage)?;
        if self.count == 0 {
            return Some(0.0);
        }
        let (word, bit) = (passage / 64, 1u64 << (passage % 64));
        let covered = (0..self.count)
            .filter(|&group| {
                self.sets[group * self.holders.words + word] & bit != 0
                    || self
                        .long
                        .iter()
                        .any(|&(of, long)| of == group && text.contains(long))
            })
            .count();
        Some(covered as f32 / self.count as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As a scan of each passage's text for each group's words.
    #[test]
    fn coverage_is_a_scan_of_each_text() {
        let texts = [
            "退休人员异地安置，需提供户口簿首页和本人页。",
            "异地长期居住人员备案后长期有效",
            "临时外出就医人员备案有效期6个月",
        ];
        let holders = Holders::new(texts.iter().map(|text| text.to_string()).collect());
        let groups: Vec<Vec<String>> = [
            &["户口", "居住证"][..],
            &["备案"],
            &["有效期6个月"],
            &["退休人员异地安置，需提供户口簿"],
            &["长期居住", "异地安置，需提供户口簿首页和本人页。"],
            &["电话"],
        ]
        .iter()
        .map(|group| group.iter().map(|word| word.to_string()).collect())
        .collect();
        let prepared = holders.groups(&groups);
        for (passage, text) in texts.iter().enumerate() {
            let covered = groups
                .iter()
                .filter(|group| group.iter().any(|word| text.contains(word.as_str())))
                .count();
            assert_eq!(
                prepared.coverage(passage),
                Some(covered as f32 / groups.len() as f32),
                "{text}"
            );
        }
        assert_eq!(prepared.coverage(texts.len()), None);
        assert_eq!(holders.groups(&[]).coverage(0), Some(0.0));
    }
}
