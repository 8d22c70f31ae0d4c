//! Working days on the official Chinese calendar: weekends off, 法定节假日
//! off, and the 调休 weekends on which offices work.
//!
//! The days come from `corpus/calendar/<year>.toml`, one file per year, each
//! day with the State Council notice it comes from. [`Calendar::parse`]
//! checks the files; the rules loader reads them (this module does no IO).
//! Outside the years the files cover, a day counts as a working day when it
//! is Monday to Friday, and the answer says so, so that a caller is never
//! told a guessed date as if it were certain.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

use crate::corpus::Problem;

/// The official days off and 调休 working days over the covered range.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    /// `false` = 放假, `true` = 调休上班; other days follow the weekday.
    days: BTreeMap<NaiveDate, bool>,
    /// The first and last day the files cover; `None` when there are none.
    covered: Option<(NaiveDate, NaiveDate)>,
}

/// One `corpus/calendar/<year>.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    /// The last day this year's data is sure of (the last file only: the
    /// next year's 元旦 may move a late-December weekend). Default 12-31.
    #[serde(default)]
    until: Option<NaiveDate>,
    #[serde(default)]
    holiday: Vec<Holiday>,
}

/// One holiday's days as one notice set them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Holiday {
    name: String,
    /// The notice's title, e.g. 国务院办公厅关于2026年部分节假日安排的通知.
    notice: String,
    /// Where the notice was published.
    #[serde(default)]
    source: Option<String>,
    off: Vec<NaiveDate>,
    on: Vec<NaiveDate>,
}

impl Calendar {
    /// Builds the calendar from the year files' `(path, text)`, checking
    /// each: dates inside its year, no day both off and on, no year missing
    /// between the first and the last.
    pub fn parse(files: &[(PathBuf, String)]) -> Result<Calendar, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut calendar = Calendar::default();
        let mut years: Vec<(i32, NaiveDate, &Path)> = Vec::new();
        for (path, text) in files {
            let file: YearFile = match toml::from_str(text) {
                Ok(file) => file,
                Err(error) => {
                    let line = error
                        .span()
                        .map_or(1, |span| text[..span.start].lines().count().max(1));
                    problems.push(Problem::new(path, line, error.message().to_string()));
                    continue;
                }
            };
            let line_of = |needle: &str| {
                text.lines()
                    .position(|line| line.contains(needle))
                    .map_or(1, |index| index + 1)
            };
            let (Some(first), Some(last)) = (
                NaiveDate::from_ymd_opt(file.year, 1, 1),
                NaiveDate::from_ymd_opt(file.year, 12, 31),
            ) else {
                problems.push(Problem::new(path, line_of("year"), "year out of range"));
                continue;
            };
            let until = file.until.unwrap_or(last);
            if !(first..=last).contains(&until) {
                problems.push(Problem::new(
                    path,
                    line_of("until"),
                    format!("until {until} is not in {}", file.year),
                ));
            }
            for holiday in &file.holiday {
                let marked = holiday.off.iter().map(|day| (day, false));
                for (day, working) in marked.chain(holiday.on.iter().map(|day| (day, true))) {
                    let line = line_of(&day.to_string());
                    if day.year() != file.year {
                        problems.push(Problem::new(
                            path,
                            line,
                            format!("{day} ({}) is not in {}", holiday.name, file.year),
                        ));
                    }
                    if calendar.days.insert(*day, working) == Some(!working) {
                        problems.push(Problem::new(
                            path,
                            line,
                            format!("{day} is listed both off and on"),
                        ));
                    }
                }
                if holiday.notice.trim().is_empty() {
                    problems.push(Problem::new(
                        path,
                        line_of(&holiday.name),
                        format!("{}: say which notice the days come from", holiday.name),
                    ));
                }
                if holiday
                    .source
                    .as_deref()
                    .is_some_and(|url| !url.starts_with("http"))
                {
                    problems.push(Problem::new(
                        path,
                        line_of(&holiday.name),
                        format!("{}: source must be the notice's web address", holiday.name),
                    ));
                }
            }
            years.push((file.year, until, path));
        }
        years.sort();
        for pair in years.windows(2) {
            if pair[1].0 != pair[0].0 + 1 {
                problems.push(Problem::new(
                    pair[1].2,
                    1,
                    format!("no calendar for {} (after {})", pair[0].0 + 1, pair[0].0),
                ));
            }
        }
        calendar.covered = match (years.first(), years.last()) {
            (Some(first), Some(last)) => {
                NaiveDate::from_ymd_opt(first.0, 1, 1).map(|from| (from, last.1))
            }
            _ => None,
        };
        if problems.is_empty() {
            Ok(calendar)
        } else {
            Err(problems)
        }
    }

    /// The first and last day the official data covers.
    pub fn covered(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.covered
    }

    /// Whether `date` is a working day, and whether that rests on the official
    /// calendar (`true`) or only on the weekday (`false`).
    pub fn is_working_day(&self, date: NaiveDate) -> (bool, bool) {
        let weekday = !matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        match self.covered {
            Some((from, until)) if (from..=until).contains(&date) => {
                (self.days.get(&date).copied().unwrap_or(weekday), true)
            }
            _ => (weekday, false),
        }
    }

    /// N working days from D end on the N-th working day after D (D itself
    /// not counted); 0 working days (即时办结) is D itself.
    pub fn add_working_days(&self, from: NaiveDate, days: u32) -> Deadline {
        let mut date = from;
        let mut counted = 0;
        let mut note = None;
        while counted < days {
            date = match date.checked_add_days(Days::new(1)) {
                Some(next) => next,
                // The end of chrono's range is far beyond any real deadline.
                None => break,
            };
            let (working, official) = self.is_working_day(date);
            if !official {
                note = Some(self.outside_note(date));
            }
            if working {
                counted += 1;
            }
        }
        Deadline { date, note }
    }

    /// What a decision says when a count ran outside the official data.
    fn outside_note(&self, date: NaiveDate) -> String {
        match self.covered {
            Some((_, until)) if date > until => {
                format!("{until} 之后的节假日安排尚未公布，按周一至周五计算")
            }
            Some((from, _)) => format!("{from} 以前的节假日安排未收录，按周一至周五计算"),
            None => "没有节假日安排的数据，按周一至周五计算".to_string(),
        }
    }
}

