//! The question set: real index, real corpus, questions as callers ask
//! them. Two parts: `tests/qa/questions.yaml`, the tuning part, which
//! search and answers are tuned on, and `tests/qa/frozen.yaml`, written
//! before tuning and never tuned on. Reports hit@1, hit@3 and refusal
//! accuracy for each part (and the frozen part by register), and fails
//! below the bars.

use std::collections::BTreeMap;
use std::path::Path;

use hotline::answer::Question;
use hotline::assistant::Assistant;

/// The bars: hit@1 and hit@3 over in-scope questions (a hit counts only
/// when the question was answered, not refused), and the share of
/// out-of-scope questions refused. They apply to the frozen part.
const BARS: Figures = Figures {
    hit_at_1: 0.85,
    hit_at_3: 0.95,
    refusal: 0.90,
};
include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/qa_case.rs"
));

fn load_cases(path: &Path) -> Vec<Case> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    yaml_serde::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[derive(Debug, Clone, Copy)]
struct Figures {
    hit_at_1: f64,
    hit_at_3: f64,
    refusal: f64,
}

/// Counts over a set of questions.
#[derive(Debug, Default)]
struct Tally {
    questions: usize,
    in_scope: usize,
    hit1: usize,
    hit3: usize,
    /// Out-of-scope questions refused.
    refused: usize,
    /// In-scope questions answered (whatever the passages).
    answered: usize,
}

impl Tally {
    fn figures(&self) -> Figures {
        let ratio = |count: usize, total: usize| count as f64 / total.max(1) as f64;
        Figures {
            hit_at_1: ratio(self.hit1, self.in_scope),
            hit_at_3: ratio(self.hit3, self.in_scope),
            refusal: ratio(self.refused, self.questions - self.in_scope),
        }
    }

    fn line(&self, name: &str) -> String {
        let figures = self.figures();
        let out_of_scope = self.questions - self.in_scope;
        let mut line = format!(
            "{name}: {} questions ({} in scope, {out_of_scope} out of scope)",
            self.questions, self.in_scope
        );
        if self.in_scope > 0 {
            line.push_str(&format!(
                ": hit@1 {:.1}%  hit@3 {:.1}%  answered {:.1}% of in scope",
                figures.hit_at_1 * 100.0,
                figures.hit_at_3 * 100.0,
                self.answered as f64 * 100.0 / self.in_scope as f64
            ));
        }
        if out_of_scope > 0 {
            line.push_str(&format!(
                "  refused {:.1}% of out of scope",
                figures.refusal * 100.0
            ));
        }
        line
    }
}

/// Asks every case; returns the tally of the whole part, tallies by
/// register, and a line for each question that went wrong.
fn measure(assistant: &Assistant, cases: &[Case]) -> (Tally, BTreeMap<String, Tally>, Vec<String>) {
    let mut total = Tally::default();
    let mut by_register: BTreeMap<String, Tally> = BTreeMap::new();
    let mut report = Vec::new();
    for case in cases {
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
            today: Some(day()),
            ..Question::default()
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
        let register = by_register
            .entry(case.register.clone().unwrap_or_else(|| "-".into()))
            .or_default();
        for tally in [&mut total, register] {
            tally.questions += 1;
            tally.in_scope += usize::from(!case.out_of_scope);
        }
        let refusal_right = answer.answered != case.out_of_scope;
        if !refusal_right {
            report.push(format!(
                "  {} (confidence {:.2}, best {best:.1}): {}",
                if case.out_of_scope {
                    "ANSWERED OUT-OF-SCOPE"
                } else {
                    "REFUSED"
                },
                answer.confidence,
                case.q
            ));
        }
        let rank = ranked
            .iter()
            .position(|id| case.expect.iter().any(|expected| expected == id));
        if !case.out_of_scope {
            match rank {
                Some(0) => {}
                Some(_) => report.push(format!("  hit@3 only: {}  got {ranked:?}", case.q)),
                None => report.push(format!(
                    "  MISS (best {best:.1}): {}  expected {:?}  got {ranked:?}",
                    case.q, case.expect
                )),
            }
        }
        let register = by_register
            .get_mut(case.register.as_deref().unwrap_or("-"))
            .expect("entered above");
        for tally in [&mut total, register] {
            if case.out_of_scope {
                tally.refused += usize::from(!answer.answered);
            } else {
                tally.answered += usize::from(answer.answered);
                tally.hit1 += usize::from(answer.answered && rank == Some(0));
                tally.hit3 += usize::from(answer.answered && rank.is_some());
            }
        }
    }
    (total, by_register, report)
}

