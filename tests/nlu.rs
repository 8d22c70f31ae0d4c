//! Understanding callers: the gazetteer, entity extraction and the intent
//! classifier, run on the real data files under `corpus/` and `intents/`.

#[path = "nlu/entities.rs"]
mod entities;
#[path = "nlu/intents.rs"]
mod intents;
#[path = "nlu/places.rs"]
mod places;
#[path = "nlu/prompts.rs"]
mod prompts;
#[path = "nlu/robustness.rs"]
mod robustness;
#[path = "nlu/understanding.rs"]
mod understanding;
#[path = "nlu/vocabulary.rs"]
mod vocabulary;

use std::path::Path;
use std::sync::{Arc, OnceLock};

use hotline::nlu::Nlu;
use hotline::places::Gazetteer;

/// The real gazetteer, loaded once for all tests.
pub fn gazetteer() -> Arc<Gazetteer> {
    static GAZETTEER: OnceLock<Arc<Gazetteer>> = OnceLock::new();
    GAZETTEER
        .get_or_init(|| {
            let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
            Arc::new(Gazetteer::load(&corpus).expect("corpus/places loads"))
        })
        .clone()
}

/// The real understanding, loaded once from `intents/`.
pub fn nlu() -> &'static Nlu {
    static NLU: OnceLock<Nlu> = OnceLock::new();
    NLU.get_or_init(|| {
        let intents = Path::new(env!("CARGO_MANIFEST_DIR")).join("intents");
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let apps = hotline::corpus::Corpus::load(&corpus)
            .expect("corpus/ loads")
            .apps;
        Nlu::load(&intents, gazetteer())
            .unwrap_or_else(|error| panic!("intents/ loads:\n{error}"))
            .with_apps(&apps)
    })
}

/// The clock of every test: a Monday.
pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// A copy of `intents/` in a temporary directory, with `file` replaced by
/// `content`.
pub fn intents_copy(file: &str, content: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("intents");
    std::fs::create_dir(dir.path().join("examples")).unwrap();
    for entry in std::fs::read_dir(source.join("examples")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            dir.path().join("examples").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    for name in [
        "slots.yaml",
        "templates.yaml",
        "entities.yaml",
        "situations.yaml",
        "names.yaml",
    ] {
        std::fs::copy(source.join(name), dir.path().join(name)).unwrap();
    }
    std::fs::write(dir.path().join(file), content).unwrap();
    dir
}
