//! The Application's slots as data, from `intents/slots.yaml`: the one list
//! of them, with each slot's label, when the dialogue asks it, how a
//! read-back says it, and its prompts per channel. The dialogue, the
//! printable form and the web pages (`GET /v1/slots`) all read this table.
//!
//! Loading reports every problem as `path:line: problem`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::corpus::{LoadError, Problem};
use crate::dialogue::SessionChannel;
use crate::places::line_of;

/// At least this many reprompts per slot and channel (escalation).
pub const MIN_REPROMPTS: usize = 2;
/// A phone prompt is read aloud: it must stay short.
pub const MAX_PHONE_PROMPT_CHARS: usize = 60;

/// The kind of value a slot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotKind {
    Region,
    Scheme,
    Insurance,
    Category,
    /// A whole destination (province and city).
    Place,
    Province,
    City,
    Channel,
    Materials,
    Boolean,
    Date,
    Name,
    IdNumber,
    Phone,
    Address,
}

/// When the dialogue asks a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ask {
    /// When the rules name it among the Decision's `missing_facts`.
    WhenNeeded,
    /// Only on a phone or fax registration, where the hotline fills in
    /// the 备案表 and needs its fields.
    PhoneFax,
    /// Never: the session sets it, or only an agent edits it.
    Never,
}

/// One value for each session channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerChannel<T> {
    pub phone: T,
    pub widget: T,
    pub agent: T,
}

impl<T> PerChannel<T> {
    pub fn on(&self, channel: SessionChannel) -> &T {
        match channel {
            SessionChannel::Phone => &self.phone,
            SessionChannel::Widget => &self.widget,
            SessionChannel::Agent => &self.agent,
        }
    }

    fn each(&self) -> [(&'static str, &T); 3] {
        [
            ("phone", &self.phone),
            ("widget", &self.widget),
            ("agent", &self.agent),
        ]
    }
}

/// One slot of the Application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// The dotted wire name, e.g. `applicant.phone`.
    pub path: String,
    #[serde(rename = "type")]
    pub kind: SlotKind,
    /// Its one name, wherever a person sees or hears it.
    pub label: String,
    pub ask: Ask,
    /// How a read-back says it; `{value}` is the value in words. A slot
    /// without one is not read back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_back: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<PerChannel<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reprompts: Option<PerChannel<Vec<String>>>,
    /// The first question when the caller acts for someone else: about
    /// him or her (他), not the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_someone: Option<PerChannel<String>>,
    /// Quick replies for the widget and the agent's screen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
}

/// What a prompt says and, on the widget, the quick replies it offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prompt {
    pub text: String,
    pub suggestions: Vec<String>,
}

/// Every slot, in the order a read-back says them and the form lists them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlotTable {
    slots: Vec<Slot>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlotsFile {
    slots: Vec<Slot>,
}

impl SlotTable {
    /// Loads and checks `path` (`intents/slots.yaml`).
    pub fn load(path: &Path) -> Result<SlotTable, LoadError> {
        let problem = |line, message: String| LoadError {
            problems: vec![Problem::new(path, line, message)],
        };
        let text = std::fs::read_to_string(path)
            .map_err(|error| problem(1, format!("cannot read: {error}")))?;
        let file: SlotsFile = yaml_serde::from_str(&text).map_err(|error| {
            let line = error.location().map_or(1, |location| location.line());
            problem(line, error.to_string())
        })?;
        let problems = check(&file.slots, path, &text);
        if problems.is_empty() {
            Ok(SlotTable { slots: file.slots })
        } else {
            Err(LoadError { problems })
        }
    }

    /// Every slot, in table order.
    pub fn iter(&self) -> impl Iterator<Item = &Slot> {
        self.slots.iter()
    }

    pub fn get(&self, path: &str) -> Option<&Slot> {
        self.slots.iter().find(|slot| slot.path == path)
    }

