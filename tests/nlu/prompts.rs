//! The loader's error messages (the slots' prompts are `slot_table`'s,
//! the replies `dialogue::replies`').

use hotline::nlu::Nlu;

use super::{gazetteer, intents_copy};

/// Loads a copy of `intents/` with one file replaced; it must fail.
fn broken_copy(file: &str, content: &str) -> String {
    let dir = intents_copy(file, content);
    match Nlu::load(dir.path(), gazetteer()) {
        Ok(_) => panic!("{file} should not load"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn malformed_files_are_reported_as_path_line_problem() {
    let message = broken_copy(
        "examples/greet.yaml",
        "name: greet\ndescription: 打招呼\nexamples:\n  - 你好\n  - 您好\n",
    );
    assert!(
        message.contains("greet.yaml:3: intent greet has 2 examples"),
        "{message}"
    );

    let message = broken_copy("examples/greet.yaml", "name: greet\ndescription: [\n");
    assert!(message.contains("greet.yaml:"), "{message}");

    let message = broken_copy(
        "examples/greet.yaml",
        "name: hello\ndescription: x\nexamples: []\n",
    );
    assert!(
        message.contains("greet.yaml:1: intent hello must be in a file named hello.yaml"),
        "{message}"
    );

    let message = broken_copy(
        "examples/greet.yaml",
        "description: 打招呼\nname: greeting\nexamples: [你好]\n",
    );
    assert!(
        message.contains("greet.yaml:2: unknown intent greeting; the intents are affirm, "),
        "{message}"
    );
    assert!(
        message.contains("greet.yaml:1: missing: intent greet needs a file of examples"),
        "{message}"
    );
}
