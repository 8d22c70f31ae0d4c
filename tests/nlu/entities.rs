//! Entity extraction, one test per entity type, from utterances as
//! callers say them and as speech recognition writes them.

use chrono::NaiveDate;
use hotline::nlu::DateRole;

use super::{nlu, today};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