    /// A slot's label (`applicant.phone` → 联系电话); the path itself for a
    /// name the table does not know.
    pub fn label<'a>(&'a self, path: &'a str) -> &'a str {
        self.get(path).map_or(path, |slot| slot.label.as_str())
    }

    /// The slots a change is reported for: a group (`destination`) stands
    /// for its parts.
    pub fn reported(&self) -> impl Iterator<Item = &Slot> {
        self.slots.iter().filter(|slot| {
            !self
                .slots
                .iter()
                .any(|group| slot.path.starts_with(&format!("{}.", group.path)))
        })
    }

    /// The first question for `slot` about someone the caller acts for,
    /// if the table words it so.
    pub fn prompt_for_someone(&self, path: &str, channel: SessionChannel) -> Option<&str> {
        Some(self.get(path)?.for_someone.as_ref()?.on(channel).as_str())
    }

    /// The question for `slot` on `channel`: attempt 0 is the first ask,
    /// 1, 2… the escalating reprompts (the last one repeats). Quick replies
    /// go with widget and agent prompts. `None` for a slot never asked.
    pub fn prompt(&self, path: &str, channel: SessionChannel, attempt: u32) -> Option<Prompt> {
        let slot = self.get(path)?;
        let first = slot.prompt.as_ref()?.on(channel);
        let reprompts = slot.reprompts.as_ref()?.on(channel);
        let text = match attempt {
            0 => first,
            n => reprompts
                .get(n as usize - 1)
                .or(reprompts.last())
                .unwrap_or(first),
        };
        let suggestions = match channel {
            SessionChannel::Phone => Vec::new(),
            SessionChannel::Widget | SessionChannel::Agent => slot.suggestions.clone(),
        };
        Some(Prompt {
            text: text.clone(),
            suggestions,
        })
    }
}

