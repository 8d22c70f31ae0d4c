//! People's names as callers say them: after a cue (我叫, 俺叫, 名字王淑芬,
//! …叫何翠萍…), bare anywhere in a sentence (周国强，身份证号…), as the answer
//! to the name question, spelled out (耳东陈，伟大的伟), with single,
//! compound and rare surnames (冼, 佘, 亓, 欧阳). The surname table, the
//! cues and the words that only look like names are data
//! (`intents/names.yaml`); jieba's part-of-speech tags tell a name (`nr`)
//! from a common word that starts with a surname (单位, 高兴, 常州).

use std::cell::OnceCell;
use std::path::Path;
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use jieba_rs::Jieba;
use serde::Deserialize;

use crate::corpus::Problem;
use crate::places::Gazetteer;

/// A name read from an utterance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameReading {
    pub name: Option<String>,
    /// The surname alone, when that is all that was said (我姓王).
    pub surname: Option<String>,
    /// False when nothing said it was a name (no cue, no name question
    /// pending): the dialogue then checks it with the caller.
    pub cued: bool,
}

impl NameReading {
    /// Whether the name needs checking with the caller: nothing said it was
    /// a name, or its surname is in no table (兴宁).
    pub fn unsure(&self) -> bool {
        self.name.is_some() && (!self.cued || self.surname.is_none())
    }
}

/// `names.yaml`, checked, with the segmenter that tags names.
pub struct Names {
    /// Sorted, for binary search.
    surnames: Vec<char>,
    /// Sorted, for binary search; two characters each (checked at load).
    compound_surnames: Vec<String>,
    spelled_surnames: Vec<(String, char)>,
    cues: Vec<String>,
    /// 是 (是王芳): what else a reply to the name question may begin with.
    reply_openers: Vec<String>,
    /// Finds every cue at once (`cue_matches`).
    cue_finder: AhoCorasick,
    /// Sorted, for binary search.
    not_in_names: Vec<char>,
    not_names: Vec<String>,
    /// 爸, 老伴…: 我爸叫 says as plainly as 我叫 that a name follows.
    relatives: Vec<String>,
    jieba: Arc<Jieba>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamesFile {
    surnames: String,
    compound_surnames: Vec<String>,
    spelled_surnames: super::cues::Ordered<String>,
    cues: Vec<String>,
    reply_openers: Vec<String>,
    not_in_names: String,
    not_names: Vec<String>,
}

/// Reads and checks `path`; `jieba` tags the words.
pub fn load(path: &Path, jieba: Arc<Jieba>, problems: &mut Vec<Problem>) -> Option<Names> {
    let (file, text) = super::data::read_yaml_file::<NamesFile>(path, problems)?;
    let before = problems.len();
    let mut spelled_surnames = Vec::new();
    for (spelling, surname) in file.spelled_surnames.0 {
        let mut chars = surname.chars();
        match (chars.next(), chars.next()) {
            (Some(surname), None) => spelled_surnames.push((spelling, surname)),
            _ => problems.push(Problem::new(
                path,
                crate::places::line_of(&text, &format!("{spelling}:")),
                format!("spelled surname {spelling}: one character expected, got {surname}"),
            )),
        }
    }
    if file
        .compound_surnames
        .iter()
        .any(|s| s.chars().count() != 2)
    {
        problems.push(Problem::new(
            path,
            crate::places::line_of(&text, "compound_surnames:"),
            "compound surnames have two characters",
        ));
    }
    let mut cues = file.cues;
    // 名字叫 before 名字: the longer cue says more.
    cues.sort_by_key(|cue| std::cmp::Reverse(cue.chars().count()));
    let sorted = |chars: &str| {
        let mut chars: Vec<char> = chars.chars().filter(|c| !c.is_whitespace()).collect();
        chars.sort_unstable();
        chars.dedup();
        chars
    };
    let mut compound_surnames = file.compound_surnames;
    compound_surnames.sort_unstable();
    let cue_finder = match AhoCorasick::new(&cues) {
        Ok(finder) => finder,
        Err(error) => {
            problems.push(Problem::new(
                path,
                crate::places::line_of(&text, "cues:"),
                error.to_string(),
            ));
            return None;
        }
    };
    (problems.len() == before).then(|| Names {
        surnames: sorted(&file.surnames),
        compound_surnames,
        spelled_surnames,
        cues,
        reply_openers: file.reply_openers,
        cue_finder,
        not_in_names: sorted(&file.not_in_names),
        not_names: file.not_names,
        relatives: Vec::new(),
        jieba,
    })
}

impl Names {
    /// The people one acts for (`entities.yaml`, `by_proxy.relatives`):
    /// one of them before 叫 makes it a plain cue (我爸叫高平).
    pub fn with_relatives(mut self, relatives: &[String]) -> Names {
        self.relatives = relatives.to_vec();
        self
    }

