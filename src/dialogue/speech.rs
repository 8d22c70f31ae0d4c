//! How values are said to a caller: dates in words, ID and phone digits in
//! groups that are easy to read back on the phone, slot values by their
//! official names.

use chrono::{Datelike, NaiveDate};

use crate::dialogue::{Services, SessionChannel};
use crate::rules::{Application, Category, Channel, Insurance};

/// `2026年11月23日`.
pub fn date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// An ID number grouped 6-8-4 (地区码, 出生日期, 顺序码和校验码): the way
/// agents read it back.
pub fn id_number(id: &str) -> String {
    group(id, &[6, 8, 4])
}

/// A mobile number grouped 3-4-4; landlines are left as given.
pub fn phone(phone: &str) -> String {
    if phone.len() == 11 && phone.starts_with('1') {
        group(phone, &[3, 4, 4])
    } else {
        phone.to_string()
    }
}

fn group(digits: &str, sizes: &[usize]) -> String {
    let chars: Vec<char> = digits.chars().collect();
    if chars.len() != sizes.iter().sum::<usize>() {
        return digits.to_string();
    }
    let mut groups = Vec::new();
    let mut start = 0;
    for size in sizes {
        groups.push(chars[start..start + size].iter().collect::<String>());
        start += size;
    }
    groups.join(" ")
}

pub fn insurance(insurance: Insurance) -> &'static str {
    match insurance {
        Insurance::Employee => "职工医保",
        Insurance::Resident => "城乡居民医保",
    }
}

pub fn category(category: Category) -> &'static str {
    category.label()
}

/// Where a caller can register other than by phone or fax, among
/// `channels` (the rules' channels for their case): 到医保经办窗口或者用粤医保小程序.
/// The window when the case is not known yet: every region has one.
pub fn elsewhere(services: &dyn Services, channels: &[Channel]) -> String {
    let replies = services.replies();
    let way = |channel: &Channel| {
        let label = services.channel_label(channel);
        let way = match channel {
            Channel::Window => &replies.way_to,
            Channel::Website => &replies.way_on,
            _ => &replies.way_with,
        };
        way.said(&[("channel", &label)])
    };
    let ways: Vec<String> = channels
        .iter()
        .filter(|channel| !matches!(channel, Channel::Phone | Channel::Fax | Channel::Hospital))
        .map(way)
        .collect();
    if ways.is_empty() {
        return way(&Channel::Window);
    }
    replies.or_else(&ways)
}

/// `湖南省长沙市`, or whatever part is known.
pub fn destination(application: &Application) -> Option<String> {
    let destination = application.destination.as_ref()?;
    let province = destination.province.as_deref().unwrap_or("");
    let city = destination.city.as_deref().unwrap_or("");
    // 北京市北京市 is said once.
    let text = if province == city {
        province.to_string()
    } else {
        format!("{province}{city}")
    };
    (!text.is_empty()).then_some(text)
}

/// A text with its ISO dates (2025-03-10) said the spoken way.
pub fn dates_in(text: &str) -> String {
    let iso = regex::Regex::new(r"\d{4}-\d{2}-\d{2}").expect("valid pattern");
    iso.replace_all(text, |found: &regex::Captures| {
        chrono::NaiveDate::parse_from_str(&found[0], "%Y-%m-%d")
            .map(date)
            .unwrap_or_else(|_| found[0].to_string())
    })
    .into_owned()
}

/// An ID number as a channel shows it: grouped for reading back on the
/// phone and the agent's screen, masked in a caller's widget, which may sit
/// on a shared or overlooked screen.
pub fn id_number_on(channel: SessionChannel, id: &str) -> String {
    match channel {
        SessionChannel::Widget => crate::nlu::mask_id(id),
        SessionChannel::Phone | SessionChannel::Agent => id_number(id),
    }
}

/// A phone number as a channel shows it: grouped for reading aloud on the
/// phone and the agent's screen, whole as written in a caller's widget, so
/// the caller can check their own number before confirming it.
pub fn phone_on(channel: SessionChannel, phone_number: &str) -> String {
    match channel {
        SessionChannel::Widget => phone_number.to_string(),
        SessionChannel::Phone | SessionChannel::Agent => phone(phone_number),
    }
}

/// A slot's current value in words, for confirming a change.
pub fn slot_value(
    services: &dyn Services,
    application: &Application,
    slot: &str,
    on: SessionChannel,
) -> Option<String> {
    let applicant = application.applicant.as_ref();
    match slot {
        "scheme" => application.scheme.map(|value| value.label().to_string()),
        "insurance" => application
            .insurance
            .map(|value| insurance(value).to_string()),
        "category" => application
            .category
            .map(|value| category(value).to_string()),
        "destination" => destination(application),
        "submit_via" => application
            .submit_via
            .as_ref()
            .map(|value| services.channel_label(value)),
        "admission_date" => application.admission_date.map(date),
        "transfer_start_date" => application.transfer_start_date.map(date),
        "by_proxy" => application.by_proxy.map(|value| {
            if value {
                "他人代办"
            } else {
                "本人办理"
            }
            .to_string()
        }),
        "incurred_costs_at_destination" => application.incurred_costs_at_destination.map(|value| {
            if value {
                "已经在那边看过病"
            } else {
                "还没在那边看过病"
            }
            .to_string()
        }),
        "applicant.name" => applicant.and_then(|a| a.name.clone()),
        "applicant.id_number" => applicant
            .and_then(|a| a.id_number.as_deref())
            .map(|id| id_number_on(on, id)),
        "applicant.phone" => applicant
            .and_then(|a| a.phone.as_deref())
            .map(|number| phone_on(on, number)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_digits_for_reading_back() {
        assert_eq!(id_number("440304197812032012"), "440304 19781203 2012");
        assert_eq!(phone("15027189963"), "150 2718 9963");
        assert_eq!(phone("0769-22334455"), "0769-22334455");
        assert_eq!(id_number("12345"), "12345");
    }

    #[test]
    fn a_widget_never_shows_the_whole_id_number() {
        let id = "440304197812032012";
        assert_eq!(
            id_number_on(SessionChannel::Phone, id),
            "440304 19781203 2012"
        );
        assert_eq!(
            id_number_on(SessionChannel::Widget, id),
            "4403**********2012"
        );
        assert_eq!(
            phone_on(SessionChannel::Widget, "15027189963"),
            "15027189963"
        );
        assert_eq!(
            phone_on(SessionChannel::Agent, "15027189963"),
            "150 2718 9963"
        );
    }

    #[test]
    fn says_dates_in_words() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        assert_eq!(date(day), "2026年11月3日");
    }
}
