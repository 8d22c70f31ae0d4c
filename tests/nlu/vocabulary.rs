//! The words that name facts live in `intents/entities.yaml`, and the
//! caller's situations with the categories they point to in
//! `intents/situations.yaml`: a word added there is understood without
//! touching the code, and a broken file is reported as `path:line: problem`.

use hotline::nlu::Nlu;
use hotline::rules::Category;

use super::{gazetteer, intents_copy, nlu, today};

fn real(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("intents")
        .join(file);
    std::fs::read_to_string(path).unwrap()
}

fn real_entities() -> String {
    real("entities.yaml")
}

/// The 1-based line of the first line of `text` that starts with `prefix`
/// once indented.
fn line_starting(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|line| line.trim_start().starts_with(prefix))
        .expect("line present")
        + 1
}

/// Loads the intents with `content` as `file`; it must fail.
fn load_error_in(file: &str, content: &str) -> String {
    let dir = intents_copy(file, content);
    match Nlu::load(dir.path(), gazetteer()) {
        Ok(_) => panic!("{file} should not load:\n{content}"),
        Err(error) => error.to_string(),
    }
}

fn load_error(entities: &str) -> String {
    load_error_in("entities.yaml", entities)
}

#[test]
fn a_word_added_in_the_data_file_is_understood() {
    let text = "我是急症，要去外地";
    let said = "我有暂住证";
    // Not words of the shipped file: the test would prove nothing.
    assert_eq!(nlu().entities(text, today()).category, None);
    assert!(nlu().entities(said, today()).materials.is_empty());

    let situations =
        real("situations.yaml").replacen("    cues: [急诊,", "    cues: [急症, 急诊,", 1);
    assert_ne!(situations, real("situations.yaml"));
    let dir = intents_copy("situations.yaml", &situations);
    let edited = Nlu::load(dir.path(), gazetteer()).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        edited.entities(text, today()).category,
        Some(Category::Emergency)
    );

    let entities = real_entities().replacen(
        "residence_permit: [居住证]",
        "residence_permit: [居住证, 暂住证]",
        1,
    );
    let dir = intents_copy("entities.yaml", &entities);
    let edited = Nlu::load(dir.path(), gazetteer()).unwrap_or_else(|error| panic!("{error}"));
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

/// Replaces `from` by `to` in the shipped `file` and checks that loading
/// reports `problem` on the line where `key:` now stands.
fn assert_reported_in(file: &str, from: &str, to: &str, key: &str, problem: &str) -> String {
    let edited = real(file).replacen(from, to, 1);
    assert_ne!(edited, real(file), "{from} is in the shipped file");
    let line = line_starting(&edited, &format!("{key}:"));
    let message = load_error_in(file, &edited);
    assert!(
        message.contains(&format!("{file}:{line}: {problem}")),
        "{message}"
    );
    message
}

fn assert_reported(from: &str, to: &str, key: &str, problem: &str) -> String {
    assert_reported_in("entities.yaml", from, to, key, problem)
}

#[test]
fn unknown_categories_and_facts_in_situations_are_reported_with_file_and_line() {
    assert_reported_in(
        "situations.yaml",
        "{when: [emergency], category: emergency}",
        "{when: [emergency], category: emergencies}",
        "- {when",
        "a rule needs `category: <id>` or `ask: [<id>, <id>]` with known categories",
    );
    assert_reported_in(
        "situations.yaml",
        "{when: [emergency], category: emergency}",
        "{when: [emergencies], category: emergency}",
        "- {when",
        "unknown fact emergencies",
    );
    let message = load_error_in(
        "situations.yaml",
        &real("situations.yaml").replacen(
            "  - between: [referral, temporary_other]",
            "  - between: [referral, emergency]",
            1,
        ),
    );
    assert!(
        message.contains("situations.yaml:1: no question between referral and temporary_other"),
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
        "  resident: [居民, 新农合, 城乡, 农村合作医疗, 合作医疗, 农保, 自己交的, 自己买的, 灵活就业]",
        "  resident: []",
        "resident",
        "resident: empty list",
    );
    assert_reported(
        "  fax: [传真,",
        "  Tel-ex: [电传,",
        "Tel-ex",
        "unknown channel id Tel-ex",
    );
    // A provincial app (an app-like id) is named in corpus/regions.toml
    // only, and heard by that name: here it is refused at its line.
    let edited = real("entities.yaml").replacen("  fax: [传真,", "  telex: [电传,", 1);
    let message = load_error(&edited);
    let line = line_starting(&edited, "telex:");
    assert!(
        message.contains(&format!(
            "entities.yaml:{line}: `telex`: a provincial app is named in corpus/regions.toml"
        )),
        "{message}"
    );
    let message = load_error("negations:\n  before: [没有\n");
    assert!(message.contains("entities.yaml:"), "{message}");
}

