//! Working days on the official Chinese calendar: weekends off, 法定节假日
//! off, and the 调休 weekends on which offices work.
//!
//! The holiday data comes from `chinese_holiday`, which knows the State
//! Council notices from 2004-01-01 to 2026-12-25 and panics outside that
//! range. Every lookup here checks the range first; beyond it a day counts
//! as a working day when it is Monday to Friday, and the answer says so, so
//! that a caller is never told a guessed date as if it were certain.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The first day the official holiday data covers.
pub const DATA_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2004, 1, 1) {
    Some(date) => date,
    None => panic!("valid date"),
};

/// The last day the official holiday data covers.
pub const DATA_UNTIL: NaiveDate = match NaiveDate::from_ymd_opt(2026, 12, 25) {
    Some(date) => date,
    None => panic!("valid date"),
};

/// The note a decision carries when a count ran past the known calendar.
pub const BEYOND_DATA_NOTE: &str = "2026-12-25 之后的节假日安排尚未公布，按周一至周五计算";

/// The note a decision carries when a count started before the known calendar.
pub const BEFORE_DATA_NOTE: &str = "2004 年以前的节假日安排未收录，按周一至周五计算";

/// Whether `date` is a working day, and whether that rests on the official
/// calendar (`true`) or only on the weekday (`false`).
pub fn is_working_day(date: NaiveDate) -> (bool, bool) {
    if (DATA_FROM..=DATA_UNTIL).contains(&date) {
        let ymd =
            chinese_holiday::Ymd::new(date.year() as u16, date.month() as u8, date.day() as u8);
        (chinese_holiday::chinese_holiday(ymd).is_workday(), true)
    } else {
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        (!weekend, false)
    }
}

/// The end of a time limit of `days` working days counted from `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The `days`-th working day after `from` (`from` itself when `days` is 0).
    pub date: NaiveDate,
    /// Set when some day of the count lay outside the official data; the
    /// decision must then carry this note.
    pub note: Option<&'static str>,
}

/// N working days from D end on the N-th working day after D (D itself not
/// counted); 0 working days (即时办结) is D itself.
pub fn add_working_days(from: NaiveDate, days: u32) -> Deadline {
    let mut date = from;
    let mut counted = 0;
    let mut note = None;
    while counted < days {
        date = match date.checked_add_days(Days::new(1)) {
            Some(next) => next,
            // The end of chrono's range is far beyond any real deadline.
            None => break,
        };
        let (working, official) = is_working_day(date);
        if !official {
            note = Some(if date > DATA_UNTIL {
                BEYOND_DATA_NOTE
            } else {
                BEFORE_DATA_NOTE
            });
        }
        if working {
            counted += 1;
        }
    }
    Deadline { date, note }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn zero_days_is_the_same_day_even_on_a_holiday() {
        assert_eq!(
            add_working_days(day("2026-10-01"), 0).date,
            day("2026-10-01")
        );
    }

    #[test]
    fn national_day_2026_is_skipped_and_the_adjusted_saturday_counts() {
        // 2026-09-30 (Wed) + 1 → 10-01..10-07 off, 10-08 (Thu) works.
        assert_eq!(
            add_working_days(day("2026-09-30"), 1).date,
            day("2026-10-08")
        );
        // 10-09 (Fri) + 1 → 10-10 is a 调休 Saturday on which offices work.
        assert_eq!(
            add_working_days(day("2026-10-09"), 1).date,
            day("2026-10-10")
        );
    }

    #[test]
    fn beyond_the_data_counts_weekdays_and_says_so() {
        let deadline = add_working_days(day("2026-12-24"), 2);
        assert_eq!(deadline.date, day("2026-12-28"));
        assert_eq!(deadline.note, Some(BEYOND_DATA_NOTE));
        assert_eq!(add_working_days(day("2026-12-21"), 2).note, None);
    }

    #[test]
    fn far_dates_never_panic() {
        assert_eq!(is_working_day(day("2030-01-07")), (true, false));
        assert_eq!(is_working_day(day("1999-01-02")), (false, false));
    }
}
