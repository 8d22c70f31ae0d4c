//! The intent classifier: nearest examples by character n-gram TF-IDF
//! cosine, plus cue words, built at start-up from `intents/`. No training
//! step and no model files: editing an example changes the behaviour on
//! the next start.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::Intent;

/// An n-gram of one to three characters, packed into 63 bits.
type Gram = u64;

/// Grams are already well-spread integers: a multiplicative hash is
/// enough and several times faster than the default SipHash.
#[derive(Default)]
struct GramHasher(u64);

impl Hasher for GramHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 =
                (self.0.rotate_left(5) ^ u64::from(*byte)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = (value ^ (value >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type GramMap<V> = HashMap<Gram, V, BuildHasherDefault<GramHasher>>;

/// An intent as the classifier sees it.
#[derive(Debug, Clone)]
pub struct IntentModel {
    pub intent: Intent,
    /// Words that on their own point to this intent (转人工).
    pub cues: Vec<String>,
    /// Words one of which must occur for this intent to score at all.
    pub needs: Vec<String>,
    /// Words with which this intent is declined (不用转人工).
    pub declined_by: Vec<String>,
}

/// Sparse TF-IDF vectors of every example, with an inverted index.
pub struct Classifier {
    intents: Vec<IntentModel>,
    /// For each example, its intent.
    example_intent: Vec<usize>,
    /// Gram → (example, weight), weights already normalised per example.
    postings: GramMap<Vec<(u32, f32)>>,
    idf: GramMap<f32>,
    /// Weight of a gram no example has.
    unseen_idf: f32,
    /// Every plain cue (no `…`) in one automaton, with its intent.
    cue_matcher: aho_corasick::AhoCorasick,
    cue_intents: Vec<usize>,
    /// Cues in parts (`办…备案`), with their intent.
    split_cues: Vec<(String, usize)>,
}

/// How much a cue word adds to its intent's score.
const CUE_BONUS: f32 = 0.35;

impl Classifier {
    /// Builds the index from `(intent, normalised example text)` pairs.
    pub fn build(intents: Vec<IntentModel>, examples: &[(usize, String)]) -> Classifier {
        let grams: Vec<GramMap<f32>> = examples.iter().map(|(_, text)| term_counts(text)).collect();
        let mut document_frequency: GramMap<u32> = GramMap::default();
        for counts in &grams {
            for gram in counts.keys() {
                *document_frequency.entry(*gram).or_default() += 1;
            }
        }
        let total = examples.len().max(1) as f32;
        let idf: GramMap<f32> = document_frequency
            .into_iter()
            .map(|(gram, df)| (gram, (1.0 + total / df as f32).ln()))
            .collect();
        let unseen_idf = (1.0 + total).ln();
        let mut postings: GramMap<Vec<(u32, f32)>> = GramMap::default();
        for (index, counts) in grams.iter().enumerate() {
            let vector = weigh(counts, &idf, unseen_idf);
            for (gram, weight) in vector {
                postings
                    .entry(gram)
                    .or_default()
                    .push((index as u32, weight));
            }
        }
        let mut plain_cues = Vec::new();
        let mut cue_intents = Vec::new();
        let mut split_cues = Vec::new();
        for (index, intent) in intents.iter().enumerate() {
            for cue in intent.cues.iter().filter(|cue| !cue.is_empty()) {
                if cue.contains('…') {
                    split_cues.push((cue.clone(), index));
                } else {
                    plain_cues.push(cue.clone());
                    cue_intents.push(index);
                }
            }
        }
        let cue_matcher =
            aho_corasick::AhoCorasick::new(&plain_cues).expect("cues are plain strings");
        Classifier {
            cue_matcher,
            cue_intents,
            split_cues,
            intents,
            example_intent: examples.iter().map(|(intent, _)| *intent).collect(),
            postings,
            idf,
            unseen_idf,
        }
    }

    /// Each intent's score for one normalised text: the best cosine of
    /// its examples, plus the cue bonus, capped at 1.
    pub fn scores(&self, text: &str) -> Vec<f32> {
        let mut scores = vec![0f32; self.intents.len()];
        let counts = term_counts(text);
        if counts.is_empty() {
            return scores;
        }
        let query = weigh(&counts, &self.idf, self.unseen_idf);
        let mut similarity = vec![0f32; self.example_intent.len()];
        for (gram, weight) in &query {
            if let Some(list) = self.postings.get(gram) {
                for (example, example_weight) in list {
                    similarity[*example as usize] += weight * example_weight;
                }
            }
        }
        for (example, value) in similarity.into_iter().enumerate() {
            let intent = self.example_intent[example];
            if value > scores[intent] {
                scores[intent] = value;
            }
        }
        let mut cued = vec![false; self.intents.len()];
        for found in self.cue_matcher.find_overlapping_iter(text) {
            cued[self.cue_intents[found.pattern().as_usize()]] = true;
        }
        for (cue, intent) in &self.split_cues {
            if !cued[*intent] && cue_matches(text, cue) {
                cued[*intent] = true;
            }
        }
        for (score, cued) in scores.iter_mut().zip(cued) {
            if cued {
                *score = (*score + CUE_BONUS).min(1.0);
            }
        }
        for (score, model) in scores.iter_mut().zip(&self.intents) {
            let declined = model
                .declined_by
                .iter()
                .any(|word| text.contains(word.as_str()));
            if declined
                || !model.needs.is_empty()
                    && !model.needs.iter().any(|word| text.contains(word.as_str()))
            {
                *score = 0.0;
            }
        }
        scores
    }

    pub fn intent(&self, index: usize) -> Intent {
        self.intents[index].intent
    }
}

/// A cue matches when it occurs in the text; `办…备案` matches when its
/// parts occur in that order, anything between.
fn cue_matches(text: &str, cue: &str) -> bool {
    let mut rest = text;
    for part in cue.split('…') {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Character uni-, bi- and trigrams with their counts.
fn term_counts(text: &str) -> GramMap<f32> {
    let chars: Vec<u64> = text.chars().map(|c| c as u64).collect();
    let mut counts = GramMap::with_capacity_and_hasher(chars.len() * 3, Default::default());
    for (index, c) in chars.iter().enumerate() {
        *counts.entry(*c).or_insert(0.0) += 1.0;
        if let Some(next) = chars.get(index + 1) {
            *counts.entry((c << 21) | next).or_insert(0.0) += 1.0;
            if let Some(third) = chars.get(index + 2) {
                *counts
                    .entry((c << 42) | (next << 21) | third)
                    .or_insert(0.0) += 1.0;
            }
        }
    }
    counts
}

/// Sublinear TF × IDF, normalised to unit length. Longer grams weigh more:
/// they carry the meaning (备案, 材料), single characters mostly glue.
fn weigh(counts: &GramMap<f32>, idf: &GramMap<f32>, unseen: f32) -> Vec<(Gram, f32)> {
    let mut vector: Vec<(Gram, f32)> = counts
        .iter()
        .map(|(gram, count)| {
            let length_weight = if *gram < (1 << 21) {
                0.5
            } else if *gram < (1 << 42) {
                1.0
            } else {
                1.2
            };
            let weight =
                (1.0 + count.ln()) * idf.get(gram).copied().unwrap_or(unseen) * length_weight;
            (*gram, weight)
        })
        .collect();
    let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, weight) in &mut vector {
            *weight /= norm;
        }
    }
    vector
}
