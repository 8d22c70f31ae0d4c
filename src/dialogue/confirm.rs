//! Moves with consequences the dialogue is not sure the caller meant are
//! put back to them as a yes/no question (您是要取消这次登记吗？). The next
//! turn's yes carries the move out, a no leaves the call as it was, and
//! anything else drops the question: the caller has moved on.

use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::acts::{self, Request};
use super::{DialogueState, Services, Session, Turn, slots};
use crate::nlu::{Intent, Understanding};
use crate::rules::{Application, Channel, Scheme};

/// A move waiting for the caller's yes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Proposal {
    /// Stop this call's registration.
    Cancel,
    /// Put the caller through to a person.
    Handoff,
    /// Start a new registration after a finished one.
    NewRegistration,
    /// Values said without a correction cue that would replace values
    /// the caller gave before (or switch the scheme): each slot with the
    /// value waiting for a yes.
    Change { values: Vec<(String, Value)> },
}

impl From<Request> for Proposal {
    fn from(request: Request) -> Proposal {
        match request {
            Request::Cancel => Proposal::Cancel,
            Request::Handoff => Proposal::Handoff,
        }
    }
}

/// Asks the caller whether they mean `proposal`; the form stays as it is.
pub(super) fn ask(
    services: &dyn Services,
    session: &mut Session,
    intent: Intent,
    proposal: Proposal,
) -> Turn {
    ask_after(services, session, intent, proposal, Vec::new())
}

/// [`ask`] after what the reply has said so far (`parts`).
pub(super) fn ask_after(
    services: &dyn Services,
    session: &mut Session,
    intent: Intent,
    proposal: Proposal,
    mut parts: Vec<String>,
) -> Turn {
    let replies = services.replies();
    let channel = session.channel;
    let question = match &proposal {
        Proposal::Cancel => replies.confirm_cancel.text(channel).to_string(),
        Proposal::Handoff => replies.confirm_handoff.text(channel).to_string(),
        Proposal::NewRegistration => replies.confirm_new_registration.text(channel).to_string(),
        Proposal::Change { values } => change_question(services, session, values),
    };
    parts.push(question);
    session.proposal = Some(proposal);
    let mut turn = Turn::new(session, intent.name(), super::say(&parts));
    turn.suggestions = super::suggestions(session.channel, vec!["是的".into(), "不是".into()]);
    turn
}

/// The caller's answer to a proposal pending: a yes or no ends the turn;
/// anything else drops the proposal and is understood as usual.
pub(super) fn answered(
    services: &dyn Services,
    session: &mut Session,
    understanding: Understanding,
) -> ControlFlow<Turn, Understanding> {
    let Some(proposal) = session.proposal.take() else {
        return ControlFlow::Continue(understanding);
    };
    // A no that says what instead (不是，是广州) is a correction: the
    // usual stages take it.
    let yes = match acts::yes_or_no(&understanding) {
        Some(false) if says_more(session, &understanding) => None,
        answer => answer,
    };
    let Some(yes) = yes else {
        return ControlFlow::Continue(understanding);
    };
    let replies = services.replies();
    let channel = session.channel;
    let intent = understanding.intent;
    let turn = match (proposal, yes) {
        (Proposal::Cancel, true) => super::cancel(services, session, intent),
        (Proposal::Handoff, true) => {
            super::hand_off(session, intent.name(), replies.handoff.text(channel))
        }
        // No form under way (a question about an earlier registration):
        // nothing to go on with.
        (Proposal::Handoff, false) if session.state == DialogueState::Idle => {
            session.failures = 0;
            let reply = replies.anything_else.text(channel).to_string();
            Turn::new(session, intent.name(), reply)
        }
        (Proposal::Cancel | Proposal::Handoff, false) => {
            let parts = vec![replies.go_on.text(channel).to_string()];
            go_on(services, session, intent, parts)
        }
        (Proposal::NewRegistration, true) => {
            start_again(services, session);
            let parts = vec![replies.new_registration.text(channel).to_string()];
            go_on(services, session, intent, parts)
        }
        (Proposal::NewRegistration, false) => {
            let bye = understanding
                .intents
                .iter()
                .any(|(intent, _)| *intent == Intent::Goodbye);
            let reply = if bye {
                &replies.goodbye
            } else {
                &replies.anything_else
            };
            Turn::new(session, intent.name(), reply.text(channel).to_string())
        }
        (Proposal::Change { values }, true) => change(services, session, intent, &values),
        (Proposal::Change { .. }, false) => {
            let parts = vec![replies.not_changed.text(channel).to_string()];
            go_on(services, session, intent, parts)
        }
    };
    ControlFlow::Break(turn)
}

/// Whether the turn gives facts beyond the situation already known (the
/// understanding carries that along with each turn).
fn says_more(session: &Session, understanding: &Understanding) -> bool {
    let mut said = understanding.entities.clone();
    said.situation
        .retain(|fact| !session.situation.contains(fact));
    if said.situation.is_empty() {
        said.category = None;
        said.category_options.clear();
        said.hukou_moved = None;
    }
    !said.is_empty()
}

