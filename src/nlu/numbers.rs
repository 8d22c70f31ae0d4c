//! 身份证 numbers, 社保卡 numbers and phone numbers in an utterance,
//! written or spoken digit by digit, each checked and, when wrong, given
//! a reason a hotline agent can read out (校验位不对, 位数不对…).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::digits::{DigitRun, digit_runs};

/// A 身份证 number the caller gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdMention {
    /// As the caller said it (`四四洞三…`).
    pub raw: String,
    /// Digits only, upper-case `X`.
    pub normalized: String,
    pub valid: bool,
    /// Why it is not valid, in words for the caller: 校验位不对,
    /// 出生日期不对, 地区代码不对, 位数不对.
    pub problem: Option<String>,
}

/// A phone number the caller gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhoneMention {
    pub raw: String,
    /// `15027189963` for a mobile, `0769-22334455` for a landline.
    pub normalized: String,
    pub valid: bool,
    /// Why it is not valid: 位数不对, 手机号应以1开头…
    pub problem: Option<String>,
}

/// Numbers found in one utterance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Numbers {
    pub ids: Vec<IdMention>,
    pub phones: Vec<PhoneMention>,
    pub social_security_numbers: Vec<String>,
}

/// Two-digit province codes of GB/T 2260, the first digits of every
/// 身份证 number (81–83: 港澳台居民居住证).
const PROVINCE_CODES: [&str; 32] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
];
const RESIDENCE_PERMIT_CODES: [&str; 3] = ["81", "82", "83"];

const ID_CUES: [&str; 4] = ["身份证", "证件号", "身份号", "公民身份"];
const PHONE_CUES: [&str; 5] = ["电话", "手机", "号码", "联系", "打给"];
const SOCIAL_SECURITY_CUES: [&str; 5] = ["社保卡号", "社保号", "社保卡的号", "医保卡号", "电脑号"];

/// Finds and checks every number in `text`. `today` bounds birth dates.
pub fn find_numbers(text: &str, today: NaiveDate) -> Numbers {
    let mut numbers = Numbers::default();
    for run in digit_runs(text, 5) {
        let before = &text[..run.start];
        for (raw, digits) in split_run(&run) {
            classify(&raw, &digits, before, today, &mut numbers);
        }
    }
    numbers
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
    digits
        .get(..2)
        .is_some_and(|code| PROVINCE_CODES.contains(&code))
}

/// Which cue word was said last before the number: the closest wins
/// (我的电话是…，身份证是… reads each number by its own cue).
fn last_cue(before: &str, cues: &[&str]) -> Option<usize> {
    cues.iter().filter_map(|cue| before.rfind(cue)).max()
}

fn classify(raw: &str, digits: &str, before: &str, today: NaiveDate, numbers: &mut Numbers) {
    let id_cue = last_cue(before, &ID_CUES);
    let phone_cue = last_cue(before, &PHONE_CUES);
    let social_cue = last_cue(before, &SOCIAL_SECURITY_CUES);
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

/// Checks a 身份证 number: length, region, birth date, GB 11643 check
/// character (ISO 7064 MOD 11-2).
pub fn check_id(raw: &str, digits: &str, today: NaiveDate) -> IdMention {
    let normalized = digits.to_uppercase();
    let problem = id_problem(&normalized, today);
    IdMention {
        raw: raw.to_string(),
        normalized,
        valid: problem.is_none(),
        problem: problem.map(str::to_string),
    }
}

fn id_problem(id: &str, today: NaiveDate) -> Option<&'static str> {
    let bytes = id.as_bytes();
    if bytes.len() != 18
        || !bytes[..17].iter().all(u8::is_ascii_digit)
        || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
    {
        return Some("位数不对");
    }
    let region = &id[..2];
    if !PROVINCE_CODES.contains(&region) && !RESIDENCE_PERMIT_CODES.contains(&region) {
        return Some("地区代码不对");
    }
    let birth = NaiveDate::parse_from_str(&id[6..14], "%Y%m%d").ok();
    match birth {
        Some(birth) if birth.year() >= 1900 && birth <= today => {}
        _ => return Some("出生日期不对"),
    }
    if check_character(&id[..17]) != Some(bytes[17] as char) {
        return Some("校验位不对");
    }
    None
}

/// The GB 11643 check character of the first 17 digits.
pub fn check_character(first17: &str) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let mut sum = 0;
    for (c, weight) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * weight;
    }
    (first17.len() == 17).then(|| CHECK[(sum % 11) as usize])
}

/// Checks a mobile (11 digits from 13x–19x) or a landline with its area
/// code (010/02x + 8 digits, 0xxx + 7 or 8 digits).
pub fn check_phone(raw: &str, digits: &str) -> PhoneMention {
    let (normalized, problem) = if digits.starts_with('0') {
        landline(digits)
    } else if digits.len() != 11 {
        (digits.to_string(), Some("位数不对，手机号是11位"))
    } else if !digits.starts_with('1') || !(b'3'..=b'9').contains(&digits.as_bytes()[1]) {
        (digits.to_string(), Some("不像手机号，手机号是1开头"))
    } else {
        (digits.to_string(), None)
    };
    PhoneMention {
        raw: raw.to_string(),
        normalized,
        valid: problem.is_none(),
        problem: problem.map(str::to_string),
    }
}

fn landline(digits: &str) -> (String, Option<&'static str>) {
    let area_length = if digits.starts_with("01") || digits.starts_with("02") {
        3
    } else {
        4
    };
    if digits.len() <= area_length || !digits.is_ascii() {
        return (digits.to_string(), Some("位数不对"));
    }
    let (area, local) = digits.split_at(area_length);
    let local_ok = match area_length {
        3 => local.len() == 8,
        _ => (7..=8).contains(&local.len()),
    };
    let problem = (!local_ok).then_some("位数不对，座机号码是区号加7到8位");
    (format!("{area}-{local}"), problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_character_follows_gb_11643() {
        assert_eq!(check_character("11010519491231002"), Some('X'));
        assert_eq!(check_character("44030419781203201"), Some('2'));
    }
}
