//! Search over the corpus passages: a tantivy index in RAM, segmented with
//! jieba, queried with hand-built boolean queries.
//!
//! Each passage is indexed in four text fields: its citation label
//! (`clause`, boosted: a heading says what the passage is about), its
//! document's `title`, its `text`, and `bigrams`, the character bigrams of
//! label and text, a low-weight fallback for segmentation misses and
//! speech-recognition errors. The question goes through [`QueryAnalyzer`]
//! (stop words out, synonyms in) and is scored as a `BooleanQuery` of
//! `Should` term queries would be, one per field and word, each boosted:
//! with tantivy's BM25 weights over the postings, both read from the index
//! once at build. A question scoped to a region searches that region's own
//! index.

mod holders;
pub mod query;
pub mod sound;
pub mod substrings;
pub mod tokenizer;

use std::collections::HashMap;
use std::sync::Arc;

use jieba_rs::Jieba;
use rustc_hash::FxHashMap;
use tantivy::postings::Postings as _;
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{NgramTokenizer, TextAnalyzer};
use tantivy::{
    DocAddress, DocSet, Index, ReloadPolicy, Searcher, TERMINATED, TantivyDocument, Term, doc,
};

use holders::Holders;
pub use query::{QueryAnalyzer, QueryTerms};
use sound::SoundAlike;
use substrings::{Needle, Substrings};
use tokenizer::JiebaTokenizer;

use crate::corpus::{Corpus, Lexicon, Passage, Scheme};

/// Field boosts, set on the question set (BENCHMARKS.md). A citation label
/// `第二章 备案管理 · 第九条` is split into its heading (the last part, which
/// names this clause) and its section (shared by the clause's neighbours:
/// counts less). The title is shared by a whole document; it weighs most
/// because it is what tells 生育保险 from the general scheme.
const HEADING_BOOST: f32 = 1.0;
const SECTION_BOOST: f32 = 0.5;
const TEXT_BOOST: f32 = 1.0;
const TITLE_BOOST: f32 = 2.0;
const BIGRAM_BOOST: f32 = 0.3;
/// How much covering the caller's words counts when re-ranking: a passage
/// that contains every word the caller said scores up to this many times
/// its search score more than one that contains none. BM25 alone lets one
/// rare word repeated in a short passage outrank a passage that matches
/// the whole question.
const COVERAGE_WEIGHT: f32 = 2.0;
/// Factor for passages of the scheme the question is about.
const SCHEME_BOOST: f32 = 3.0;
/// Factor for passages tagged with a topic the question asks about
/// (`[tags]` in the front matter, `topics.txt` for the question).
const TOPIC_BOOST: f32 = 2.0;
/// Factor for passages tagged with the caller's category; a passage tagged
/// only with other categories gets its inverse.
const CATEGORY_BOOST: f32 = 1.5;
/// How many candidates the re-ranking looks at.
const RERANK_DEPTH: usize = 30;

const JIEBA: &str = "jieba";
const BIGRAM: &str = "bigram";

/// Why the index could not be built (an internal error, not bad input).
#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

/// A passage found for a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index into `Corpus::passages`.
    pub passage: usize,
    pub score: f32,
}

/// Where the search looks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope<'a> {
    /// Only passages of this region.
    pub region: Option<&'a str>,
    /// Prefer passages of this scheme (the question spoke of 怀孕 …).
    pub scheme: Option<Scheme>,
    /// Only passages of `scheme`: the question named it (生育保险, 生育备案).
    pub scheme_named: bool,
    /// Prefer passages for this category (contract id), the caller's own.
    pub category: Option<&'a str>,
}

/// One tantivy index over a set of passages. Each region has its own, so
/// that word weights (IDF) reflect that region's documents: 登记 is rare
/// across the corpus but in every clause of 湛江's, and should count as
/// little there as it says.
///
/// The index never changes after build, so everything a question needs
/// from it is read then: each field's terms with their postings and BM25
/// weights. Searching is then only adding up scores, as tantivy's
/// `BooleanQuery` of `BoostQuery(TermQuery)` would, without building its
/// query, weights and scorers for every question (a weight alone computes
/// a 256-entry table).
struct Shard {
    /// Each term of the word fields, with its postings in each: a
    /// question's word is looked up once for all four.
    words: FxHashMap<String, WordFields>,
    /// Each term of the bigram field.
    bigrams: FxHashMap<String, TermPostings>,
    /// One more than the largest corpus ordinal in this shard.
    passages: usize,
}

