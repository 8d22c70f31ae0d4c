//! Answers already given, kept as the JSON bodies that were sent.
//!
//! The policy texts are loaded once and never change while the server
//! runs, so the same question (same words, region and `top`) always gets
//! the same Answer. Callers ask the same few things over and over (the
//! widget's quick replies send fixed texts), and a repeated question is
//! then served without searching again. Bounded by bytes; the least
//! recently useful answers go first.

use axum::body::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;

/// What makes two questions the same: exactly as the client sent them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AskKey {
    pub question: String,
    pub region: Option<String>,
    pub top: Option<usize>,
}

/// An answer as it was sent.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedAnswer {
    pub body: Bytes,
    /// Whether the corpus answered it (for the metrics).
    pub answered: bool,
    /// Counted again each time it is asked, when it is a miss.
    pub miss: Option<std::sync::Arc<crate::store::Miss>>,
}

#[derive(Clone)]
struct BodyBytes;

impl Weighter<AskKey, CachedAnswer> for BodyBytes {
    fn weight(&self, key: &AskKey, answer: &CachedAnswer) -> u64 {
        (key.question.len() + answer.body.len()) as u64
    }
}

/// Answer bodies by question, up to a number of bytes.
pub struct AnswerCache {
    bodies: Option<Cache<AskKey, CachedAnswer, BodyBytes>>,
}

/// A typical answer body with five passages is 3–4 KB.
const TYPICAL_ENTRY_BYTES: usize = 4 * 1024;

impl AnswerCache {
    /// A cache of at most `max_bytes`; 0 turns it off.
    pub fn new(max_bytes: usize) -> AnswerCache {
        let bodies = (max_bytes > 0).then(|| {
            let items = (max_bytes / TYPICAL_ENTRY_BYTES).max(1);
            Cache::with_weighter(items, max_bytes as u64, BodyBytes)
        });
        AnswerCache { bodies }
    }

    pub fn get(&self, key: &AskKey) -> Option<CachedAnswer> {
        self.bodies.as_ref()?.get(key)
    }

    pub fn insert(&self, key: AskKey, answer: CachedAnswer) {
        if let Some(bodies) = &self.bodies {
            bodies.insert(key, answer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &'static [u8]) -> CachedAnswer {
        CachedAnswer {
            body: Bytes::from_static(body),
            answered: true,
            miss: None,
        }
    }

    fn key(question: &str) -> AskKey {
        AskKey {
            question: question.into(),
            region: None,
            top: None,
        }
    }

    #[test]
    fn keeps_what_fits_and_nothing_when_off() {
        let cache = AnswerCache::new(64 * 1024);
        cache.insert(key("怎么备案"), answer(b"{\"answered\":true}"));
        assert_eq!(
            cache.get(&key("怎么备案")),
            Some(answer(b"{\"answered\":true}"))
        );
        assert_eq!(cache.get(&key("怎么备案？")), None);
        let region = AskKey {
            region: Some("dongguan".into()),
            ..key("怎么备案")
        };
        assert_eq!(cache.get(&region), None);

        let off = AnswerCache::new(0);
        off.insert(key("怎么备案"), answer(b"{}"));
        assert_eq!(off.get(&key("怎么备案")), None);
    }

    #[test]
    fn stays_within_its_bytes() {
        let cache = AnswerCache::new(16 * 1024);
        for n in 0..100 {
            let body = CachedAnswer {
                body: Bytes::from(vec![b'x'; 1024]),
                answered: true,
                miss: None,
            };
            cache.insert(key(&format!("问题{n}")), body);
        }
        let kept = (0..100)
            .filter(|n| cache.get(&key(&format!("问题{n}"))).is_some())
            .count();
        assert!((1..=16).contains(&kept), "kept {kept}");
    }
}
