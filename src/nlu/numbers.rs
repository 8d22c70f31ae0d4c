//! 身份证 numbers, 社保卡 numbers and phone numbers in an utterance,
//! written or spoken digit by digit, each checked and, when wrong, given
//! a reason a hotline agent can read out (校验位不对, 位数不对…).

use chrono::NaiveDate;
use serde::Serialize;

use crate::rules::personal::has_province_code;
use crate::rules::{IdNumber, InvalidNumber, Phone};

use super::cues::NumberWords;
use super::digits::{DigitRun, digit_runs};

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
}

/// Finds and checks every number in `text`. `today` bounds birth dates;
/// `words` (`numbers:` in `intents/entities.yaml`) say which number is which
/// and what may come between its digits.
pub fn find_numbers(text: &str, today: NaiveDate, words: &NumberWords) -> Numbers {
    let mut numbers = Numbers::default();
    // A cue names the first number after it only: 身份证号…，138… reads the
    // second number by its shape (see `classify`).
    let mut cues_from = 0;
    for run in digit_runs(text, 5, &words.digit_fillers) {
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
    numbers
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
