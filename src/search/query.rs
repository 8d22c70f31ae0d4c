//! Turning a caller's question into weighted search terms. Pure: text in,
//! terms out; the index is not touched here.

use std::collections::HashSet;
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use jieba_rs::Jieba;

use jieba_rs::TokenizeMode;

use super::tokenizer::segment_with;
use crate::corpus::Lexicon;

/// Weight of a word that the synonym table added, relative to one the
/// caller said. Lower, so the caller's own words still decide ties.
const SYNONYM_WEIGHT: f32 = 0.7;
/// Weight of the shorter dictionary words inside a longer one (急诊, 抢救
/// inside 急诊抢救). The index holds a long compound such as 异地急诊抢救人员
/// only with its short parts, so the parts must be searched too, but at a
/// lower weight so a common phrase is not counted several times over.
const PART_WEIGHT: f32 = 0.4;

/// What a question is searched with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryTerms {
    /// Words and their weights (the caller's own words weigh 1.0).
    pub words: Vec<(String, f32)>,
    /// What a good passage covers: one group per word the caller said and
    /// per synonym line the question triggered; a group is covered when
    /// the passage contains any of its alternatives.
    pub groups: Vec<Vec<String>>,
    /// The caller's own words of two characters or more.
    pub said: Vec<String>,
    /// The phrases of the synonym table found in the question.
    pub recognised: Vec<String>,
    /// The topics the question asks about (`topics.txt`: materials …).
    pub topics: Vec<String>,
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
    /// Place names that pick a region (东莞, 济宁市, 山东省 …). Search scope
    /// handles them, so as words they would only pull in the few passages
    /// that happen to spell out the city, such as an office address.
    scope_words: Vec<String>,
    /// Every `say` phrase of the synonym table, then of the topics,
    /// found in one pass over the question.
    phrases: AhoCorasick,
    /// For each pattern of `phrases`: which line it belongs to.
    phrase_lines: Vec<PhraseLine>,
    /// For each synonym line: the words its `means` adds, with their
    /// weights, in the order they are added. The table never changes, so
    /// it is segmented once here rather than for every question.
    synonym_words: Vec<Vec<(String, f32)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PhraseLine {
    Synonym(usize),
    Topic(usize),
}

impl QueryAnalyzer {
    pub fn new(jieba: Arc<Jieba>, lexicon: &Lexicon, scope_words: &[String]) -> QueryAnalyzer {
        let mut scope_words = scope_words.to_vec();
        // Longest first, so 东莞市 goes before 东莞 leaves a stray 市.
        scope_words.sort_by_key(|word| std::cmp::Reverse(word.chars().count()));
        let mut patterns = Vec::new();
        let mut phrase_lines = Vec::new();
        for (line, synonym) in lexicon.synonyms.iter().enumerate() {
            for said in &synonym.say {
                patterns.push(said.as_str());
                phrase_lines.push(PhraseLine::Synonym(line));
            }
        }
        for (line, topic) in lexicon.topics.iter().enumerate() {
            for said in &topic.say {
                patterns.push(said.as_str());
                phrase_lines.push(PhraseLine::Topic(line));
            }
        }
        // Standard matching with overlaps reports every phrase the
        // question contains, as a `contains` per phrase would.
        let phrases = AhoCorasick::new(&patterns)
            .expect("a few hundred short phrases always build an automaton");
        let mut analyzer = QueryAnalyzer {
            jieba,
            stop_words: lexicon.stop_words.iter().cloned().collect(),
            lexicon: lexicon.clone(),
            scope_words,
            phrases,
            phrase_lines,
            synonym_words: Vec::new(),
        };
        analyzer.synonym_words = lexicon
            .synonyms
            .iter()
            .map(|synonym| {
                synonym
                    .means
                    .iter()
                    .flat_map(|meant| analyzer.words_of(meant, SYNONYM_WEIGHT))
                    .collect()
            })
            .collect();
        analyzer
    }

