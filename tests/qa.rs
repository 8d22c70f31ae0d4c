//! The question set: real index, real corpus, questions as callers ask
//! them (`tests/qa/questions.yaml`). Reports hit@1, hit@3 and refusal
//! accuracy, and fails below the bars.

use std::path::Path;

use hotline::answer::Question;
use hotline::assistant::Assistant;

const HIT_AT_1_BAR: f64 = 0.85;
const HIT_AT_3_BAR: f64 = 0.95;
const REFUSAL_BAR: f64 = 0.90;

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/qa_case.rs"
));

fn load_cases(path: &Path) -> Vec<Case> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    yaml_serde::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn question_set_meets_the_bars() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let assistant = Assistant::load(&root.join("corpus"), &root.join("intents"))
        .unwrap_or_else(|error| panic!("{error}"));
    let cases = load_cases(&root.join("tests/qa/questions.yaml"));

    let (mut in_scope, mut hit1, mut hit3, mut refusals_right) = (0, 0, 0, 0);
    let mut report = Vec::new();
    for case in &cases {
        assert!(
            case.out_of_scope == case.expect.is_empty(),
            "{}: give either `expect` or `out_of_scope: true`",
            case.q
        );
        for id in &case.expect {
            assert!(
                assistant.corpus.passage(id).is_some(),
                "{}: no passage `{id}`",
                case.q
            );
        }
        let question = Question {
            text: case.q.clone(),
            region: case.region.clone(),
            top: Some(3),
        };
        let answer = assistant
            .ask(&question)
            .unwrap_or_else(|error| panic!("{}: {error}", case.q));
        let ranked: Vec<&str> = answer
            .passages
            .iter()
            .map(|passage| passage.passage_id.as_str())
            .collect();
        let best = answer.passages.first().map_or(0.0, |passage| passage.score);
        if answer.answered != case.out_of_scope {
            refusals_right += 1;
        } else {
            report.push(format!(
                "  {} (answered={}, best {best:.1}): {}",
                if case.out_of_scope {
                    "ANSWERED OUT-OF-SCOPE"
                } else {
                    "REFUSED"
                },
                answer.answered,
                case.q
            ));
        }
        if case.out_of_scope {
            continue;
        }
        in_scope += 1;
        let rank = ranked
            .iter()
            .position(|id| case.expect.iter().any(|expected| expected == id));
        match rank {
            Some(0) => {
                hit1 += 1;
                hit3 += 1;
            }
            Some(_) => {
                hit3 += 1;
                report.push(format!("  hit@3 only: {}  got {ranked:?}", case.q));
            }
            None => report.push(format!(
                "  MISS (best {best:.1}): {}  expected {:?}  got {ranked:?}",
                case.q, case.expect
            )),
        }
    }

    let ratio = |count: usize, total: usize| count as f64 / total.max(1) as f64;
    let (at1, at3, refusal) = (
        ratio(hit1, in_scope),
        ratio(hit3, in_scope),
        ratio(refusals_right, cases.len()),
    );
    println!("{}", report.join("\n"));
    println!(
        "questions {} ({in_scope} in scope, {} out of scope): hit@1 {:.1}%  hit@3 {:.1}%  refusal accuracy {:.1}%",
        cases.len(),
        cases.len() - in_scope,
        at1 * 100.0,
        at3 * 100.0,
        refusal * 100.0
    );
    assert!(
        cases.len() >= 150 && cases.len() - in_scope >= 20,
        "the set needs ≥150 questions, ≥20 out of scope"
    );
    assert!(
        at1 >= HIT_AT_1_BAR,
        "hit@1 {:.1}% is below {:.0}%",
        at1 * 100.0,
        HIT_AT_1_BAR * 100.0
    );
    assert!(
        at3 >= HIT_AT_3_BAR,
        "hit@3 {:.1}% is below {:.0}%",
        at3 * 100.0,
        HIT_AT_3_BAR * 100.0
    );
    assert!(
        refusal >= REFUSAL_BAR,
        "refusal accuracy {:.1}% is below {:.0}%",
        refusal * 100.0,
        REFUSAL_BAR * 100.0
    );
}