    /// What a reply to the name question may say before the name: the
    /// cues and the reply openers, longest first (我的名字叫 before 叫).
    pub fn reply_cues(&self) -> Vec<String> {
        let mut cues: Vec<String> = self
            .cues
            .iter()
            .chain(&self.reply_openers)
            .cloned()
            .collect();
        cues.sort_by_key(|cue| std::cmp::Reverse(cue.chars().count()));
        cues.dedup();
        cues
    }

    /// The name in `text`. `expected` says the name question is pending:
    /// a bare name is then the answer, not a guess.
    pub fn read(&self, text: &str, expected: bool, gazetteer: &Gazetteer) -> NameReading {
        let words = Words {
            jieba: &self.jieba,
            text,
            tagged: OnceCell::new(),
        };
        if let Some(name) = self.spelled(text) {
            return self.reading(name, true);
        }
        if let Some(name) = self.after_cue(text, &words, gazetteer) {
            return self.reading(name, true);
        }
        if let Some(reading) = self.surname_said(text) {
            return reading;
        }
        if let Some(name) = self.bare(text, &words, Some(gazetteer)) {
            return self.reading(name, expected);
        }
        NameReading::default()
    }

    fn reading(&self, name: String, cued: bool) -> NameReading {
        let surname = self.surname_of(&name);
        NameReading {
            name: Some(name),
            surname,
            cued,
        }
    }

    fn surname_of(&self, name: &str) -> Option<String> {
        self.surname_len(name).map(|len| name[..len].to_string())
    }

    /// The bytes of the surname `name` starts with, if it does.
    fn surname_len(&self, name: &str) -> Option<usize> {
        let two_chars = name.char_indices().nth(2).map_or(name.len(), |(at, _)| at);
        let compound = &name[..two_chars];
        self.compound_surnames
            .binary_search_by(|surname| surname.as_str().cmp(compound))
            .ok()
            .map(|_| compound.len())
            .or_else(|| {
                name.chars()
                    .next()
                    .filter(|c| self.surnames.binary_search(c).is_ok())
                    .map(char::len_utf8)
            })
    }

    fn in_names(&self, c: char) -> bool {
        is_han(c) && self.not_in_names.binary_search(&c).is_err()
    }

    /// A name's shape at the start of `rest`: a surname, then one or two
    /// characters of a given name (a compound surname, up to two),
    /// stopping at a character no name holds. Digits said one by one (勾九拐,
    /// 五幺洞: an ID number, a phone) after a digit that is also a surname
    /// are none. With the surname's length in bytes.
    fn shape_at<'t>(&self, rest: &'t str) -> Option<(usize, &'t str)> {
        let surname = self.surname_len(rest)?;
        let given: usize = rest[surname..]
            .chars()
            .take_while(|c| self.in_names(*c))
            .take(2)
            .map(char::len_utf8)
            .sum();
        let given_name = &rest[surname..surname + given];
        if given == 0 || given_name.chars().all(|c| SPOKEN_DIGITS.contains(c)) {
            return None;
        }
        Some((surname, &rest[..surname + given]))
    }

    /// A name at the start of `rest` (at byte `offset` of the utterance):
    /// a surname, then one or two characters of a given name (a compound
    /// surname, up to two), stopping at a character no name holds. With a
    /// `gazetteer`, a name that holds a place (常德胜) is none; without, it
    /// was cued so plainly (我叫常德胜) that it is a name.
    fn name_at(
        &self,
        text: &str,
        offset: usize,
        words: &Words,
        gazetteer: Option<&Gazetteer>,
    ) -> Option<String> {
        let (surname_len, name) = self.shape_at(&text[offset..])?;
        let name = name.to_string();
        // A common word that merely starts with a surname (单位, 高兴, 常州):
        // jieba reads the surname's character into a longer word that is
        // not a name.
        // A shorter word inside the name (王国 in 王国庆) does not count.
        // A word jieba only guessed (高静 is in no dictionary) says nothing,
        // and neither does its place tag: its dictionary has full names as
        // places (梁建国, 马建国, 高建国 are `ns` there); whether a name holds
        // a place is the gazetteer's to say (below).
        // After a plain cue, a word that is all its clause says is the name
        // (我妈叫平安，…), unlike 我叫单位开了证明.
        if let Some((start, end, tag)) = words.get().iter().find(|(start, _, _)| *start == offset)
            && end - start > surname_len
            && *end >= offset + name.len()
            && !tag.starts_with("nr")
            && !tag.starts_with("ns")
            && self.jieba.has_word(&text[*start..*end])
            && !(gazetteer.is_none() && *end == offset + name.len() && ends_clause(&text[*end..]))
        {
            return None;
        }
        let valid = !self
            .not_names
            .iter()
            .any(|word| name.starts_with(word.as_str()))
            && gazetteer.is_none_or(|gazetteer| !holds_place(gazetteer, &name));
        valid.then_some(name)
    }

