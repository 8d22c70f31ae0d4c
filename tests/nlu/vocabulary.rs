//! The words that name facts live in `intents/entities.yaml`: a word added
//! there is understood without touching the code, and a broken file is
//! reported as `path:line: problem`.

use hotline::nlu::Nlu;
use hotline::rules::Category;

use super::{gazetteer, intents_copy, nlu, today};

fn real_entities() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/entities.yaml");
    std::fs::read_to_string(path).unwrap()
}

/// The 1-based line of the first line of `text` that starts with `prefix`
/// once indented.
fn line_starting(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|line| line.trim_start().starts_with(prefix))
        .expect("line present")
        + 1
}

/// Loads the intents with `entities` as `entities.yaml`; it must fail.
fn load_error(entities: &str) -> String {
    let dir = intents_copy("entities.yaml", entities);
    match Nlu::load(dir.path(), gazetteer()) {
        Ok(_) => panic!("entities.yaml should not load:\n{entities}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn a_word_added_in_the_data_file_is_understood() {
    let text = "我是急症，要去外地";
    let said = "我有暂住证";
    // Not words of the shipped file: the test would prove nothing.
    assert_eq!(nlu().entities(text, today()).category, None);
    assert!(nlu().entities(said, today()).materials.is_empty());

    let entities = real_entities()
        .replacen("emergency: [急诊,", "emergency: [急症, 急诊,", 1)
        .replacen(
            "residence_permit: [居住证]",
            "residence_permit: [居住证, 暂住证]",
            1,
        );
    let dir = intents_copy("entities.yaml", &entities);
    let edited = Nlu::load(dir.path(), gazetteer()).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        edited.entities(text, today()).category,
        Some(Category::Emergency)
    );
    assert_eq!(
        edited.entities(said, today()).materials,
        ["residence_permit"]
    );
    // Negation applies to the new word as to the old ones.
    assert_eq!(
        edited.entities("我没有暂住证", today()).negated_materials,
        ["residence_permit"]
    );
}

/// Replaces `from` by `to` in the shipped file and checks that loading
/// reports `problem` on the line where `key:` now stands.
fn assert_reported(from: &str, to: &str, key: &str, problem: &str) -> String {
    let entities = real_entities().replacen(from, to, 1);
    assert_ne!(entities, real_entities(), "{from} is in the shipped file");
    let line = line_starting(&entities, &format!("{key}:"));
    let message = load_error(&entities);
    assert!(
        message.contains(&format!("entities.yaml:{line}: {problem}")),
        "{message}"
    );
    message
}

#[test]
fn an_unknown_category_id_is_reported_with_file_and_line() {
    let message = assert_reported(
        "  emergency:",
        "  emergencies:",
        "emergencies",
        "unknown category id emergencies",
    );
    // Its words are then missing for the real id.
    assert!(
        message.contains("category: no words for emergency"),
        "{message}"
    );
}

#[test]
fn unknown_materials_and_channels_empty_lists_and_bad_yaml_are_reported() {
    assert_reported(
        "  id_card: [身份证]",
        "  passport: [护照]",
        "passport",
        "unknown material id passport",
    );
    assert_reported(
        "  retired_resettled: [退休]",
        "  retired_resettled: []",
        "retired_resettled",
        "retired_resettled: empty list",
    );
    assert_reported(
        "  fax: [传真,",
        "  telex: [电传,",
        "telex",
        "unknown channel id telex",
    );
    let message = load_error("negations:\n  before: [没有\n");
    assert!(message.contains("entities.yaml:"), "{message}");
}