/// How callers ask and join requests is data too (`speech:`): an empty
/// list or a particle of two characters stops the load at its line.
#[test]
fn speech_words_are_checked_with_file_and_line() {
    assert_reported(
        "  clause_joiners: [对了, 还有, 另外, 顺便问, 顺便, 再问一下, 再问个]",
        "  clause_joiners: []",
        "clause_joiners",
        "clause_joiners: empty list",
    );
    let edited = real("entities.yaml").replacen(
        "  reply_particles: [啊, 呀,",
        "  reply_particles: [啊啊, 呀,",
        1,
    );
    let message = load_error_in("entities.yaml", &edited);
    let line = line_starting(&edited, "reply_particles:");
    assert!(
        message.contains(&format!("entities.yaml:{line}:"))
            && message.contains("is not one character"),
        "{message}"
    );
}

/// A word added to `speech:` changes what the understanding reads: a new
/// word for going somewhere makes that place the destination.
#[test]
fn a_going_word_added_in_the_data_file_moves_the_destination() {
    let text = "我现在在深圳，过两天奔长沙";
    let city = |nlu: &Nlu| {
        nlu.understand(text, today())
            .entities
            .destination
            .and_then(|place| place.city)
    };
    assert_eq!(city(nlu()).as_deref(), Some("深圳市"));
    let edited = real("entities.yaml").replacen("  going: [去,", "  going: [奔, 去,", 1);
    let dir = intents_copy("entities.yaml", &edited);
    let edited_nlu = Nlu::load(dir.path(), gazetteer()).unwrap();
    assert_eq!(city(&edited_nlu).as_deref(), Some("长沙市"));
}

/// Which number is which is data (`numbers:`): a cue word added there
/// reads the number after it as that kind, a filler added there joins the
/// groups around it, and an empty list stops the load at its line.
#[test]
fn number_cues_and_fillers_are_data() {
    let cued = "我的证号是13800138000";
    let paused = "电话幺五洞那啥两拐幺八勾勾六三";
    let phones = |nlu: &Nlu, text: &str| -> Vec<String> {
        let entities = nlu.entities(text, today());
        entities
            .phones
            .iter()
            .map(|phone| phone.normalized.clone())
            .collect()
    };
    // Not words of the shipped file: the test would prove nothing.
    assert_eq!(phones(nlu(), cued), ["13800138000"]);
    assert_ne!(phones(nlu(), paused), ["15027189963"]);

    let edited = real_entities()
        .replacen("  id_cues: [身份证,", "  id_cues: [证号, 身份证,", 1)
        .replacen(
            "  digit_fillers: [然后,",
            "  digit_fillers: [那啥, 然后,",
            1,
        );
    assert_ne!(edited, real_entities());
    let dir = intents_copy("entities.yaml", &edited);
    let edited = Nlu::load(dir.path(), gazetteer()).unwrap_or_else(|error| panic!("{error}"));
    let entities = edited.entities(cued, today());
    assert!(entities.phones.is_empty(), "{:?}", entities.phones);
    assert_eq!(entities.id_numbers[0].normalized, "13800138000");
    assert_eq!(phones(&edited, paused), ["15027189963"]);

    assert_reported(
        "  social_security_cues: [社保卡号, 社保号, 社保卡的号, 医保卡号, 电脑号]",
        "  social_security_cues: []",
        "social_security_cues",
        "social_security_cues: empty list",
    );
}