    /// 我叫张建国, 名字王淑芬, …叫何翠萍…, 名字说错了，是陈美林; and after a
    /// plain cue, a name whose surname the table lacks (我老伴叫兴宁).
    fn after_cue(&self, text: &str, words: &Words, gazetteer: &Gazetteer) -> Option<String> {
        let mut found: Vec<(usize, String)> = Vec::new();
        for (cue, at) in self.cue_matches(text) {
            let cue = &self.cues[cue];
            let plain = plain_cue(cue) || self.after_relative(&text[..at], cue);
            let offset = at + cue.len();
            let places = (!plain).then_some(gazetteer);
            match self.name_at(text, offset, words, places) {
                Some(name)
                    if plain
                        && asks_someone(cue)
                        && whereabouts(text, offset, &name, words, gazetteer) => {}
                Some(name) => found.push((at, name)),
                None if plain => {
                    if let Some(name) = self.unknown_surname(text, offset, words) {
                        found.push((at, name));
                    }
                }
                None => {}
            }
        }
        // 名字说错了，是陈美林: after 名字, the name follows the last 是/叫.
        if let Some(at) = text.find("名字") {
            let rest = &text[at..];
            if let Some((cue_at, cue)) =
                rest.char_indices().rfind(|(_, c)| matches!(c, '是' | '叫'))
                && let Some(name) = self.name_at(text, at + cue_at + cue.len_utf8(), words, None)
            {
                return Some(name);
            }
        }
        found.sort_by_key(|(at, _)| *at);
        found.into_iter().next().map(|(_, name)| name)
    }

    /// Where each cue is said, as `text.match_indices(cue)` finds them (left
    /// to right, no two of one cue overlapping), cue by cue in the cues'
    /// order: as the cue index and the byte it starts at.
    fn cue_matches(&self, text: &str) -> Vec<(usize, usize)> {
        let mut said: Vec<(usize, usize, usize)> = self
            .cue_finder
            .find_overlapping_iter(text)
            .map(|found| (found.pattern().as_usize(), found.start(), found.end()))
            .collect();
        said.sort_unstable();
        let mut matches: Vec<(usize, usize)> = Vec::with_capacity(said.len());
        let mut last: Option<(usize, usize)> = None;
        for (cue, start, end) in said {
            if last.is_some_and(|(last_cue, last_end)| last_cue == cue && start < last_end) {
                continue;
            }
            matches.push((cue, start));
            last = Some((cue, end));
        }
        matches
    }

    /// A name whose surname is in no table, after a plain cue (我老伴叫兴宁,
    /// 她叫兴秀兰): two or three characters that are all the clause says and
    /// no word of the dictionary (我叫外卖, 他叫过来). It may as well be a
    /// given name alone (我妈叫秀兰): its reading has no surname, which makes
    /// it unsure, and the dialogue checks it, surname and all.
    fn unknown_surname(&self, text: &str, offset: usize, words: &Words) -> Option<String> {
        let rest = &text[offset..];
        let name: String = rest.chars().take_while(|c| self.in_names(*c)).collect();
        let count = name.chars().count();
        if !(2..=3).contains(&count)
            || !ends_clause(&rest[name.len()..])
            || name.chars().all(|c| SPOKEN_DIGITS.contains(c))
            || self
                .not_names
                .iter()
                .any(|word| name.starts_with(word.as_str()))
        {
            return None;
        }
        let common_word = words.get().iter().any(|(start, end, tag)| {
            *start == offset
                && *end == offset + name.len()
                && !tag.starts_with("nr")
                && !tag.starts_with("ns")
                && self.jieba.has_word(&name)
        });
        (!common_word).then_some(name)
    }

    /// Whether 叫 follows a relative (我爸叫, 俺老伴叫做): it then names
    /// them as plainly as 我叫 (not 叫我去…, where no name follows).
    fn after_relative(&self, before: &str, cue: &str) -> bool {
        cue.starts_with('叫')
            && self
                .relatives
                .iter()
                .any(|relative| before.ends_with(relative.as_str()))
    }

