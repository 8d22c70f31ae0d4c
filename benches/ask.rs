//! Ask latency and index build time over the real corpus.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use hotline::answer::Question;
use hotline::assistant::Assistant;
use hotline::corpus::Corpus;
use hotline::search::{SearchIndex, load_jieba};

fn corpus_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn ask(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let assistant = Assistant::load(&corpus_dir(), &root.join("intents")).expect("corpus loads");
    let questions = [
        (
            "ask/retired_dongguan",
            "退休以后回老家养老，医保要办什么手续",
            Some("dongguan"),
        ),
        ("ask/asr_no_region", "一地就医被案打电话能办不", None),
        ("ask/out_of_scope", "公积金怎么提取", None),
    ];
    for (name, text, region) in questions {
        let question = Question {
            text: text.to_string(),
            region: region.map(String::from),
            top: None,
            ..Question::default()
        };
        c.bench_function(name, |b| b.iter(|| assistant.ask(black_box(&question))));
    }
}

fn build(c: &mut Criterion) {
    let corpus = Corpus::load(&corpus_dir()).expect("corpus loads");
    let jieba = load_jieba(&corpus.lexicon);
    let mut group = c.benchmark_group("startup");
    group.sample_size(10);
    group.bench_function("corpus_load", |b| {
        b.iter(|| Corpus::load(black_box(&corpus_dir())))
    });
    group.bench_function("index_build", |b| {
        b.iter(|| SearchIndex::build(black_box(&corpus), jieba.clone()))
    });
    group.bench_function("jieba_load", |b| {
        b.iter(|| load_jieba(black_box(&corpus.lexicon)))
    });
    group.finish();
}

criterion_group!(benches, ask, build);
criterion_main!(benches);
