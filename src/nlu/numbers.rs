//! 身份证 numbers, 社保卡 numbers and phone numbers in an utterance,
//! written or spoken digit by digit, each checked and, when wrong, given
//! a reason a hotline agent can read out (校验位不对, 位数不对…).

use chrono::NaiveDate;
use serde::Serialize;

use crate::rules::personal::has_province_code;
use crate::rules::{IdNumber, InvalidNumber, Phone};

use super::cues::NumberWords;
use super::digits::{DigitRun, digit_runs, spoken_digit};

/// A number the caller gave, as said and as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention<T> {
    /// As the caller said it (`四四洞三…`).
    pub raw: String,
    /// Digits only, upper-case `X`; a valid phone as `15027189963` (a
    /// mobile) or `0769-22334455` (a landline).
    pub normalized: String,
    pub valid: bool,
    /// Why it is not valid, in words for the caller: 校验位不对,
    /// 出生日期不对, 地区代码不对, 位数不对, 手机号是1开头…
    pub problem: Option<String>,
    /// The number, when valid: what goes on the Application.
    #[serde(skip)]
    pub number: Option<T>,
}

/// A 身份证 number the caller gave.
pub type IdMention = Mention<IdNumber>;
/// A phone number the caller gave.
pub type PhoneMention = Mention<Phone>;

impl<T: std::ops::Deref<Target = str>> Mention<T> {
    /// `raw` as checked: normalised as the number when it is valid.
    fn checked(raw: &str, digits: String, checked: Result<T, InvalidNumber>) -> Mention<T> {
        let (normalized, problem) = match &checked {
            Ok(number) => (number.to_string(), None),
            Err(error) => (digits, Some(error.problem.to_string())),
        };
        Mention {
            raw: raw.to_string(),
            normalized,
            valid: checked.is_ok(),
            problem,
            number: checked.ok(),
        }
    }
}

/// Numbers found in one utterance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Numbers {
    pub ids: Vec<IdMention>,
    pub phones: Vec<PhoneMention>,
    pub social_security_numbers: Vec<String>,
    pub tails: Vec<NumberTail>,
}

/// The last digits of a number said anew (后四位是1028, 最后四位应该是洞幺两洞,
/// 手机尾号是5678): they replace the same digits of the number given before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberTail {
    /// Which number, when a cue in the clause says (身份证后四位, 手机尾号).
    pub of: Option<NumberKind>,
    /// Digits only, upper-case `X` for a check letter at the end.
    pub digits: String,
    /// Where the cue that said which number stands in the utterance: 身份证
    /// there names the number, not a document at hand.
    #[serde(skip)]
    pub named_at: Option<std::ops::Range<usize>>,
}

/// The numbers a caller gives for the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    IdNumber,
    Phone,
}

/// Finds and checks every number in `text`. `today` bounds birth dates;
/// `words` (`numbers:` in `intents/entities.yaml`) say which number is which
/// and what may come between its digits.
pub fn find_numbers(text: &str, today: NaiveDate, words: &NumberWords) -> Numbers {
    let mut numbers = Numbers::default();
    let tails = find_tails(text, words);
    // A cue names the first number after it only: 身份证号…，138… reads the
    // second number by its shape (see `classify`).
    let mut cues_from = 0;
    for run in digit_runs(text, 5, &words.digit_fillers) {
        // 后六位是123456: the digits of a tail are no number of their own.
        if tails
            .iter()
            .any(|(_, digits)| digits.start < run.end && run.start < digits.end)
        {
            continue;
        }
        let before = &text[..run.start];
        for (raw, digits) in split_run(&run) {
            let said = Said {
                before,
                cues_from,
                today,
            };
            classify(&raw, &digits, &said, words, &mut numbers);
            cues_from = run.start;
        }
    }
    numbers.tails = tails.into_iter().map(|(tail, _)| tail).collect();
    numbers
}

/// What ends a clause: a number's cue counts only within its clause.
const PAUSES: &str = "，。,；;！!？?、";

