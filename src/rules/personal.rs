//! The caller's numbers on the Application: a 身份证 number and a phone
//! number, each checked by one constructor. Every entry (the NLU reading an
//! utterance, an agent's slot edit, `POST /v1/rules/evaluate`, `hotline
//! rules`, a stored session) goes through `parse`, so a value that is on an
//! Application is valid everywhere; "12345" as an ID number is refused at
//! the door with the reason, in words an agent can read out.

use std::fmt;
use std::ops::Deref;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why a number was refused: what it was meant to be and what is wrong
/// with it (`身份证号` + `校验位不对`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{what}{problem}")]
pub struct InvalidNumber {
    /// 身份证号 or 联系电话.
    pub what: &'static str,
    /// 位数不对, 地区代码不对, 出生日期不对, 校验位不对, 只能填数字 …
    pub problem: &'static str,
}

/// Two-digit province codes of GB/T 2260, the first digits of every
/// 身份证 number.
const PROVINCE_CODES: [&str; 32] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
];
/// 港澳台居民居住证 numbers start with these.
const RESIDENCE_PERMIT_CODES: [&str; 3] = ["81", "82", "83"];

/// Whether the first two digits are a province's (or a 居住证's) code.
pub fn has_province_code(digits: &str) -> bool {
    digits
        .get(..2)
        .is_some_and(|code| PROVINCE_CODES.contains(&code))
}

/// A 身份证 number: 18 characters, a known region code, a real birth date
/// from 1900 on, and the GB 11643 check character (upper-case `X`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct IdNumber(String);

impl IdNumber {
    const WHAT: &'static str = "身份证号";

    /// Checks `text` (spaces and dashes between the digits are dropped,
    /// `x` is read as `X`). The birth date is not compared with a day:
    /// see [`IdNumber::parse_on`].
    pub fn parse(text: &str) -> Result<IdNumber, InvalidNumber> {
        IdNumber::check(text, None)
    }

    /// Like [`IdNumber::parse`], and the holder must be born by `today`.
    pub fn parse_on(text: &str, today: NaiveDate) -> Result<IdNumber, InvalidNumber> {
        IdNumber::check(text, Some(today))
    }

    /// The checks in the order an agent reads them out: length, region,
    /// birth date, check character.
    fn check(text: &str, today: Option<NaiveDate>) -> Result<IdNumber, InvalidNumber> {
        let id: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_uppercase();
        let invalid = |problem| InvalidNumber {
            what: Self::WHAT,
            problem,
        };
        let bytes = id.as_bytes();
        if bytes.len() != 18
            || !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(invalid("位数不对"));
        }
        let region = &id[..2];
        if !PROVINCE_CODES.contains(&region) && !RESIDENCE_PERMIT_CODES.contains(&region) {
            return Err(invalid("地区代码不对"));
        }
        match NaiveDate::parse_from_str(&id[6..14], "%Y%m%d") {
            Ok(birth) if birth.year() >= 1900 && today.is_none_or(|today| birth <= today) => {}
            _ => return Err(invalid("出生日期不对")),
        }
        if check_character(&id[..17]) != Some(bytes[17] as char) {
            return Err(invalid("校验位不对"));
        }
        Ok(IdNumber(id))
    }

    /// The birth date the number carries.
    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d")
            .expect("a parsed IdNumber carries a real birth date")
    }

    /// Refuses a number whose holder is born after `today`.
    pub fn born_by(&self, today: NaiveDate) -> Result<(), InvalidNumber> {
        if self.birth_date() > today {
            return Err(InvalidNumber {
                what: Self::WHAT,
                problem: "出生日期不对",
            });
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The GB 11643 check character of the first 17 digits (ISO 7064 MOD 11-2).
pub fn check_character(first17: &str) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let mut sum = 0;
    for (c, weight) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * weight;
    }
    (first17.len() == 17).then(|| CHECK[(sum % 11) as usize])
}

/// A dialable phone number: a mobile (11 digits, 13x–19x), kept as
/// `15027189963`, or a landline with its area code (010/02x + 8 digits,
/// 0xxx + 7 or 8 digits), kept as `0769-22334455`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Phone(String);

impl Phone {
    const WHAT: &'static str = "联系电话";