    /// Segments `question`, drops stop words, and adds the official words
    /// for any colloquial phrase the synonym table knows.
    pub fn analyze(&self, question: &str) -> QueryTerms {
        let mut question = normalize(question);
        for word in &self.scope_words {
            if question.contains(word.as_str()) {
                question = question.replace(word.as_str(), " ");
            }
        }
        let words = segment_with(&self.jieba, &question, TokenizeMode::Default);
        // With no negation the text stays as it is, and so do its words.
        let (question, words) = match self.drop_negated(&question, &words) {
            Some(kept) => {
                let words = segment_with(&self.jieba, &kept, TokenizeMode::Default);
                (kept, words)
            }
            None => (question, words),
        };
        let segments: Vec<String> = words.into_iter().map(|(word, _, _)| word).collect();
        let mut terms = QueryTerms {
            said: segments
                .iter()
                .filter(|word| word.chars().count() > 1 && !self.stop_words.contains(*word))
                .cloned()
                .collect(),
            groups: segments
                .iter()
                .filter(|word| !self.stop_words.contains(*word))
                .map(|word| vec![word.clone()])
                .collect(),
            ..QueryTerms::default()
        };
        self.add_segments(&mut terms.words, &segments, 1.0);
        // Every phrase found, in table order (synonyms, then topics),
        // each once, and then each line it belongs to once. A synonym
        // phrase inside a longer one of another line is that line's (没有单位派
        // is not 单位派).
        let all: Vec<(PhraseLine, std::ops::Range<usize>)> =
            self.phrase_ranges(&question).collect();
        let inside_longer = |(line, range): &(PhraseLine, std::ops::Range<usize>)| {
            matches!(line, PhraseLine::Synonym(_))
                && all.iter().any(|(other, outer)| {
                    matches!(other, PhraseLine::Synonym(_))
                        && other != line
                        && outer.start <= range.start
                        && range.end <= outer.end
                        && outer.len() > range.len()
                })
        };
        let mut found: Vec<(PhraseLine, &str)> = all
            .iter()
            .filter(|found| !inside_longer(found))
            .map(|(line, range)| (*line, &question[range.clone()]))
            .collect();
        found.sort();
        found.dedup();
        terms.recognised = found
            .iter()
            .filter(|(line, _)| matches!(line, PhraseLine::Synonym(_)))
            .map(|(_, said)| said.to_string())
            .collect();
        let mut lines: Vec<PhraseLine> = found.iter().map(|(line, _)| *line).collect();
        lines.dedup();
        for line in lines {
            match line {
                PhraseLine::Synonym(line) => {
                    let Some(synonym) = self.lexicon.synonyms.get(line) else {
                        continue;
                    };
                    for (word, weight) in &self.synonym_words[line] {
                        add_word(&mut terms.words, word.clone(), *weight);
                    }
                    terms.groups.push(
                        synonym
                            .means
                            .iter()
                            .map(|meant| meant.to_lowercase())
                            .collect(),
                    );
                }
                PhraseLine::Topic(line) => {
                    if let Some(topic) = self.lexicon.topics.get(line) {
                        for name in &topic.means {
                            if !terms.topics.contains(name) {
                                terms.topics.push(name.clone());
                            }
                        }
                    }
                }
            }
        }
        terms.bigrams = self.bigrams(&question);
        terms
    }

    /// Where the segmenter puts word boundaries in `text`: the byte
    /// offsets where each word starts and ends, sorted.
    pub fn boundaries(&self, text: &str) -> Vec<usize> {
        let mut at: Vec<usize> = segment_with(&self.jieba, text, TokenizeMode::Default)
            .into_iter()
            .flat_map(|(_, start, end)| [start, end])
            .collect();
        at.sort_unstable();
        at.dedup();
        at
    }

    /// Whether `word` means anything to this corpus: it is, or contains,
    /// a phrase the synonym table lists.
    pub fn knows(&self, word: &str) -> bool {
        self.phrases_in(word)
            .any(|(line, _)| matches!(line, PhraseLine::Synonym(_)))
    }