#[test]
fn a_word_naming_no_insurance_is_data() {
    let text = "我住的是居民小区";
    // Not a word of the shipped file: the test would prove nothing.
    assert_eq!(
        nlu().entities(text, today()).insurance,
        Some(hotline::rules::Insurance::Resident)
    );
    let edited = real_entities().replacen("  naming_none: [", "  naming_none: [居民小区, ", 1);
    assert_ne!(edited, real_entities());
    let dir = intents_copy("entities.yaml", &edited);
    let edited = Nlu::load(dir.path(), gazetteer()).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(edited.entities(text, today()).insurance, None);
}

/// The words the dialogue reads a turn's acts by (`acts:`) are checked
/// like the others: an empty list stops the load at its line.
#[test]
fn act_words_are_checked_with_file_and_line() {
    assert_reported(
        "  stop: [算了, 不办, 不弄, 不要了, 拉倒, 不搞]",
        "  stop: []",
        "stop",
        "stop: empty list",
    );
    assert_reported(
        "  hesitations: [那个啥,",
        "  hesitations: [那个啥, \"\",",
        "hesitations",
        "hesitations: empty word",
    );
}

/// A hesitation added to `acts.hesitations` makes a turn of it a pause:
/// no yes to the read-back.
#[test]
fn a_hesitation_added_in_the_data_file_is_no_yes() {
    let text = "嗯嗯，容我琢磨琢磨";
    let confirming = hotline::nlu::Context {
        pending: Some("confirm"),
        ..Default::default()
    };
    let read = |nlu: &Nlu| nlu.understand_in(text, today(), &confirming);
    assert!(!read(nlu()).hesitating);
    let edited = real_entities().replacen(
        "  hesitations: [那个啥,",
        "  hesitations: [容我琢磨琢磨, 那个啥,",
        1,
    );
    let dir = intents_copy("entities.yaml", &edited);
    let edited = Nlu::load(dir.path(), gazetteer()).unwrap_or_else(|error| panic!("{error}"));
    let understanding = read(&edited);
    assert!(understanding.hesitating);
    assert_eq!(understanding.intent, hotline::nlu::Intent::Unknown);
}

/// The words around a relative that make a proxy (a rank before the
/// relative, acting for someone said alone, whom the caller is a relative
/// of) are data: a word added to each is read without touching the code.
#[test]
fn proxy_words_added_in_the_data_file_make_a_proxy() {
    let cases = [
        ("  rank: [大,", "  rank: [幺, 大,", "帮我幺叔办个备案"),
        (
            "  on_behalf: [代办,",
            "  on_behalf: [受人之托, 代办,",
            "我这是受人之托",
        ),
        (
            "  concerned: [他,",
            "  concerned: [患者, 他,",
            "我是患者的女儿",
        ),
        (
            "  caller_being: [我是,",
            "  caller_being: [咱是, 我是,",
            "咱是她女儿",
        ),
        ("  being: [是]", "  being: [是, 就]", "就我老伴要去看病"),
    ];
    for (from, to, text) in cases {
        assert!(
            nlu().entities(text, today()).by_proxy != Some(true),
            "{text}: already a proxy with the shipped words, the case proves nothing"
        );
        let edited = real_entities().replacen(from, to, 1);
        assert_ne!(edited, real_entities(), "{from} not in entities.yaml");
        let dir = intents_copy("entities.yaml", &edited);
        let edited = Nlu::load(dir.path(), gazetteer()).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(
            edited.entities(text, today()).by_proxy,
            Some(true),
            "{text}"
        );
    }
}