    /// 我姓王 (surname only), 我姓王叫王建华, 姓王叫建华.
    fn surname_said(&self, text: &str) -> Option<NameReading> {
        let at = text.find('姓')?;
        let after = &text[at + '姓'.len_utf8()..];
        let surname = self.surname_of(after)?;
        let rest = &after[surname.len()..];
        if let Some(at) = rest.find('叫') {
            let given: String = rest[at + '叫'.len_utf8()..]
                .chars()
                .take_while(|c| self.in_names(*c))
                .take(4)
                .collect();
            let full = if given.starts_with(&surname) {
                given
            } else {
                format!("{surname}{given}")
            };
            if (2..=4).contains(&full.chars().count()) {
                return Some(NameReading {
                    name: Some(full),
                    surname: Some(surname),
                    cued: true,
                });
            }
        }
        Some(NameReading {
            name: None,
            surname: Some(surname),
            cued: true,
        })
    }

    /// A clause that is only a name (周国强，身份证号…; 梁志豪), or a full
    /// name jieba tags as one (`nr`) inside a sentence without pauses.
    fn bare(&self, text: &str, words: &Words, gazetteer: Option<&Gazetteer>) -> Option<String> {
        for (start, clause) in clauses(text) {
            let plain = clause.trim_end_matches(['啊', '呀', '吧', '嘛', '哈', '呢']);
            let count = plain.chars().count();
            if !(2..=4).contains(&count) || !plain.chars().all(is_han) {
                continue;
            }
            if self.not_names.iter().any(|word| word == plain) {
                continue;
            }
            if let Some(name) = self.name_at(text, start, words, gazetteer)
                && name == plain
            {
                return Some(name);
            }
        }
        // A tagged name is one `name_at` reads whole: with no name of three
        // or four characters in shape anywhere, no word's tag can add one.
        if !text.char_indices().any(|(at, _)| {
            self.shape_at(&text[at..])
                .is_some_and(|(_, name)| (3..=4).contains(&name.chars().count()))
        }) {
            return None;
        }
        words
            .get()
            .iter()
            .filter(|(start, end, tag)| {
                tag.starts_with("nr") && (3..=4).contains(&text[*start..*end].chars().count())
            })
            .find_map(|(start, end, _)| {
                self.name_at(text, *start, words, gazetteer)
                    .filter(|name| name == &text[*start..*end])
            })
    }

    /// 耳东陈，伟大的伟，明天的明 → 陈伟明: a spelled or named surname, then
    /// each character of the given name named by a word that holds it.
    fn spelled(&self, text: &str) -> Option<String> {
        let mut name = String::new();
        for (_, clause) in clauses(text) {
            if name.is_empty() {
                if let Some(surname) = self
                    .spelled_surnames
                    .iter()
                    .find(|(spelling, surname)| {
                        clause
                            .strip_prefix(spelling.as_str())
                            .is_some_and(|rest| rest.chars().eq([*surname]))
                    })
                    .map(|(_, surname)| *surname)
                {
                    name.push(surname);
                    continue;
                }
            }
            match named_character(clause) {
                Some(c) if !name.is_empty() || self.surnames.binary_search(&c).is_ok() => {
                    name.push(c)
                }
                _ if name.chars().count() >= 2 => break,
                _ => name.clear(),
            }
        }
        (2..=4).contains(&name.chars().count()).then_some(name)
    }
}

/// jieba's words of an utterance with their tags and byte offsets, tagged
/// on first use: tagging (with the HMM) is most of what reading a name
/// costs, and most utterances never come to ask a word's tag.
struct Words<'a> {
    jieba: &'a Jieba,
    text: &'a str,
    tagged: OnceCell<Vec<(usize, usize, String)>>,
}

impl Words<'_> {
    fn get(&self) -> &[(usize, usize, String)] {
        self.tagged.get_or_init(|| {
            let text = self.text;
            let mut at = 0;
            self.jieba
                .tag(text, true)
                .into_iter()
                .map(|tag| {
                    let start = text[at..].find(tag.word).map_or(at, |found| at + found);
                    at = start + tag.word.len();
                    (start, at, tag.tag.to_string())
                })
                .collect()
        })
    }
}

/// Whether `name` holds a place as written (常德胜), or is one as said
/// (朱海): part of a name that only sounds like a place (朱海涛: 珠海,
/// 张春燕: 长春, 吴海涛: 乌海) does not count.
fn holds_place(gazetteer: &Gazetteer, name: &str) -> bool {
    gazetteer
        .mentions_in(name)
        .iter()
        .any(|mention| !mention.by_sound || mention.text == name)
}