/// A term's postings in each word field that holds it.
#[derive(Default)]
struct WordFields {
    heading: Option<TermPostings>,
    section: Option<TermPostings>,
    title: Option<TermPostings>,
    text: Option<TermPostings>,
}

/// The word fields.
#[derive(Debug, Clone, Copy)]
enum Searched {
    Heading,
    Section,
    Title,
    Text,
}

/// One term of one field: where it occurs and how much it weighs.
struct TermPostings {
    /// tantivy's BM25 weight of a `TermQuery` for the term (its idf and
    /// the field's average length), before any boost.
    weight: Bm25Weight,
    /// (corpus ordinal, field-norm id, term frequency) of each passage
    /// holding the term.
    passages: Vec<(u32, u8, u32)>,
}

struct Fields {
    heading: Field,
    section: Field,
    title: Field,
    text: Field,
    bigrams: Field,
    ordinal: Field,
}

impl Fields {
    fn of(&self, searched: Searched) -> Field {
        match searched {
            Searched::Heading => self.heading,
            Searched::Section => self.section,
            Searched::Title => self.title,
            Searched::Text => self.text,
        }
    }
}

/// The passages of a corpus, indexed in RAM.
pub struct SearchIndex {
    everything: Shard,
    regions: Vec<(String, Shard)>,
    /// Which passages hold each word of their label and text, lowercased,
    /// for the coverage check.
    holders: Holders,
    /// All passages' labels and texts: does the corpus know a word at all?
    all_contents: Substrings,
    /// Each passage's scheme.
    schemes: Vec<Scheme>,
    /// Each passage's topics and categories (its `[tags]`).
    tags: Vec<(Vec<String>, Vec<String>)>,
    analyzer: QueryAnalyzer,
    /// The words of the passages and of the search vocabulary by sound,
    /// for slips typed or heard by ear.
    sounds: SoundAlike,
    /// Every phrase of the search vocabulary, for what it knows.
    vocabulary: Substrings,
}

/// Loads jieba's dictionary plus the corpus's domain words. This takes
/// about 150 ms, so it is done once and the result shared.
pub fn load_jieba(lexicon: &Lexicon) -> Arc<Jieba> {
    let mut jieba = Jieba::new();
    for (word, frequency) in &lexicon.user_words {
        jieba.add_word(word, *frequency, None);
    }
    Arc::new(jieba)
}

/// A key that orders hits best first, ties by ordinal, as a number:
/// sorting and selecting compare one integer instead of two floats and
/// then two ordinals (the same order). The high half is the score's bits
/// as `f32::total_cmp` orders them, the low half the ordinal reversed;
/// the greater key is the better hit.
fn rank_key(score: f32, passage: usize) -> u64 {
    let bits = score.to_bits() as i32;
    // total_cmp's transform: a negative float's other bits flipped, so
    // the bits order as signed integers, then moved to unsigned order.
    let ordered = (bits ^ (((bits >> 31) as u32) >> 1) as i32) as u32 ^ 0x8000_0000;
    let ordinal = u32::try_from(passage).unwrap_or(u32::MAX);
    (u64::from(ordered) << 32) | u64::from(u32::MAX - ordinal)
}

/// Whether `question` names the maternity scheme itself (生育保险, 生育备案),
/// rather than only speaking of a pregnancy: a name of `scheme_names.txt`.
/// Like a region's name, it picks where to look ([`Scope::scheme`]); as
/// search words the names would favour the clauses that happen to repeat
/// them, such as 计划生育手术费.
pub fn names_scheme(question: &str, lexicon: &Lexicon) -> bool {
    lexicon
        .scheme_names
        .iter()
        .any(|name| question.contains(name.as_str()))
}

/// `第二章 备案管理 · 第九条` → (`第二章 备案管理`, `第九条`).
fn split_label(label: &str) -> (&str, &str) {
    match label.rsplit_once(" · ") {
        Some((section, heading)) => (section, heading),
        None => ("", label),
    }
}

