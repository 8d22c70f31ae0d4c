//! The read-back as a caller hears it: the facts between the template's
//! opening and its question (`read_back` in `intents/templates.yaml`), and
//! which slot each fact is about, from the words around the value in the
//! slot table (`intents/slots.yaml`). What the caller expects to hear is
//! the read-back of what they hold, said by the same table.

use hotline::Assistant;
use hotline::dialogue::{SessionChannel, outcome, speech};
use hotline::rules::{Application, Insurance, Scheme};

/// Stands for the facts when the template is filled, to find its two ends.
const FACTS: &str = "\u{1}";

pub struct ReadBack {
    channel: SessionChannel,
    opening: String,
    question: String,
    /// Each slot read back, with the words before and after its value.
    patterns: Vec<(String, String, String)>,
    /// Slots read back as the bare value, with the values they can take;
    /// none for a free value (the name).
    bare_values: Vec<(String, Vec<String>)>,
}

impl ReadBack {
    pub fn new(assistant: &Assistant, channel: SessionChannel) -> ReadBack {
        let filled = assistant
            .replies
            .read_back
            .fill(channel, &[("facts", FACTS)]);
        let (opening, question) = filled.split_once(FACTS).expect("read_back says the facts");
        let patterns: Vec<(String, String, String)> = assistant
            .slots
            .iter()
            .filter_map(|slot| {
                let (before, after) = slot.read_back.as_ref()?.split_once("{value}")?;
                Some((slot.path.clone(), before.to_string(), after.to_string()))
            })
            .collect();
        // Two Applications between them holding each value of the slots
        // said as a closed set of words (险种, 业务类别, 是否代办…).
        let probes = [
            Application {
                insurance: Some(Insurance::Employee),
                scheme: Some(Scheme::General),
                by_proxy: Some(true),
                incurred_costs_at_destination: Some(true),
                ..Application::default()
            },
            Application {
                insurance: Some(Insurance::Resident),
                scheme: Some(Scheme::Maternity),
                by_proxy: Some(false),
                incurred_costs_at_destination: Some(false),
                ..Application::default()
            },
        ];
        let bare_values = patterns
            .iter()
            .filter(|(_, before, after)| before.is_empty() && after.is_empty())
            .map(|(path, _, _)| {
                let values = probes
                    .iter()
                    .filter_map(|probe| speech::slot_value(assistant, probe, path, channel))
                    .collect();
                (path.clone(), values)
            })
            .collect();
        ReadBack {
            channel,
            opening: opening.to_string(),
            question: question.to_string(),
            patterns,
            bare_values,
        }
    }

    /// The facts of the read-back in `reply`, if it has one; the items of
    /// a list (材料有户口簿、身份证) in a set order.
    pub fn facts(&self, reply: &str) -> Option<Vec<String>> {
        let start = reply.find(&self.opening)? + self.opening.len();
        let rest = &reply[start..];
        let end = rest.find(&self.question)?;
        Some(
            rest[..end]
                .split('，')
                .map(|fact| self.in_order(fact))
                .collect(),
        )
    }

    /// The facts a read-back of `application` says.
    pub fn facts_of(&self, assistant: &Assistant, application: &Application) -> Vec<String> {
        self.facts(&outcome::read_back(assistant, application, self.channel))
            .unwrap_or_default()
    }

    /// The slot a fact of a read-back is about, with the words around
    /// its value, if any.
    fn framed(&self, fact: &str) -> Option<&(String, String, String)> {
        self.patterns.iter().find(|(_, before, after)| {
            !(before.is_empty() && after.is_empty())
                && fact.len() > before.len() + after.len()
                && fact.starts_with(before.as_str())
                && fact.ends_with(after.as_str())
        })
    }

    /// The items of a fact's value (材料有户口簿、身份证 → 户口簿, 身份证).
    pub fn values(&self, fact: &str) -> Vec<String> {
        let (before, after) = self.framed(fact).map_or(("", ""), |(_, before, after)| {
            (before.as_str(), after.as_str())
        });
        fact[before.len()..fact.len() - after.len()]
            .split('、')
            .map(str::to_string)
            .collect()
    }

    /// A fact with the items of its value (split at 、: 材料有户口簿、身份证)
    /// in sorted order, so two lists of the same items compare equal.
    fn in_order(&self, fact: &str) -> String {
        let (before, after) = self.framed(fact).map_or(("", ""), |(_, before, after)| {
            (before.as_str(), after.as_str())
        });
        let mut items = self.values(fact);
        items.sort_unstable();
        format!("{before}{}{after}", items.join("、"))
    }

    /// The slot a fact of a read-back is about.
    pub fn slot_of<'a>(&'a self, fact: &str) -> &'a str {
        if let Some((path, _, _)) = self.framed(fact) {
            return path;
        }
        let closed = self
            .bare_values
            .iter()
            .find(|(_, values)| values.iter().any(|value| value == fact));
        let free = || {
            self.bare_values
                .iter()
                .find(|(_, values)| values.is_empty())
        };
        closed.or_else(free).map_or("", |(path, _)| path.as_str())
    }
}