/// Whether a cue says plainly that a name follows (我叫, 名字是, 参保人叫),
/// unlike 是 or 叫 alone (我是常州的, 叫我去长沙).
fn plain_cue(cue: &str) -> bool {
    let chars = cue.chars().count();
    chars >= 2 && cue.ends_with('叫') || chars >= 3 && cue.contains('名')
}

/// Whether a cue may also ask someone to do something (我爸叫宁波的亲戚帮忙):
/// 叫 without 名字 or 姓名.
fn asks_someone(cue: &str) -> bool {
    cue.ends_with('叫') && !cue.contains('名')
}

/// Whether a name read after 叫 is where the people asked to help are (我爸叫
/// 宁波的亲戚帮忙, 我叫广州那边的同学, 叫宁波亲戚): a place as written that
/// does not end its clause and either is the whole reading or runs into the
/// next word. A place alone is still a name (我爸叫高平), and so is a name
/// that merely starts with one (我叫常德胜).
fn whereabouts(
    text: &str,
    offset: usize,
    name: &str,
    words: &Words,
    gazetteer: &Gazetteer,
) -> bool {
    let end = offset + name.len();
    if ends_clause(&text[end..]) {
        return false;
    }
    let mentions = gazetteer.mentions_in(name);
    let whole = mentions
        .iter()
        .any(|mention| !mention.by_sound && mention.text == name);
    let starts = mentions
        .iter()
        .any(|mention| !mention.by_sound && mention.start == 0);
    let runs_on = words
        .get()
        .iter()
        .any(|(start, word_end, _)| *start < end && end < *word_end);
    whole || (starts && runs_on)
}

/// Characters callers say digits with (幺 one, 洞 zero, 拐 seven, 勾 nine…).
const SPOKEN_DIGITS: &str = "零〇一二三四五六七八九十幺两洞拐勾";

/// 伟大的伟 → 伟: a word, 的, and one of the word's characters.
fn named_character(clause: &str) -> Option<char> {
    let (word, named) = clause.rsplit_once('的')?;
    let mut chars = named.chars();
    let c = chars.next()?;
    (chars.next().is_none() && is_han(c) && word.chars().count() >= 2 && word.contains(c))
        .then_some(c)
}

/// Whether `c` ends a clause when spoken or written.
fn is_pause(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '，' | '。' | ',' | '；' | ';' | '！' | '!' | '？' | '?' | '、' | '：' | ':'
        )
}

/// Whether `rest` starts at a clause's end (a pause, or nothing more).
fn ends_clause(rest: &str) -> bool {
    rest.chars().next().is_none_or(is_pause)
}

/// Clauses between pauses, with their byte offsets.
fn clauses(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (at, c) in text.char_indices() {
        if is_pause(c) {
            if at > start {
                out.push((start, &text[start..at]));
            }
            start = at + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push((start, &text[start..]));
    }
    out
}

pub fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One automaton finds the cues where a `match_indices` per cue did, in
    /// the same order, on every utterance of the NLU tuning cases and the
    /// question set, and on cues said twice, back to back and inside each other.
    #[test]
    fn cues_are_found_where_match_indices_finds_them() {
        #[derive(Deserialize)]
        struct Case {
            #[serde(alias = "q")]
            text: String,
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut problems = Vec::new();
        let names = load(
            &root.join("intents/names.yaml"),
            Arc::new(Jieba::new()),
            &mut problems,
        )
        .unwrap();
        let mut texts: Vec<String> = Vec::new();
        for file in [
            "tests/nlu/tuning.yaml",
            "tests/qa/questions.yaml",
            "tests/qa/frozen.yaml",
        ] {
            let text = std::fs::read_to_string(root.join(file)).unwrap();
            let cases: Vec<Case> = yaml_serde::from_str(&text).unwrap();
            texts.extend(cases.into_iter().map(|case| case.text));
        }
        for a in &names.cues {
            for b in &names.cues {
                texts.push(format!("{a}{b}{a}，我{b}张三{a}{a}"));
            }
        }
        let mut found = 0;
        for text in &texts {
            let theirs: Vec<(usize, usize)> = names
                .cues
                .iter()
                .enumerate()
                .flat_map(|(n, cue)| text.match_indices(cue.as_str()).map(move |(at, _)| (n, at)))
                .collect();
            assert_eq!(names.cue_matches(text), theirs, "{text}");
            found += theirs.len();
        }
        assert!(
            texts.len() > 1_000 && found > 5_000,
            "{} {found}",
            texts.len()
        );
    }
}
