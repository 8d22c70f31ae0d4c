//! Search over the corpus passages: a tantivy index in RAM, segmented with
//! jieba, queried with hand-built boolean queries.
//!
//! Each passage is indexed in four text fields: its citation label
//! (`clause`, boosted: a heading says what the passage is about), its
//! document's `title`, its `text`, and `bigrams`, the character bigrams of
//! label and text, a low-weight fallback for segmentation misses and
//! speech-recognition errors. The question goes through [`QueryAnalyzer`]
//! (stop words out, synonyms in) and becomes a `BooleanQuery` of `Should`
//! term queries, one per field and word, each boosted. A region given by
//! the caller filters; a region named in the question boosts.

pub mod query;
pub mod tokenizer;

use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{NgramTokenizer, TextAnalyzer};
use tantivy::{Index, IndexReader, TantivyDocument, Term, doc};

pub use query::{QueryAnalyzer, QueryTerms};
use tokenizer::JiebaTokenizer;

use crate::corpus::{Corpus, Lexicon};

/// Field boosts. The label names the clause, so a word there counts most;
/// the title is shared by a whole document, so it only separates documents.
const CLAUSE_BOOST: f32 = 2.0;
const TEXT_BOOST: f32 = 1.0;
const TITLE_BOOST: f32 = 0.5;
const BIGRAM_BOOST: f32 = 0.3;
/// Extra weight for passages of a region the question names (东莞, 济宁 …).
const NAMED_REGION_BOOST: f32 = 1.5;

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
    /// Boost passages of this region (named in the question).
    pub prefer_region: Option<&'a str>,
}

struct Fields {
    clause: Field,
    title: Field,
    text: Field,
    bigrams: Field,
    region: Field,
    ordinal: Field,
}

/// The passages of a corpus, indexed in RAM.
pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    analyzer: QueryAnalyzer,
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

impl SearchIndex {
    /// Indexes every passage of `corpus`, segmenting with `jieba`.
    pub fn build(corpus: &Corpus, jieba: Arc<Jieba>) -> Result<SearchIndex, SearchError> {
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
            clause: schema.add_text_field("clause", words.clone()),
            title: schema.add_text_field("title", words.clone()),
            text: schema.add_text_field("text", words),
            bigrams: schema.add_text_field("bigrams", bigram_options),
            region: schema.add_text_field("region", STRING),
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
        for (ordinal, passage) in corpus.passages.iter().enumerate() {
            writer.add_document(doc!(
                fields.clause => passage.clause.as_str(),
                fields.title => passage.title.as_str(),
                fields.text => passage.text.as_str(),
                fields.bigrams => format!("{}\n{}", passage.clause, passage.text),
                fields.region => passage.region.as_str(),
                fields.ordinal => ordinal as u64,
            ))?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(SearchIndex {
            reader,
            fields,
            analyzer: QueryAnalyzer::new(jieba, &corpus.lexicon),
        })
    }

    /// The analyzer questions go through (shared with answer composition).
    pub fn analyzer(&self) -> &QueryAnalyzer {
        &self.analyzer
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
        let query = self.build_query(terms, scope);
        let searcher = self.reader.searcher();
        let Ok(found) = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())
        else {
            return Vec::new();
        };
        found
            .into_iter()
            .filter_map(|(score, address)| {
                let document: TantivyDocument = searcher.doc(address).ok()?;
                let ordinal = document.get_first(self.fields.ordinal)?.as_u64()?;
                Some(Hit {
                    passage: ordinal as usize,
                    score,
                })
            })
            .collect()
    }

    fn build_query(&self, terms: &QueryTerms, scope: Scope<'_>) -> Box<dyn Query> {
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let boosted = |field: Field, word: &str, boost: f32| -> (Occur, Box<dyn Query>) {
            let term = TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            );
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(term), boost)),
            )
        };
        for (word, weight) in &terms.words {
            should.push(boosted(self.fields.clause, word, CLAUSE_BOOST * weight));
            should.push(boosted(self.fields.text, word, TEXT_BOOST * weight));
            should.push(boosted(self.fields.title, word, TITLE_BOOST * weight));
        }
        for bigram in &terms.bigrams {
            should.push(boosted(self.fields.bigrams, bigram, BIGRAM_BOOST));
        }
        let words: Box<dyn Query> = Box::new(BooleanQuery::new(should));

        let region_term = |region: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(self.fields.region, region),
                IndexRecordOption::Basic,
            ))
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, words)];
        if let Some(region) = scope.region {
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(region_term(region), 0.0)),
            ));
        }
        if let Some(region) = scope.prefer_region {
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(
                    region_term(region),
                    NAMED_REGION_BOOST,
                )),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }
}
