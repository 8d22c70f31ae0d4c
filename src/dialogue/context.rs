//! The call's context for the understanding: the question pending, the
//! facts about the caller's situation said in earlier turns and the
//! region, so that 医院开了转诊单 answers "转诊还是自己去" and 退休了 said in
//! one turn and 户口没动 in the next make one category. Where two
//! categories remain, the question that separates them is asked with its
//! answers.

use std::ops::ControlFlow;

use chrono::NaiveDate;

use super::Draft;
use crate::dialogue::{DialogueState, Services, Session, Turn};
use crate::nlu::{Intent, Understanding};
use crate::rules::Category;
use crate::slot_table::Prompt;

/// What the call knows when an utterance comes.
#[derive(Debug, Clone, Copy)]
pub struct CallContext<'a> {
    pub region: &'a str,
    /// The question just asked (an Application slot, `hukou_moved`,
    /// `confirm` while reading back).
    pub pending: Option<&'a str>,
    /// The facts said earlier in the call (`retired`, `hukou_stayed`…).
    pub situation: &'a [String],
}

/// Understands `text` in the session's context and remembers the
/// situation it leaves, and the categories still open, for the next turn.
pub fn understand(services: &dyn Services, session: &mut Session, text: &str) -> Understanding {
    let understanding = understand_only(services, session, text, session.today);
    if says_something_new(&session.situation, &understanding) {
        session.situation = understanding.entities.situation.clone();
        session.category_options = understanding.entities.category_options.clone();
    }
    understanding
}

/// [`understand`] without remembering anything: for a part of the turn.
pub fn understand_only(
    services: &dyn Services,
    session: &Session,
    text: &str,
    today: NaiveDate,
) -> Understanding {
    understand_part(services, session, text, today, &session.situation)
}

/// [`understand_only`] for a part of a turn whose whole was understood
/// (and remembered) already: the category is read again when the part
/// says something `known` (the situation before the turn) did not.
pub fn understand_part(
    services: &dyn Services,
    session: &Session,
    text: &str,
    today: NaiveDate,
    known: &[String],
) -> Understanding {
    let pending = match session.state {
        // A question put back (您是要…吗？) is answered yes or no, like the read-back.
        _ if session.proposal.is_some() => Some("confirm"),
        DialogueState::Confirming => Some("confirm"),
        _ => session.pending.as_deref(),
    };
    let call = CallContext {
        region: &session.slots.region,
        pending,
        situation: &session.situation,
    };
    let mut understanding = services.understand_in(text, today, &call);
    // The category is read again only from a turn that adds to the
    // situation: otherwise every turn would write it back, over a
    // correction or an agent's edit.
    let known_only =
        !understanding.entities.situation.is_empty() && !says_something_new(known, &understanding);
    if known_only {
        understanding.entities.category = None;
        understanding.entities.category_options.clear();
    }
    understanding
}

/// Whether the turn states a fact about the situation not known before.
fn says_something_new(known: &[String], understanding: &Understanding) -> bool {
    understanding
        .entities
        .situation
        .iter()
        .any(|fact| !known.contains(fact))
}

/// The question between the two categories the caller's situation leaves
/// open, with its answers as suggestions; `None` when not exactly two are.
pub fn separating_prompt(services: &dyn Services, options: &[Category]) -> Option<Prompt> {
    let (ask, answers) = services.separating_question(options)?;
    Some(Prompt {
        text: ask,
        suggestions: answers,
    })
}

/// The pending question that checks a name read without a cue.
pub const NAME_CHECK: &str = "name_check";

/// The first question about someone the caller acts for is about him or
/// her (他在那边…), not the caller.
pub fn about_someone(
    services: &dyn Services,
    session: &Session,
    slot: &str,
    attempt: u32,
    prompt: &mut Prompt,
) {
    if session.slots.by_proxy == Some(true)
        && attempt == 0
        && let Some(text) = services.slots().prompt_for_someone(slot, session.channel)
    {
        prompt.text = text.to_string();
    }
}

/// A name read without anything saying it was one (周国强，身份证号…) is
/// checked before the form goes on: "您是说周国强，对吗？".
pub(super) fn check_unsure_name(
    services: &dyn Services,
    session: &mut Session,
    draft: &mut Draft,
) -> ControlFlow<Turn> {
    let entities = &draft.understanding.entities;
    let taken = draft
        .changes
        .iter()
        .any(|change| change.slot == "applicant.name");
    let Some(name) = entities
        .name
        .as_ref()
        .filter(|_| entities.name_unsure && taken)
    else {
        return ControlFlow::Continue(());
    };
    if !matches!(
        session.state,
        DialogueState::Collecting | DialogueState::Idle
    ) {
        return ControlFlow::Continue(());
    }
    // A name without a surname the NLU knows (兴宁) may be a given name
    // alone: the check names the surname it would register.
    let replies = services.replies();
    let ask = match &entities.surname {
        Some(_) => replies.name_check.fill(session.channel, &[("name", name)]),
        None => {
            let surname: String = name.chars().take(1).collect();
            replies
                .name_check_surname
                .fill(session.channel, &[("name", name), ("surname", &surname)])
        }
    };
    draft.parts.push(ask);
    session.pending = Some(NAME_CHECK.into());
    let mut turn = draft.finish(session);
    if session.channel != crate::dialogue::SessionChannel::Phone {
        turn.suggestions = Some(vec!["对".into(), "不对".into()]);
    }
    ControlFlow::Break(turn)
}

/// The answer to the name check: yes keeps the name, no asks for it again,
/// a name said instead is taken.
pub(super) fn name_answer(
    services: &dyn Services,
    session: &mut Session,
    draft: &mut Draft,
) -> ControlFlow<Turn> {
    if session.pending.as_deref() != Some(NAME_CHECK) {
        return ControlFlow::Continue(());
    }
    let renamed = draft
        .changes
        .iter()
        .any(|change| change.slot == "applicant.name");
    match draft.intent {
        _ if renamed => session.pending = None,
        Intent::Affirm => {
            session.pending = None;
            draft.applied.took_something = true;
        }
        Intent::Deny | Intent::Correct => {
            if let Some(applicant) = session.slots.applicant.as_mut() {
                applicant.name = None;
            }
            session.pending = Some("applicant.name".into());
            let prompt = services
                .slots()
                .prompt("applicant.name", session.channel, 1)
                .map(|prompt| prompt.text)
                .unwrap_or_default();
            draft.parts.push(prompt);
            return ControlFlow::Break(draft.finish(session));
        }
        _ => {}
    }
    ControlFlow::Continue(())
}