/// The names that pick a region: 东莞市, 东莞, 广东省, 广东 …
fn scope_words(corpus: &Corpus) -> Vec<String> {
    let mut words: Vec<String> = corpus.lexicon.scheme_names.clone();
    for region in &corpus.regions {
        // 山东省内 must keep its 省内: provinces go by their short name only.
        let city_short = region.name.trim_end_matches('市');
        let province_short = region.province.trim_end_matches('省');
        for word in [region.name.as_str(), city_short, province_short] {
            if !words.iter().any(|seen| seen == word) {
                words.push(word.to_string());
            }
        }
    }
    words
}

impl SearchIndex {
    /// Indexes every passage of `corpus`, segmenting with `jieba`: one
    /// index over everything and one per region.
    pub fn build(corpus: &Corpus, jieba: Arc<Jieba>) -> Result<SearchIndex, SearchError> {
        let everything = Shard::build(corpus.passages.iter().enumerate(), &jieba)?;
        let mut regions = Vec::new();
        for region in &corpus.regions {
            let passages = corpus
                .passages
                .iter()
                .enumerate()
                .filter(|(_, passage)| passage.region == region.id);
            regions.push((region.id.clone(), Shard::build(passages, &jieba)?));
        }
        let contents: Vec<String> = corpus
            .passages
            .iter()
            .map(|passage| format!("{}\n{}", passage.clause, passage.text).to_lowercase())
            .collect();
        // Joined by line breaks, which no searched word contains, so no
        // word is found across two passages.
        let all_contents = Substrings::of(contents.join("\n"));
        let holders = Holders::new(contents);
        let lexicon = &corpus.lexicon;
        let phrases: Vec<&str> = lexicon
            .user_words
            .iter()
            .map(|(word, _)| word.as_str())
            .chain(
                [&lexicon.synonyms, &lexicon.topics, &lexicon.out_of_scope]
                    .into_iter()
                    .flatten()
                    .flat_map(|line| line.say.iter().chain(&line.means))
                    .map(String::as_str),
            )
            .chain(lexicon.maternity_words.iter().map(String::as_str))
            .chain(lexicon.stop_words.iter().map(String::as_str))
            .collect();
        let passage_words = everything
            .words
            .iter()
            .filter(|(_, fields)| fields.text.is_some())
            .map(|(word, _)| word.as_str());
        let sounds = SoundAlike::new(passage_words.chain(phrases.iter().copied()));
        let vocabulary = Substrings::of(phrases.join("\n"));
        Ok(SearchIndex {
            everything,
            regions,
            holders,
            all_contents,
            schemes: corpus
                .passages
                .iter()
                .map(|passage| passage.scheme)
                .collect(),
            tags: corpus
                .passages
                .iter()
                .map(|passage| (passage.topics.clone(), passage.categories.clone()))
                .collect(),
            analyzer: QueryAnalyzer::new(jieba, &corpus.lexicon, &scope_words(corpus)),
            sounds,
            vocabulary,
        })
    }

    /// `question` with its sound-alike slips mended (登计 → 登记, 发漂 →
    /// 发票): a run of characters that neither the passages nor the search
    /// vocabulary hold becomes the one word of theirs that sounds the same
    /// and shares a character in place. `None` when nothing changed.
    pub fn mend(&self, question: &str) -> Option<String> {
        self.mend_cut(question, &self.analyzer.cut(question))
    }

    /// [`SearchIndex::mend`], given where the segmenter cuts `question`.
    fn mend_cut(&self, question: &str, cut: &[(usize, usize)]) -> Option<String> {
        let boundaries = query::boundaries(cut);
        self.sounds.correct(question, &boundaries, |run| {
            let run = Needle::new(run);
            self.all_contents.contains_needle(&run) || self.vocabulary.contains_needle(&run)
        })
    }

    /// `question` with its sound-alike slips mended ([`SearchIndex::mend`]),
    /// and the analysis of what is then searched: the question is segmented
    /// once for both when nothing was mended.
    pub fn read(&self, question: &str) -> (Option<String>, QueryTerms) {
        let cut = self.analyzer.cut(question);
        let mended = self.mend_cut(question, &cut);
        let terms = match &mended {
            Some(mended) => self.analyzer.analyze(mended),
            None => self.analyzer.analyze_cut(question, Some(&cut)),
        };
        (mended, terms)
    }

