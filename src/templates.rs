//! Reply templates as data: a YAML file of named texts, one per channel or
//! one for all, each with the `{placeholders}` it takes. A set of templates
//! is declared once with [`templates!`]: that gives it a struct with one
//! typed field per template, and a loader that refuses a missing template,
//! one the code does not know and a placeholder a template does not take,
//! each as `path:line: problem`, so a typo in the file stops the start
//! instead of reaching a caller. The dialogue's replies
//! (`intents/templates.yaml`) and the answers' sentences
//! (`intents/answers.yaml`) are two such sets.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::corpus::{LoadError, Problem};
use crate::dialogue::SessionChannel;
use crate::places::line_of;
use crate::slot_table::PerChannel;

/// One template: its text on each channel, and the placeholders it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    texts: PerChannel<String>,
    placeholders: &'static [&'static str],
}

impl Template {
    /// A checked template (see [`load`]).
    pub fn new(texts: PerChannel<String>, placeholders: &'static [&'static str]) -> Template {
        Template {
            texts,
            placeholders,
        }
    }

    /// The text on `channel` with every `{name}` filled from `values`.
    /// A value the template does not take is a bug in the code.
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

    /// The text of a template written once for every channel, filled.
    pub fn said(&self, values: &[(&str, &str)]) -> String {
        self.fill(SessionChannel::Phone, values)
    }
}

/// Declares a set of templates: a struct with one [`Template`] field per
/// name, the placeholders each takes, and `load(path)`.
macro_rules! templates {
    ($(#[$meta:meta])* $set:ident { $($name:ident: [$($placeholder:ident),*],)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $set {
            $(pub $name: $crate::templates::Template,)*
        }

        impl $set {
            /// Each template's name and the placeholders it takes.
            pub const DECLARED: &'static [(&'static str, &'static [&'static str])] = &[
                $((stringify!($name), &[$(stringify!($placeholder)),*]),)*
            ];

            /// Loads and checks `path`: every template given, none
            /// unknown, each with only its own placeholders.
            pub fn load(path: &std::path::Path) -> Result<$set, $crate::corpus::LoadError> {
                let mut texts = $crate::templates::load(path, Self::DECLARED)?;
                Ok($set {
                    $($name: $crate::templates::Template::new(
                        texts.remove(stringify!($name)).expect("checked on load"),
                        &[$(stringify!($placeholder)),*],
                    ),)*
                })
            }
        }
    };
}
pub(crate) use templates;

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

/// Reads `path` (`templates:` name → text) and checks it against
/// `declared`; the texts by name, each on every channel.
pub fn load(
    path: &Path,
    declared: &[(&str, &[&str])],
) -> Result<BTreeMap<String, PerChannel<String>>, LoadError> {
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
    let problems = check(declared, &texts, path, &text);
    if problems.is_empty() {
        Ok(texts)
    } else {
        Err(LoadError { problems })
    }
}

/// Every declared template is there, none undeclared, and each uses only
/// its own placeholders.
fn check(
    declared: &[(&str, &[&str])],
    texts: &BTreeMap<String, PerChannel<String>>,
    path: &Path,
    file: &str,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (name, _) in declared {
        if !texts.contains_key(*name) {
            problems.push(Problem::new(path, 1, format!("missing template {name}")));
        }
    }
    let placeholder = regex::Regex::new(r"\{([^{}]*)\}").expect("valid pattern");
    for (name, texts) in texts {
        let line = line_of(file, &format!("  {name}:"));
        let Some((_, allowed)) = declared.iter().find(|(known, _)| known == name) else {
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
