//! Our side of the peer comparison (`scripts/peer/run.sh`): writes the
//! corpus passages as JSON lines for the peer, and answers every question
//! of both parts of the question set (`tests/qa/questions.yaml`, tuning,
//! and `tests/qa/frozen.yaml`, frozen) with `Assistant::ask`, timing each.
//!
//! `cargo run --release --example qa_side -- OUT_DIR`
//! writes OUT_DIR/passages.jsonl and OUT_DIR/ours.jsonl.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use hotline::answer::Question;
use hotline::assistant::Assistant;
use serde_json::json;

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/qa_case.rs"
));

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::args().nth(1).ok_or("usage: qa_side OUT_DIR")?);
    std::fs::create_dir_all(&out)?;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let assistant = Assistant::load(&root.join("corpus"), &root.join("intents"))?;

    let mut passages = std::fs::File::create(out.join("passages.jsonl"))?;
    for passage in &assistant.corpus.passages {
        let line = json!({
            "id": passage.id, "region": passage.region, "scheme": passage.scheme,
            "title": passage.title, "clause": passage.clause, "text": passage.text,
        });
        writeln!(passages, "{line}")?;
    }

    let mut ours = std::fs::File::create(out.join("ours.jsonl"))?;
    for (part, file) in [("tuning", "questions.yaml"), ("frozen", "frozen.yaml")] {
        let text = std::fs::read_to_string(root.join("tests/qa").join(file))?;
        let cases: Vec<Case> = yaml_serde::from_str(&text)?;
        for case in &cases {
            // Decided on the day `tests/qa.rs` uses, so that questions the
            // rules answer are answered here as there.
            let question = Question {
                text: case.q.clone(),
                region: case.region.clone(),
                top: Some(3),
                today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
                ..Question::default()
            };
            let started = Instant::now();
            let answer = assistant.ask(&question)?;
            let micros = started.elapsed().as_secs_f64() * 1e6;
            let ranked: Vec<&str> = answer
                .passages
                .iter()
                .map(|passage| passage.passage_id.as_str())
                .collect();
            let line = json!({
                "part": part, "q": case.q, "region": case.region, "expect": case.expect,
                "out_of_scope": case.out_of_scope, "answered": answer.answered,
                "ranked": ranked, "micros": micros,
            });
            writeln!(ours, "{line}")?;
        }
    }
    Ok(())
}