    /// Checks `text`; spaces and dashes between the digits are dropped.
    pub fn parse(text: &str) -> Result<Phone, InvalidNumber> {
        let digits: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let invalid = |problem| InvalidNumber {
            what: Self::WHAT,
            problem,
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid("只能填数字"));
        }
        if digits.starts_with('0') {
            return landline(&digits).map_err(invalid);
        }
        if digits.len() != 11 {
            return Err(invalid("位数不对，手机号是11位"));
        }
        if !digits.starts_with('1') || !(b'3'..=b'9').contains(&digits.as_bytes()[1]) {
            return Err(invalid("不像手机号，手机号是1开头"));
        }
        Ok(Phone(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A landline's normal form `area-local`, or why it is not one.
fn landline(digits: &str) -> Result<Phone, &'static str> {
    let area_length = if digits.starts_with("01") || digits.starts_with("02") {
        3
    } else {
        4
    };
    if digits.len() <= area_length {
        return Err("位数不对");
    }
    let (area, local) = digits.split_at(area_length);
    let local_ok = match area_length {
        3 => local.len() == 8,
        _ => (7..=8).contains(&local.len()),
    };
    if !local_ok {
        return Err("位数不对，座机号码是区号加7到8位");
    }
    Ok(Phone(format!("{area}-{local}")))
}

macro_rules! string_newtype {
    ($type:ident) => {
        impl Deref for $type {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$type> for String {
            fn from(value: $type) -> String {
                value.0
            }
        }

        impl TryFrom<String> for $type {
            type Error = InvalidNumber;
            fn try_from(text: String) -> Result<$type, InvalidNumber> {
                $type::parse(&text)
            }
        }

        impl std::str::FromStr for $type {
            type Err = InvalidNumber;
            fn from_str(text: &str) -> Result<$type, InvalidNumber> {
                $type::parse(text)
            }
        }

        impl PartialEq<str> for $type {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $type {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

string_newtype!(IdNumber);
string_newtype!(Phone);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_character_follows_gb_11643() {
        assert_eq!(check_character("11010519491231002"), Some('X'));
        assert_eq!(check_character("44030419781203201"), Some('2'));
    }

    #[test]
    fn an_id_number_is_kept_in_normal_form_or_refused_with_the_reason() {
        assert_eq!(
            IdNumber::parse("11010519491231002x").unwrap(),
            "11010519491231002X"
        );
        assert_eq!(
            IdNumber::parse("440304 19781203 2012").unwrap(),
            "440304197812032012"
        );
        for (text, problem) in [
            ("12345", "位数不对"),
            ("", "位数不对"),
            ("44030419781203201", "位数不对"),
            ("4403041978120320Y2", "位数不对"),
            ("990304197812032012", "地区代码不对"),
            ("440304197813322012", "出生日期不对"),
            ("440304180012032012", "出生日期不对"),
            ("440304197812032013", "校验位不对"),
        ] {
            let error = IdNumber::parse(text).unwrap_err();
            assert_eq!(error.problem, problem, "{text}");
            assert_eq!(error.to_string(), format!("身份证号{problem}"));
        }
    }

    #[test]
    fn an_id_number_born_after_today_is_refused_on_that_day() {
        let id = "440304207812032019";
        assert!(IdNumber::parse(id).is_ok(), "a real date, in the future");
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        // With a wrong check character too, the birth date is named first.
        assert_eq!(
            IdNumber::parse_on("440304207812032012", today)
                .unwrap_err()
                .problem,
            "出生日期不对"
        );
        assert_eq!(
            IdNumber::parse_on(id, today).unwrap_err().problem,
            "出生日期不对"
        );
        assert!(IdNumber::parse_on("440304197812032012", today).is_ok());
    }

    #[test]
    fn a_phone_is_a_mobile_or_a_landline_with_its_area_code() {
        assert_eq!(Phone::parse("150 2718 9963").unwrap(), "15027189963");
        assert_eq!(Phone::parse("0769 2233 4455").unwrap(), "0769-22334455");
        assert_eq!(Phone::parse("0769-22334455").unwrap(), "0769-22334455");
        assert_eq!(Phone::parse("01012345678").unwrap(), "010-12345678");
        for (text, problem) in [
            ("12345", "位数不对，手机号是11位"),
            ("25027189963", "不像手机号，手机号是1开头"),
            ("12027189963", "不像手机号，手机号是1开头"),
            ("0769-12345", "位数不对，座机号码是区号加7到8位"),
            ("0769", "位数不对"),
            ("一五零二七一八九九六三", "只能填数字"),
            ("", "只能填数字"),
        ] {
            assert_eq!(Phone::parse(text).unwrap_err().problem, problem, "{text}");
        }
    }

    #[test]
    fn serde_goes_through_the_constructor() {
        let id: Result<IdNumber, _> = serde_json::from_value(serde_json::json!("12345"));
        assert!(id.unwrap_err().to_string().contains("身份证号位数不对"));
        let phone: Phone = serde_json::from_value(serde_json::json!("0769-22334455")).unwrap();
        assert_eq!(serde_json::to_value(&phone).unwrap(), "0769-22334455");
    }
}
