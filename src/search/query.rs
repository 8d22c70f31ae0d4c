//! Turning a caller's question into weighted search terms. Pure: text in,
//! terms out; the index is not touched here.

use std::borrow::Cow;
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use jieba_rs::Jieba;
use jieba_rs::TokenizeMode;
use rustc_hash::FxHashSet;

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
    stop_words: FxHashSet<String>,
    /// Place names that pick a region (东莞, 济宁市, 山东省 …). Search scope
    /// handles them, so as words they would only pull in the few passages
    /// that happen to spell out the city, such as an office address.
    scope_words: Vec<String>,
    /// All of `scope_words`: whether a question holds any of them at all.
    any_scope_word: AhoCorasick,
    /// Every `say` phrase of the synonym table, then of the topics,
    /// found in one pass over the question.
    phrases: AhoCorasick,
    /// For each pattern of `phrases`: which line it belongs to.
    phrase_lines: Vec<PhraseLine>,
    /// For each synonym line: the words its `means` adds, with their
    /// weights, in the order they are added. The table never changes, so
    /// it is segmented once here rather than for every question.
    synonym_words: Vec<Vec<(String, f32)>>,
    /// For each synonym line: its `means`, lowercased, the group a
    /// passage covers with any of them.
    synonym_groups: Vec<Vec<String>>,
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
        let any_scope_word = AhoCorasick::new(&scope_words)
            .expect("a few dozen place names always build an automaton");
        let mut analyzer = QueryAnalyzer {
            jieba,
            stop_words: lexicon.stop_words.iter().cloned().collect(),
            lexicon: lexicon.clone(),
            scope_words,
            any_scope_word,
            phrases,
            phrase_lines,
            synonym_words: Vec::new(),
            synonym_groups: lexicon
                .synonyms
                .iter()
                .map(|synonym| {
                    synonym
                        .means
                        .iter()
                        .map(|meant| meant.to_lowercase())
                        .collect()
                })
                .collect(),
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
        self.analyze_cut(question, None)
    }

    /// [`QueryAnalyzer::analyze`], given where the segmenter cuts `question`
    /// as asked ([`QueryAnalyzer::cut`]): when the text searched is that
    /// same text (nothing to fold, no place name to take out), it is not
    /// segmented again.
    pub fn analyze_cut(&self, question: &str, cut: Option<&[(usize, usize)]>) -> QueryTerms {
        let asked = question;
        let mut question = normalize(question);
        // Taking a place name out never makes another appear, so a
        // question with none of them is left as it is.
        if self.any_scope_word.is_match(&question) {
            for word in &self.scope_words {
                if question.contains(word.as_str()) {
                    question = question.replace(word.as_str(), " ");
                }
            }
        }
        let words = match cut {
            Some(cut) if question == asked => cut.to_vec(),
            _ => self.cut(&question),
        };
        let said = lowercased(&question, &words);
        // With no negation the text stays as it is, and so do its words.
        let kept = self.drop_negated(&question, &words, &said);
        let kept_said;
        let (question, segments) = match &kept {
            Some(kept) => {
                kept_said = lowercased(kept, &self.cut(kept));
                (kept.as_str(), &kept_said)
            }
            None => (question.as_str(), &said),
        };
        let segments: Vec<&str> = segments.iter().map(|word| word.as_ref()).collect();
        let mut terms = QueryTerms {
            said: segments
                .iter()
                .filter(|word| word.chars().count() > 1 && !self.stop_words.contains(**word))
                .map(|word| word.to_string())
                .collect(),
            groups: segments
                .iter()
                .filter(|word| !self.stop_words.contains(**word))
                .map(|word| vec![word.to_string()])
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
                    let (Some(words), Some(group)) =
                        (self.synonym_words.get(line), self.synonym_groups.get(line))
                    else {
                        continue;
                    };
                    for (word, weight) in words {
                        add_word(&mut terms.words, word, *weight);
                    }
                    terms.groups.push(group.clone());
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
        boundaries(&self.cut(text))
    }

    /// The words jieba's default mode cuts `text` into, as byte ranges:
    /// those [`segment_with`] keeps (holding a letter or a digit), without
    /// lowercasing them.
    pub fn cut(&self, text: &str) -> Vec<(usize, usize)> {
        self.jieba
            .tokenize(text, TokenizeMode::Default, true)
            .into_iter()
            .filter(|token| token.word.chars().any(is_alphanumeric))
            .map(|token| (token.byte_start, token.byte_end))
            .collect()
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
    /// `segments` are those words lowercased.
    fn drop_negated(
        &self,
        question: &str,
        words: &[(usize, usize)],
        segments: &[Cow<'_, str>],
    ) -> Option<String> {
        let negates = |word: &Cow<'_, str>| {
            self.lexicon
                .negations
                .iter()
                .any(|negation| negation == word.as_ref())
        };
        if !segments.iter().any(negates) {
            return None;
        }
        let mut kept = String::with_capacity(question.len());
        let mut last_end = 0;
        let mut negated = false;
        for (&(start, end), word) in words.iter().zip(segments) {
            kept.push_str(&question[last_end..start]);
            last_end = end;
            if negates(word) {
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
        let segments = segment_with(&self.jieba, text, TokenizeMode::Default);
        let segments: Vec<&str> = segments.iter().map(|(word, _, _)| word.as_str()).collect();
        self.weighted(&segments, weight)
    }

    /// Adds already segmented words at `weight`, and their parts at less.
    fn add_segments(&self, words: &mut Vec<(String, f32)>, segments: &[&str], weight: f32) {
        self.each_weighted(segments, weight, |word, weight| {
            add_word(words, word, weight)
        });
    }

    /// Segmented words at `weight`, each after its parts at less.
    fn weighted(&self, segments: &[&str], weight: f32) -> Vec<(String, f32)> {
        let mut weighted = Vec::new();
        self.each_weighted(segments, weight, |word, weight| {
            weighted.push((word.to_string(), weight))
        });
        weighted
    }

    /// [`QueryAnalyzer::weighted`], each word handed to `take` as it comes.
    fn each_weighted(&self, segments: &[&str], weight: f32, mut take: impl FnMut(&str, f32)) {
        for &word in segments {
            if self.stop_words.contains(word) {
                continue;
            }
            if word.chars().count() > 2 {
                // As `segment_with(word, TokenizeMode::Search)`, without
                // copying the parts.
                for part in self.jieba.tokenize(word, TokenizeMode::Search, true) {
                    if !part.word.chars().any(is_alphanumeric) {
                        continue;
                    }
                    let part = lowercase(part.word);
                    if part != word && !self.stop_words.contains(part.as_ref()) {
                        take(&part, weight * PART_WEIGHT);
                    }
                }
            }
            take(word, weight);
        }
    }

    /// Each pair of neighbouring letters or digits of the question once,
    /// unless it is a stop word or both its characters are.
    fn bigrams(&self, question: &str) -> Vec<String> {
        let chars: Vec<(usize, char)> = question.char_indices().collect();
        let mut bigrams: Vec<String> = Vec::with_capacity(chars.len());
        let mut seen: FxHashSet<&str> =
            FxHashSet::with_capacity_and_hasher(chars.len(), Default::default());
        for pair in chars.windows(2) {
            let [(first_at, first), (second_at, second)] = [pair[0], pair[1]];
            let end = second_at + second.len_utf8();
            let bigram = &question[first_at..end];
            let meaningful = is_alphanumeric(first)
                && is_alphanumeric(second)
                && !self.stop_words.contains(bigram)
                && !(self.stop_words.contains(&question[first_at..second_at])
                    && self.stop_words.contains(&question[second_at..end]));
            if meaningful && seen.insert(bigram) {
                bigrams.push(bigram.to_string());
            }
        }
        bigrams
    }
}

/// The sorted, distinct offsets where the words of `cut` start and end.
pub fn boundaries(cut: &[(usize, usize)]) -> Vec<usize> {
    let mut at: Vec<usize> = cut.iter().flat_map(|&(start, end)| [start, end]).collect();
    at.sort_unstable();
    at.dedup();
    at
}

/// The words of `text` at `words` (byte ranges), each [`lowercase`]d.
fn lowercased<'t>(text: &'t str, words: &[(usize, usize)]) -> Vec<Cow<'t, str>> {
    words
        .iter()
        .map(|&(start, end)| lowercase(&text[start..end]))
        .collect()
}

/// `word` lowercased as `str::to_lowercase` does, borrowed when that
/// changes nothing (as for every Chinese word).
fn lowercase(word: &str) -> Cow<'_, str> {
    // `str::to_lowercase` maps each character as `char::to_lowercase`,
    // except Σ, which it maps by its place in the word.
    let unchanged = word.chars().all(|c| {
        if is_ideograph(c) {
            return true;
        }
        let mut lower = c.to_lowercase();
        c != 'Σ' && lower.next() == Some(c) && lower.next().is_none()
    });
    if unchanged {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

/// Keeps the highest weight when a word comes twice.
fn add_word(words: &mut Vec<(String, f32)>, word: &str, weight: f32) {
    match words.iter_mut().find(|(seen, _)| *seen == word) {
        Some((_, seen_weight)) => *seen_weight = seen_weight.max(weight),
        None => words.push((word.to_string(), weight)),
    }
}

/// A CJK unified ideograph, the bulk of every question: a letter
/// (`char::is_alphanumeric`) that lowercasing leaves as it is, known without
/// looking up Unicode's tables (a test checks both for each of them).
fn is_ideograph(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// `char::is_alphanumeric`, answered at once for an ideograph.
fn is_alphanumeric(c: char) -> bool {
    is_ideograph(c) || c.is_alphanumeric()
}

/// Lowercases and folds full-width ASCII (ＡＰＰ, １２３) to half-width, the
/// way the corpus is written.
pub fn normalize(text: &str) -> String {
    let mut normalized = String::with_capacity(text.len());
    for c in text.chars() {
        // Most of a question is ideographs, which neither folding nor
        // lowercasing changes.
        if is_ideograph(c) {
            normalized.push(c);
            continue;
        }
        let folded = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        };
        normalized.extend(folded.to_lowercase());
    }
    normalized
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

    #[test]
    fn ideographs_are_letters_that_lowercasing_leaves_alone() {
        for c in '\u{4E00}'..='\u{9FFF}' {
            assert!(is_ideograph(c));
            assert!(c.is_alphanumeric(), "{c}");
            assert_eq!(c.to_lowercase().collect::<String>(), c.to_string(), "{c}");
            assert_eq!(c.to_string().to_lowercase(), c.to_string(), "{c}");
        }
        assert!(!is_ideograph('a') && !is_ideograph('，'));
        assert_eq!(lowercase("居住证APP"), "居住证app");
        assert!(matches!(lowercase("居住证"), Cow::Borrowed(_)));
    }
}
