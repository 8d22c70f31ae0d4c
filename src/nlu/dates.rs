//! Dates as callers say them, read against the session's `today`:
//! 2026年11月10日, 11月10号, 十一月十号, 11.10, 昨天, 上周三, 下个月三号,
//! 三天前, 上个月底, and ranges (11月10号到15号). Impossible dates
//! (2月30号) are reported, never accepted.

use std::sync::LazyLock;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use regex::{Captures, Regex};
use serde::Serialize;

/// What a date is about, from the words around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateRole {
    /// 入院/住院: the admission date.
    Admission,
    /// 转院/转诊: the start of a transfer.
    TransferStart,
    /// 申请/备案: the application date.
    Apply,
}

/// A date the caller said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateMention {
    pub date: NaiveDate,
    /// Last day of a range (11月10号到15号), inclusive.
    pub end: Option<NaiveDate>,
    /// The words as said.
    pub text: String,
    pub role: Option<DateRole>,
}

/// Dates found, and the impossible ones as problems to read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dates {
    pub mentions: Vec<DateMention>,
    pub problems: Vec<String>,
}

/// A number as said in a date: 11, 十一, 廿五, 二〇二六.
const N: &str = "[0-9０-９零〇一二两三四五六七八九十廿]{1,4}";

struct Pattern {
    regex: Regex,
    read: fn(&Captures, NaiveDate) -> Reading,
}

/// What one pattern made of its match.
enum Reading {
    Date(NaiveDate, Option<NaiveDate>),
    Impossible(String),
    NotADate,
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let pattern = |source: String, read: fn(&Captures, NaiveDate) -> Reading| Pattern {
        regex: Regex::new(&source).expect("date patterns are valid"),
        read,
    };
    vec![
        pattern(
            format!(
                "(?P<y>[0-9]{{4}}|[零〇一二三四五六七八九]{{4}}|[0-9]{{2}})年(?P<m>{N})月(?P<d>{N})[日号]?"
            ),
            read_year_month_day,
        ),
        pattern(
            r"(?P<y>20[0-9]{2}|19[0-9]{2})[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})".into(),
            read_year_month_day,
        ),
        pattern(
            format!(
                "(?P<m>{N})月(?P<d>{N})[日号]?(?:到|至|-|~|—|～)(?P<m2>{N}月)?(?P<d2>{N})[日号]"
            ),
            read_month_day_range,
        ),
        pattern(
            format!("(?P<rel>今年|去年|明年)?(?P<m>{N})月(?:(?P<d>{N})[日号]?|(?P<edge>底|末|初))"),
            read_month_day,
        ),
        pattern(r"(?P<m>[0-9]{1,2})\.(?P<d>[0-9]{1,2})".into(), read_dotted),
        pattern(
            format!(
                "(?P<rel>这个?|本|上上个?|上个?|下下个?|下个?)月(?:(?P<d>{N})[日号]|(?P<edge>底|末|初))"
            ),
            read_relative_month_day,
        ),
        pattern(
            "大前天|前天|昨天|昨儿|今天|今儿|明天|明儿|后天|大后天".into(),
            read_relative_day,
        ),
        pattern(
            format!(
                "(?P<n>{N}|半)个?(?P<unit>天|日|星期|礼拜|周|月)(?P<dir>以前|之前|前|以后|之后|后)"
            ),
            read_offset,
        ),
        pattern(
            "(?P<rel>上上|上|这|本|下下|下)?个?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])"
                .into(),
            read_weekday,
        ),
    ]
});

