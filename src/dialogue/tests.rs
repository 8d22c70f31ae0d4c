//! The state machine against fakes: the fake NLU knows a handful of
//! phrases, the fake rules need category, destination and phone, and say
//! `channel_unavailable` for a referral by phone. The real engine is tested
//! end to end by the dialogue scripts in `tests/dialogues/`.

use chrono::NaiveDate;

use super::*;
use crate::answer::{Answer, AskError, Question};
use crate::dialogue::replies::Replies;
use crate::nlu::{Entities, Intent, Understanding};
use crate::places::Place;
use crate::rules::RulesInputError;
use crate::rules::{Category, Class, Decision, EndKind, RatioDelta, Validity};
use crate::slot_table::SlotTable;

pub(super) struct Fake;

fn understanding(intent: Intent, entities: Entities) -> Understanding {
    Understanding {
        intent,
        confidence: 0.9,
        intents: vec![(intent, 0.9)],
        entities,
        hesitating: false,
    }
}

impl Services for Fake {
    fn understand(&self, text: &str, _today: NaiveDate) -> Understanding {
        let mut entities = Entities::default();
        if text.contains("退休") {
            entities.category = Some(Category::RetiredResettled);
        }
        if text.contains("转诊") {
            entities.category = Some(Category::Referral);
        }
        if text.contains("长沙") {
            entities.destination = Some(Place {
                province: "湖南省".into(),
                city: Some("长沙市".into()),
            });
        }
        if let Some(digits) = text
            .split(|c: char| !c.is_ascii_digit())
            .find(|d| d.len() >= 5)
        {
            entities
                .phones
                .push(crate::nlu::numbers::check_phone(digits, digits));
        }
        entities.correction = text.contains("改成");
        let intent = match text {
            "转人工" => Intent::Handoff,
            "对" => Intent::Affirm,
            "算了不办了" => Intent::CancelDialogue,
            t if t.contains("多久") => Intent::AskValidity,
            "嗯嗯啊" => Intent::OutOfScope,
            _ => Intent::ProvideInfo,
        };
        understanding(intent, entities)
    }

    fn evaluate(&self, app: &Application, today: NaiveDate) -> Result<Decision, RulesInputError> {
        let mut missing = Vec::new();
        if app.category.is_none() {
            missing.push("category".to_string());
        }
        if app.destination.is_none() {
            missing.push("destination".to_string());
        }
        if app
            .applicant
            .as_ref()
            .and_then(|a| a.phone.as_ref())
            .is_none()
        {
            missing.push("applicant.phone".to_string());
        }
        let status = if app.category == Some(Category::Referral) {
            Status::ChannelUnavailable
        } else if missing.is_empty() {
            Status::Accepted
        } else {
            Status::Incomplete
        };
        Ok(Decision {
            status,
            class: Some(Class::LongTerm),
            registration_required: Some(true),
            missing_materials: vec![],
            required_materials: vec![],
            channels: vec![Channel::Window],
            validity: Validity {
                start: Some(today),
                end: None,
                end_kind: Some(EndKind::LongTerm),
            },
            change_allowed_from: None,
            processing_deadline: Some(today),
            supplement_deadline: None,
            ratio_delta_points: RatioDelta::default(),
            personal_account_to: None,
            registered_to: None,
            missing_facts: if status == Status::Incomplete {
                missing
            } else {
                vec![]
            },
            notes: vec![],
            citations: vec![],
        })
    }

    fn ask(&self, question: &Question) -> Result<Answer, AskError> {
        Ok(Answer {
            question: question.text.clone(),
            answered: true,
            answer: "长期有效。".into(),
            written: "长期有效。".into(),
            cite: None,
            source: Default::default(),
            passages: vec![],
            confidence: 1.0,
        })
    }

    fn rules_answer(
        &self,
        _topic: crate::answer::from_rules::RulesTopic,
        _case: &Application,
        _today: NaiveDate,
    ) -> Option<Answer> {
        None
    }

    fn slots(&self) -> &SlotTable {
        static TABLE: std::sync::LazyLock<SlotTable> = std::sync::LazyLock::new(|| {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/slots.yaml");
            SlotTable::load(&path).expect("intents/slots.yaml loads")
        });
        &TABLE
    }

    fn replies(&self) -> &Replies {
        static REPLIES: std::sync::LazyLock<Replies> = std::sync::LazyLock::new(|| {
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/templates.yaml");
            Replies::load(&path).expect("intents/templates.yaml loads")
        });
        &REPLIES
    }

