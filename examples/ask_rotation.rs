//! The uncached `/v1/ask` work in process, for profiling: answers the
//! questions `scripts/load.sh` sends (every `q` of
//! `tests/qa/questions.yaml`, with no region, decided on one fixed day as
//! the server decides on its own) with `Assistant::ask`, ROUNDS times over,
//! and prints the time per question.
//!
//! `cargo run --release --example ask_rotation -- [ROUNDS [OUT]]`
//!
//! With OUT, every answer of the first round is written there as a JSON
//! line, and then those of both parts of the question set with their
//! regions: two builds answer alike when their files are equal.
//!
//! Under callgrind, the instructions of one ask are those of the measured
//! rounds divided by the questions asked (BENCHMARKS.md):
//! `valgrind --tool=callgrind --toggle-collect=ask_rotation::measured_round
//! target/release/examples/ask_rotation 1`.

use std::path::PathBuf;
use std::time::Instant;

use hotline::answer::{AskError, Question};
use hotline::assistant::Assistant;

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/qa_case.rs"
));

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = match std::env::args().nth(1) {
        Some(rounds) => rounds.parse()?,
        None => 1,
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let assistant = Assistant::load(&root.join("corpus"), &root.join("intents"))?;
    let read = |file: &str| -> Result<Vec<Case>, Box<dyn std::error::Error>> {
        let text = std::fs::read_to_string(root.join("tests/qa").join(file))?;
        Ok(yaml_serde::from_str(&text)?)
    };
    let tuning = read("questions.yaml")?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).ok_or("a real day")?;
    let question = |case: &Case, region: Option<String>| Question {
        text: case.q.clone(),
        region,
        today: Some(today),
        ..Question::default()
    };
    let questions: Vec<Question> = tuning.iter().map(|case| question(case, None)).collect();
    if let Some(out) = std::env::args().nth(2) {
        let mut lines = String::new();
        let with_regions = tuning
            .iter()
            .chain(&read("frozen.yaml")?)
            .map(|case| question(case, case.region.clone()))
            .collect::<Vec<_>>();
        for question in questions.iter().chain(&with_regions) {
            lines.push_str(&serde_json::to_string(&assistant.ask(question)?)?);
            lines.push('\n');
        }
        std::fs::write(out, lines)?;
    }
    // Once over first: what is set up on first use (jieba's, tantivy's)
    // is not counted.
    answer_all(&assistant, &questions)?;
    let started = Instant::now();
    let mut answered = 0;
    for _ in 0..rounds {
        answered += measured_round(&assistant, &questions)?;
    }
    let asks = rounds * questions.len();
    let micros = started.elapsed().as_secs_f64() * 1e6 / asks as f64;
    println!("{asks} asks ({answered} answered), {micros:.1} µs per ask");
    Ok(())
}

/// How many of `questions` are answered.
fn answer_all(assistant: &Assistant, questions: &[Question]) -> Result<usize, AskError> {
    let mut answered = 0;
    for question in questions {
        answered += usize::from(assistant.ask(question)?.answered);
    }
    Ok(answered)
}

/// [`answer_all`], under its own name for
/// `valgrind --tool=callgrind --toggle-collect=ask_rotation::measured_round`.
#[inline(never)]
fn measured_round(assistant: &Assistant, questions: &[Question]) -> Result<usize, AskError> {
    answer_all(assistant, questions)
}
