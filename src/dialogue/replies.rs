//! Every reply the dialogue speaks, from `intents/templates.yaml`: one
//! typed field per template, each with the placeholders it takes. Loading
//! refuses a missing template, one the dialogue does not know and a
//! placeholder a template does not take, each as `path:line: problem`, so a
//! typo in the file stops the start instead of reaching a caller.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::corpus::{LoadError, Problem};
use crate::dialogue::SessionChannel;
use crate::places::line_of;
use crate::slot_table::PerChannel;

/// One template: its text on each channel, and the placeholders it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    texts: PerChannel<String>,
    placeholders: &'static [&'static str],
}

impl Reply {
    /// The text on `channel` with every `{name}` filled from `values`.
    /// A value the template does not take is a bug in the dialogue.
    pub fn fill(&self, channel: SessionChannel, values: &[(&str, &str)]) -> String {
        let mut text = self.texts.on(channel).clone();
        for (name, value) in values {
            debug_assert!(self.placeholders.contains(name), "no placeholder {name}");
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// The text on `channel`, for a template without placeholders.
    pub fn text(&self, channel: SessionChannel) -> &str {
        debug_assert!(self.placeholders.is_empty());
        self.texts.on(channel)
    }
}

/// Declares the templates: each becomes a field of [`Replies`], with the
/// placeholders its text may use.
macro_rules! replies {
    ($($name:ident: [$($placeholder:ident),*],)*) => {
        /// Every reply template, checked on load.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Replies {
            $(pub $name: Reply,)*
        }

        /// Each template's name and the placeholders it takes.
        const DECLARED: &[(&str, &[&str])] = &[
            $((stringify!($name), &[$(stringify!($placeholder)),*]),)*
        ];

        impl Replies {
            fn from_checked(mut texts: BTreeMap<String, PerChannel<String>>) -> Replies {
                Replies {
                    $($name: Reply {
                        texts: texts.remove(stringify!($name)).expect("checked on load"),
                        placeholders: &[$(stringify!($placeholder)),*],
                    },)*
                }
            }
        }
    };
}

replies! {
    greet: [],
    register_or_ask: [],
    anything_else: [],
    goodbye: [],
    cancel: [],
    handoff: [],
    handoff_waiting: [],
    handoff_not_helped: [],
    handoff_not_understood: [],
    handoff_values_rejected: [],
    handoff_cannot_judge: [],
    cannot_judge: [],
    agent_submitting: [],
    noted: [],
    noted_other: [labels],
    category_heard: [category],
    changed: [changes],
    changed_one: [label, value],
    which_is_wrong: [],
    value_rejected: [label, reason, prompt],
    value_refused_by_rules: [label, reason],
    not_heard: [],
    take_your_time: [],
    take_your_time_again: [],
    confirm_cancel: [],
    confirm_handoff: [],
    existing_registration: [],
    go_on: [],
    confirm_new_registration: [],
    new_registration: [],
    confirm_change: [changes],
    change_from_to: [label, old, new],
    confirm_maternity: [],
    not_changed: [],
    offer_person: [],
    said_again: [reply],
    handoff_waiting_again: [],
    declined_id: [],
    declined_phone: [],
    declined_ways: [ways],
    declined_go_on: [],
    no_answer_found: [],
    out_of_scope: [],
    hukou_question: [place],
    hukou_place_unknown: [],
    name_check: [name],
    materials_question: [materials],
    materials_still_missing: [materials],
    materials_which: [options],
    materials_which_again: [options],
    which_one_of: [some, last],
    which_and: [],
    read_back: [facts],
    basis: [clause],
    not_required: [reason, basis],
    not_eligible: [reason, basis, instead, consult],
    not_eligible_maternity_instead: [],
    not_eligible_instead: [],
    hospital_only: [basis],
    channel_unavailable: [channel, channels, basis],
    this_channel: [],
    accepted: [],
    valid_long_term: [start],
    valid_no_end: [start],
    valid_until: [start, end],
    valid_conditional: [start],
    done_today: [],
    done_by: [deadline],
    fax_form: [copies, contact],
    fax_copies: [materials],
    agency_unnamed: [],
    needs_materials: [materials, how],
    supply_ways: [ways],
    supply_by_fax: [contact],
    supply_online: [channels],
    supply_at_window: [],
    told_ratio_home: [points, basis],
    told_ratio_home_commitment: [points, basis],
    told_ratio_there: [points, basis],
    told_change_lock: [months, date, basis],
    told_supplement: [deadline, materials, basis],
    told_supplement_unnamed: [],
    told_backdated: [start, basis],
    told_backdate_capped: [days, start, basis],
}

/// A template as written: one text for all channels, or one per channel.
#[derive(Deserialize)]
#[serde(untagged)]
enum Written {
    All(String),
    Each(PerChannel<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplatesFile {
    templates: BTreeMap<String, Written>,
}

impl Replies {
    /// Loads and checks `path` (`intents/templates.yaml`).
    pub fn load(path: &Path) -> Result<Replies, LoadError> {
        let problem = |line, message: String| LoadError {
            problems: vec![Problem::new(path, line, message)],
        };
        let text = std::fs::read_to_string(path)
            .map_err(|error| problem(1, format!("cannot read: {error}")))?;
        let file: TemplatesFile = yaml_serde::from_str(&text).map_err(|error| {
            let line = error.location().map_or(1, |location| location.line());
            problem(line, error.to_string())
        })?;
        let texts: BTreeMap<String, PerChannel<String>> = file
            .templates
            .into_iter()
            .map(|(name, written)| {
                let texts = match written {
                    Written::All(text) => PerChannel {
                        phone: text.clone(),
                        widget: text.clone(),
                        agent: text,
                    },
                    Written::Each(texts) => texts,
                };
                (name, texts)
            })
            .collect();
        let problems = check(&texts, path, &text);
        if problems.is_empty() {
            Ok(Replies::from_checked(texts))
        } else {
            Err(LoadError { problems })
        }
    }
}

/// Every template the dialogue needs is there, none it does not know, and
/// each uses only its own placeholders.
fn check(texts: &BTreeMap<String, PerChannel<String>>, path: &Path, file: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (name, _) in DECLARED {
        if !texts.contains_key(*name) {
            problems.push(Problem::new(path, 1, format!("missing template {name}")));
        }
    }
    let placeholder = regex::Regex::new(r"\{([^{}]*)\}").expect("valid pattern");
    for (name, texts) in texts {
        let line = line_of(file, &format!("  {name}:"));
        let Some((_, allowed)) = DECLARED.iter().find(|(known, _)| known == name) else {
            problems.push(Problem::new(path, line, format!("unknown template {name}")));
            continue;
        };
        for text in [&texts.phone, &texts.widget, &texts.agent] {
            for found in placeholder.captures_iter(text) {
                let used = &found[1];
                if !allowed.contains(&used) {
                    let takes = if allowed.is_empty() {
                        "none".to_string()
                    } else {
                        allowed.join(", ")
                    };
                    problems.push(Problem::new(
                        path,
                        line_after(file, line, text),
                        format!(
                            "template {name}: unknown placeholder {{{used}}} (it takes {takes})"
                        ),
                    ));
                }
            }
            if text.matches('{').count() != text.matches('}').count() {
                problems.push(Problem::new(
                    path,
                    line,
                    format!("template {name}: unbalanced braces"),
                ));
            }
        }
    }
    problems.sort_by_key(|problem| problem.line);
    problems.dedup();
    problems
}

/// The first line at or after `start` that holds `needle`; `start` when
/// none does (a text folded over several lines).
fn line_after(file: &str, start: usize, needle: &str) -> usize {
    file.lines()
        .enumerate()
        .skip(start.saturating_sub(1))
        .find(|(_, line)| line.contains(needle))
        .map_or(start, |(index, _)| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/templates.yaml")
    }

    fn broken(edit: impl Fn(&str) -> String) -> String {
        let text = edit(&std::fs::read_to_string(file()).unwrap());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("templates.yaml");
        std::fs::write(&path, text).unwrap();
        Replies::load(&path).unwrap_err().to_string()
    }

    #[test]
    fn the_templates_load_and_fill() {
        let replies = Replies::load(&file()).unwrap_or_else(|error| panic!("{error}"));
        let said = replies
            .category_heard
            .fill(SessionChannel::Phone, &[("category", "异地转诊人员")]);
        assert_eq!(said, "好的，您这种情况属于异地转诊人员。");
        assert_ne!(
            replies.greet.text(SessionChannel::Phone),
            replies.greet.text(SessionChannel::Widget)
        );
    }

    #[test]
    fn an_unknown_placeholder_is_a_path_line_error() {
        let message = broken(|text| text.replace("属于{category}", "属于{categroy}"));
        let line = std::fs::read_to_string(file())
            .unwrap()
            .lines()
            .position(|line| line.contains("属于{category}"))
            .unwrap()
            + 1;
        assert!(
            message.contains(&format!(
                "templates.yaml:{line}: template category_heard: unknown placeholder {{categroy}} (it takes category)"
            )),
            "{message}"
        );
    }

    #[test]
    fn a_missing_or_unknown_template_is_an_error() {
        let message = broken(|text| {
            text.lines()
                .filter(|line| !line.starts_with("  goodbye:"))
                .collect::<Vec<_>>()
                .join("\n")
        });
        assert!(
            message.contains("templates.yaml:1: missing template goodbye"),
            "{message}"
        );
        let message = broken(|text| format!("{text}  farewell: 再见\n"));
        assert!(message.contains("unknown template farewell"), "{message}");
    }
}
