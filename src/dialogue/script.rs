//! Scripted dialogue tests (contract §4): the YAML format, the subset
//! match, and a runner that drives any `Driver` — the engine in-process for
//! `hotline test-dialogues`, or the HTTP API in the integration tests.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::nlu::Intent;

/// One script file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    pub name: String,
    pub region: String,
    pub channel: super::SessionChannel,
    pub today: chrono::NaiveDate,
    pub turns: Vec<ScriptTurn>,
    #[serde(default, rename = "final")]
    pub final_expect: Option<FinalExpect>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptTurn {
    pub user: String,
    #[serde(default)]
    pub expect: Option<TurnExpect>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TurnExpect {
    pub intent: Option<Intent>,
    pub state: Option<String>,
    #[serde(default)]
    pub reply_contains: Vec<String>,
    #[serde(default)]
    pub reply_contains_any: Vec<String>,
    #[serde(default)]
    pub reply_not_contains: Vec<String>,
    pub slots: Option<Value>,
    /// Subset of the turn's decision.
    pub decision: Option<Value>,
    /// Whether the turn carries quick-reply `suggestions` (widget, agent).
    pub suggestions: Option<bool>,
    /// Whether the turn carries search `passages` (answers on the agent screen).
    pub passages: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinalExpect {
    pub state: Option<String>,
    pub slots: Option<Value>,
    pub decision: Option<Value>,
}

/// What the runner talks to. Replies are the contract's JSON shapes.
pub trait Driver {
    /// Opens a session; returns the greeting turn (`{"reply", …}`).
    fn start(&mut self, script: &Script) -> Result<Value, String>;
    /// Sends one caller utterance; returns the Turn.
    fn send(&mut self, text: &str) -> Result<Value, String>;
    /// The session as `GET /v1/sessions/{id}` shows it.
    fn session(&mut self) -> Result<Value, String>;
}

/// The outcome of one script: every mismatch, each in a readable line.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub failures: Vec<String>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Parses a script, naming the file and line on error.
pub fn parse(path: &str, text: &str) -> Result<Script, String> {
    yaml_serde::from_str(text).map_err(|error| {
        let line = error.location().map(|at| at.line()).unwrap_or(1);
        format!("{path}:{line}: {error}")
    })
}

/// Runs every turn and the final check, collecting all mismatches rather
/// than stopping at the first, so a failing script shows the whole story.
pub fn run(script: &Script, driver: &mut dyn Driver) -> Outcome {
    let mut failures = Vec::new();
    if let Err(error) = driver.start(script) {
        failures.push(format!("start: {error}"));
        return Outcome {
            name: script.name.clone(),
            failures,
        };
    }
    for (index, turn) in script.turns.iter().enumerate() {
        let label = format!("turn {} «{}»", index + 1, turn.user);
        let reply = match driver.send(&turn.user) {
            Ok(reply) => reply,
            Err(error) => {
                failures.push(format!("{label}: {error}"));
                break;
            }
        };
        if let Some(expect) = &turn.expect {
            for problem in check_turn(expect, &reply) {
                failures.push(format!("{label}: {problem}"));
            }
        }
    }
    if let Some(expect) = &script.final_expect {
        match driver.session() {
            Ok(session) => {
                for problem in check_final(expect, &session) {
                    failures.push(format!("final: {problem}"));
                }
            }
            Err(error) => failures.push(format!("final: {error}")),
        }
    }
    Outcome {
        name: script.name.clone(),
        failures,
    }
}

fn check_turn(expect: &TurnExpect, turn: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let reply = turn.get("reply").and_then(Value::as_str).unwrap_or("");
    let field = |name: &str| turn.get(name).and_then(Value::as_str).unwrap_or("");
    if let Some(intent) = expect.intent
        && field("intent") != intent.name()
    {
        problems.push(format!(
            "intent: expected {intent}, got {}",
            field("intent")
        ));
    }
    if let Some(state) = &expect.state
        && field("state") != state
    {
        problems.push(format!("state: expected {state}, got {}", field("state")));
    }
    for needle in &expect.reply_contains {
        if !reply.contains(needle.as_str()) {
            problems.push(format!("reply lacks «{needle}»: {reply}"));
        }
    }
    if !expect.reply_contains_any.is_empty()
        && !expect
            .reply_contains_any
            .iter()
            .any(|needle| reply.contains(needle.as_str()))
    {
        problems.push(format!(
            "reply has none of {:?}: {reply}",
            expect.reply_contains_any
        ));
    }
    for needle in &expect.reply_not_contains {
        if reply.contains(needle.as_str()) {
            problems.push(format!("reply must not contain «{needle}»: {reply}"));
        }
    }
    for (name, wanted) in [
        ("suggestions", expect.suggestions),
        ("passages", expect.passages),
    ] {
        let present = turn
            .get(name)
            .and_then(Value::as_array)
            .is_some_and(|list| !list.is_empty());
        match wanted {
            Some(true) if !present => problems.push(format!("{name}: expected some, got none")),
            Some(false) if present => problems.push(format!("{name}: expected none, got some")),
            _ => {}
        }
    }
    if let Some(slots) = &expect.slots {
        subset(
            "slots",
            slots,
            turn.get("slots").unwrap_or(&Value::Null),
            &mut problems,
        );
    }
    if let Some(decision) = &expect.decision {
        subset(
            "decision",
            decision,
            turn.get("decision").unwrap_or(&Value::Null),
            &mut problems,
        );
    }
    problems
}

fn check_final(expect: &FinalExpect, session: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(state) = &expect.state {
        let got = session.get("state").and_then(Value::as_str).unwrap_or("");
        if got != state {
            problems.push(format!("state: expected {state}, got {got}"));
        }
    }
    if let Some(slots) = &expect.slots {
        subset(
            "slots",
            slots,
            session.get("slots").unwrap_or(&Value::Null),
            &mut problems,
        );
    }
    if let Some(decision) = &expect.decision {
        subset(
            "decision",
            decision,
            session.get("decision").unwrap_or(&Value::Null),
            &mut problems,
        );
    }
    problems
}

/// Contract §4 subset match: every key given must be present and equal,
/// recursively for objects; lists and scalars must be equal. YAML scalars
/// are compared by value, so `2026-11-23` matches the string date.
pub fn subset(path: &str, expected: &Value, actual: &Value, problems: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            for (key, value) in expected {
                let path = format!("{path}.{key}");
                match actual.get(key) {
                    Some(found) => subset(&path, value, found, problems),
                    None if value.is_null() => {}
                    None => problems.push(format!("{path}: expected {value}, missing")),
                }
            }
        }
        (Value::Object(_), other) => {
            problems.push(format!("{path}: expected an object, got {other}"))
        }
        _ if scalar_eq(expected, actual) => {}
        _ => problems.push(format!("{path}: expected {expected}, got {actual}")),
    }
}

