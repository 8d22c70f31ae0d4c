//! The core's hot paths on the real corpus and intents, no IO inside the
//! measured loops: one dialogue turn (NLU + dialogue + rules), one rules
//! evaluation, building the search index, and a cold start to the first
//! answer (`Assistant::load` + one `ask`).
//!
//! Short run: `cargo bench --bench core -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use hotline::answer::Question;
use hotline::assistant::Assistant;
use hotline::dialogue::SessionChannel;
use hotline::rules::Application;
use hotline::search::{self, SearchIndex};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(root: &Path) -> Assistant {
    Assistant::load(&root.join("corpus"), &root.join("intents")).expect("the corpus loads")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/registration.rs"
));

fn dialogue_turn(c: &mut Criterion) {
    let assistant = load(&repo());
    // The measured turn is the one that brings the most work: it fills a
    // slot, asks the rules module and reads the facts back.
    let (mut prepared, _) =
        assistant.start_session(SessionChannel::Phone, Some("dongguan"), today());
    for text in &REGISTRATION[..5] {
        assistant.turn(&mut prepared, text);
    }
    c.bench_function("dialogue_turn/materials_then_read_back", |b| {
        b.iter_batched(
            || prepared.clone(),
            |mut session| black_box(assistant.turn(&mut session, black_box(REGISTRATION[5]))),
            BatchSize::SmallInput,
        )
    });
    c.bench_function("dialogue_turn/first_utterance", |b| {
        b.iter_batched(
            || {
                assistant
                    .start_session(SessionChannel::Phone, Some("dongguan"), today())
                    .0
            },
            |mut session| black_box(assistant.turn(&mut session, black_box(REGISTRATION[0]))),
            BatchSize::SmallInput,
        )
    });
    c.bench_function("dialogue/whole_registration_7_turns", |b| {
        b.iter(|| {
            let (mut session, _) =
                assistant.start_session(SessionChannel::Phone, Some("dongguan"), today());
            for text in REGISTRATION {
                black_box(assistant.turn(&mut session, text));
            }
            session
        })
    });
}

fn rules_evaluate(c: &mut Criterion) {
    let assistant = load(&repo());
    let application: Application = serde_json::from_value(serde_json::json!({
        "region": "dongguan", "scheme": "general", "insurance": "employee",
        "category": "long_term_resident",
        "destination": {"province": "海南省", "city": "三亚市"},
        "submit_via": "phone", "materials": ["id_card", "residence_permit"],
        "by_proxy": false, "apply_date": "2026-11-23",
        "applicant": {"name": "张三", "id_number": "440304197812032012", "phone": "15027189963"}
    }))
    .unwrap();
    c.bench_function("rules_evaluate/accepted", |b| {
        b.iter(|| black_box(assistant.evaluate(black_box(&application), today())))
    });
}

fn index_build(c: &mut Criterion) {
    let assistant = load(&repo());
    let jieba = search::load_jieba(&assistant.corpus.lexicon);
    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    group.bench_function("build", |b| {
        b.iter(|| black_box(SearchIndex::build(&assistant.corpus, jieba.clone()).unwrap()))
    });
    group.finish();
}

fn cold_start(c: &mut Criterion) {
    let root = repo();
    let question = Question {
        text: "退休以后回老家养老，医保要办什么手续".into(),
        region: Some("dongguan".into()),
        top: None,
        ..Question::default()
    };
    let mut group = c.benchmark_group("cold_start");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("load_and_first_answer", |b| {
        b.iter(|| {
            let assistant = load(&root);
            black_box(assistant.ask(&question).unwrap())
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    dialogue_turn,
    rules_evaluate,
    index_build,
    cold_start
);
criterion_main!(benches);
