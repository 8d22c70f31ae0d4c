//! A registration made before this call (我去年办的那个备案不想要了,
//! 备案的城市能换一个吗): changing or cancelling it is neither stopping this
//! call nor a new registration. The caller hears what the rules say about
//! changing or cancelling (how long it is locked, where it is done, the
//! clause), that a person has to find the registration to do it, and is
//! offered one. Nothing the caller said is written into a form.

use std::ops::ControlFlow;

use super::{DialogueState, Services, Session, SessionChannel, Turn, confirm};
use crate::answer::from_rules::RulesTopic;
use crate::nlu::{Intent, Understanding};
use crate::rules::Category;

/// Answers a change or cancellation of an earlier registration; other
/// turns go on. Mid-form, only a turn that names an earlier registration
/// (上次备案的, 去年办的) is one: 改到长沙 there corrects the form.
pub(super) fn change_or_cancel(
    services: &dyn Services,
    session: &mut Session,
    understanding: &Understanding,
) -> ControlFlow<Turn> {
    if understanding.intent != Intent::CancelOrChange {
        return ControlFlow::Continue(());
    }
    let form_under_way = matches!(
        session.state,
        DialogueState::Collecting | DialogueState::Confirming
    );
    if form_under_way && !understanding.entities.earlier_registration {
        return ControlFlow::Continue(());
    }
    let channel = session.channel;
    let replies = services.replies();
    let mut parts = Vec::new();
    // The earlier registration's category is not this call's: unless the
    // caller names it, the rules are asked for a long-term stay, the
    // registrations that are changed or cancelled.
    let mut case = session.slots.clone();
    case.category = understanding
        .entities
        .category
        .or(case.category)
        .or(Some(Category::LongTermResident));
    // The rules are asked whether and when it can be changed or
    // cancelled, for this case.
    let mut passages = None;
    if let Some(answer) = services.rules_answer(RulesTopic::ChangeCancel, &case, session.today) {
        parts.push(match channel {
            SessionChannel::Phone => answer.answer,
            SessionChannel::Widget | SessionChannel::Agent => answer.written,
        });
        passages = Some(answer.passages);
    }
    parts.push(replies.existing_registration.text(channel).to_string());
    session.failures = 0;
    let mut turn = confirm::ask_after(
        services,
        session,
        understanding.intent,
        confirm::Proposal::Handoff,
        parts,
    );
    turn.passages = passages;
    ControlFlow::Break(turn)
}