/// Every problem in the table: asked slots need prompts and escalating
/// reprompts on every channel, phone prompts are short and plain, a
/// read-back names its `{value}`, no path twice.
fn check(slots: &[Slot], path: &Path, text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut add = |line, message: String| problems.push(Problem::new(path, line, message));
    for (index, slot) in slots.iter().enumerate() {
        let name = &slot.path;
        let line = line_of(text, &format!("path: {name}"));
        if slots[..index].iter().any(|other| other.path == *name) {
            add(line, format!("slot {name} is listed twice"));
        }
        if let Some(read_back) = &slot.read_back
            && !read_back.contains("{value}")
        {
            add(line, format!("slot {name}: read_back must say {{value}}"));
        }
        let (prompt, reprompts) = match (&slot.ask, &slot.prompt, &slot.reprompts) {
            (Ask::Never, None, None) => continue,
            (Ask::Never, _, _) => {
                add(
                    line,
                    format!("slot {name} is never asked: it has no prompts"),
                );
                continue;
            }
            (_, Some(prompt), Some(reprompts)) => (prompt, reprompts),
            _ => {
                add(
                    line,
                    format!("slot {name} is asked: it needs prompt and reprompts"),
                );
                continue;
            }
        };
        for (channel, reprompts) in reprompts.each() {
            if reprompts.len() < MIN_REPROMPTS {
                add(
                    line,
                    format!("slot {name}: {channel} needs at least {MIN_REPROMPTS} reprompts"),
                );
            }
        }
        for phone in std::iter::once(&prompt.phone).chain(&reprompts.phone) {
            if phone.chars().count() > MAX_PHONE_PROMPT_CHARS {
                add(
                    line_of(text, phone),
                    format!(
                        "slot {name}: phone prompt longer than {MAX_PHONE_PROMPT_CHARS} characters"
                    ),
                );
            }
            if ["\n", "*", "1.", "#"]
                .iter()
                .any(|mark| phone.contains(mark))
            {
                add(
                    line_of(text, phone),
                    format!("slot {name}: phone prompts are spoken: no lists or markup"),
                );
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Applicant, Application, Destination};

    fn table() -> SlotTable {
        SlotTable::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/slots.yaml"))
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// The dotted paths of every leaf of a JSON object.
    fn leaves(value: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
        match value.as_object() {
            Some(object) => {
                for (key, value) in object {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    leaves(value, &path, out);
                }
            }
            None => out.push(prefix.to_string()),
        }
    }

    #[test]
    fn the_table_names_every_field_of_the_application_and_nothing_else() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23);
        // Every field set, so that serialising shows all of them.
        let full = Application {
            region: "r".into(),
            scheme: Some(crate::rules::Scheme::General),
            insurance: Some(crate::rules::Insurance::Employee),
            category: Some(crate::rules::Category::Referral),
            destination: Some(Destination {
                province: Some("p".into()),
                city: Some("c".into()),
            }),
            submit_via: Some(crate::rules::Channel::Phone),
            materials: Some(vec![]),
            by_proxy: Some(false),
            apply_date: day,
            admission_date: day,
            transfer_start_date: day,
            incurred_costs_at_destination: Some(false),
            applicant: Some(Applicant {
                name: Some("n".into()),
                id_number: crate::rules::IdNumber::parse("440304197812032012").ok(),
                phone: crate::rules::Phone::parse("13800138000").ok(),
                address: Some("a".into()),
            }),
        };
        let mut fields = Vec::new();
        leaves(&serde_json::to_value(&full).unwrap(), "", &mut fields);
        let table = table();
        for field in &fields {
            assert!(table.get(field).is_some(), "{field} is not in slots.yaml");
        }
        for slot in table.iter() {
            let is_field = fields.contains(&slot.path);
            let is_group = fields
                .iter()
                .any(|f| f.starts_with(&format!("{}.", slot.path)));
            assert!(
                is_field || is_group,
                "{} is no Application field",
                slot.path
            );
        }
        assert!(table.reported().any(|slot| slot.path == "destination"));
        assert!(!table.reported().any(|slot| slot.path == "destination.city"));
    }

    #[test]
    fn prompts_escalate_and_the_last_repeats() {
        let table = table();
        for slot in table.iter().filter(|slot| slot.ask != Ask::Never) {
            for channel in [
                SessionChannel::Phone,
                SessionChannel::Widget,
                SessionChannel::Agent,
            ] {
                let at = |attempt| table.prompt(&slot.path, channel, attempt).unwrap().text;
                assert_ne!(at(0), at(1), "{} {channel:?}", slot.path);
                assert_ne!(at(1), at(2), "{} {channel:?}", slot.path);
                assert_eq!(at(9), at(2), "{} {channel:?}", slot.path);
            }
        }
        assert!(table.prompt("region", SessionChannel::Phone, 0).is_none());
        let phone = table.prompt("insurance", SessionChannel::Phone, 0).unwrap();
        assert!(phone.suggestions.is_empty());
        let widget = table
            .prompt("insurance", SessionChannel::Widget, 0)
            .unwrap();
        assert_eq!(widget.suggestions, ["职工医保", "城乡居民医保"]);
    }

    fn broken(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("slots.yaml");
        std::fs::write(&path, text).unwrap();
        SlotTable::load(&path).unwrap_err().to_string()
    }

    #[test]
    fn problems_are_reported_as_path_line_problem() {
        let few = "slots:\n  - path: insurance\n    type: insurance\n    label: 参保险种\n    ask: when_needed\n    prompt: {phone: 您是哪种医保？, widget: 险种？, agent: 险种？}\n    reprompts: {phone: [再说一下], widget: [a, b], agent: [a, b]}\n";
        let message = broken(few);
        assert!(
            message.contains("slots.yaml:2: slot insurance: phone needs at least 2 reprompts"),
            "{message}"
        );
        let unasked =
            "slots:\n  - path: region\n    type: region\n    label: 参保地\n    ask: when_needed\n";
        assert!(broken(unasked).contains("slots.yaml:2: slot region is asked"));
        let typo =
            "slots:\n  - path: region\n    type: regoin\n    label: 参保地\n    ask: never\n";
        assert!(broken(typo).contains("slots.yaml:3:"), "{}", broken(typo));
    }
}
