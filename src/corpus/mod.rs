//! The policy corpus: documents split into clause-level passages, loaded
//! from `corpus/` and validated. (Loader to be written.)

use std::path::{Path, PathBuf};

/// A data-file problem, reported as `path:line: what is wrong`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct Problem {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

/// Every problem found while loading, in file order.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct LoadError {
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub documents: Vec<Document>,
    pub passages: Vec<Passage>,
}

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub doc_id: String,
    pub title: String,
    pub region: String,
}

#[derive(Debug, Clone, Default)]
pub struct Passage {
    /// Stable id, `<doc_id>#<anchor>`.
    pub id: String,
    pub doc_id: String,
    pub region: String,
    pub title: String,
    /// The citation label, e.g. `第八条` or `办理材料 · 二、异地长期居住人员`.
    pub clause: String,
    pub text: String,
}

impl Corpus {
    pub fn load(_dir: &Path) -> Result<Corpus, LoadError> {
        Ok(Corpus::default())
    }

    pub fn passage(&self, id: &str) -> Option<&Passage> {
        self.passages.iter().find(|passage| passage.id == id)
    }
}
