//! The intent classifier against a test set kept apart from the examples.

use std::collections::HashSet;
use std::path::Path;

use hotline::nlu::Intent;
use serde::Deserialize;

use super::{nlu, today};

#[derive(Deserialize)]
struct Case {
    text: String,
    intent: Intent,
    #[serde(default)]
    also: Vec<Intent>,
}

fn cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nlu/intent_cases.yaml");
    yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_test_set_is_disjoint_from_the_examples() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/examples");
    let mut examples = HashSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            if let Some(example) = line.trim().strip_prefix("- ") {
                examples.insert(example.trim().to_string());
            }
        }
    }
    for case in cases() {
        assert!(
            !examples.contains(&case.text),
            "{} is an example",
            case.text
        );
    }
}

#[test]
fn classifies_at_least_95_percent_of_the_test_set() {
    let nlu = nlu();
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        let understanding = nlu.understand(&case.text, today());
        let shown: Vec<Intent> = understanding
            .intents
            .iter()
            .map(|(intent, _)| *intent)
            .collect();
        let right = understanding.intent == case.intent
            && case.also.iter().all(|also| shown.contains(also));
        if !right {
            failures.push(format!(
                "{}: expected {} {:?}, got {} {:?}",
                case.text, case.intent, case.also, understanding.intent, understanding.intents
            ));
        }
    }
    let accuracy = 1.0 - failures.len() as f32 / cases.len() as f32;
    assert!(
        accuracy >= 0.95,
        "accuracy {:.1} % on {} cases:\n{}",
        accuracy * 100.0,
        cases.len(),
        failures.join("\n")
    );
    // Shown even when passing, with --nocapture, to keep an eye on drift.
    println!(
        "intent accuracy {:.1} % ({} cases)\n{}",
        accuracy * 100.0,
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn gibberish_falls_back_below_the_threshold() {
    let understanding = nlu().understand("呜哩哇啦咕噜咕噜", today());
    assert_eq!(understanding.intent, Intent::Unknown, "{understanding:?}");
}
