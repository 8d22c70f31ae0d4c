//! The layout's one-way dependencies: the pure core (corpus, search,
//! answer, places, calendar, rules, nlu, dialogue) never imports the
//! facade or the IO edges (assistant, server, store, cli).

use std::path::{Path, PathBuf};

const CORE: [&str; 8] = [
    "src/corpus",
    "src/search",
    "src/answer",
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

/// How deep `file` (under `src/`) sits in the module tree: `src/calendar.rs`
/// and `src/rules/mod.rs` are 1, `src/rules/engine.rs` is 2.
fn module_depth(file: &Path) -> usize {
    let parts = file.components().count();
    let is_mod = file.file_name().is_some_and(|name| name == "mod.rs");
    // src/x.rs has two components and depth 1.
    parts - 1 - usize::from(is_mod)
}

/// The edge modules a file's text names through `crate::…` paths, or
/// through enough `super::` to reach the crate root (`super::super::store`
/// from `src/rules/engine.rs`), including inside grouped imports
/// (`use crate::{rules, store::X}`).
fn edges_named(text: &str, depth: usize) -> Vec<&'static str> {
    let flat: String = text.split_whitespace().collect();
    let to_root = "super::".repeat(depth);
    let mut roots: Vec<usize> = flat
        .match_indices("crate::")
        .map(|(at, _)| at + "crate::".len())
        .collect();
    roots.extend(
        flat.match_indices(&to_root)
            // The whole chain, not the tail of a longer one (which would
            // climb past the root and not compile).
            .filter(|(at, _)| !flat[..*at].ends_with("super::"))
            .map(|(at, _)| at + to_root.len()),
    );
    let mut named = Vec::new();
    for at in roots {
        let rest = &flat[at..];
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
        let depth = module_depth(file.strip_prefix(root).unwrap());
        for edge in edges_named(&text, depth) {
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
        edges_named("use crate::assistant::RulesInputError;", 1),
        ["assistant"]
    );
    assert_eq!(
        edges_named("use crate::{rules::Decision,\n    store::Store};", 1),
        ["store"]
    );
    assert_eq!(edges_named("crate::server::pii::mask(x)", 2), ["server"]);
    assert!(edges_named("use crate::rules::{Application, Decision};", 1).is_empty());
}

#[test]
fn the_check_sees_super_paths_that_reach_the_root() {
    assert_eq!(module_depth(Path::new("src/calendar.rs")), 1);
    assert_eq!(module_depth(Path::new("src/rules/mod.rs")), 1);
    assert_eq!(module_depth(Path::new("src/rules/engine.rs")), 2);
    assert_eq!(edges_named("use super::super::store::Store;", 2), ["store"]);
    assert_eq!(edges_named("use super::{cli, rules};", 1), ["cli"]);
    // Inside the module itself: `super::` from engine.rs is `rules`.
    assert!(edges_named("use super::store::X;", 2).is_empty());
}

/// What `corpus/regions.toml` names: region ids, and the provincial apps'
/// ids and names (粤医保 for 粤医保小程序). Regions and apps are data, so no
/// code names one (adding a region is a corpus folder, regions.toml and
/// tests).
fn named_in_regions_toml(root: &Path) -> (Vec<String>, Vec<String>) {
    let text = std::fs::read_to_string(root.join("corpus/regions.toml")).unwrap();
    let file: toml::Table = toml::from_str(&text).unwrap();
    let field = |table: &str, key: &str| -> Vec<String> {
        file[table]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry[key].as_str().unwrap().to_string())
            .collect()
    };
    let suffixes: Vec<&str> = file["app_suffixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|suffix| suffix.as_str().unwrap())
        .collect();
    let mut apps = field("app", "id");
    for name in field("app", "name") {
        let stem = suffixes
            .iter()
            .fold(name.as_str(), |name, suffix| name.trim_end_matches(suffix));
        apps.push(stem.to_string());
    }
    (field("region", "id"), apps)
}

fn source_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            source_files(&entry.unwrap().path(), out);
        }
    } else if path
        .extension()
        .is_some_and(|ext| ["rs", "js", "html", "css"].iter().any(|e| ext == *e))
    {
        out.push(path.to_path_buf());
    }
}

