//! A person on the call. The caller asks for one (`handoff`: they wait, and
//! are told so once), an agent takes the call (`agent_active`: the
//! assistant stays silent), and the agent either gives it back to the
//! assistant or ends it.
//!
//! While a person holds the call the form goes on underneath: the caller's
//! words still fill slots and move the form, but the assistant's reply is
//! only the agent's suggestion, never said to the caller. The agent submits
//! the registration once the caller has confirmed the read-back of what is
//! now in the form.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{DialogueState, Services, Session, SessionChannel, Turn};

/// A call held by a person (or waiting for one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Held {
    /// The form's own state underneath (collecting, confirming, done, …).
    pub form: DialogueState,
    /// The agent who took the call; `None` while the caller waits.
    pub agent: Option<String>,
    /// When the caller started waiting (or the agent stepped in).
    pub since: DateTime<Utc>,
    /// Whether the caller confirmed the read-back since the form last
    /// changed.
    #[serde(default)]
    pub confirmed: bool,
    /// What the assistant would say now: the agent's suggested reply.
    #[serde(default)]
    pub suggestion: Option<String>,
}

/// Why an agent's action on the call was refused; the text is for the
/// agent's screen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("此会话已由{0}接管")]
    TakenBy(String),
    #[error("此会话没有由坐席接管")]
    NotHeld,
    #[error("登记信息还没有读回给来电人确认，不能提交")]
    NotReadBack,
    #[error("来电人还没有确认读回的信息，不能提交")]
    NotConfirmed,
    #[error("此会话的登记已经完成")]
    AlreadyDone,
}

/// Whether a person has (or is awaited on) the call.
pub fn is_held(session: &Session) -> bool {
    session.held.is_some()
        || matches!(
            session.state,
            DialogueState::Handoff | DialogueState::AgentActive
        )
}

/// The turn just moved the caller to `handoff`: they wait from `now`, with
/// the form left as it was before (`form`).
pub fn wait(session: &mut Session, form: DialogueState, now: DateTime<Utc>) {
    let form = if form == DialogueState::Handoff {
        DialogueState::Collecting
    } else {
        form
    };
    session.held.get_or_insert(Held {
        form,
        agent: None,
        since: now,
        confirmed: false,
        suggestion: None,
    });
}

/// `agent` takes the call (a waiting caller, or any live one).
pub fn accept(session: &mut Session, agent: &str, now: DateTime<Utc>) -> Result<(), Refusal> {
    let state = session.state;
    let held = session.held.get_or_insert(Held {
        form: state,
        agent: None,
        since: now,
        confirmed: false,
        suggestion: None,
    });
    match &held.agent {
        Some(other) if other != agent => return Err(Refusal::TakenBy(other.clone())),
        _ => held.agent = Some(agent.to_string()),
    }
    session.state = DialogueState::AgentActive;
    Ok(())
}

/// The agent gives the call back to the assistant, which goes on with the
/// form where it stands.
pub fn release(session: &mut Session) -> Result<(), Refusal> {
    let held = session.held.take().ok_or(Refusal::NotHeld)?;
    session.state = held.form;
    Ok(())
}

/// The agent ends the call (wrap-up): the session is done.
pub fn end(session: &mut Session) {
    session.held = None;
    session.state = DialogueState::Done;
    session.pending = None;
}

/// The caller speaks while a person holds the call: the form takes what
/// they said; the reply is the agent's suggestion, and the caller hears
/// nothing from the assistant (the returned turn's reply is empty).
pub fn caller_says(services: &dyn Services, session: &mut Session, text: &str) -> Turn {
    let turn = underneath(services, session, |session| {
        Ok::<_, std::convert::Infallible>(super::step(services, session, text))
    });
    match turn {
        Ok(turn) => turn,
        Err(never) => match never {},
    }
}