/// The end of a time limit of `days` working days counted from `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The `days`-th working day after `from` (`from` itself when `days` is 0).
    pub date: NaiveDate,
    /// Set when some day of the count lay outside the official data; the
    /// decision must then carry this note.
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn file(name: &str, text: &str) -> (PathBuf, String) {
        (PathBuf::from(name), text.to_string())
    }

    /// The real 2025 and 2026 files.
    fn calendar() -> Calendar {
        Calendar::parse(&[
            file("2025.toml", include_str!("../corpus/calendar/2025.toml")),
            file("2026.toml", include_str!("../corpus/calendar/2026.toml")),
        ])
        .unwrap()
    }

    #[test]
    fn zero_days_is_the_same_day_even_on_a_holiday() {
        assert_eq!(
            calendar().add_working_days(day("2026-10-01"), 0).date,
            day("2026-10-01")
        );
    }

    #[test]
    fn national_day_2026_is_skipped_and_the_adjusted_saturday_counts() {
        let calendar = calendar();
        // 2026-09-30 (Wed) + 1 → 10-01..10-07 off, 10-08 (Thu) works.
        assert_eq!(
            calendar.add_working_days(day("2026-09-30"), 1).date,
            day("2026-10-08")
        );
        // 10-09 (Fri) + 1 → 10-10 is a 调休 Saturday on which offices work.
        assert_eq!(
            calendar.add_working_days(day("2026-10-09"), 1).date,
            day("2026-10-10")
        );
    }

    #[test]
    fn beyond_the_data_counts_weekdays_and_says_so() {
        let calendar = calendar();
        let deadline = calendar.add_working_days(day("2026-12-24"), 2);
        assert_eq!(deadline.date, day("2026-12-28"));
        assert_eq!(
            deadline.note.as_deref(),
            Some("2026-12-25 之后的节假日安排尚未公布，按周一至周五计算")
        );
        assert_eq!(calendar.add_working_days(day("2026-12-21"), 2).note, None);
        let early = calendar.add_working_days(day("2024-12-30"), 1);
        assert_eq!(
            early.note.as_deref(),
            Some("2025-01-01 以前的节假日安排未收录，按周一至周五计算")
        );
    }

    #[test]
    fn far_dates_never_panic() {
        let calendar = calendar();
        assert_eq!(calendar.is_working_day(day("2030-01-07")), (true, false));
        assert_eq!(calendar.is_working_day(day("1999-01-02")), (false, false));
        assert_eq!(
            Calendar::default().is_working_day(day("2026-10-01")),
            (true, false)
        );
    }

    #[test]
    fn a_day_outside_its_year_or_both_off_and_on_is_refused_with_its_line() {
        let text = "year = 2030\n\n[[holiday]]\nname = \"国庆节\"\nnotice = \"通知\"\n\
                    off = [\"2030-10-01\", \"2031-10-02\"]\non = [\"2030-10-01\"]\n";
        let problems = Calendar::parse(&[file("2030.toml", text)]).unwrap_err();
        let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("2030.toml:6") && l.contains("not in 2030")),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|l| l.contains("both off and on")),
            "{lines:?}"
        );
    }

    #[test]
    fn a_missing_year_between_two_is_refused() {
        let problems = Calendar::parse(&[
            file("2028.toml", "year = 2028\n"),
            file("2030.toml", "year = 2030\n"),
        ])
        .unwrap_err();
        assert!(
            problems[0].to_string().contains("no calendar for 2029"),
            "{problems:?}"
        );
    }
}
