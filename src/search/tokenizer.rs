//! A tantivy tokenizer over a shared `Arc<Jieba>`.
//!
//! tantivy clones an analyzer for every field and segment writer. Holding
//! the dictionary behind an `Arc` makes that clone a pointer copy instead
//! of a 30 MB copy of the dictionary, which is why this adapter exists
//! rather than a crate that stores `Jieba` by value.

use std::sync::Arc;

use jieba_rs::{Jieba, TokenizeMode};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Segments text with jieba in search mode (long words and their parts).
#[derive(Clone)]
pub struct JiebaTokenizer {
    jieba: Arc<Jieba>,
}

impl JiebaTokenizer {
    pub fn new(jieba: Arc<Jieba>) -> JiebaTokenizer {
        JiebaTokenizer { jieba }
    }
}

/// The tokens of one text, produced eagerly (passages are short).
pub struct JiebaTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = JiebaTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JiebaTokenStream {
        let tokens = segment(&self.jieba, text)
            .into_iter()
            .enumerate()
            .map(|(position, (word, byte_start, byte_end))| Token {
                offset_from: byte_start,
                offset_to: byte_end,
                position,
                text: word,
                position_length: 1,
            })
            .collect();
        JiebaTokenStream { tokens, index: 0 }
    }
}

impl TokenStream for JiebaTokenStream {
    fn advance(&mut self) -> bool {
        self.index += 1;
        self.index <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

/// The words of `text` worth indexing, lowercased, with their byte ranges:
/// jieba's search-mode segmentation without whitespace and punctuation.
/// Indexing and query analysis both go through here so they always agree.
pub fn segment(jieba: &Jieba, text: &str) -> Vec<(String, usize, usize)> {
    segment_with(jieba, text, TokenizeMode::Search)
}

/// Like [`segment`], in the given mode. Questions use the default mode
/// (longest words only): search mode would also emit 异地 and 就医 beside
/// 异地就医 and so count one common phrase three times.
pub fn segment_with(jieba: &Jieba, text: &str, mode: TokenizeMode) -> Vec<(String, usize, usize)> {
    jieba
        .tokenize(text, mode, true)
        .into_iter()
        .filter(|token| token.word.chars().any(char::is_alphanumeric))
        .map(|token| (token.word.to_lowercase(), token.byte_start, token.byte_end))
        .collect()
}
