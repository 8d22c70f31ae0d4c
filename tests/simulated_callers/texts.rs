//! Only what the texts say: every phone or fax number, e-mail address,
//! duration and category name a reply speaks is checked against the
//! region's own texts (its corpus documents and its cited rule data), and
//! 长期有效 is said only of a registration whose validity is long-term.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::Regex;
use serde_json::Value;

/// The national category names; a reply may say one only where the
/// region's own documents use it.
const CATEGORY_NAMES: [&str; 9] = [
    "异地安置退休人员",
    "异地长期居住人员",
    "常驻异地工作人员",
    "长期异地居住（工作）转院人员",
    "异地转诊人员",
    "异地急诊抢救人员",
    "其他临时外出就医人员",
    "外出农民工",
    "外来就业创业人员",
];

/// The hotline the caller is on; naming it needs no text.
const HOTLINE: &str = "12345";

pub struct Texts {
    /// Per region: its documents' text, and with its rule data.
    regions: BTreeMap<String, RegionText>,
    number: Regex,
    email: Regex,
    duration: Regex,
}

struct RegionText {
    /// The documents, word for word.
    documents: String,
    /// The rule data, word for word (its decisions name the categories
    /// the region does not register, to say so).
    rule_data: String,
    /// The documents with the separators inside numbers taken out
    /// (0769—12345 → 076912345).
    digits: String,
    /// Durations the documents and the rule data state, as (amount, unit).
    durations: BTreeSet<(u32, &'static str)>,
}

impl Texts {
    pub fn load(corpus: &Path) -> Texts {
        let number = Regex::new(r"[0-9][0-9\-—－ ]*[0-9]|[0-9]").unwrap();
        let email = Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]+").unwrap();
        let duration =
            Regex::new(r"([0-9]+|[一二两三四五六七八九十]+)\s*(个工作日|工作日|个自然日|个月|天|周|年内|年以上)")
                .unwrap();
        let mut regions = BTreeMap::new();
        for entry in std::fs::read_dir(corpus).unwrap() {
            let folder = entry.unwrap().path();
            let rules = folder.join("rules.yaml");
            if !rules.is_file() {
                continue;
            }
            let mut documents = String::new();
            for file in std::fs::read_dir(&folder).unwrap() {
                let file = file.unwrap().path();
                if file.extension().is_some_and(|ext| ext == "md") {
                    documents.push_str(&std::fs::read_to_string(&file).unwrap());
                }
            }
            let rule_data = std::fs::read_to_string(&rules).unwrap();
            let durations = durations_in(&duration, &documents)
                .chain(durations_in(&duration, &rule_data))
                .chain(rule_durations(&rule_data))
                .collect();
            let digits = without_separators(&number, &documents);
            let region = folder.file_name().unwrap().to_string_lossy().to_string();
            regions.insert(
                region,
                RegionText {
                    documents,
                    rule_data,
                    digits,
                    durations,
                },
            );
        }
        Texts {
            regions,
            number,
            email,
            duration,
        }
    }

    /// What `turn` (a Turn as JSON) says that the region's texts do not.
    /// `said` holds the numbers the caller gave in the call (a change of
    /// one is read back before it is in the slots).
    pub fn check(&self, region: &str, turn: &Value, said: &[String]) -> Vec<String> {
        let Some(reply) = turn["reply"].as_str() else {
            return Vec::new();
        };
        let texts = &self.regions[region];
        let mut problems = Vec::new();
        let own: Vec<String> = ["phone", "id_number"]
            .iter()
            .filter_map(|key| turn["slots"]["applicant"][key].as_str())
            .chain(said.iter().map(String::as_str))
            .map(|value| value.chars().filter(char::is_ascii_digit).collect())
            .collect();
        for found in self.number.find_iter(reply) {
            let digits: String = found
                .as_str()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            // Dates, amounts and masked parts of an ID are short; the
            // caller's own phone and ID (and those they said) are read
            // back to them.
            if digits.len() < 5 || digits == HOTLINE || own.contains(&digits) {
                continue;
            }
            let before = clause_before(reply, found.start());
            if before.contains("传真") {
                if !fax_number_in(&texts.documents, &self.number, &digits) {
                    problems.push(format!(
                        "{} as a fax number: no text gives it as one",
                        found.as_str()
                    ));
                }
            } else if !texts.digits.contains(&digits) {
                problems.push(format!(
                    "number {} is in none of the region's texts",
                    found.as_str()
                ));
            }
        }
        for found in self.email.find_iter(reply) {
            if !texts.documents.contains(found.as_str()) {
                problems.push(format!(
                    "e-mail {} is in none of the region's texts",
                    found.as_str()
                ));
            }
        }
        for (amount, unit) in durations_in(&self.duration, reply) {
            if !texts.durations.contains(&(amount, unit)) {
                problems.push(format!(
                    "duration {amount} {unit} is in none of the region's texts"
                ));
            }
        }
        for name in CATEGORY_NAMES {
            // A category the region does not register is named as its rule
            // data names it, to say so; any other only as its documents do.
            let refused = matches!(
                turn["decision"]["status"].as_str(),
                Some("not_eligible" | "not_required")
            );
            let own = texts.documents.contains(name) || refused && texts.rule_data.contains(name);
            if reply.contains(name) && !own {
                problems.push(format!("category {name} is not one of the region's own"));
            }
        }
        let long_term = turn["decision"]["validity"]["end_kind"].as_str() == Some("long_term");
        for (at, _) in reply.match_indices("长期有效") {
            // A passage quoted from the texts may say it; the reply's own
            // words only of a long-term registration.
            let quoted = texts
                .documents
                .contains(&reply[window_start(reply, at, 6)..at + "长期有效".len()]);
            if !long_term && !quoted {
                problems.push("says 长期有效 of a registration that is not long-term".to_string());
            }
        }
        problems
    }
}

