//! The layout's one-way dependencies: the pure core (corpus, search,
//! answer, places, calendar, rules, nlu, dialogue) never imports the
//! facade or the IO edges (assistant, server, store, cli).

use std::path::{Path, PathBuf};

const CORE: [&str; 8] = [
    "src/corpus",
    "src/search",
    "src/answer.rs",
    "src/places",
    "src/calendar.rs",
    "src/rules",
    "src/nlu",
    "src/dialogue",
];
const EDGES: [&str; 4] = ["assistant", "server", "store", "cli"];

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|ext| ext == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The edge modules a file's text names through `crate::…` paths,
/// including inside grouped imports (`use crate::{rules, store::X}`).
fn edges_named(text: &str) -> Vec<&'static str> {
    let flat: String = text.split_whitespace().collect();
    let mut named = Vec::new();
    for (at, _) in flat.match_indices("crate::") {
        let rest = &flat[at + "crate::".len()..];
        let heads: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                group.split(',').collect()
            }
            None => vec![rest],
        };
        for head in heads {
            let first: String = head
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if let Some(edge) = EDGES.iter().find(|edge| **edge == first)
                && !named.contains(edge)
            {
                named.push(*edge);
            }
        }
    }
    named
}

#[test]
fn the_core_imports_nothing_from_the_edges() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for part in CORE {
        rust_files(&root.join(part), &mut files);
    }
    assert!(files.len() > 20, "only {} core files found", files.len());
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for edge in edges_named(&text) {
            found.push(format!(
                "{} uses crate::{edge}",
                file.strip_prefix(root).unwrap().display()
            ));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_check_sees_plain_and_grouped_imports() {
    assert_eq!(
        edges_named("use crate::assistant::RulesInputError;"),
        ["assistant"]
    );
    assert_eq!(
        edges_named("use crate::{rules::Decision,\n    store::Store};"),
        ["store"]
    );
    assert_eq!(edges_named("crate::server::pii::mask(x)"), ["server"]);
    assert!(edges_named("use crate::rules::{Application, Decision};").is_empty());
}
