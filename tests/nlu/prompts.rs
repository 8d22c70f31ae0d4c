//! Slot prompts, reprompts, templates, and the loader's error messages.

use hotline::dialogue::SessionChannel;
use hotline::nlu::Nlu;

use super::{gazetteer, intents_copy, nlu};

#[test]
fn every_application_slot_has_prompts_on_every_channel() {
    for slot in hotline::nlu::data::SLOT_NAMES {
        for channel in [
            SessionChannel::Phone,
            SessionChannel::Widget,
            SessionChannel::Agent,
        ] {
            let first = nlu().prompt(slot, channel, 0);
            let second = nlu().prompt(slot, channel, 1);
            let third = nlu().prompt(slot, channel, 2);
            assert!(!first.text.is_empty(), "{slot} {channel:?}");
            assert_ne!(
                first.text, second.text,
                "{slot} {channel:?}: the reprompt must differ"
            );
            assert_ne!(
                second.text, third.text,
                "{slot} {channel:?}: reprompts must escalate"
            );
            // Past the last reprompt, the last one repeats.
            assert_eq!(nlu().prompt(slot, channel, 9).text, third.text);
        }
    }
}

#[test]
fn phone_prompts_are_short_and_carry_no_quick_replies() {
    let prompt = nlu().prompt("insurance", SessionChannel::Phone, 0);
    assert!(prompt.suggestions.is_empty());
    assert!(prompt.text.chars().count() <= 60);
    let widget = nlu().prompt("insurance", SessionChannel::Widget, 0);
    assert_eq!(widget.suggestions, ["职工医保", "城乡居民医保"]);
}

#[test]
fn unknown_slots_fall_back_and_templates_are_found() {
    assert_eq!(
        nlu().prompt("no.such.slot", SessionChannel::Phone, 0).text,
        nlu().template("fallback").unwrap()
    );
    let confirm = nlu().template("confirm_phone").unwrap();
    assert!(confirm.contains("{summary}"));
    assert!(nlu().template("no_such_template").is_none());
    assert_eq!(nlu().slot_label("applicant.phone"), Some("联系电话"));
}

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

    let slots = "slots:\n  insurance:\n    type: insurance\n    label: 险种\n    prompt: {phone: 您是哪种医保？, widget: 险种？, agent: 险种？}\n    reprompts: {phone: [再说一下], widget: [a, b], agent: [a, b]}\n";
    let message = broken_copy("slots.yaml", slots);
    assert!(
        message.contains("slots.yaml:2: slot insurance: phone needs at least 2 reprompts"),
        "{message}"
    );

    let message = broken_copy("templates.yaml", "templates:\n  fallback: 请再说一遍\n");
    assert!(
        message.contains("templates.yaml:1: missing template handoff"),
        "{message}"
    );
}
