//! Understanding callers: the gazetteer, entity extraction and the intent
//! classifier, run on the real data files under `corpus/` and `intents/`.

#[path = "nlu/places.rs"]
mod places;

use std::path::Path;
use std::sync::{Arc, OnceLock};

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
