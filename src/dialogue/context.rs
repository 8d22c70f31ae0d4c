//! The call's context for the understanding: the question pending, the
//! facts about the caller's situation said in earlier turns and the
//! region, so that 医院开了转诊单 answers "转诊还是自己去" and 退休了 said in
//! one turn and 户口没动 in the next make one category. Where two
//! categories remain, the question that separates them is asked with its
//! answers.

use chrono::NaiveDate;

use crate::dialogue::{Services, Session};
use crate::nlu::Understanding;
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
    if says_something_new(session, &understanding) {
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
    let pending = match session.state {
        crate::dialogue::DialogueState::Confirming => Some("confirm"),
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
        !understanding.entities.situation.is_empty() && !says_something_new(session, &understanding);
    if known_only {
        understanding.entities.category = None;
        understanding.entities.category_options.clear();
    }
    understanding
}

/// Whether the turn states a fact about the situation not known before.
fn says_something_new(session: &Session, understanding: &Understanding) -> bool {
    understanding
        .entities
        .situation
        .iter()
        .any(|fact| !session.situation.contains(fact))
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