/// The tails of numbers in `text`, with the byte range of their digits:
/// a position word, the count said and 位 (后四位, 最后4位, 末尾两位), or a
/// word for the last digits (尾号), then, a few words on (是, 应该是, 错了，
/// 是), digits said one by one, as many as the count said. Digits right
/// after a negation (不是5678，是1234) are the wrong ones: the next are read.
fn find_tails(text: &str, words: &NumberWords) -> Vec<(NumberTail, std::ops::Range<usize>)> {
    let mut tails = Vec::new();
    let mut from = 0;
    while let Some((cue_start, after_cue, count)) = next_tail_cue(text, from, words) {
        from = after_cue;
        let clause_start = text[..cue_start]
            .rfind(|c: char| PAUSES.contains(c) || spoken_digit(c).is_some())
            .map_or(0, |at| {
                at + text[at..].chars().next().map_or(1, char::len_utf8)
            });
        let clause = &text[clause_start..cue_start];
        let said = |cues: &[String]| {
            cues.iter().find_map(|cue| {
                let at = clause_start + clause.rfind(cue.as_str())?;
                Some(at..at + cue.len())
            })
        };
        let (of, named_at) = match (said(&words.id_cues), said(&words.phone_cues)) {
            (Some(at), _) => (Some(NumberKind::IdNumber), Some(at)),
            (None, Some(at)) => (Some(NumberKind::Phone), Some(at)),
            (None, None) => (None, None),
        };
        if let Some((digits, range)) = tail_digits(text, after_cue, count, words) {
            from = range.end;
            let tail = NumberTail {
                of,
                digits,
                named_at,
            };
            tails.push((tail, range));
        }
    }
    tails
}

/// The next tail cue at or after byte `from`: where it starts, where it
/// ends, and the count it said (`None` for 尾号 or 后几位).
fn next_tail_cue(
    text: &str,
    from: usize,
    words: &NumberWords,
) -> Option<(usize, usize, Option<usize>)> {
    for (at, _) in text[from..].char_indices().map(|(at, c)| (from + at, c)) {
        let rest = &text[at..];
        if let Some(word) = words
            .tail_words
            .iter()
            .find(|word| rest.starts_with(word.as_str()))
        {
            return Some((at, at + word.len(), None));
        }
        let Some(position) = words
            .tail_positions
            .iter()
            .filter(|position| rest.starts_with(position.as_str()))
            .max_by_key(|position| position.len())
        else {
            continue;
        };
        let mut chars = rest[position.len()..].chars();
        let (Some(count), Some('位')) = (chars.next(), chars.next()) else {
            continue;
        };
        let count_said = match count {
            '几' => None,
            c => match spoken_digit(c).and_then(|d| d.to_digit(10)) {
                Some(n @ 1..=6) => Some(n as usize),
                _ => continue,
            },
        };
        let end = at + position.len() + count.len_utf8() + '位'.len_utf8();
        return Some((at, end, count_said));
    }
    None
}

/// How far after a tail cue its digits may start, in characters (后四位
/// 刚才说错了，应该是…).
const TAIL_REACH: usize = 12;

/// The digits of a tail, from byte `from`: the first run of digits within
/// [`TAIL_REACH`] that no negation precedes, of the length `count` says (2
/// to 6 when it says none); a check letter may end it.
fn tail_digits(
    text: &str,
    from: usize,
    count: Option<usize>,
    words: &NumberWords,
) -> Option<(String, std::ops::Range<usize>)> {
    let mut skipped = String::new();
    let mut at = from;
    let mut gap = 0;
    while at < text.len() && gap <= TAIL_REACH {
        let c = text[at..].chars().next()?;
        if spoken_digit(c).is_none() && !check_letter(c) {
            skipped.push(c);
            gap += 1;
            at += c.len_utf8();
            continue;
        }
        let (digits, end) = digit_run_at(text, at);
        let negated = words.tail_negations.iter().any(|word| {
            skipped
                .trim_end_matches(|c: char| PAUSES.contains(c))
                .ends_with(word.as_str())
        });
        let fits = match count {
            Some(count) => digits.len() == count,
            None => (2..=6).contains(&digits.len()),
        };
        if fits && !negated {
            return Some((digits, at..end));
        }
        // 不是5678，是1234: the next digits are the tail; 再说一遍是…: so
        // are the ones after a stray digit.
        if negated {
            skipped.clear();
            gap = 0;
        } else {
            skipped.push_str(&text[at..end]);
            gap += digits.len();
        }
        at = end;
    }
    None
}

/// A 身份证's check letter, written or said (叉).
fn check_letter(c: char) -> bool {
    matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ' | '叉')
}