/// The clause of `text` that ends at byte `at`: back to the last
/// sentence or clause mark.
fn clause_before(text: &str, at: usize) -> &str {
    let start = text[..at]
        .rfind(['。', '，', '；', '！', '？', '、'])
        .map_or(0, |mark| mark + '，'.len_utf8());
    &text[start..at]
}

/// The byte offset `chars` characters before `at`.
fn window_start(text: &str, at: usize, chars: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .nth(chars - 1)
        .map_or(0, |(offset, _)| offset)
}

/// Whether some line of `documents` names `digits` with 传真 before it in
/// its clause.
fn fax_number_in(documents: &str, number: &Regex, digits: &str) -> bool {
    documents.lines().any(|line| {
        number.find_iter(line).any(|found| {
            let found_digits: String = found
                .as_str()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            found_digits == digits && clause_before(line, found.start()).contains("传真")
        })
    })
}

fn without_separators(number: &Regex, text: &str) -> String {
    number
        .replace_all(text, |caps: &regex::Captures| {
            caps[0]
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        })
        .into_owned()
}

fn durations_in<'a>(
    duration: &'a Regex,
    text: &'a str,
) -> impl Iterator<Item = (u32, &'static str)> + 'a {
    duration.captures_iter(text).filter_map(|caps| {
        let amount = amount(&caps[1])?;
        let unit = match &caps[2] {
            "个工作日" | "工作日" => "working days",
            "个自然日" | "天" => "days",
            "个月" => "months",
            "周" => "weeks",
            _ => "years",
        };
        Some((amount, unit))
    })
}

/// The lengths the rule data gives as values (`months: 6`, `max_days_back:
/// 5`, processing `value: 2` working days).
fn rule_durations(rule_data: &str) -> impl Iterator<Item = (u32, &'static str)> + '_ {
    let months = Regex::new(r"months: ([0-9]+)").unwrap();
    let days = Regex::new(r"(?:days_back|days): ([0-9]+)").unwrap();
    let processing = Regex::new(r"(?m)^\s+(?:[a-z_]+: \{?)?value: ([0-9]+)").unwrap();
    let found: Vec<(u32, &'static str)> = months
        .captures_iter(rule_data)
        .map(|caps| (caps[1].parse().unwrap(), "months"))
        .chain(
            days.captures_iter(rule_data)
                .map(|caps| (caps[1].parse().unwrap(), "days")),
        )
        .chain(
            processing
                .captures_iter(rule_data)
                .map(|caps| (caps[1].parse().unwrap(), "working days")),
        )
        .collect();
    found.into_iter()
}

/// 6, 六, 十二, 两 → the number.
fn amount(text: &str) -> Option<u32> {
    if let Ok(value) = text.parse() {
        return Some(value);
    }
    let digit = |c: char| {
        "零一二三四五六七八九"
            .find(c)
            .map(|at| (at / 3) as u32)
            .or((c == '两').then_some(2))
    };
    match text.chars().collect::<Vec<_>>().as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', unit] => Some(10 + digit(*unit)?),
        [tens, '十'] => Some(10 * digit(*tens)?),
        [tens, '十', unit] => Some(10 * digit(*tens)? + digit(*unit)?),
        _ => None,
    }
}
