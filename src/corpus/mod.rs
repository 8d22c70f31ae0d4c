//! The policy corpus: documents split into clause-level passages, loaded
//! from `corpus/` and validated.
//!
//! The loader is the only part that reads files. It collects every problem
//! it finds (not just the first) and refuses to hand out a corpus while
//! any remain, so a broken edit is reported whole, as `path:line: what is
//! wrong`. Parsing itself ([`document`], [`regions`], [`lexicon`]) is pure:
//! text in, values and problems out.

pub mod document;
pub mod lexicon;
pub mod regions;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use lexicon::{Lexicon, ScopeCues, Synonym};
pub use regions::{App, Region};

/// A data-file problem, reported as `path:line: what is wrong`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct Problem {
    pub path: PathBuf,
    /// 1-based line number; the first line when the whole file is at fault.
    pub line: usize,
    pub message: String,
}

impl Problem {
    /// A problem at `line` of `path`.
    pub fn new(path: &Path, line: usize, message: impl Into<String>) -> Problem {
        Problem {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

/// Every problem found while loading, in file order.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct LoadError {
    pub problems: Vec<Problem>,
}

/// The validated corpus: regions, documents, their passages, and the
/// search vocabulary that goes with them.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub regions: Vec<Region>,
    /// The provincial apps (`[[app]]` in regions.toml) rules may name.
    pub apps: Vec<App>,
    pub documents: Vec<Document>,
    /// All passages, documents in file-name order, passages in text order.
    pub passages: Vec<Passage>,
    pub lexicon: Lexicon,
}

/// Which insurance a document is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// 基本医疗保险.
    #[default]
    General,
    /// 生育保险.
    Maternity,
}

/// One policy document and what its front matter says about it.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub doc_id: String,
    pub title: String,
    pub issuer: String,
    /// The document numbers it rests on, e.g. `湛社保〔2018〕147号`.
    pub doc_numbers: Vec<String>,
    pub region: String,
    pub scheme: Scheme,
    /// e.g. `征求意见稿` for a draft.
    pub status: Option<String>,
    pub published: Option<NaiveDate>,
    pub effective: Option<NaiveDate>,
    pub expiry: Option<NaiveDate>,
    /// Document numbers this one repeals.
    pub replaces: Vec<String>,
    pub notes: Option<String>,
    /// The seed file the text was transcribed from.
    pub source: String,
    /// The file it was loaded from.
    pub path: PathBuf,
}

/// A clause-level piece of a document: what search finds and answers cite.
#[derive(Debug, Clone, Default)]
pub struct Passage {
    /// Stable id, `<doc_id>#<anchor>`.
    pub id: String,
    pub doc_id: String,
    pub region: String,
    /// The document's scheme (生育保险 or the general one).
    pub scheme: Scheme,
    /// The document's title.
    pub title: String,
    /// The citation label, e.g. `第八条` or `办理材料 · 二、异地长期居住人员`.
    pub clause: String,
    pub text: String,
    /// The line of the passage's heading in its file.
    pub line: usize,
    /// What the passage is about (`[tags]` in the front matter; topics of
    /// `search/topics.txt`): materials, validity, channels …
    pub topics: Vec<String>,
    /// The categories it applies to (contract ids); empty: everyone.
    pub categories: Vec<String>,
    /// The line of its `[tags]` entry, once tagged.
    pub tags_line: Option<usize>,
}

impl Corpus {
    /// Loads and validates `dir`: `regions.toml`, every `<region>/*.md`
    /// document and the search vocabulary under `search/`.
    pub fn load(dir: &Path) -> Result<Corpus, LoadError> {
        let mut problems = Vec::new();
        if !dir.is_dir() {
            return Err(LoadError {
                problems: vec![Problem::new(dir, 1, "corpus folder not found")],
            });
        }

        let regions_path = dir.join("regions.toml");
        let (regions, apps) = match fs::read_to_string(&regions_path) {
            Ok(text) => regions::parse(&regions_path, &text, &mut problems),
            Err(error) => {
                problems.push(Problem::new(
                    &regions_path,
                    1,
                    format!("cannot read: {error}"),
                ));
                (Vec::new(), Vec::new())
            }
        };

        let mut documents = Vec::new();
        let mut passages = Vec::new();
        for path in document_files(dir, &mut problems) {
            let text = match fs::read_to_string(&path) {
                Ok(text) => text,
                Err(error) => {
                    problems.push(Problem::new(&path, 1, format!("cannot read: {error}")));
                    continue;
                }
            };
            if let Some(parsed) = document::parse(&path, &text, &regions, &mut problems) {
                documents.push(parsed.document);
                passages.extend(parsed.passages);
            }
        }
        check_unique_documents(&documents, &mut problems);
        if documents.is_empty() && problems.is_empty() {
            problems.push(Problem::new(
                dir,
                1,
                "no documents found (expected <region>/<doc_id>.md)",
            ));
        }

        let lexicon = lexicon::load(&dir.join("search"), &mut problems);
        check_topics(&documents, &passages, &lexicon, &mut problems);

        if problems.is_empty() {
            Ok(Corpus {
                regions,
                apps,
                documents,
                passages,
                lexicon,
            })
        } else {
            Err(LoadError { problems })
        }
    }

