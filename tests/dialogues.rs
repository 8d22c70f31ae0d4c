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

/// On the widget, the materials question offers as quick replies exactly
/// the proofs this registration still needs (each alternative, as the
/// region names it) and 没有; each one is understood as that proof, and
/// tapping it records it. Callers of several regions and categories.
#[test]
fn widget_materials_quick_replies_fit_the_registration() {
    use hotline::dialogue::SessionChannel;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let assistant = Assistant::load(&root.join("corpus"), &root.join("intents")).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let callers = [
        (
            "dongguan",
            "我退休了要去湖南长沙养老，户口已经迁过去了，想传真办",
        ),
        ("dongguan", "我常年住在上海，办个长期居住备案，传真办"),
        ("jining", "我常年住在上海，想传真办个长期居住备案"),
        ("jining", "退休了户口迁到海南三亚了，传真办备案"),
        ("shaoguan", "我退休了去广西南宁养老，户口迁过去了，传真办"),
        ("zhanjiang", "我长期在上海居住，想办异地长期居住备案，传真"),
    ];
    let answer = |slot: &str| match slot {
        "insurance" => Some("职工医保"),
        "destination" | "destination.province" | "destination.city" => Some("上海市"),
        "applicant.name" => Some("我叫张建国"),
        "applicant.id_number" => Some("身份证号440304197812032012"),
        "applicant.phone" => Some("电话15027189963"),
        "submit_via" => Some("传真"),
        "by_proxy" => Some("我自己办"),
        _ => None,
    };
    let mut offered = 0;
    for (region, opening) in callers {
        let (mut session, _) = assistant.start_session(SessionChannel::Widget, Some(region), today);
        let mut turn = assistant.turn(&mut session, opening);
        for _ in 0..12 {
            if session.pending.as_deref() == Some("materials") {
                break;
            }
            let slot = turn.missing.first().cloned().unwrap_or_default();
            let Some(text) = answer(&slot) else { break };
            turn = assistant.turn(&mut session, text);
        }
        if session.pending.as_deref() != Some("materials") {
            continue;
        }
        offered += 1;
        let missing = &session.decision.as_ref().unwrap().missing_materials;
        let needed: Vec<&String> = missing.iter().flat_map(|group| &group.any_of).collect();
        let choices = turn.suggestions.clone().unwrap_or_default();
        assert_eq!(
            choices.last().map(String::as_str),
            Some("没有"),
            "{region} «{opening}»: {choices:?}"
        );
        let mut understood = Vec::new();
        for choice in &choices[..choices.len() - 1] {
            let heard = assistant.nlu.understand(choice, today).entities.materials;
            assert!(
                heard.len() == 1 && needed.contains(&&heard[0]),
                "{region} «{opening}»: quick reply {choice} is heard as {heard:?}, needed {needed:?}"
            );
            understood.push(heard[0].clone());
        }
        for id in &needed {
            assert!(
                understood.contains(id),
                "{region} «{opening}»: {id} is needed but not offered in {choices:?}"
            );
        }
        let first = choices[0].clone();
        assistant.turn(&mut session, &first);
        let held = session.slots.materials.clone().unwrap_or_default();
        assert!(
            held.contains(&understood[0]),
            "{region}: tapping {first} records {held:?}"
        );
    }
    assert!(
        offered >= 4,
        "only {offered} of the callers reached the materials question"
    );
}