/// An agent's edit of one slot (`None` clears it). The reply says what was
/// changed, then what comes next (a fresh read-back when the form is
/// complete), so the caller hears the new value before confirming it; while
/// a person holds the call it is the agent's suggestion instead.
pub fn agent_edit(
    services: &dyn Services,
    session: &mut Session,
    slot: &str,
    value: Option<serde_json::Value>,
) -> Result<Turn, String> {
    underneath(services, session, |session| {
        let mut turn = super::edit_slot(services, session, slot, value)?;
        if let Some(said) = super::changes_said(services, session, &turn.slot_changes) {
            turn.reply = format!("{said}{}", turn.reply);
        }
        Ok(turn)
    })
}

/// The agent submits the registration: the same confirmation step as the
/// caller's own "对", allowed only once the read-back was given and, on a
/// widget (where the caller types), confirmed by the caller.
pub fn submit(services: &dyn Services, session: &mut Session) -> Result<Turn, Refusal> {
    let Some(held) = session.held.clone() else {
        return match session.state {
            DialogueState::Confirming if session.channel != SessionChannel::Widget => {
                Ok(super::finish(services, session, "agent_submit"))
            }
            DialogueState::Confirming => Err(Refusal::NotConfirmed),
            DialogueState::Done => Err(Refusal::AlreadyDone),
            _ => Err(Refusal::NotReadBack),
        };
    };
    match held.form {
        DialogueState::Done => return Err(Refusal::AlreadyDone),
        DialogueState::Confirming => {}
        _ => return Err(Refusal::NotReadBack),
    }
    if session.channel == SessionChannel::Widget && !held.confirmed {
        return Err(Refusal::NotConfirmed);
    }
    let outer = session.state;
    session.state = DialogueState::Confirming;
    let mut turn = super::finish(services, session, "agent_submit");
    session.held = Some(Held {
        form: session.state,
        confirmed: false,
        suggestion: Some(turn.reply.clone()),
        ..held
    });
    session.state = outer;
    turn.state = outer;
    Ok(turn)
}

/// Runs `work` on the form underneath a held call, then puts the hold
/// back: the form's new state is remembered, the reply becomes the
/// suggestion, a confirmation is noted instead of completing the
/// registration (the agent submits it), and any change of the form asks
/// for a new confirmation.
fn underneath<E>(
    services: &dyn Services,
    session: &mut Session,
    work: impl FnOnce(&mut Session) -> Result<Turn, E>,
) -> Result<Turn, E> {
    let outer = session.state;
    let Some(held) = session.held.take() else {
        return work(session);
    };
    session.state = held.form;
    let before = session.slots.clone();
    let result = work(session);
    let mut turn = match result {
        Ok(turn) => turn,
        Err(error) => {
            session.state = outer;
            session.held = Some(held);
            return Err(error);
        }
    };
    let mut form = session.state;
    let mut confirmed = held.confirmed && session.slots == before;
    let mut suggestion = turn.reply.clone();
    if turn.completed.take().is_some() {
        // The caller said "对" to the read-back: the agent submits. The
        // outcome is told once it is submitted (the submit's own reply),
        // not before.
        form = DialogueState::Confirming;
        confirmed = true;
        suggestion = services
            .replies()
            .agent_submitting
            .text(session.channel)
            .into();
    } else if form == DialogueState::Handoff {
        // Asking for a person again changes nothing: one is there.
        form = held.form;
    }
    if form != DialogueState::Confirming {
        confirmed = false;
    }
    session.held = Some(Held {
        form,
        confirmed,
        suggestion: Some(suggestion),
        ..held
    });
    session.state = outer;
    turn.state = outer;
    turn.reply = String::new();
    turn.suggestions = None;
    Ok(turn)
}

/// A turn that says nothing: the session as it stands, for a message the
/// assistant does not answer (an agent's words relayed to the caller);
/// its intent is the agent's `action`.
pub fn quiet_turn(session: &Session, action: &str) -> Turn {
    Turn::new(session, action, String::new())
}