    /// The analyzer questions go through (shared with answer composition).
    pub fn analyzer(&self) -> &QueryAnalyzer {
        &self.analyzer
    }

    /// The share of the caller's words (two characters or more) that the
    /// corpus knows: found in some passage or in the synonym table. A
    /// question mostly made of words the policies never use (疫苗, 电动车,
    /// 上牌) is about something else, however well its other words match.
    pub fn familiarity(&self, terms: &QueryTerms) -> f32 {
        if terms.said.is_empty() {
            return 1.0;
        }
        let known = terms
            .said
            .iter()
            .filter(|word| {
                self.all_contents.contains(word)
                    || self.analyzer.knows(word)
                    || terms
                        .recognised
                        .iter()
                        .any(|phrase| phrase.contains(String::as_str(word)))
            })
            .count();
        known as f32 / terms.said.len() as f32
    }

    /// The best `limit` passages for `question`, best first.
    pub fn search(&self, question: &str, scope: Scope<'_>, limit: usize) -> Vec<Hit> {
        let terms = self.analyzer.analyze(question);
        self.search_terms(&terms, scope, limit)
    }

    /// Like [`SearchIndex::search`], for an already analysed question.
    pub fn search_terms(&self, terms: &QueryTerms, scope: Scope<'_>, limit: usize) -> Vec<Hit> {
        if terms.is_empty() || limit == 0 {
            return Vec::new();
        }
        let shard = match scope.region {
            None => &self.everything,
            Some(region) => match self.regions.iter().find(|(id, _)| id == region) {
                Some((_, shard)) => shard,
                None => return Vec::new(),
            },
        };
        // Named, the scheme filters: every candidate is looked at, so the
        // other scheme's passages cannot crowd its own out of the depth.
        let depth = if scope.scheme_named {
            usize::MAX
        } else {
            limit.max(RERANK_DEPTH)
        };
        let found = shard.search(terms, depth);
        // Words are looked up as substrings, so 户口 counts inside 户口簿
        // and a synonym phrase such as 先入院后备案 counts where the text
        // has it, whatever the segmenter made of either.
        let groups = self.holders.groups(&terms.groups);
        let mut hits: Vec<Hit> = found
            .into_iter()
            .filter(|(passage, _)| {
                !scope.scheme_named || scope.scheme == self.schemes.get(*passage).copied()
            })
            .filter_map(|(passage, score)| {
                let coverage = groups.coverage(passage)?;
                let in_scheme = scope
                    .scheme
                    .is_some_and(|scheme| self.schemes.get(passage) == Some(&scheme));
                let scheme = if in_scheme { SCHEME_BOOST } else { 1.0 };
                let (topics, categories) = self.tags.get(passage)?;
                let on_topic = terms.topics.iter().any(|topic| topics.contains(topic));
                let scheme = scheme * if on_topic { TOPIC_BOOST } else { 1.0 };
                let scheme = scheme
                    * match scope.category {
                        Some(category) if !categories.is_empty() => {
                            if categories.iter().any(|tagged| tagged == category) {
                                CATEGORY_BOOST
                            } else {
                                1.0 / CATEGORY_BOOST
                            }
                        }
                        _ => 1.0,
                    };
                Some(Hit {
                    passage,
                    score: score * (1.0 + COVERAGE_WEIGHT * coverage) * scheme,
                })
            })
            .collect();
        hits.sort_unstable_by_key(|hit| std::cmp::Reverse(rank_key(hit.score, hit.passage)));
        hits.truncate(limit);
        hits
    }
}

impl Shard {
    /// Indexes `passages` (with their ordinals in the corpus).
    fn build<'a>(
        passages: impl Iterator<Item = (usize, &'a Passage)>,
        jieba: &Arc<Jieba>,
    ) -> Result<Shard, SearchError> {
        let (searcher, fields) = index(passages, jieba)?;
        Shard::read(&searcher, &fields)
    }