/// A file's product code: comments and everything from the first
/// `#[cfg(test)]` on left out (unit tests use real regions as fixtures).
fn product_code(path: &Path, text: &str) -> String {
    if path.file_name().is_some_and(|name| name == "tests.rs") {
        return String::new();
    }
    text.lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .map(|line| line.find("//").map_or(line, |at| &line[..at]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `word` stands alone in `text` (not part of a longer identifier;
/// a Chinese name anywhere).
fn names(text: &str, word: &str) -> bool {
    let text = text.to_lowercase();
    let part = |c: char| word.is_ascii() && (c.is_ascii_alphanumeric() || c == '_');
    text.match_indices(word).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(part)
            && !text[at + word.len()..].chars().next().is_some_and(part)
    })
}

#[test]
fn no_code_names_a_region_or_a_provincial_app() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (regions, apps) = named_in_regions_toml(root);
    assert!(regions.len() >= 4, "regions.toml lists {regions:?}");
    assert!(
        apps.contains(&"粤医保".to_string()),
        "regions.toml's apps: {apps:?}"
    );
    let mut files = Vec::new();
    source_files(&root.join("src"), &mut files);
    source_files(&root.join("web"), &mut files);
    assert!(files.len() > 50, "only {} source files found", files.len());
    let mut found = Vec::new();
    for file in files {
        let code = product_code(&file, &std::fs::read_to_string(&file).unwrap());
        let file = file.strip_prefix(root).unwrap().display();
        for region in regions.iter().filter(|region| names(&code, region)) {
            found.push(format!("{file} names the region `{region}`"));
        }
        for app in apps.iter().filter(|app| names(&code, app)) {
            found.push(format!("{file} names the app `{app}`"));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_region_check_sees_code_not_comments_or_tests() {
    let path = Path::new("src/x.rs");
    let code = product_code(
        path,
        "let r = \"jining\"; // 东莞 dongguan\n#[cfg(test)]\nmod tests { \"shaoguan\" }",
    );
    assert!(names(&code, "jining"));
    assert!(!names(&code, "dongguan"));
    assert!(!names(&code, "shaoguan"));
    assert!(!names("let jining_rate = 1;", "jining"));
    assert!(names("region: Jining", "jining"));
    assert!(names("\"粤医保小程序\"", "粤医保"));
    assert!(names("Channel::LuYibao => \"lu_yibao\"", "lu_yibao"));
}

/// Test binaries share fixtures one way: `mod support;` (`tests/support/`).
/// No binary reaches into another's folder with `#[path]`, and
/// `tests/fixtures/` holds only what a benchmark or an example also
/// includes (they have no `mod support` to reach).
#[test]
fn test_binaries_share_fixtures_through_support() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tests = root.join("tests");
    let mut found = Vec::new();
    let mut files = Vec::new();
    rust_files(&tests, &mut files);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.strip_prefix(root).unwrap().display().to_string();
        for line in text
            .lines()
            .filter(|line| line.trim_start().starts_with("#[path"))
        {
            // A binary's own topic files (tests/nlu/…) are its modules; the
            // api binary's root is one folder down (Cargo.toml).
            let target = line.split('"').nth(1).unwrap_or_default();
            let own_folder = file
                .file_stem()
                .is_some_and(|stem| target.starts_with(&format!("{}/", stem.to_string_lossy())));
            if !own_folder && target != "../support/mod.rs" {
                found.push(format!("{name}: {}", line.trim()));
            }
        }
    }
    let mut outside = String::new();
    for dir in ["benches", "examples"] {
        let mut files = Vec::new();
        rust_files(&root.join(dir), &mut files);
        for file in files {
            outside.push_str(&std::fs::read_to_string(file).unwrap());
        }
    }
    for entry in std::fs::read_dir(tests.join("fixtures")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if name.ends_with(".rs") && !outside.contains(&format!("/tests/fixtures/{name}")) {
            found.push(format!(
                "tests/fixtures/{name} is used by tests only: it belongs in tests/support/"
            ));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