/// The rules ask only for slots the slot table asks, and for the 备案表's
/// own fields (`ask: phone_fax`) only on a phone or fax registration.
#[test]
fn the_rules_missing_facts_are_slots_the_table_asks() {
    use hotline::rules::{Application, Category, Channel, Insurance, Scheme};
    use hotline::slot_table::Ask;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let assistant = Assistant::load(&root.join("corpus"), &root.join("intents")).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut phone_fax_asked = 0;
    for region in assistant.regions() {
        for category in Category::ALL.into_iter().map(Some).chain([None]) {
            for via in [Channel::Phone, Channel::Fax, Channel::Window] {
                for scheme in [Scheme::General, Scheme::Maternity] {
                    let application = Application {
                        region: region.clone(),
                        scheme: Some(scheme),
                        insurance: Some(Insurance::Employee),
                        category,
                        submit_via: Some(via.clone()),
                        apply_date: Some(today),
                        ..Application::default()
                    };
                    let Ok(decision) = assistant.evaluate(&application, today) else {
                        continue;
                    };
                    for fact in &decision.missing_facts {
                        let slot = assistant.slots.get(fact).unwrap_or_else(|| {
                            panic!("{region} {category:?}: {fact} is not in slots.yaml")
                        });
                        assert_ne!(slot.ask, Ask::Never, "{fact} is never asked");
                        if slot.ask == Ask::PhoneFax {
                            assert!(matches!(via, Channel::Phone | Channel::Fax), "{fact}");
                            phone_fax_asked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(phone_fax_asked > 0);
}

/// Cancel and a person act only on a sure reading (`acts::ACT_CONFIDENCE`).
/// Calibrated on the understanding's tuning cases; the frozen cases (never
/// tuned on) are measured the same way and reported. In both, no turn that
/// did not ask to stop or for a person is acted on as one; on the tuning
/// part the meant ones are acted on, or at worst asked back.
#[test]
fn consequential_moves_need_confidence() {
    let tuning = consequential_moves("tuning.yaml");
    let frozen = consequential_moves("frozen.yaml");
    eprintln!("consequential moves, tuning part: {}", tuning.line());
    eprintln!("consequential moves, frozen part: {}", frozen.line());
    for part in [&tuning, &frozen] {
        assert!(
            part.wrong.is_empty(),
            "acted on without being asked: {:?}",
            part.wrong
        );
    }
    assert!(
        tuning.meant >= 10,
        "too few meant cases to calibrate on: {}",
        tuning.meant
    );
    assert_eq!(
        tuning.acted + tuning.asked,
        tuning.meant,
        "a meant stop or person was missed"
    );
    assert!(tuning.acted * 10 >= tuning.meant * 9, "{}", tuning.line());
    assert!(
        tuning.lowest_meant >= hotline::dialogue::acts::ACT_CONFIDENCE
            && tuning.highest_unmeant < hotline::dialogue::acts::ACT_CONFIDENCE,
        "the threshold no longer separates meant from unmeant: {}",
        tuning.line()
    );
}

#[derive(Default)]
struct Moves {
    meant: usize,
    acted: usize,
    asked: usize,
    wrong: Vec<String>,
    wrongly_asked: usize,
    lowest_meant: f32,
    highest_unmeant: f32,
    highest_raw: f32,
}

impl Moves {
    fn line(&self) -> String {
        format!(
            "{} of {} meant acted on, {} asked back; {} unmeant acted on, {} asked back; \
             lowest meant confidence {:.2}, highest unmeant left to the threshold {:.2} \
             ({:.2} before the act reading), threshold {}",
            self.acted,
            self.meant,
            self.asked,
            self.wrong.len(),
            self.wrongly_asked,
            self.lowest_meant,
            self.highest_unmeant,
            self.highest_raw,
            hotline::dialogue::acts::ACT_CONFIDENCE
        )
    }
}

/// How the act reading and its threshold treat stops and persons in one
/// set of the understanding's cases (`tests/nlu/<file>`).
fn consequential_moves(file: &str) -> Moves {
    use hotline::dialogue::acts::{self, Reading};
    use hotline::nlu::{Context, Intent, Nlu};
    use hotline::places::Gazetteer;
    use std::sync::Arc;

    #[derive(serde::Deserialize)]
    struct Case {
        text: String,
        #[serde(default)]
        pending: Option<String>,
        #[serde(default)]
        intent: Option<Intent>,
        #[serde(default)]
        before: Vec<String>,
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let gazetteer = Arc::new(Gazetteer::load(&root.join("corpus")).unwrap());
    let apps = hotline::corpus::Corpus::load(&root.join("corpus"))
        .unwrap()
        .apps;
    let nlu = Nlu::load(&root.join("intents"), gazetteer)
        .unwrap()
        .with_apps(&apps);
    let text = std::fs::read_to_string(root.join("tests/nlu").join(file)).unwrap();
    let cases: Vec<serde_json::Value> = yaml_serde::from_str(&text).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut moves = Moves {
        lowest_meant: f32::MAX,
        ..Moves::default()
    };
    for case in cases {
        // A case without an intent label says nothing about requests.
        let Ok(Case {
            intent: Some(intent),
            ..
        }) = serde_json::from_value::<Case>(case.clone())
        else {
            continue;
        };
        let case: Case = serde_json::from_value(case).unwrap();
        let _ = &case.before;
        let context = Context {
            pending: case.pending.as_deref(),
            ..Context::default()
        };
        let understanding = nlu.understand_in(&case.text, today, &context);
        let reading = acts::request(&understanding, &case.text, &nlu.cues().acts);
        let consequential = matches!(
            understanding.intent,
            Intent::CancelDialogue | Intent::Handoff
        );
        if matches!(intent, Intent::CancelDialogue | Intent::Handoff) {
            moves.meant += 1;
            match reading {
                Reading::Sure(_) => moves.acted += 1,
                Reading::Unsure(_) => moves.asked += 1,
                Reading::None => {}
            }
            if consequential {
                moves.lowest_meant = moves.lowest_meant.min(understanding.confidence);
            }
            continue;
        }
        match reading {
            Reading::Sure(_) => moves.wrong.push(format!(
                "{} ({} {:.2})",
                case.text, understanding.intent, understanding.confidence
            )),
            Reading::Unsure(_) => moves.wrongly_asked += 1,
            Reading::None => {}
        }
        // Only misreadings the act reading leaves to the threshold (not
        // negated, taken back, a question or 不知道) calibrate it.
        if consequential {
            moves.highest_raw = moves.highest_raw.max(understanding.confidence);
            if reading != Reading::None {
                moves.highest_unmeant = moves.highest_unmeant.max(understanding.confidence);
            }
        }
    }
    moves
}

/// Nothing is registered that was not read back: every slot a caller fills
/// (all but the session's own and the agent-only ones) has a read-back
/// phrase, and a read-back of a full application says each of its values.
#[test]
fn the_read_back_says_every_slot_that_is_registered() {
    use hotline::slot_table::{Ask, SlotTable};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let table = SlotTable::load(&root.join("intents/slots.yaml")).unwrap();
    let silent: Vec<&str> = table
        .iter()
        .filter(|slot| slot.ask != Ask::Never && slot.read_back.is_none())
        .map(|slot| slot.path.as_str())
        // A destination is read back whole.
        .filter(|path| !path.starts_with("destination."))
        .collect();
    assert!(silent.is_empty(), "filled but never read back: {silent:?}");

    let assistant = Assistant::load(&root.join("corpus"), &root.join("intents")).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let (mut session, _) = assistant.start_session(
        hotline::dialogue::SessionChannel::Phone,
        Some("dongguan"),
        today,
    );
    let mut reply = String::new();
    for said in [
        "我老公退休了要回湖南长沙老家养老，户口已经迁回去了，我替他办",
        "职工医保",
        "张建国",
        "身份证号440304197812032012",
        "电话15027189963",
        "户口本和身份证都有",
        "我的身份证也带着",
    ] {
        reply = assistant.turn(&mut session, said).reply;
    }
    assert_eq!(
        session.state,
        hotline::dialogue::DialogueState::Confirming,
        "{reply}"
    );
    for heard in ["张建国", "职工医保", "长沙", "电话", "户口", "代办"] {
        assert!(reply.contains(heard), "read-back lacks {heard}: {reply}");
    }
}

/// The intents folder copied, with `file` replaced by `content`.
fn intents_with(file: &str, content: &str) -> tempfile::TempDir {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("intents");
    let dir = tempfile::tempdir().unwrap();
    for folder in ["", "examples"] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        for entry in std::fs::read_dir(source.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let to = dir.path().join(folder).join(path.file_name().unwrap());
                std::fs::copy(&path, to).unwrap();
            }
        }
    }
    std::fs::write(dir.path().join(file), content).unwrap();
    dir
}

/// The name a bare reply to the name question gives, at a dongguan call's
/// start.
fn name_replied(assistant: &Assistant, reply: &str) -> Option<String> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let channel = hotline::dialogue::SessionChannel::Phone;
    let (mut session, _) = assistant.start_session(channel, Some("dongguan"), today);
    session.pending = Some("applicant.name".into());
    assistant.turn(&mut session, reply);
    session.slots.applicant.and_then(|applicant| applicant.name)
}

#[test]
fn a_reply_opener_added_in_the_data_file_is_left_out_of_a_bare_name() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("corpus");
    let shipped = Assistant::load(&corpus, &root.join("intents")).unwrap();
    // 兴 is in no surname table: only the bare reply reads this name.
    assert_eq!(
        name_replied(&shipped, "是兴秀兰").as_deref(),
        Some("兴秀兰")
    );
    assert_eq!(name_replied(&shipped, "就是兴秀兰"), None);

    let names = std::fs::read_to_string(root.join("intents/names.yaml")).unwrap();
    let edited = names.replacen("reply_openers: [是]", "reply_openers: [是, 就是]", 1);
    assert_ne!(edited, names);
    let intents = intents_with("names.yaml", &edited);
    let assistant = Assistant::load(&corpus, intents.path()).unwrap();
    assert_eq!(
        name_replied(&assistant, "就是兴秀兰").as_deref(),
        Some("兴秀兰")
    );
}