/// The refusal threshold's calibration, on the tuning part only: for
/// each candidate share of familiar words, how many in-scope questions
/// would still be answered and how many out-of-scope ones refused (a
/// question refused for a named topic stays refused at any threshold).
/// The day rules-backed answers are decided on, as `/v1/ask` does with the
/// server's clock.
fn day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn calibration(assistant: &Assistant, cases: &[Case]) -> Vec<String> {
    let asked: Vec<(bool, f32, bool)> = cases
        .iter()
        .map(|case| {
            let answer = assistant
                .ask(&Question {
                    text: case.q.clone(),
                    region: case.region.clone(),
                    top: Some(3),
                    today: Some(day()),
                    ..Question::default()
                })
                .unwrap();
            // Refused for a named topic: no passages shown.
            let named = !answer.answered && answer.passages.is_empty();
            (case.out_of_scope, answer.confidence, named)
        })
        .collect();
    let in_scope = asked.iter().filter(|(out, ..)| !out).count().max(1);
    let out_of_scope = asked.iter().filter(|(out, ..)| *out).count().max(1);
    (6..=18)
        .map(|step| {
            let threshold = step as f32 * 0.05;
            let answered = |(_, confidence, named): &&(bool, f32, bool)| {
                !named && *confidence >= threshold - 1e-6
            };
            let kept = asked.iter().filter(|case| !case.0).filter(answered).count();
            let refused = asked
                .iter()
                .filter(|case| case.0)
                .filter(|case| !answered(case))
                .count();
            format!(
                "  threshold {threshold:.2}: answers {:.1}% of in scope, refuses {:.1}% of out of scope",
                kept as f64 * 100.0 / in_scope as f64,
                refused as f64 * 100.0 / out_of_scope as f64
            )
        })
        .collect()
}

fn assert_at_least(part: &str, figures: Figures, bar: Figures) {
    for (name, value, bar) in [
        ("hit@1", figures.hit_at_1, bar.hit_at_1),
        ("hit@3", figures.hit_at_3, bar.hit_at_3),
        ("refused", figures.refusal, bar.refusal),
    ] {
        assert!(
            value >= bar,
            "{part}: {name} {:.1}% is below {:.1}%",
            value * 100.0,
            bar * 100.0
        );
    }
}

#[test]
fn question_set_meets_the_bars() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let assistant = Assistant::load(&root.join("corpus"), &root.join("intents"))
        .unwrap_or_else(|error| panic!("{error}"));
    let tuning = load_cases(&root.join("tests/qa/questions.yaml"));
    let frozen = load_cases(&root.join("tests/qa/frozen.yaml"));

    let (tuning_tally, _, tuning_report) = measure(&assistant, &tuning);
    let (frozen_tally, by_register, frozen_report) = measure(&assistant, &frozen);
    println!(
        "tuning part, what went wrong:\n{}",
        tuning_report.join("\n")
    );
    println!(
        "frozen part, what went wrong:\n{}",
        frozen_report.join("\n")
    );
    for (register, tally) in &by_register {
        println!("{}", tally.line(&format!("  frozen, {register}")));
    }
    println!(
        "refusal threshold on the tuning part:\n{}",
        calibration(&assistant, &tuning).join("\n")
    );
    println!("{}", tuning_tally.line("tuning part"));
    println!("{}", frozen_tally.line("frozen part"));

    let all = tuning.len() + frozen.len();
    let refusable = tuning
        .iter()
        .chain(&frozen)
        .filter(|case| case.out_of_scope)
        .count();
    assert!(
        all >= 400 && refusable >= 60 && frozen.len() >= 150,
        "the set needs ≥400 questions, ≥60 of them out of scope, ≥150 frozen"
    );
    assert!(
        frozen
            .iter()
            .all(|case| !tuning.iter().any(|tuned| tuned.q == case.q)),
        "a frozen question is also in the tuning part"
    );
    assert_at_least("tuning part", tuning_tally.figures(), BARS);
    assert_at_least("frozen part", frozen_tally.figures(), BARS);
}