fn scalar_eq(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Array(expected), Value::Array(actual)) => {
            expected.len() == actual.len()
                && expected.iter().zip(actual).all(|(e, a)| scalar_eq(e, a))
        }
        (Value::Object(_), _) => {
            let mut problems = Vec::new();
            subset("", expected, actual, &mut problems);
            problems.is_empty()
        }
        (Value::Number(expected), Value::Number(actual)) => expected.as_f64() == actual.as_f64(),
        _ => expected == actual,
    }
}

/// A JUnit XML report, one test case per script.
pub fn junit(outcomes: &[Outcome]) -> String {
    let failed = outcomes.iter().filter(|outcome| !outcome.passed()).count();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"dialogues\" tests=\"{}\" failures=\"{failed}\">\n",
        outcomes.len()
    );
    for outcome in outcomes {
        xml.push_str(&format!("  <testcase name=\"{}\"", escape(&outcome.name)));
        if outcome.passed() {
            xml.push_str("/>\n");
        } else {
            xml.push_str(&format!(
                ">\n    <failure message=\"{} mismatches\">{}</failure>\n  </testcase>\n",
                outcome.failures.len(),
                escape(&outcome.failures.join("\n"))
            ));
        }
    }
    xml.push_str("</testsuite>\n");
    xml
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Groups outcomes by pass/fail for the closing line.
pub fn tally(outcomes: &[Outcome]) -> BTreeMap<bool, usize> {
    let mut counts = BTreeMap::new();
    for outcome in outcomes {
        *counts.entry(outcome.passed()).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subset_ignores_extra_keys_but_not_different_values() {
        let mut problems = Vec::new();
        subset(
            "slots",
            &json!({"destination": {"province": "湖南省"}}),
            &json!({"destination": {"province": "湖南省", "city": "长沙市"}, "region": "dongguan"}),
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        subset(
            "slots",
            &json!({"category": "retired_resettled"}),
            &json!({"category": "posted_worker"}),
            &mut problems,
        );
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("slots.category"));
    }

    #[test]
    fn lists_must_be_equal_and_null_means_absent() {
        let mut problems = Vec::new();
        subset(
            "d",
            &json!({"validity": {"end": null}}),
            &json!({"validity": {"end": null}}),
            &mut problems,
        );
        subset("d", &json!({"end": null}), &json!({}), &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        subset(
            "d",
            &json!({"m": ["a"]}),
            &json!({"m": ["a", "b"]}),
            &mut problems,
        );
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn a_broken_script_names_file_and_line() {
        let error = parse(
            "x.yaml",
            "name: a\nregion: dongguan\nchannel: fax_machine\n",
        )
        .unwrap_err();
        assert!(error.starts_with("x.yaml:3:"), "{error}");
    }

    #[test]
    fn a_misspelt_intent_in_a_script_is_an_error_at_its_line() {
        let text = "name: a\nregion: dongguan\nchannel: phone\ntoday: 2026-11-23\nturns:\n  - user: 你好\n    expect: {intent: regster}\n";
        let error = parse("x.yaml", text).unwrap_err();
        assert!(error.starts_with("x.yaml:7:"), "{error}");
        assert!(error.contains("unknown intent regster"), "{error}");
    }
}