/// A new registration in the same call: the form starts empty again, as
/// when the call opened; the finished one stays registered.
fn start_again(services: &dyn Services, session: &mut Session) {
    session.slots = Application {
        region: session.slots.region.clone(),
        submit_via: Some(Channel::Phone),
        apply_date: Some(session.today),
        ..Application::default()
    };
    session.state = DialogueState::Collecting;
    session.pending = None;
    session.materials_asked = false;
    session.hukou_moved = None;
    session.told.clear();
    session.materials_which = false;
    session.decision = services.evaluate(&session.slots, session.today).ok();
}

/// The caller confirmed the values proposed: they are written, the rules
/// asked again, and the change said back.
fn change(
    services: &dyn Services,
    session: &mut Session,
    intent: Intent,
    values: &[(String, Value)],
) -> Turn {
    let before = session.slots.clone();
    for (slot, value) in values {
        if let Ok(changed) =
            slots::set_value(services.slots(), &session.slots, slot, Some(value.clone()))
        {
            session.slots = changed;
        }
    }
    match services.evaluate(&session.slots, session.today) {
        Ok(decision) => session.decision = Some(decision),
        Err(_) => session.slots = before.clone(),
    }
    let mut changes = slots::diff(services.slots(), &before, &session.slots, "caller");
    for change in &mut changes {
        change.act = Some(slots::Act::Confirm);
    }
    let parts = super::changes_said(services, session, &changes)
        .into_iter()
        .collect();
    let mut turn = go_on(services, session, intent, parts);
    turn.slot_changes = changes;
    turn
}

/// 您是要把就医地从湖南省长沙市改成广东省深圳市吗？ — or, for a switch to
/// the maternity scheme, whether that registration is the one wanted.
fn change_question(
    services: &dyn Services,
    session: &Session,
    values: &[(String, Value)],
) -> String {
    let replies = services.replies();
    let channel = session.channel;
    let maternity = serde_json::to_value(Scheme::Maternity).ok();
    if values
        .iter()
        .any(|(slot, value)| slot == "scheme" && Some(value) == maternity.as_ref())
    {
        return replies.confirm_maternity.text(channel).to_string();
    }
    let proposed = values
        .iter()
        .fold(session.slots.clone(), |slots, (slot, value)| {
            slots::set_value(services.slots(), &slots, slot, Some(value.clone())).unwrap_or(slots)
        });
    let said = |application: &Application, slot: &str| {
        super::slot_said(services, application, slot, channel).unwrap_or_default()
    };
    let changes: Vec<String> = values
        .iter()
        .map(|(slot, _)| {
            replies.change_from_to.fill(
                channel,
                &[
                    ("label", services.slots().label(slot)),
                    ("old", &said(&session.slots, slot)),
                    ("new", &said(&proposed, slot)),
                ],
            )
        })
        .collect();
    replies
        .confirm_change
        .fill(channel, &[("changes", &changes.join("，"))])
}

/// The form goes on from where it was: the question pending is asked again.
fn go_on(
    services: &dyn Services,
    session: &mut Session,
    intent: Intent,
    parts: Vec<String>,
) -> Turn {
    session.failures = 0;
    if session.decision.is_none() || session.state == DialogueState::Done {
        return Turn::new(session, intent.name(), super::say(&parts));
    }
    super::next_move(services, session, intent.name(), parts)
}

/// Values this turn would write over ones the caller gave before, said
/// without a correction cue (我儿子在深圳上班 after 回长沙养老), and a switch
/// to the maternity scheme in the middle of a form: held back and asked
/// about. The answer to the question pending, a correction, the read-back's
/// corrections and facts that follow from an answer (户口没迁) write at once.
pub(super) fn held_back(
    services: &dyn Services,
    session: &Session,
    before: &Application,
    understanding: &Understanding,
    changes: &[super::SlotChange],
) -> Vec<(String, Value)> {
    let corrected = super::corrects(understanding);
    if session.state != DialogueState::Collecting || corrected {
        return Vec::new();
    }
    let maternity = serde_json::to_value(Scheme::Maternity).ok();
    let phone = serde_json::to_value(Channel::Phone).ok();
    let hukou_answered = understanding.entities.hukou_moved.is_some();
    changes
        .iter()
        .filter(|change| {
            let Some(new) = &change.new else {
                return false;
            };
            let slot = change.slot.as_str();
            if slot == "scheme" && Some(new) == maternity.as_ref() {
                return before.category.is_some() || before.scheme.is_some();
            }
            let replaces = change.old.is_some()
                && session.pending.as_deref() != Some(slot)
                && !matches!(slot, "materials" | "apply_date");
            // Phone is where every call starts, not something the caller said.
            let default_channel = slot == "submit_via" && change.old == phone;
            let category_unchanged =
                slot == "category" && (hukou_answered || decides_alike(services, session, before));
            replaces && !default_channel && !category_unchanged
        })
        .filter_map(|change| Some((change.slot.clone(), change.new.clone()?)))
        .collect()
}

/// Whether the rules decide the case alike with the category just said as
/// with the one before (a region that handles 长期异地转院 as 异地转诊):
/// then the new name changes nothing that is registered.
fn decides_alike(services: &dyn Services, session: &Session, before: &Application) -> bool {
    let mut previous = session.slots.clone();
    previous.category = before.category;
    let decide = |application: &Application| {
        services
            .evaluate(application, session.today)
            .ok()
            .map(|decision| {
                (
                    decision.status,
                    decision.class,
                    decision.required_materials,
                    decision.channels,
                    decision.validity,
                )
            })
    };
    let now = decide(&session.slots);
    now.is_some() && now == decide(&previous)
}
