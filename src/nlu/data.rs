//! Reading `intents/`: one file per intent under `examples/`, the words
//! that name facts in `entities.yaml`, the caller's situations and the
//! categories they point to in `situations.yaml`, surnames and name cues in
//! `names.yaml` (the slots are `crate::slot_table`'s, the replies
//! `dialogue::replies`'). Every problem is reported as `path:line: problem`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jieba_rs::Jieba;

use serde::Deserialize;

use super::cues::Cues;
use super::intent::Intent;
use super::names::Names;
use super::situation::Situations;
use crate::corpus::{LoadError, Problem};
use crate::places::line_of;

/// At least this many examples per intent: fewer make a poor neighbour set.
pub const MIN_EXAMPLES: usize = 40;
/// One intent file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentFile {
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub cues: Vec<String>,
    /// Short replies that mean this intent when a yes/no question is
    /// pending (中, 要得), whatever they would mean on their own.
    #[serde(default)]
    pub replies: Vec<String>,
    /// Words one of which the caller says whenever they mean this intent
    /// (a correction says 错, 不对 or 改): without any, it is not this one.
    #[serde(default)]
    pub needs: Vec<String>,
    /// Words with which the caller declines this intent (不用转人工): with
    /// any of them, it is not this one.
    #[serde(default)]
    pub declined_by: Vec<String>,
    /// When the caller says one of `when` (问问, 上次备案) and none of
    /// `unless`, this intent leads over the others of its rank.
    #[serde(default)]
    pub leads: Leads,
    pub examples: Vec<String>,
}

/// See [`IntentFile::leads`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leads {
    #[serde(default)]
    pub when: Vec<String>,
    #[serde(default)]
    pub unless: Vec<String>,
}

/// Everything under `intents/`, validated.
pub struct IntentData {
    /// One file per [`Intent`] that has examples, each with its intent.
    pub intents: Vec<(Intent, IntentFile)>,
    pub cues: Cues,
    pub situations: Situations,
    pub names: Names,
}

/// Problems collected while loading, reported together.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, path: &Path, line: usize, message: impl Into<String>) {
        self.0.push(Problem {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        });
    }
}

/// Loads and checks `intents_dir`; `jieba` tags the words of names.
pub fn load(intents_dir: &Path, jieba: Arc<Jieba>) -> Result<IntentData, LoadError> {
    let mut problems = Problems::default();
    let intents = load_intents(&intents_dir.join("examples"), &mut problems);
    let cues = super::cues::load(&intents_dir.join("entities.yaml"), &mut problems.0);
    let situations = super::situation::load(&intents_dir.join("situations.yaml"), &mut problems.0);
    let names = super::names::load(&intents_dir.join("names.yaml"), jieba, &mut problems.0);
    match (cues, situations, names) {
        (Some(mut cues), Some(situations), Some(names)) if problems.0.is_empty() => {
            cues.acts.name_cues = names.reply_cues();
            Ok(IntentData {
                intents,
                names: names.with_relatives(&cues.relatives),
                cues,
                situations,
            })
        }
        _ => Err(LoadError {
            problems: problems.0,
        }),
    }
}

fn read_yaml<T: serde::de::DeserializeOwned>(
    path: &Path,
    problems: &mut Problems,
) -> Option<(T, String)> {
    read_yaml_file(path, &mut problems.0)
}

/// Reads and parses one YAML file, with its text for line numbers; a
/// problem names the file and line.
pub(crate) fn read_yaml_file<T: serde::de::DeserializeOwned>(
    path: &Path,
    problems: &mut Vec<Problem>,
) -> Option<(T, String)> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            problems.push(Problem::new(path, 1, format!("cannot read: {error}")));
            return None;
        }
    };
    match yaml_serde::from_str(&text) {
        Ok(value) => Some((value, text)),
        Err(error) => {
            let line = error.location().map_or(1, |location| location.line());
            problems.push(Problem::new(path, line, error.to_string()));
            None
        }
    }
}

fn load_intents(dir: &Path, problems: &mut Problems) -> Vec<(Intent, IntentFile)> {
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
            .collect(),
        Err(error) => {
            problems.add(dir, 1, format!("cannot read the intent directory: {error}"));
            return Vec::new();
        }
    };
    paths.sort();
    let mut intents: Vec<(Intent, IntentFile)> = Vec::new();
    // Example text → (intent, path) to catch one example under two intents.
    let mut seen: BTreeMap<String, (String, PathBuf)> = BTreeMap::new();
    for path in paths {
        let Some((intent, text)) = read_yaml::<IntentFile>(&path, problems) else {
            continue;
        };
        let stem = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default();
        let known = match intent.name.parse::<Intent>() {
            Ok(known) if known.has_examples() => Some(known),
            Ok(_) => {
                problems.add(
                    &path,
                    line_of(&text, "name:"),
                    format!(
                        "intent {} is given when nothing matches; it takes no examples",
                        intent.name
                    ),
                );
                None
            }
            Err(unknown) => {
                problems.add(&path, line_of(&text, "name:"), unknown.to_string());
                None
            }
        };
        if intent.name != stem {
            problems.add(
                &path,
                line_of(&text, "name:"),
                format!(
                    "intent {} must be in a file named {}.yaml",
                    intent.name, intent.name
                ),
            );
        }
        if intent.examples.len() < MIN_EXAMPLES {
            problems.add(
                &path,
                line_of(&text, "examples:"),
                format!(
                    "intent {} has {} examples; it needs at least {MIN_EXAMPLES}",
                    intent.name,
                    intent.examples.len()
                ),
            );
        }
        for example in &intent.examples {
            let line = line_of(&text, example);
            if example.trim().is_empty() {
                problems.add(&path, line, "empty example");
            } else if let Some((other, other_path)) = seen.get(example.trim()) {
                if *other != intent.name {
                    problems.add(
                        &path,
                        line,
                        format!(
                            "example {example} is also an example of {other} ({})",
                            other_path.display()
                        ),
                    );
                }
            } else {
                seen.insert(
                    example.trim().to_string(),
                    (intent.name.clone(), path.clone()),
                );
            }
        }
        if let Some(known) = known {
            intents.push((known, intent));
        }
    }
    for missing in Intent::ALL
        .into_iter()
        .filter(|intent| intent.has_examples() && !intents.iter().any(|(known, _)| known == intent))
    {
        problems.add(
            &dir.join(format!("{missing}.yaml")),
            1,
            format!("missing: intent {missing} needs a file of examples"),
        );
    }
    intents
}