    /// What searching needs from an index, read once.
    fn read(searcher: &Searcher, fields: &Fields) -> Result<Shard, SearchError> {
        let ordinals = ordinals(searcher, fields.ordinal)?;
        let passages = ordinals
            .iter()
            .flatten()
            .filter(|ordinal| **ordinal != usize::MAX)
            .max()
            .map_or(0, |last| last + 1);
        let mut words: FxHashMap<String, WordFields> = FxHashMap::default();
        let mut put = |field: Searched,
                       slot: fn(&mut WordFields) -> &mut Option<TermPostings>|
         -> Result<(), SearchError> {
            for (word, postings) in field_postings(searcher, fields.of(field), &ordinals)? {
                *slot(words.entry(word).or_default()) = Some(postings);
            }
            Ok(())
        };
        put(Searched::Heading, |word| &mut word.heading)?;
        put(Searched::Section, |word| &mut word.section)?;
        put(Searched::Title, |word| &mut word.title)?;
        put(Searched::Text, |word| &mut word.text)?;
        Ok(Shard {
            words,
            bigrams: field_postings(searcher, fields.bigrams, &ordinals)?,
            passages,
        })
    }

    /// The `depth` best passages by search score: (ordinal, score).
    fn search(&self, terms: &QueryTerms, depth: usize) -> Vec<(usize, f32)> {
        // Each passage's sum, in the order of the query's clauses, as
        // tantivy's union adds them up (the same sums to the last bit).
        let mut sums: Vec<Option<f32>> = vec![None; self.passages];
        // A word a field lacks scores nothing there.
        let mut add = |term: Option<&TermPostings>, boost: f32| {
            let Some(term) = term else {
                return;
            };
            let weight = term.weight.boost_by(boost);
            for &(passage, fieldnorm_id, term_freq) in &term.passages {
                if let Some(sum) = sums.get_mut(passage as usize) {
                    *sum = Some(sum.unwrap_or(0.0) + weight.score(fieldnorm_id, term_freq));
                }
            }
        };
        for (word, weight) in &terms.words {
            let Some(fields) = self.words.get(word.as_str()) else {
                continue;
            };
            add(fields.heading.as_ref(), HEADING_BOOST * weight);
            add(fields.section.as_ref(), SECTION_BOOST * weight);
            add(fields.text.as_ref(), TEXT_BOOST * weight);
            add(fields.title.as_ref(), TITLE_BOOST * weight);
        }
        for bigram in &terms.bigrams {
            add(self.bigrams.get(bigram.as_str()), BIGRAM_BOOST);
        }
        let mut found: Vec<(u64, usize, f32)> = sums
            .into_iter()
            .enumerate()
            .filter_map(|(passage, sum)| Some((rank_key(sum?, passage), passage, sum?)))
            .collect();
        // Best first, ties by ordinal: a total order, so keeping the best
        // `depth` before sorting them gives what sorting everything would.
        let best_first = |a: &(u64, usize, f32), b: &(u64, usize, f32)| b.0.cmp(&a.0);
        if found.len() > depth && depth > 0 {
            found.select_nth_unstable_by(depth - 1, best_first);
        }
        found.truncate(depth);
        found.sort_unstable_by(best_first);
        found
            .into_iter()
            .map(|(_, passage, score)| (passage, score))
            .collect()
    }
}

/// A RAM index of `passages` (with their ordinals in the corpus), segmented
/// with `jieba`, and its one searcher.
fn index<'a>(
    passages: impl Iterator<Item = (usize, &'a Passage)>,
    jieba: &Arc<Jieba>,
) -> Result<(Searcher, Fields), SearchError> {
    let mut schema = Schema::builder();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(JIEBA)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let bigram_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(BIGRAM)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        heading: schema.add_text_field("heading", words.clone()),
        section: schema.add_text_field("section", words.clone()),
        title: schema.add_text_field("title", words.clone()),
        text: schema.add_text_field("text", words),
        bigrams: schema.add_text_field("bigrams", bigram_options),
        ordinal: schema.add_u64_field("ordinal", STORED),
    };
    let index = Index::create_in_ram(schema.build());
    index.tokenizers().register(
        JIEBA,
        TextAnalyzer::builder(JiebaTokenizer::new(jieba.clone())).build(),
    );
    index.tokenizers().register(
        BIGRAM,
        TextAnalyzer::builder(NgramTokenizer::new(2, 2, false)?).build(),
    );

    let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
    for (ordinal, passage) in passages {
        let (section, heading) = split_label(&passage.clause);
        writer.add_document(doc!(
            fields.heading => heading,
            fields.section => section,
            fields.title => passage.title.as_str(),
            fields.text => passage.text.as_str(),
            fields.bigrams => format!("{}\n{}", passage.clause, passage.text),
            fields.ordinal => ordinal as u64,
        ))?;
    }
    writer.commit()?;
    let searcher = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?
        .searcher();
    Ok((searcher, fields))
}