/// Finds every date in `text`, read against `today`.
pub fn find_dates(text: &str, today: NaiveDate) -> Dates {
    // Matches of all patterns, longest first at each start, overlaps
    // dropped: 2026年11月10日 is one date, not also 11月10日.
    let mut found: Vec<(usize, usize, Reading)> = Vec::new();
    for pattern in PATTERNS.iter() {
        for captures in pattern.regex.captures_iter(text) {
            let whole = captures.get(0).expect("group 0 always matches");
            if !standalone(text, whole.start(), whole.end()) {
                continue;
            }
            found.push((whole.start(), whole.end(), (pattern.read)(&captures, today)));
        }
    }
    found.sort_by_key(|(start, end, _)| (*start, std::cmp::Reverse(*end)));
    let mut dates = Dates::default();
    let mut placed: Vec<(usize, usize, DateMention)> = Vec::new();
    let mut covered_to = 0;
    for (start, end, reading) in found {
        if start < covered_to {
            continue;
        }
        match reading {
            Reading::Date(date, end_date) => {
                covered_to = end;
                let mention = DateMention {
                    date,
                    end: end_date,
                    text: text[start..end].to_string(),
                    role: role_of(text, start, end),
                };
                placed.push((start, end, mention));
            }
            Reading::Impossible(problem) => {
                covered_to = end;
                dates.problems.push(problem);
            }
            Reading::NotADate => {}
        }
    }
    merge_ranges(text, &mut placed);
    dates.mentions = placed.into_iter().map(|(_, _, mention)| mention).collect();
    dates
}

/// A date is not part of a longer number (`13800138000` holds no 11.10).
fn standalone(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let digit_like = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '.');
    !digit_like(before) && !digit_like(after)
}

/// 11月10号到11月15号: two dates joined by 到/至/- become one range.
fn merge_ranges(text: &str, placed: &mut Vec<(usize, usize, DateMention)>) {
    let mut index = 0;
    while index + 1 < placed.len() {
        let (_, first_end, first) = &placed[index];
        let (second_start, _, second) = &placed[index + 1];
        let joined = matches!(
            text[*first_end..*second_start].trim(),
            "到" | "至" | "-" | "~" | "—" | "～" | "一直到"
        );
        if joined && first.end.is_none() && second.date >= first.date {
            let (_, second_end, second) = placed.remove(index + 1);
            let (first_start, first_end, first) = &mut placed[index];
            first.end = Some(second.date);
            first.text = text[*first_start..second_end].to_string();
            *first_end = second_end;
        } else {
            index += 1;
        }
    }
}

/// Reads a number as said in a date.
pub fn parse_number(text: &str) -> Option<u32> {
    let digit = |c: char| -> Option<u32> {
        match c {
            '0'..='9' => c.to_digit(10),
            '０'..='９' => Some(c as u32 - '０' as u32),
            '零' | '〇' => Some(0),
            '一' => Some(1),
            '二' | '两' => Some(2),
            '三' => Some(3),
            '四' => Some(4),
            '五' => Some(5),
            '六' => Some(6),
            '七' => Some(7),
            '八' => Some(8),
            '九' => Some(9),
            _ => None,
        }
    };
    if let Some((tens, ones)) = text.split_once('十') {
        let tens = if tens.is_empty() {
            1
        } else {
            digit_sequence(tens, digit)?
        };
        let ones = if ones.is_empty() {
            0
        } else {
            digit_sequence(ones, digit)?
        };
        return (tens < 10 && ones < 10).then_some(tens * 10 + ones);
    }
    if let Some(ones) = text.strip_prefix('廿') {
        let ones = if ones.is_empty() {
            0
        } else {
            digit_sequence(ones, digit)?
        };
        return (ones < 10).then_some(20 + ones);
    }
    digit_sequence(text, digit)
}

fn digit_sequence(text: &str, digit: impl Fn(char) -> Option<u32>) -> Option<u32> {
    if text.is_empty() || text.chars().count() > 4 {
        return None;
    }
    text.chars()
        .try_fold(0u32, |value, c| Some(value * 10 + digit(c)?))
}

fn number(captures: &Captures, name: &str) -> Option<u32> {
    captures.name(name).and_then(|m| parse_number(m.as_str()))
}

/// A day that may not exist (2月30号) becomes a problem to read back.
fn ymd(year: i32, month: u32, day: u32) -> Reading {
    if !(1..=12).contains(&month) {
        return Reading::Impossible(format!("没有{month}月，请再说一下日期"));
    }
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => Reading::Date(date, None),
        None => Reading::Impossible(format!("{month}月没有{day}号，请再说一下日期")),
    }
}

fn read_year_month_day(captures: &Captures, _today: NaiveDate) -> Reading {
    let (Some(year), Some(month), Some(day)) = (
        number(captures, "y"),
        number(captures, "m"),
        number(captures, "d"),
    ) else {
        return Reading::NotADate;
    };
    let year = if year < 100 { 2000 + year } else { year };
    ymd(year as i32, month, day)
}

