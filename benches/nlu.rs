//! How long understanding one utterance takes: entity extraction alone,
//! and the whole `understand` (entities + intent), on a 50-character
//! caller utterance with a spoken phone number, a date and a place.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use hotline::nlu::Nlu;
use hotline::places::Gazetteer;

const UTTERANCE: &str = "你好我爸退休了要回湖南长沙老家住，十一月十号住的院，电话幺五洞两拐幺八勾勾六三，没有居住证有户口本";

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let gazetteer = Arc::new(Gazetteer::load(&root.join("corpus")).expect("gazetteer loads"));
    let nlu = Nlu::load(&root.join("intents"), gazetteer.clone()).expect("intents load");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    assert!((45..=55).contains(&UTTERANCE.chars().count()));

    c.bench_function("nlu/entities_50_chars", |b| {
        b.iter(|| nlu.entities(std::hint::black_box(UTTERANCE), today))
    });
    c.bench_function("nlu/understand_50_chars", |b| {
        b.iter(|| nlu.understand(std::hint::black_box(UTTERANCE), today))
    });
    c.bench_function("places/find_in_50_chars", |b| {
        b.iter(|| gazetteer.find_in(std::hint::black_box(UTTERANCE)))
    });
    c.bench_function("nlu/load", |b| {
        b.iter(|| Nlu::load(&root.join("intents"), gazetteer.clone()).expect("intents load"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
