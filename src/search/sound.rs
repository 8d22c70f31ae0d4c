//! Sound-alike slips: a caller's words typed by ear or heard wrong by
//! speech recognition (登计 for 登记, 居注证 for 居住证, 发漂 for 发票). A run
//! of two to four characters that the vocabulary does not know is replaced
//! by the one vocabulary word that sounds the same (toneless pinyin) and
//! shares a character with it in the same place, so 孕妇 never becomes 云浮
//! and a slip is only fixed where one reading is possible. Pure: built once
//! from the vocabulary's words.

use pinyin::ToPinyin;
use rustc_hash::FxHashMap;

/// Shortest and longest runs looked at, in characters.
const MIN_CHARS: usize = 2;
const MAX_CHARS: usize = 4;

/// The vocabulary's words by their sound.
#[derive(Debug, Default)]
pub struct SoundAlike {
    /// Toneless pinyin (`deng-ji`) → the word; `None` when two words
    /// sound alike, so neither is guessed.
    by_sound: FxHashMap<String, Option<String>>,
}

/// `deng-ji` for 登记; `None` when a character has no pinyin (a letter, a
/// digit, punctuation).
fn sound(word: &str) -> Option<String> {
    let mut key = String::new();
    for c in word.chars() {
        let pinyin = c.to_pinyin()?;
        if !key.is_empty() {
            key.push('-');
        }
        key.push_str(pinyin.plain());
    }
    Some(key)
}

impl SoundAlike {
    /// Indexes `words` (those of two to four Chinese characters).
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> SoundAlike {
        let mut by_sound: FxHashMap<String, Option<String>> = FxHashMap::default();
        for word in words {
            let length = word.chars().count();
            if !(MIN_CHARS..=MAX_CHARS).contains(&length) {
                continue;
            }
            let Some(key) = sound(word) else { continue };
            by_sound
                .entry(key)
                .and_modify(|seen| {
                    if seen.as_deref() != Some(word) {
                        *seen = None;
                    }
                })
                .or_insert_with(|| Some(word.to_string()));
        }
        SoundAlike { by_sound }
    }

    /// `text` with each run the vocabulary does not know (`known` says
    /// which it does) replaced by its one sound-alike word, longest runs
    /// first; `None` when nothing was replaced. A run starts and ends where
    /// the segmenter put a word boundary (`boundaries`, sorted byte
    /// offsets), so 办个长期 never yields a 个账 made of two words' halves.
    pub fn correct(
        &self,
        text: &str,
        boundaries: &[usize],
        known: impl Fn(&str) -> bool,
    ) -> Option<String> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        // Each character's sound, looked up once for all the runs it is in.
        let sounds: Vec<Option<&str>> = chars
            .iter()
            .map(|(_, c)| c.to_pinyin().map(|pinyin| pinyin.plain()))
            .collect();
        let mut key = String::new();
        let mut fixed = String::with_capacity(text.len());
        let mut changed = false;
        let mut at = 0;
        while at < chars.len() {
            // A run starts where a word does, so nowhere else is tried.
            let starts_word = boundaries.binary_search(&chars[at].0).is_ok();
            let lengths = if starts_word {
                MIN_CHARS..=MAX_CHARS
            } else {
                1..=0
            };
            let replaced = lengths.rev().find_map(|length| {
                let end = at + length;
                if end > chars.len() {
                    return None;
                }
                let start_byte = chars[at].0;
                let end_byte = chars.get(end).map_or(text.len(), |(byte, _)| *byte);
                let run = &text[start_byte..end_byte];
                let ends_word = boundaries.binary_search(&end_byte).is_ok();
                if !ends_word || known(run) {
                    return None;
                }
                // As `sound(run)`, into one buffer.
                key.clear();
                for sound in &sounds[at..end] {
                    if !key.is_empty() {
                        key.push('-');
                    }
                    key.push_str((*sound)?);
                }
                let word = self.by_sound.get(key.as_str())?.as_deref()?;
                let shares = word
                    .chars()
                    .zip(run.chars())
                    .any(|(said, heard)| said == heard);
                shares.then_some((length, word))
            });
            match replaced {
                Some((length, word)) => {
                    fixed.push_str(word);
                    changed = true;
                    at += length;
                }
                None => {
                    fixed.push(chars[at].1);
                    at += 1;
                }
            }
        }
        changed.then_some(fixed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character its own word.
    fn each(text: &str) -> Vec<usize> {
        text.char_indices()
            .map(|(at, _)| at)
            .chain([text.len()])
            .collect()
    }

    #[test]
    fn slips_heard_by_ear_become_the_word_that_sounds_the_same() {
        let vocabulary = ["登记", "农民工", "居住证", "发票", "备案", "个账"];
        let sounds = SoundAlike::new(vocabulary);
        let known = |run: &str| vocabulary.contains(&run) || ["没有", "长期"].contains(&run);
        let correct = |text: &str| sounds.correct(text, &each(text), known);
        assert_eq!(
            correct("农民公没有居注证能不能先登计").as_deref(),
            Some("农民工没有居住证能不能先登记")
        );
        assert_eq!(correct("发漂怎么开").as_deref(), Some("发票怎么开"));
        // Nothing shared in the same place: no guess (被按 is not 备案).
        assert_eq!(correct("被按"), None);
        assert_eq!(correct("登记备案"), None);
        // 办个|长期: 个长 would be made of two words' halves.
        assert_eq!(sounds.correct("办个长期", &[0, 6, 12], known), None);
        assert_eq!(correct("办个长期").as_deref(), Some("办个账期"));
    }

    #[test]
    fn two_words_that_sound_alike_are_never_guessed_between() {
        let sounds = SoundAlike::new(["实施", "事实"]);
        assert_eq!(sounds.correct("实事", &each("实事"), |_| false), None);
    }
}