/// A month and day without a year: this year, unless that is more than
/// half a year ahead (in January, 12月28号 is last December).
fn infer_year(month: u32, day: u32, today: NaiveDate) -> Reading {
    match ymd(today.year(), month, day) {
        Reading::Date(date, _) if Some(date) > today.checked_add_days(Days::new(183)) => {
            ymd(today.year() - 1, month, day)
        }
        reading => reading,
    }
}

fn read_month_day_range(captures: &Captures, today: NaiveDate) -> Reading {
    let (Some(month), Some(day), Some(last_day)) = (
        number(captures, "m"),
        number(captures, "d"),
        number(captures, "d2"),
    ) else {
        return Reading::NotADate;
    };
    let last_month = captures
        .name("m2")
        .and_then(|m| parse_number(m.as_str().trim_end_matches('月')))
        .unwrap_or(month);
    let Reading::Date(start, _) = infer_year(month, day, today) else {
        return infer_year(month, day, today);
    };
    match ymd(start.year(), last_month, last_day) {
        Reading::Date(end, _) if end >= start => Reading::Date(start, Some(end)),
        Reading::Date(..) => Reading::NotADate,
        impossible => impossible,
    }
}

fn read_month_day(captures: &Captures, today: NaiveDate) -> Reading {
    let Some(month) = number(captures, "m") else {
        return Reading::NotADate;
    };
    let year = match captures.name("rel").map(|m| m.as_str()) {
        Some("去年") => Some(today.year() - 1),
        Some("今年") => Some(today.year()),
        Some("明年") => Some(today.year() + 1),
        _ => None,
    };
    if let Some(edge) = captures.name("edge") {
        let year = year.unwrap_or(today.year());
        return month_edge(year, month, edge.as_str());
    }
    let Some(day) = number(captures, "d") else {
        return Reading::NotADate;
    };
    match year {
        Some(year) => ymd(year, month, day),
        None => infer_year(month, day, today),
    }
}

fn month_edge(year: i32, month: u32, edge: &str) -> Reading {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return Reading::Impossible(format!("没有{month}月，请再说一下日期"));
    };
    if edge == "初" {
        return Reading::Date(first, None);
    }
    let last = first
        .checked_add_months(Months::new(1))
        .and_then(|next| next.checked_sub_days(Days::new(1)));
    last.map_or(Reading::NotADate, |last| Reading::Date(last, None))
}

/// 11.10: month.day, only with a month that exists; otherwise it is some
/// other number (3.5 个月).
fn read_dotted(captures: &Captures, today: NaiveDate) -> Reading {
    match (number(captures, "m"), number(captures, "d")) {
        (Some(month), Some(day)) if (1..=12).contains(&month) && (1..=31).contains(&day) => {
            infer_year(month, day, today)
        }
        _ => Reading::NotADate,
    }
}

fn read_relative_month_day(captures: &Captures, today: NaiveDate) -> Reading {
    let relative = captures.name("rel").map_or("", |m| m.as_str());
    let first_of_this_month = today.with_day(1).expect("day 1 exists");
    // Dates near the ends of the calendar have no next month: not a date.
    let shifted = if relative.starts_with("上上") {
        first_of_this_month.checked_sub_months(Months::new(2))
    } else if relative.starts_with('上') {
        first_of_this_month.checked_sub_months(Months::new(1))
    } else if relative.starts_with("下下") {
        first_of_this_month.checked_add_months(Months::new(2))
    } else if relative.starts_with('下') {
        first_of_this_month.checked_add_months(Months::new(1))
    } else {
        Some(first_of_this_month)
    };
    let Some(first) = shifted else {
        return Reading::NotADate;
    };
    if let Some(edge) = captures.name("edge") {
        return month_edge(first.year(), first.month(), edge.as_str());
    }
    match number(captures, "d") {
        Some(day) => ymd(first.year(), first.month(), day),
        None => Reading::NotADate,
    }
}

fn read_relative_day(captures: &Captures, today: NaiveDate) -> Reading {
    let offset: i64 = match &captures[0] {
        "大前天" => -3,
        "前天" => -2,
        "昨天" | "昨儿" => -1,
        "今天" | "今儿" => 0,
        "明天" | "明儿" => 1,
        "后天" => 2,
        "大后天" => 3,
        _ => return Reading::NotADate,
    };
    shift_days(today, offset)
}