/// The digits said one by one from byte `at` (spaces and dashes between
/// them allowed), a check letter closing them; with the byte where they end.
fn digit_run_at(text: &str, at: usize) -> (String, usize) {
    let mut digits = String::new();
    let mut end = at;
    for (offset, c) in text[at..].char_indices() {
        if let Some(digit) = spoken_digit(c) {
            digits.push(digit);
        } else if check_letter(c) {
            digits.push('X');
            end = at + offset + c.len_utf8();
            break;
        } else if !(c == ' ' || c == '-') {
            break;
        }
        end = at + offset + c.len_utf8();
    }
    (digits, end)
}

/// What comes before one number, and the day it is read on.
struct Said<'a> {
    before: &'a str,
    /// Cues before this byte named an earlier number.
    cues_from: usize,
    today: NaiveDate,
}

/// A run may hold two numbers said one after the other (手机号，身份证号):
/// split it where a complete mobile or 身份证 number ends.
fn split_run(run: &DigitRun) -> Vec<(String, String)> {
    let whole = run.digits();
    if matches!(whole.len(), 11 | 12 | 18) || run.groups.len() < 2 {
        return vec![(run.raw.clone(), whole)];
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    for group in &run.groups {
        current.push_str(group);
        let complete = (current.len() == 11 && current.starts_with('1'))
            || (current.len() == 18 && looks_like_id(&current));
        if complete {
            parts.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    if parts.len() == 1 {
        return vec![(run.raw.clone(), whole)];
    }
    parts
        .into_iter()
        .map(|digits| (digits.clone(), digits))
        .collect()
}

fn looks_like_id(digits: &str) -> bool {
    has_province_code(digits)
}

/// Which cue word was said last before the number, at or after byte
/// `from` (the start of the number before it, which a cue before that
/// named already): the closest wins (我的电话是…，身份证是… reads each
/// number by its own cue).
fn last_cue(before: &str, from: usize, cues: &[String]) -> Option<usize> {
    cues.iter()
        .filter_map(|cue| before.rfind(cue.as_str()))
        .filter(|at| *at >= from)
        .max()
}

fn classify(raw: &str, digits: &str, said: &Said, words: &NumberWords, numbers: &mut Numbers) {
    let Said {
        before,
        cues_from,
        today,
    } = *said;
    let id_cue = last_cue(before, cues_from, &words.id_cues);
    let phone_cue = last_cue(before, cues_from, &words.phone_cues);
    let social_cue = last_cue(before, cues_from, &words.social_security_cues);
    let nearest = [(id_cue, 0), (phone_cue, 1), (social_cue, 2)]
        .into_iter()
        .filter_map(|(at, kind)| at.map(|at| (at, kind)))
        .max()
        .map(|(_, kind)| kind);
    match nearest {
        Some(2) => {
            numbers.social_security_numbers.push(digits.to_string());
            return;
        }
        Some(1) if digits.len() != 18 => {
            numbers.phones.push(check_phone(raw, digits));
            return;
        }
        Some(0) => {
            numbers.ids.push(check_id(raw, digits, today));
            return;
        }
        _ => {}
    }
    // No cue: go by the shape of the number.
    if digits.len() == 18 || digits.ends_with('X') || (digits.len() == 17 && looks_like_id(digits))
    {
        numbers.ids.push(check_id(raw, digits, today));
    } else if (digits.starts_with('1') && (10..=12).contains(&digits.len()))
        || (digits.starts_with('0') && (10..=12).contains(&digits.len()))
    {
        numbers.phones.push(check_phone(raw, digits));
    }
}

/// Checks a 身份证 number through [`IdNumber::parse_on`]: length, region,
/// birth date, GB 11643 check character.
pub fn check_id(raw: &str, digits: &str, today: NaiveDate) -> IdMention {
    let normalized = digits.to_uppercase();
    let checked = IdNumber::parse_on(&normalized, today);
    Mention::checked(raw, normalized, checked)
}

/// Checks a phone number through [`Phone::parse`]: a mobile (11 digits
/// from 13x–19x) or a landline with its area code.
pub fn check_phone(raw: &str, digits: &str) -> PhoneMention {
    Mention::checked(raw, digits.to_string(), Phone::parse(digits))
}