    fn act_words(&self) -> &crate::nlu::cues::ActWords {
        static WORDS: std::sync::LazyLock<crate::nlu::cues::ActWords> =
            std::sync::LazyLock::new(|| {
                let path =
                    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/entities.yaml");
                let mut problems = Vec::new();
                crate::nlu::cues::load(&path, &mut problems)
                    .unwrap_or_else(|| panic!("intents/entities.yaml loads: {problems:?}"))
                    .acts
            });
        &WORDS
    }

    fn material_label(&self, _region: &str, material: &str) -> String {
        material.into()
    }

    fn channel_label(&self, channel: &Channel) -> String {
        channel.common_label().unwrap_or(channel.id()).into()
    }

    fn contact(&self, _region: &str) -> Option<String> {
        Some("0769-12345".into())
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn session() -> Session {
    start(&Fake, SessionChannel::Phone, "dongguan", today()).0
}

#[test]
fn takes_several_facts_at_once_and_asks_only_what_is_missing() {
    let mut session = session();
    let turn = step(&Fake, &mut session, "我退休了要去长沙");
    assert_eq!(turn.state, DialogueState::Collecting);
    assert_eq!(session.pending.as_deref(), Some("applicant.phone"));
    assert!(turn.reply.contains("请留一个联系电话"), "{}", turn.reply);
    assert_eq!(turn.slot_changes.len(), 2);
}

#[test]
fn confirms_then_completes_an_accepted_registration() {
    let mut session = session();
    step(&Fake, &mut session, "我退休了要去长沙");
    let turn = step(&Fake, &mut session, "电话15027189963");
    assert_eq!(turn.state, DialogueState::Confirming);
    assert!(turn.reply.contains("150 2718 9963"), "{}", turn.reply);
    let turn = step(&Fake, &mut session, "对");
    assert_eq!(turn.state, DialogueState::Done);
    assert!(turn.completed.is_some());
    assert!(turn.reply.contains("长期有效"), "{}", turn.reply);
}

#[test]
fn a_bad_phone_is_reprompted_and_repeated_failure_hands_off() {
    let mut session = session();
    step(&Fake, &mut session, "我退休了要去长沙");
    let turn = step(&Fake, &mut session, "电话150271");
    assert!(turn.reply.contains("位数不对"), "{}", turn.reply);
    assert_eq!(turn.state, DialogueState::Collecting);
    step(&Fake, &mut session, "电话150271");
    let turn = step(&Fake, &mut session, "电话150271");
    assert_eq!(turn.state, DialogueState::Handoff);
}

#[test]
fn a_correction_overwrites_and_is_confirmed() {
    let mut session = session();
    step(&Fake, &mut session, "我退休了要去长沙");
    step(&Fake, &mut session, "电话15027189963");
    let turn = step(&Fake, &mut session, "改成13800138000");
    assert!(
        turn.reply.contains("联系电话改成138 0013 8000"),
        "{}",
        turn.reply
    );
    assert_eq!(turn.state, DialogueState::Confirming);
}

#[test]
fn a_question_mid_form_is_answered_and_the_form_resumes() {
    let mut session = session();
    step(&Fake, &mut session, "我退休了要去长沙");
    let turn = step(&Fake, &mut session, "备案以后多久有效");
    assert!(turn.reply.starts_with("长期有效。"), "{}", turn.reply);
    assert!(turn.reply.contains("请留一个联系电话"), "{}", turn.reply);
}

#[test]
fn a_wrong_channel_is_told_at_once() {
    let mut session = session();
    let turn = step(&Fake, &mut session, "我是转诊的");
    assert_eq!(turn.state, DialogueState::Done);
    assert!(turn.reply.contains("医保经办窗口"), "{}", turn.reply);
}

#[test]
fn handoff_and_cancel_work_at_any_point() {
    let mut session = session();
    step(&Fake, &mut session, "我退休了要去长沙");
    assert_eq!(
        step(&Fake, &mut session, "转人工").state,
        DialogueState::Handoff
    );
    let mut session = self::session();
    step(&Fake, &mut session, "我退休了要去长沙");
    let turn = step(&Fake, &mut session, "算了不办了");
    assert_eq!(turn.state, DialogueState::Idle);
}

#[test]
fn an_agent_edit_is_validated_and_moves_the_dialogue_on() {
    let mut session = session();
    step(&Fake, &mut session, "我退休了要去长沙");
    let turn = edit_slot(
        &Fake,
        &mut session,
        "applicant.phone",
        Some("15027189963".into()),
    )
    .unwrap();
    assert_eq!(turn.state, DialogueState::Confirming);
    assert_eq!(turn.slot_changes[0].source, "agent");
    let error = edit_slot(&Fake, &mut session, "category", Some("martian".into())).unwrap_err();
    assert!(error.contains("category"), "{error}");
    assert!(edit_slot(&Fake, &mut session, "shoe_size", None).is_err());
}