fn shift_days(today: NaiveDate, offset: i64) -> Reading {
    let shifted = if offset >= 0 {
        today.checked_add_days(Days::new(offset as u64))
    } else {
        today.checked_sub_days(Days::new(offset.unsigned_abs()))
    };
    shifted.map_or(Reading::NotADate, |date| Reading::Date(date, None))
}

fn read_offset(captures: &Captures, today: NaiveDate) -> Reading {
    let count = match captures.name("n").map(|m| m.as_str()) {
        Some("半") => 0,
        _ => match number(captures, "n") {
            Some(count) if count <= 400 => count,
            _ => return Reading::NotADate,
        },
    };
    let sign: i64 = if captures["dir"].ends_with('前') {
        -1
    } else {
        1
    };
    match &captures["unit"] {
        "天" | "日" => shift_days(today, sign * count as i64),
        "月" => {
            let months = Months::new(count);
            let date = if sign < 0 {
                today.checked_sub_months(months)
            } else {
                today.checked_add_months(months)
            };
            date.map_or(Reading::NotADate, |date| Reading::Date(date, None))
        }
        _ => shift_days(today, sign * 7 * count as i64),
    }
}

/// 上周三, 这周五, 下星期一, 周日: weeks run Monday to Sunday.
fn read_weekday(captures: &Captures, today: NaiveDate) -> Reading {
    let weekday = match &captures["wd"] {
        "一" | "1" => Weekday::Mon,
        "二" | "2" => Weekday::Tue,
        "三" | "3" => Weekday::Wed,
        "四" | "4" => Weekday::Thu,
        "五" | "5" => Weekday::Fri,
        "六" | "6" => Weekday::Sat,
        _ => Weekday::Sun,
    };
    let weeks: i64 = match captures.name("rel").map(|m| m.as_str()) {
        Some("上上") => -2,
        Some("上") => -1,
        Some("下") => 1,
        Some("下下") => 2,
        _ => 0,
    };
    let monday_offset = -(today.weekday().num_days_from_monday() as i64);
    let offset = monday_offset + weeks * 7 + weekday.num_days_from_monday() as i64;
    shift_days(today, offset)
}

/// Cue words for a date's role, searched in the date's own clause.
const ROLE_CUES: [(&str, DateRole); 12] = [
    ("入院", DateRole::Admission),
    ("住院", DateRole::Admission),
    ("住进", DateRole::Admission),
    ("住的院", DateRole::Admission),
    ("进的医院", DateRole::Admission),
    ("转院", DateRole::TransferStart),
    ("转诊", DateRole::TransferStart),
    ("转过去", DateRole::TransferStart),
    ("转到", DateRole::TransferStart),
    ("申请", DateRole::Apply),
    ("备案", DateRole::Apply),
    ("办理", DateRole::Apply),
];

/// The role whose cue is nearest to the date within its clause.
fn role_of(text: &str, start: usize, end: usize) -> Option<DateRole> {
    let is_boundary = |c: char| "，。,；;！!？?\n".contains(c);
    let clause_start = text[..start]
        .char_indices()
        .rev()
        .find(|(_, c)| is_boundary(*c))
        .map_or(0, |(at, c)| at + c.len_utf8());
    let clause_end = text[end..]
        .find(is_boundary)
        .map_or(text.len(), |at| end + at);
    ROLE_CUES
        .iter()
        .filter_map(|(cue, role)| {
            let at = text[clause_start..clause_end].find(cue)? + clause_start;
            let distance = if at < start {
                start - at
            } else {
                at.saturating_sub(end)
            };
            Some((distance, *role))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, role)| role)
}

#[cfg(test)]
mod tests {
    use super::parse_number;

    #[test]
    fn reads_numbers_as_said_in_dates() {
        assert_eq!(parse_number("十一"), Some(11));
        assert_eq!(parse_number("十"), Some(10));
        assert_eq!(parse_number("二十五"), Some(25));
        assert_eq!(parse_number("廿三"), Some(23));
        assert_eq!(parse_number("二〇二六"), Some(2026));
        assert_eq!(parse_number("11"), Some(11));
        assert_eq!(parse_number("十十"), None);
    }
}