    /// Every phrase of the synonym table and the topics that `text`
    /// contains, overlaps included, with the line it belongs to.
    fn phrases_in<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (PhraseLine, &'t str)> {
        self.phrase_ranges(text)
            .map(move |(line, range)| (line, &text[range]))
    }

    /// [`QueryAnalyzer::phrases_in`], with where each phrase is.
    fn phrase_ranges<'t>(
        &'t self,
        text: &'t str,
    ) -> impl Iterator<Item = (PhraseLine, std::ops::Range<usize>)> + 't {
        self.phrases
            .find_overlapping_iter(text)
            .filter_map(move |found| {
                let line = *self.phrase_lines.get(found.pattern().as_usize())?;
                Some((line, found.range()))
            })
    }

    /// Removes what the caller says they are not: in 我不是退休的 the word
    /// 退休 would otherwise pull in the retirees' clauses. The negating
    /// words are `negations.txt`'s.
    /// `words` are the question's, as segmented; `None` when no word
    /// negates.
    fn drop_negated(&self, question: &str, words: &[(String, usize, usize)]) -> Option<String> {
        if !words
            .iter()
            .any(|(word, _, _)| self.lexicon.negations.contains(word))
        {
            return None;
        }
        let mut kept = String::with_capacity(question.len());
        let mut last_end = 0;
        let mut negated = false;
        for &(ref word, start, end) in words {
            kept.push_str(&question[last_end..start]);
            last_end = end;
            if self.lexicon.negations.contains(word) {
                negated = true;
                kept.push(' ');
            } else if negated {
                negated = false;
                kept.push(' ');
            } else {
                kept.push_str(&question[start..end]);
            }
        }
        kept.push_str(&question[last_end..]);
        Some(kept)
    }

    /// The words of `text` at `weight`, and their parts at less, in the
    /// order [`add_word`] is to take them.
    fn words_of(&self, text: &str, weight: f32) -> Vec<(String, f32)> {
        let segments: Vec<String> = segment_with(&self.jieba, text, TokenizeMode::Default)
            .into_iter()
            .map(|(word, _, _)| word)
            .collect();
        self.weighted(&segments, weight)
    }

    /// Adds already segmented words at `weight`, and their parts at less.
    fn add_segments(&self, words: &mut Vec<(String, f32)>, segments: &[String], weight: f32) {
        for (word, weight) in self.weighted(segments, weight) {
            add_word(words, word, weight);
        }
    }

    /// Segmented words at `weight`, each after its parts at less.
    fn weighted(&self, segments: &[String], weight: f32) -> Vec<(String, f32)> {
        let mut weighted = Vec::new();
        for word in segments {
            if self.stop_words.contains(word) {
                continue;
            }
            if word.chars().count() > 2 {
                for (part, _, _) in segment_with(&self.jieba, word, TokenizeMode::Search) {
                    if part != *word && !self.stop_words.contains(&part) {
                        weighted.push((part, weight * PART_WEIGHT));
                    }
                }
            }
            weighted.push((word.clone(), weight));
        }
        weighted
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
            negations: vec!["不是".into()],
            ..Lexicon::default()
        };
        QueryAnalyzer::new(
            Arc::new(jieba),
            &lexicon,
            &["东莞".to_string(), "东莞市".to_string()],
        )
    }

    #[test]
    fn drops_stop_words_and_expands_synonyms() {
        let terms = analyzer().analyze("东莞市回老家了，不是退休，怎么异地安置");
        let words: Vec<&str> = terms.words.iter().map(|(word, _)| word.as_str()).collect();
        assert!(words.contains(&"老家"));
        assert!(words.contains(&"异地安置"));
        assert!(!words.contains(&"怎么"));
        assert!(!words.contains(&"了"));
        assert!(!words.contains(&"退休"));
        assert!(
            !words
                .iter()
                .any(|word| word.contains('东') || *word == "市")
        );
        let added = terms
            .words
            .iter()
            .find(|(word, _)| word == "户籍地")
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
