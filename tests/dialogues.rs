//! Every script in `tests/dialogues/` through the real engine in-process,
//! exactly as `hotline test-dialogues tests/dialogues` runs them. The same
//! scripts also run over HTTP in `tests/api/dialogues.rs`.

use std::path::PathBuf;

use hotline::Assistant;
use hotline::cli::test_dialogues::{InProcess, script_files};
use hotline::dialogue::script;

fn scripts() -> Vec<(PathBuf, script::Script)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/dialogues");
    script_files(&[dir])
        .expect("the scripts folder reads")
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let parsed = script::parse(&path.display().to_string(), &text)
                .unwrap_or_else(|error| panic!("{error}"));
            (path, parsed)
        })
        .collect()
}

#[test]
fn every_dialogue_script_passes_in_process() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let assistant = Assistant::load(&root.join("corpus"), &root.join("intents")).unwrap();
    let scripts = scripts();
    assert!(!scripts.is_empty());
    let mut failures = Vec::new();
    for (path, script) in &scripts {
        let mut driver = InProcess {
            assistant: &assistant,
            session: None,
        };
        let outcome = script::run(script, &mut driver);
        if !outcome.passed() {
            failures.push(format!(
                "{} ({}):\n  {}",
                outcome.name,
                path.display(),
                outcome.failures.join("\n  ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scripts failed:\n{}",
        failures.len(),
        scripts.len(),
        failures.join("\n")
    );
}
