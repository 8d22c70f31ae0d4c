//! Turning a caller's question into weighted search terms. Pure: text in,
//! terms out; the index is not touched here.

use std::collections::HashSet;
use std::sync::Arc;

use jieba_rs::Jieba;

use super::tokenizer::segment;
use crate::corpus::Lexicon;

/// Weight of a word that the synonym table added, relative to one the
/// caller said. Lower, so the caller's own words still decide ties.
const SYNONYM_WEIGHT: f32 = 0.7;

/// What a question is searched with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryTerms {
    /// Words and their weights (the caller's own words weigh 1.0).
    pub words: Vec<(String, f32)>,
    /// Character bigrams of the question, the fallback for words the
    /// segmenter splits differently or speech recognition got wrong.
    pub bigrams: Vec<String>,
}

impl QueryTerms {
    /// No word and no bigram: nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.bigrams.is_empty()
    }
}

/// Analyses questions with the corpus's synonyms and stop words.
pub struct QueryAnalyzer {
    jieba: Arc<Jieba>,
    lexicon: Lexicon,
    stop_words: HashSet<String>,
}

impl QueryAnalyzer {
    pub fn new(jieba: Arc<Jieba>, lexicon: &Lexicon) -> QueryAnalyzer {
        QueryAnalyzer {
            jieba,
            stop_words: lexicon.stop_words.iter().cloned().collect(),
            lexicon: lexicon.clone(),
        }
    }

    /// Segments `question`, drops stop words, and adds the official words
    /// for any colloquial phrase the synonym table knows.
    pub fn analyze(&self, question: &str) -> QueryTerms {
        let question = normalize(question);
        let mut terms = QueryTerms::default();
        for (word, _, _) in segment(&self.jieba, &question) {
            if !self.stop_words.contains(&word) {
                add_word(&mut terms.words, word, 1.0);
            }
        }
        for synonym in &self.lexicon.synonyms {
            if synonym
                .say
                .iter()
                .any(|said| question.contains(said.as_str()))
            {
                for meant in &synonym.means {
                    for (word, _, _) in segment(&self.jieba, meant) {
                        add_word(&mut terms.words, word, SYNONYM_WEIGHT);
                    }
                }
            }
        }
        terms.bigrams = self.bigrams(&question);
        terms
    }

    fn bigrams(&self, question: &str) -> Vec<String> {
        let chars: Vec<char> = question.chars().collect();
        let mut bigrams = Vec::new();
        for pair in chars.windows(2) {
            let bigram: String = pair.iter().collect();
            let meaningful = pair.iter().all(|c| c.is_alphanumeric())
                && !self.stop_words.contains(&bigram)
                && !pair
                    .iter()
                    .all(|c| self.stop_words.contains(&c.to_string()));
            if meaningful && !bigrams.contains(&bigram) {
                bigrams.push(bigram);
            }
        }
        bigrams
    }
}

/// Keeps the highest weight when a word comes twice.
fn add_word(words: &mut Vec<(String, f32)>, word: String, weight: f32) {
    match words.iter_mut().find(|(seen, _)| *seen == word) {
        Some((_, seen_weight)) => *seen_weight = seen_weight.max(weight),
        None => words.push((word, weight)),
    }
}

/// Lowercases and folds full-width ASCII (ＡＰＰ, １２３) to half-width, the
/// way the corpus is written.
pub fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Synonym;

    fn analyzer() -> QueryAnalyzer {
        let mut jieba = Jieba::new();
        jieba.add_word("异地安置", Some(3000), None);
        let lexicon = Lexicon {
            user_words: Vec::new(),
            synonyms: vec![Synonym {
                say: vec!["老家".into()],
                means: vec!["户籍地".into()],
            }],
            stop_words: vec!["怎么".into(), "的".into(), "了".into()],
            ..Lexicon::default()
        };
        QueryAnalyzer::new(Arc::new(jieba), &lexicon)
    }

    #[test]
    fn drops_stop_words_and_expands_synonyms() {
        let terms = analyzer().analyze("回老家了怎么异地安置");
        let words: Vec<&str> = terms.words.iter().map(|(word, _)| word.as_str()).collect();
        assert!(words.contains(&"老家"));
        assert!(words.contains(&"异地安置"));
        assert!(!words.contains(&"怎么"));
        assert!(!words.contains(&"了"));
        let added = terms
            .words
            .iter()
            .find(|(word, _)| word.contains("户籍"))
            .unwrap();
        assert_eq!(added.1, SYNONYM_WEIGHT);
        assert!(terms.bigrams.contains(&"老家".to_string()));
        assert!(!terms.bigrams.contains(&"怎么".to_string()));
    }

    #[test]
    fn folds_full_width_letters() {
        assert_eq!(normalize("下载ＡＰＰ"), "下载app");
    }
}