/// Corpus ordinal of each document, by segment then document id.
fn ordinals(searcher: &Searcher, ordinal: Field) -> Result<Vec<Vec<usize>>, SearchError> {
    let mut ordinals = Vec::new();
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let mut of_segment = Vec::with_capacity(reader.max_doc() as usize);
        for doc_id in 0..reader.max_doc() {
            let document: TantivyDocument =
                searcher.doc(DocAddress::new(segment as u32, doc_id))?;
            let value = document
                .get_first(ordinal)
                .and_then(|value| value.as_u64())
                .unwrap_or(u64::MAX);
            of_segment.push(value as usize);
        }
        ordinals.push(of_segment);
    }
    Ok(ordinals)
}

/// Every term of `field` with its postings (as corpus ordinals) and the
/// BM25 weight tantivy gives a `TermQuery` for it. Terms with the same
/// document frequency share one weight.
fn field_postings(
    searcher: &Searcher,
    field: Field,
    ordinals: &[Vec<usize>],
) -> Result<FxHashMap<String, TermPostings>, SearchError> {
    let mut terms: FxHashMap<String, TermPostings> = FxHashMap::default();
    let mut weights: HashMap<u64, Bm25Weight> = HashMap::new();
    // What `Bm25Weight::for_terms` computes for one term, without the idf's
    // explanation: a question boosts a weight for each word and field it
    // searches, and `boost_by` would copy that explanation every time.
    let total_docs = Bm25StatisticsProvider::total_num_docs(searcher)?;
    let average_fieldnorm =
        Bm25StatisticsProvider::total_num_tokens(searcher, field)? as f32 / total_docs as f32;
    for (reader, ordinals) in searcher.segment_readers().iter().zip(ordinals) {
        let inverted = reader.inverted_index(field)?;
        let fieldnorms = reader.get_fieldnorms_reader(field)?;
        let mut stream = inverted
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while let Some((key, info)) = stream.next() {
            let word = String::from_utf8_lossy(key).into_owned();
            let postings = match terms.get_mut(&word) {
                Some(postings) => postings,
                None => {
                    let term = Term::from_field_text(field, &word);
                    let doc_freq = searcher.doc_freq(&term)?;
                    let weight = match weights.get(&doc_freq) {
                        Some(weight) => weight.clone(),
                        None => {
                            let weight = Bm25Weight::for_one_term_without_explain(
                                doc_freq,
                                total_docs,
                                average_fieldnorm,
                            );
                            weights.insert(doc_freq, weight.clone());
                            weight
                        }
                    };
                    terms.entry(word).or_insert(TermPostings {
                        weight,
                        passages: Vec::new(),
                    })
                }
            };
            let mut docs = inverted
                .read_postings_from_terminfo(info, IndexRecordOption::WithFreqs)
                .map_err(tantivy::TantivyError::from)?;
            while docs.doc() != TERMINATED {
                let doc = docs.doc();
                let passage = ordinals.get(doc as usize).copied().unwrap_or(usize::MAX);
                postings.passages.push((
                    u32::try_from(passage).unwrap_or(u32::MAX),
                    fieldnorms.fieldnorm_id(doc),
                    docs.term_freq(),
                ));
                docs.advance();
            }
        }
    }
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery};

    use super::*;

    /// tantivy's own scores for `terms`: a `BooleanQuery` of `Should`
    /// boosted `TermQuery`s, one per field and word, every matching
    /// passage scored.
    fn tantivy_scores(
        searcher: &Searcher,
        fields: &Fields,
        terms: &QueryTerms,
    ) -> Vec<(usize, f32)> {
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut add = |field: Field, word: &str, boost: f32| {
            let term = TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            );
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(term), boost)),
            ));
        };
        for (word, weight) in &terms.words {
            add(fields.heading, word, HEADING_BOOST * weight);
            add(fields.section, word, SECTION_BOOST * weight);
            add(fields.text, word, TEXT_BOOST * weight);
            add(fields.title, word, TITLE_BOOST * weight);
        }
        for bigram in &terms.bigrams {
            add(fields.bigrams, bigram, BIGRAM_BOOST);
        }
        let weight = BooleanQuery::new(should)
            .weight(EnableScoring::enabled_from_searcher(searcher))
            .unwrap();
        let ordinals = ordinals(searcher, fields.ordinal).unwrap();
        let mut found = Vec::new();
        for (reader, ordinals) in searcher.segment_readers().iter().zip(&ordinals) {
            weight
                .for_each(reader, &mut |doc, score| {
                    found.push((ordinals[doc as usize], score))
                })
                .unwrap();
        }
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        found
    }

    /// Searching adds up the postings read at build exactly as tantivy's
    /// query would score them: the same passages, the same scores to the
    /// last bit, for every question of the question set, over all regions
    /// and over one region's own index.
    #[test]
    fn scores_are_tantivys_to_the_last_bit() {
        #[derive(serde::Deserialize)]
        struct Case {
            q: String,
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus = Corpus::load(&root.join("corpus")).unwrap();
        let jieba = load_jieba(&corpus.lexicon);
        let analyzer = QueryAnalyzer::new(jieba.clone(), &corpus.lexicon, &scope_words(&corpus));
        let text = std::fs::read_to_string(root.join("tests/qa/questions.yaml")).unwrap();
        let cases: Vec<Case> = yaml_serde::from_str(&text).unwrap();
        let first_region = &corpus.regions[0].id;
        let mut compared = 0;
        for region in [None, Some(first_region)] {
            let passages = corpus
                .passages
                .iter()
                .enumerate()
                .filter(|(_, passage)| region.is_none_or(|region| passage.region == *region));
            let (searcher, fields) = index(passages, &jieba).unwrap();
            let shard = Shard::read(&searcher, &fields).unwrap();
            for case in &cases {
                let terms = analyzer.analyze(&case.q);
                let bits = |found: Vec<(usize, f32)>| -> Vec<(usize, u32)> {
                    found
                        .into_iter()
                        .map(|(at, score)| (at, score.to_bits()))
                        .collect()
                };
                let theirs = bits(tantivy_scores(&searcher, &fields, &terms));
                assert_eq!(bits(shard.search(&terms, usize::MAX)), theirs, "{}", case.q);
                compared += theirs.len();
            }
        }
        assert!(compared > 10_000, "{compared} passages compared");
    }

    /// Reading a question segments it once where mending and analysis read
    /// the same text, and gives what mending and then analysing it would,
    /// on every question of both parts of the question set and on ones
    /// that fold, name a city, negate or are mended.
    #[test]
    fn reading_a_question_mends_and_analyses_it() {
        #[derive(serde::Deserialize)]
        struct Case {
            q: String,
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus = Corpus::load(&root.join("corpus")).unwrap();
        let index = SearchIndex::build(&corpus, load_jieba(&corpus.lexicon)).unwrap();
        let mut questions = vec![
            "东莞的退休人员要带什么".to_string(),
            "我不是退休的，ＡＰＰ上能办吗？".to_string(),
            "居注证没有能先登计吗".to_string(),
            "异地就医备案 APP".to_string(),
        ];
        for file in ["questions.yaml", "frozen.yaml"] {
            let text = std::fs::read_to_string(root.join("tests/qa").join(file)).unwrap();
            let cases: Vec<Case> = yaml_serde::from_str(&text).unwrap();
            questions.extend(cases.into_iter().map(|case| case.q));
        }
        for question in &questions {
            let mended = index.mend(question);
            let terms = index
                .analyzer()
                .analyze(mended.as_deref().unwrap_or(question));
            assert_eq!(index.read(question), (mended, terms), "{question}");
        }
    }
}