    /// The passage with this id (`<doc_id>#<anchor>`), if any.
    pub fn passage(&self, id: &str) -> Option<&Passage> {
        self.passages.iter().find(|passage| passage.id == id)
    }

    /// The document with this id, if any.
    pub fn document(&self, doc_id: &str) -> Option<&Document> {
        self.documents
            .iter()
            .find(|document| document.doc_id == doc_id)
    }

    /// The region with this id, if any.
    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions.iter().find(|region| region.id == id)
    }

    /// The valid region ids, comma-separated, for error messages.
    pub fn region_ids(&self) -> String {
        let ids: Vec<&str> = self
            .regions
            .iter()
            .map(|region| region.id.as_str())
            .collect();
        ids.join(", ")
    }
}

/// Folders under `corpus/` that hold data for other modules, not documents.
const NON_DOCUMENT_FOLDERS: &[&str] = &["search", "places", "calendar"];

/// The `*.md` files one folder below `dir`, sorted, skipping READMEs.
fn document_files(dir: &Path, problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(Problem::new(dir, 1, format!("cannot list: {error}")));
            return files;
        }
    };
    for entry in entries.flatten() {
        let folder = entry.path();
        let is_data_folder = folder
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| NON_DOCUMENT_FOLDERS.contains(&name));
        if !folder.is_dir() || is_data_folder {
            continue;
        }
        let Ok(inner) = fs::read_dir(&folder) else {
            problems.push(Problem::new(&folder, 1, "cannot list folder"));
            continue;
        };
        for file in inner.flatten() {
            let path = file.path();
            let is_markdown = path.extension().is_some_and(|ext| ext == "md");
            let is_readme = path
                .file_stem()
                .is_some_and(|stem| stem.eq_ignore_ascii_case("readme"));
            if is_markdown && !is_readme && path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Tagged passages name topics that `search/topics.txt` defines.
fn check_topics(
    documents: &[Document],
    passages: &[Passage],
    lexicon: &Lexicon,
    problems: &mut Vec<Problem>,
) {
    let known = lexicon.topic_names();
    for passage in passages {
        let Some(document) = documents.iter().find(|doc| doc.doc_id == passage.doc_id) else {
            continue;
        };
        // An untagged passage (a new document not yet tagged) is searched
        // without topic or category preference.
        let Some(line) = passage.tags_line else {
            continue;
        };
        if passage.topics.is_empty() {
            problems.push(Problem::new(
                &document.path,
                line,
                format!("passage `{}` needs at least one topic", passage.id),
            ));
        }
        for topic in &passage.topics {
            if !known.contains(&topic.as_str()) {
                problems.push(Problem::new(
                    &document.path,
                    line,
                    format!(
                        "unknown topic `{topic}`; search/topics.txt defines: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
    }
}

fn check_unique_documents(documents: &[Document], problems: &mut Vec<Problem>) {
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    for document in documents {
        if let Some(first) = seen.insert(&document.doc_id, &document.path) {
            problems.push(Problem::new(
                &document.path,
                2,
                format!(
                    "duplicate doc_id `{}` (also in {})",
                    document.doc_id,
                    first.display()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small valid corpus in a temporary folder.
    fn write_corpus(dir: &Path) {
        let write = |relative: &str, text: &str| {
            let path = dir.join(relative);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write(
            "regions.toml",
            "[[region]]\nid = \"dongguan\"\nname = \"东莞市\"\nprovince = \"广东省\"\n",
        );
        write(
            "dongguan/dongguan-general.md",
            "+++\ndoc_id = \"dongguan-general\"\ntitle = \"异地就医备案申请流程\"\nissuer = \"东莞市医疗保障局\"\nregion = \"dongguan\"\nscheme = \"general\"\nsource = \"000.txt\"\n[tags]\ncontact = { topics = [\"contacts\"] }\n+++\n\n## 联系电话 {#contact}\n0769—12345\n",
        );
        write("dongguan/rules.yaml", "not a document: ignored\n");
        write("search/dictionary.txt", "异地就医 3000 n\n");
        write("search/synonyms.txt", "老家 => 户籍地\n");
        write("search/stopwords.txt", "的 了\n");
        write("search/out_of_scope.txt", "公积金 => 住房公积金\n");
        write("search/other_places.txt", "深圳\n");
        write("search/maternity_words.txt", "生育\n");
        write("search/negations.txt", "不是\n");
        write("search/scheme_names.txt", "生育保险 生育\n");
        write("search/topics.txt", "电话 => contacts\n");
        write(
            "search/scope_cues.txt",
            "去 => destination\n的 => policy\n参保 => insured\n医保在 => insured_before\n备案 => anchor\n备案以后 => setting\n",
        );
    }

    #[test]
    fn loads_a_valid_corpus() {
        let dir = tempfile::tempdir().unwrap();
        write_corpus(dir.path());
        let corpus = Corpus::load(dir.path()).unwrap();
        assert_eq!(corpus.documents.len(), 1);
        assert_eq!(
            corpus.passage("dongguan-general#contact").unwrap().text,
            "0769—12345"
        );
        assert_eq!(corpus.lexicon.synonyms.len(), 1);
        assert_eq!(corpus.region_ids(), "dongguan");
    }

    #[test]
    fn collects_problems_from_every_file() {
        let dir = tempfile::tempdir().unwrap();
        write_corpus(dir.path());
        let document = dir.path().join("dongguan/dongguan-general.md");
        let broken = fs::read_to_string(&document)
            .unwrap()
            .replace("0769—12345\n", "");
        fs::write(&document, broken).unwrap();
        fs::write(dir.path().join("search/synonyms.txt"), "老家 户籍地\n").unwrap();
        fs::remove_file(dir.path().join("search/stopwords.txt")).unwrap();
        fs::write(dir.path().join("search/negations.txt"), "# none yet\n").unwrap();
        fs::remove_file(dir.path().join("search/scheme_names.txt")).unwrap();

        let lines = load_problems(dir.path());
        assert_eq!(lines.len(), 6, "{lines:?}");
        assert_eq!(
            lines[0],
            "ROOT/dongguan/dongguan-general.md:12: passage `dongguan-general#contact` is empty"
        );
        assert_eq!(
            lines[1],
            "ROOT/dongguan/dongguan-general.md:9: tags for `contact`, which is no passage of this document"
        );
        assert!(lines[2].starts_with("ROOT/search/stopwords.txt:1: cannot read"));
        assert_eq!(
            lines[3],
            "ROOT/search/negations.txt:1: no words: at least one is needed"
        );
        assert!(lines[4].starts_with("ROOT/search/scheme_names.txt:1: cannot read"));
        assert_eq!(
            lines[5],
            "ROOT/search/synonyms.txt:1: expected `said words => official words`"
        );
    }

    /// The problems loading `dir` reports, `dir` written as `ROOT`.
    fn load_problems(dir: &Path) -> Vec<String> {
        let root = dir.display().to_string();
        let error = Corpus::load(dir).unwrap_err();
        error
            .problems
            .iter()
            .map(|problem| problem.to_string().replace(&root, "ROOT"))
            .collect()
    }

    #[test]
    fn duplicate_documents_and_missing_folders_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        write_corpus(dir.path());
        let original = dir.path().join("dongguan/dongguan-general.md");
        let copy = fs::read_to_string(&original)
            .unwrap()
            .replace("region = \"dongguan\"", "region = \"shaoguan\"");
        fs::create_dir_all(dir.path().join("shaoguan")).unwrap();
        fs::write(dir.path().join("shaoguan/dongguan-general.md"), copy).unwrap();
        let mut regions = fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join("regions.toml"))
            .unwrap();
        std::io::Write::write_all(
            &mut regions,
            "[[region]]\nid = \"shaoguan\"\nname = \"韶关市\"\nprovince = \"广东省\"\n".as_bytes(),
        )
        .unwrap();
        let error = Corpus::load(dir.path()).unwrap_err().to_string();
        assert!(
            error.contains(
                "shaoguan/dongguan-general.md:2: duplicate doc_id `dongguan-general` (also in"
            ),
            "{error}"
        );

        let missing = Corpus::load(&dir.path().join("nowhere"))
            .unwrap_err()
            .to_string();
        assert!(
            missing.ends_with("nowhere:1: corpus folder not found"),
            "{missing}"
        );
    }

    #[test]
    fn the_real_corpus_loads() {
        let corpus = Corpus::load(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("corpus")
                .as_path(),
        )
        .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(corpus.documents.len(), 5);
        for id in [
            "dongguan-general",
            "dongguan-maternity",
            "shaoguan-2025",
            "zhanjiang-2018",
            "jining-2022",
        ] {
            assert!(corpus.document(id).is_some(), "{id}");
        }
        let shaoguan = corpus.document("shaoguan-2025").unwrap();
        assert_eq!(shaoguan.effective, NaiveDate::from_ymd_opt(2025, 6, 1));
        assert_eq!(shaoguan.expiry, NaiveDate::from_ymd_opt(2028, 5, 31));
        assert!(
            corpus
                .passage("dongguan-general#materials-retired")
                .is_some()
        );
    }
}
