//! The dialogue: a pure state machine from (session, utterance, today) to
//! (session, turn). Uses `nlu` to understand and `rules` to decide what to
//! ask next. No IO. (Being written; the types below are its public face.)

use serde::{Deserialize, Serialize};

use crate::answer::{Answer, AnswerPassage};
use crate::rules::{Application, Decision};

/// Which medium a session serves; it shapes the replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionChannel {
    Phone,
    Widget,
    Agent,
}

/// Contract §3 `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DialogueState {
    Idle,
    Collecting,
    Confirming,
    Done,
    /// The caller waits for an agent (see [`handoff`]).
    Handoff,
    /// An agent has taken the call; the assistant stays silent.
    AgentActive,
}

/// Everything the dialogue remembers between turns. Serialisable so the
/// store can persist it after every turn and a restarted server resumes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub channel: SessionChannel,
    pub today: chrono::NaiveDate,
    pub state: DialogueState,
    pub slots: Application,
    pub decision: Option<Decision>,
    /// The slot asked for last, if any.
    pub pending: Option<String>,
    /// Consecutive turns not understood; drives escalation and handoff.
    pub failures: u32,
    /// Whether the caller was already asked for the materials still
    /// missing, so that the question comes once, not on every turn.
    #[serde(default)]
    pub materials_asked: bool,
    /// Whether the caller's 户籍 has moved to the new place, when they said
    /// so or were asked: 异地安置退休人员 needs it, and a retiree without it
    /// is an 异地长期居住人员 wherever the region tells the two apart.
    #[serde(default)]
    pub hukou_moved: Option<bool>,
    /// While a person has the call: who, since when, and the form's own
    /// state underneath (see [`handoff`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<handoff::Held>,
    /// The last message sent with a client id and the turn it got, so a
    /// resend of it (after a dropped connection) is answered again
    /// instead of being applied twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered: Option<Delivered>,
    /// The facts about the caller's situation said so far (`retired`,
    /// `hukou_stayed`…), read together with each new turn.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub situation: Vec<String>,
    /// The two categories the situation still leaves open, if so: the
    /// category question is then the one that separates them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category_options: Vec<Category>,
    /// A move with consequences the dialogue asked the caller to confirm
    /// (您是要取消这次登记吗？), waiting for their yes or no.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<confirm::Proposal>,
    /// The reply said last, so that the next is never the same word for word.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub last_reply: String,
    /// The caller answered the materials question with a bare 有 while a
    /// document still missing has alternatives: which one is asked next,
    /// instead of taking the first.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub materials_which: bool,
    /// What the caller was told of their case's consequences (ratio drop,
    /// change lock, proof due, backdating, processing), each by kind and
    /// value, so that each is said once (see [`tell`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub told: Vec<String>,
}

/// See [`Session::delivered`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivered {
    pub client_id: String,
    pub turn: Turn,
    pub registration_id: Option<String>,
}

/// One slot's change in a turn, with where the value came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotChange {
    /// Dotted slot name, e.g. `applicant.phone`.
    pub slot: String,
    pub old: Option<serde_json::Value>,
    pub new: Option<serde_json::Value>,
    /// `caller` (understood from speech) or `agent` (edited on the screen).
    pub source: String,
    /// For the caller's values, the act that wrote it (see [`slots::Act`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<slots::Act>,
}

/// The reply to one utterance (contract §3 Turn).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub reply: String,
    /// The caller's [`Intent`] by name, or on a turn an agent caused,
    /// the agent's action (`accept`, `agent_message`…).
    pub intent: String,
    pub state: DialogueState,
    pub slots: Application,
    pub missing: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passages: Option<Vec<AnswerPassage>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Vec<String>>,
    /// Not in the contract's list but allowed by it: what this turn changed.
    #[serde(default)]
    pub slot_changes: Vec<SlotChange>,
    /// Set on the turn that completes a registration: the server stores it
    /// as a registration record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed: Option<Completed>,
}

/// A finished registration, ready to be stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completed {
    pub application: Application,
    pub decision: Decision,
}

pub mod acts;
mod answer_first;
pub mod confirm;
pub mod context;
mod existing;
pub mod handoff;
pub mod outcome;
pub mod replies;
pub mod script;
pub mod services;
pub mod slots;
pub mod speech;
mod tell;

pub use services::Services;

use std::ops::ControlFlow;

use crate::answer::Question;
use crate::nlu::{Intent, Understanding};
use crate::rules::{Category, Channel, Status};
use crate::slot_table::Prompt;
use acts::{Reading, Request};

/// Consecutive misunderstandings before the caller is handed to a person.
pub const MAX_FAILURES: u32 = 3;

/// Opens a session: the registration starts as a phone one (the hotline's
/// medium), applied for today; the caller may name another medium later.
pub fn start(
    services: &dyn Services,
    channel: SessionChannel,
    region: &str,
    today: chrono::NaiveDate,
) -> (Session, Turn) {
    let session = Session {
        channel,
        today,
        state: DialogueState::Idle,
        slots: Application {
            region: region.to_string(),
            submit_via: Some(Channel::Phone),
            apply_date: Some(today),
            ..Application::default()
        },
        decision: None,
        pending: None,
        failures: 0,
        materials_asked: false,
        hukou_moved: None,
        held: None,
        delivered: None,
        situation: Vec::new(),
        category_options: Vec::new(),
        proposal: None,
        last_reply: String::new(),
        materials_which: false,
        told: Vec::new(),
    };
    let greeting = services.replies().greet.text(channel).to_string();
    let session = Session {
        last_reply: greeting.clone(),
        ..session
    };
    let mut turn = Turn::new(&session, Intent::Greet.name(), greeting);
    if channel != SessionChannel::Phone {
        turn.suggestions = Some(vec![
            "我要办异地就医备案".into(),
            "备案要带什么材料".into(),
            "转人工".into(),
        ]);
    }
    (session, turn)
}

/// Takes one caller utterance: understands it, fills slots, asks the rules
/// module again if anything changed, and says the next thing. Each stage
/// below either ends the turn (`Break`) or hands the draft on.
pub fn step(services: &dyn Services, session: &mut Session, text: &str) -> Turn {
    step_asking(services, session, text).0
}

/// [`step`], and the answers the texts gave to the questions the caller
/// asked in the turn (refused ones included), for the editors' list of
/// questions answered badly.
pub fn step_asking(
    services: &dyn Services,
    session: &mut Session,
    text: &str,
) -> (Turn, Vec<Answer>) {
    let mut answers = Vec::new();
    let mut turn = match stages(services, session, text.trim(), &mut answers) {
        ControlFlow::Break(turn) | ControlFlow::Continue(turn) => turn,
    };
    not_again(services, session, &mut turn);
    (turn, answers)
}

/// No reply is said twice in a row word for word: a caller who hears the
/// same sentence again thinks the line is stuck.
fn not_again(services: &dyn Services, session: &mut Session, turn: &mut Turn) {
    let replies = services.replies();
    let channel = session.channel;
    if !turn.reply.is_empty() && turn.reply == session.last_reply {
        turn.reply = if turn.reply == replies.anything_else.text(channel) {
            replies.goodbye.text(channel).to_string()
        } else if turn.reply == replies.handoff_waiting.text(channel) {
            replies.handoff_waiting_again.text(channel).to_string()
        } else {
            replies.said_again.fill(channel, &[("reply", &turn.reply)])
        };
    }
    session.last_reply = turn.reply.clone();
}

fn stages(
    services: &dyn Services,
    session: &mut Session,
    text: &str,
    answers: &mut Vec<Answer>,
) -> ControlFlow<Turn, Turn> {
    let situation_before = session.situation.clone();
    let understanding = context::understand(services, session, text);
    pause(services, session, &understanding)?;
    let understanding = confirm::answered(services, session, understanding)?;
    declined_fact(services, session, text)?;
    requests(services, session, &understanding, text)?;
    existing::change_or_cancel(services, session, &understanding)?;
    let understanding = acts::without_unmade_requests(understanding, text, services.act_words());
    let mut draft = fill(services, session, understanding, text, &situation_before);
    hold_back(services, session, &mut draft)?;
    confirmation(services, session, &draft)?;
    context::name_answer(services, session, &mut draft)?;
    acknowledge(services, session, &mut draft);
    answer_question(services, session, &mut draft);
    answer_first::side_question(services, session, &mut draft);
    answers.append(&mut draft.answers);
    out_of_scope(services, session, &mut draft)?;
    before_registering(services, session, &mut draft)?;
    after_done(services, session, &mut draft)?;
    tail_unclear(services, session, &mut draft)?;
    rejected_value(services, session, &mut draft)?;
    count_understanding(services, session, &draft)?;
    decide(services, session, &mut draft)?;
    context::check_unsure_name(services, session, &mut draft)?;
    let mut turn = next_move(
        services,
        session,
        draft.intent.name(),
        std::mem::take(&mut draft.parts),
    );
    turn.slot_changes = draft.changes;
    if turn.passages.is_none() {
        turn.passages = draft.passages;
    }
    ControlFlow::Continue(turn)
}

/// One caller turn as the stages work it out.
struct Draft {
    text: String,
    understanding: Understanding,
    intent: Intent,
    /// The slots before this turn.
    before: Application,
    /// Whether the read-back was waiting for a yes or no.
    was_confirming: bool,
    /// The question pending before this turn.
    pending_before: Option<String>,
    applied: slots::Applied,
    changes: Vec<SlotChange>,
    /// What the reply says so far, one sentence or phrase each.
    parts: Vec<String>,
    passages: Option<Vec<AnswerPassage>>,
    /// What the texts answered to the questions asked, as they answered.
    answers: Vec<Answer>,
    /// The caller asked a question (it is answered from the texts).
    asked: bool,
    /// The texts answered it.
    answered: bool,
}

impl Draft {
    /// The reply as drafted so far, ending the turn.
    fn finish(&mut self, session: &Session) -> Turn {
        let mut turn = Turn::new(session, self.intent.name(), say(&self.parts));
        turn.passages = self.passages.take();
        turn.slot_changes = std::mem::take(&mut self.changes);
        turn
    }

    /// Whether a registration is wanted: asked for, or facts given outside
    /// a question. A question that happens to name a category (异地长期居住
    /// 备案多久能取消) is a question, not the start of a registration.
    fn wants_to_register(&self) -> bool {
        matches!(self.intent, Intent::Register | Intent::RegisterMaternity)
            || (self.applied.took_something && !self.asked)
    }
}

/// Requests that come before anything else the caller said: a person, or
/// stopping. Only a sure reading acts; an unsure one is asked back.
fn requests(
    services: &dyn Services,
    session: &mut Session,
    understanding: &Understanding,
    text: &str,
) -> ControlFlow<Turn> {
    let replies = services.replies();
    let channel = session.channel;
    let intent = understanding.intent;
    let reading = acts::request(understanding, text, services.act_words());
    if reading == Reading::Sure(Request::Handoff) {
        return ControlFlow::Break(hand_off(
            session,
            Intent::Handoff.name(),
            replies.handoff.text(channel),
        ));
    }
    if session.state == DialogueState::Handoff {
        let reply = replies.handoff_waiting.text(channel).to_string();
        return ControlFlow::Break(Turn::new(session, intent.name(), reply));
    }
    let under_way = matches!(
        session.state,
        DialogueState::Collecting | DialogueState::Confirming
    );
    match reading {
        Reading::Sure(Request::Cancel) => ControlFlow::Break(cancel(services, session, intent)),
        Reading::Unsure(Request::Cancel) if !under_way => ControlFlow::Continue(()),
        Reading::Unsure(request) => {
            ControlFlow::Break(confirm::ask(services, session, intent, request.into()))
        }
        _ => ControlFlow::Continue(()),
    }
}

/// A turn that only pauses (嗯嗯，那个啥; 稍等我找找) answers nothing: the
/// caller is told to take their time and the question pending is asked
/// again, so a filler never confirms the read-back or a proposal. While
/// collecting, it counts as a turn not understood (the question is
/// rephrased, a person offered the third time), but a pause alone hands
/// no one over; with nothing asked, it is read like any other turn.
fn pause(
    services: &dyn Services,
    session: &mut Session,
    understanding: &Understanding,
) -> ControlFlow<Turn> {
    let asked = session.proposal.is_some()
        || matches!(
            session.state,
            DialogueState::Collecting | DialogueState::Confirming
        );
    if !understanding.hesitating || !asked {
        return ControlFlow::Continue(());
    }
    let replies = services.replies();
    let channel = session.channel;
    let intent = understanding.intent;
    // Never the same words twice in a row (see `not_again`).
    let wait = if session
        .last_reply
        .starts_with(replies.take_your_time.text(channel))
    {
        &replies.take_your_time_again
    } else {
        &replies.take_your_time
    };
    let mut parts = vec![wait.text(channel).to_string()];
    if let Some(proposal) = session.proposal.take() {
        return ControlFlow::Break(confirm::ask_after(
            services, session, intent, proposal, parts,
        ));
    }
    if session.state == DialogueState::Collecting {
        session.failures += 1;
    }
    let name = session
        .slots
        .applicant
        .as_ref()
        .and_then(|applicant| applicant.name.clone());
    match (session.pending.as_deref(), name) {
        (Some(context::NAME_CHECK), Some(name)) => {
            parts.push(replies.name_check.fill(channel, &[("name", &name)]));
            return ControlFlow::Break(Turn::new(session, intent.name(), say(&parts)));
        }
        // The documents are asked again, not skipped for the read-back.
        (Some("materials"), _) => session.materials_asked = false,
        _ => {}
    }
    if session.decision.is_none() {
        parts.push(replies.not_heard.text(channel).to_string());
        return ControlFlow::Break(Turn::new(session, intent.name(), say(&parts)));
    }
    ControlFlow::Break(next_move(services, session, intent.name(), parts))
}

/// The call stops here: nothing is registered.
fn cancel(services: &dyn Services, session: &mut Session, intent: Intent) -> Turn {
    session.state = DialogueState::Idle;
    session.pending = None;
    session.failures = 0;
    let reply = services.replies().cancel.text(session.channel).to_string();
    Turn::new(session, intent.name(), reply)
}

/// A caller who will not give a fact on the phone (身份证号能不能不在电话里讲)
/// is told why it is needed and where else the registration can be done,
/// and the question stays open.
fn declined_fact(services: &dyn Services, session: &mut Session, text: &str) -> ControlFlow<Turn> {
    if session.state != DialogueState::Collecting {
        return ControlFlow::Continue(());
    }
    let pending = session.pending.as_deref();
    let Some(slot) = acts::declines(text, pending, services.act_words()) else {
        return ControlFlow::Continue(());
    };
    let replies = services.replies();
    let channel = session.channel;
    let why = if slot == "applicant.phone" {
        &replies.declined_phone
    } else {
        &replies.declined_id
    };
    let mut parts = vec![why.text(channel).to_string()];
    let channels = session
        .decision
        .as_ref()
        .map(|decision| decision.channels.clone())
        .unwrap_or_default();
    let ways = speech::elsewhere(services, &channels);
    parts.push(replies.declined_ways.fill(channel, &[("ways", &ways)]));
    parts.push(replies.declined_go_on.text(channel).into());
    session.pending = Some(slot.to_string());
    session.failures = 0;
    ControlFlow::Break(Turn::new(session, Intent::ProvideInfo.name(), say(&parts)))
}

/// Writes what the caller said into the slots and notes what changed.
fn fill(
    services: &dyn Services,
    session: &mut Session,
    understanding: Understanding,
    text: &str,
    situation_before: &[String],
) -> Draft {
    let before = session.slots.clone();
    let pending = session.pending.clone();
    let was_confirming = session.state == DialogueState::Confirming;
    let applied = match session.state {
        // A finished registration is closed: later words are answered,
        // never written into it.
        DialogueState::Done if registered(session) => slots::Applied::default(),
        DialogueState::Idle | DialogueState::Done => {
            slots::apply(session, &understanding, text, services.act_words())
        }
        // Mid-form, a place or a channel named inside a question is the
        // question's topic, not a value: only the statements write.
        _ => match statements(text, services.act_words()) {
            None => slots::apply(session, &understanding, text, services.act_words()),
            Some(stated) => {
                let mut facts = context::understand_part(
                    services,
                    session,
                    &stated,
                    session.today,
                    situation_before,
                );
                facts.intent = understanding.intent;
                // 嗯嗯，办好以后多久能用？: a filler before a question is no yes.
                let fillers = acts::only_fillers(&stated, services.act_words());
                if fillers && matches!(facts.intent, Intent::Affirm | Intent::Deny) {
                    facts.intent = Intent::Unknown;
                }
                if stated.is_empty() {
                    facts.entities = Default::default();
                }
                slots::apply(session, &facts, &stated, services.act_words())
            }
        },
    };
    let mut changes = slots::diff(services.slots(), &before, &session.slots, "caller");
    let intent = understanding.intent;
    let corrected = was_confirming || corrects(&understanding);
    for change in &mut changes {
        change.act = Some(if pending.as_deref() == Some(change.slot.as_str()) {
            slots::Act::Answer
        } else if corrected {
            slots::Act::Correct
        } else {
            slots::Act::Inform
        });
    }
    let asked = intent.is_question()
        || understanding
            .intents
            .iter()
            .skip(1)
            .any(|(other, score)| other.is_question() && *score >= 0.5);
    Draft {
        text: text.to_string(),
        understanding,
        intent,
        before,
        was_confirming,
        pending_before: pending,
        applied,
        changes,
        parts: Vec::new(),
        passages: None,
        answers: Vec::new(),
        asked,
        answered: false,
    }
}

/// Whether the turn corrects something said before: a correction cue (不对,
/// 说错了, 改成), or the last digits of a number said anew (后四位是1028).
pub(crate) fn corrects(understanding: &Understanding) -> bool {
    understanding.entities.correction
        || understanding.intent == Intent::Correct
        || !understanding.entities.number_tails.is_empty()
}

/// Values that would replace the caller's own without a correction cue
/// are held back and asked about (see [`confirm::held_back`]); the rest of
/// the turn is taken.
fn hold_back(
    services: &dyn Services,
    session: &mut Session,
    draft: &mut Draft,
) -> ControlFlow<Turn> {
    let held = confirm::held_back(
        services,
        session,
        &draft.before,
        &draft.understanding,
        &draft.changes,
    );
    if held.is_empty() {
        return ControlFlow::Continue(());
    }
    for (slot, _) in &held {
        let old = slots::value_at(&draft.before, slot);
        if let Ok(restored) = slots::set_value(services.slots(), &session.slots, slot, old) {
            session.slots = restored;
        }
    }
    draft
        .changes
        .retain(|change| !held.iter().any(|(slot, _)| *slot == change.slot));
    let mut parts = Vec::new();
    if !draft.changes.is_empty() {
        if let Ok(decision) = services.evaluate(&session.slots, session.today) {
            session.decision = Some(decision);
        }
        parts.push(services.replies().noted.text(session.channel).to_string());
    }
    let proposal = confirm::Proposal::Change { values: held };
    let mut turn = confirm::ask_after(services, session, draft.intent, proposal, parts);
    turn.slot_changes = std::mem::take(&mut draft.changes);
    ControlFlow::Break(turn)
}

/// Whether the session ended in a registration the caller confirmed.
fn registered(session: &Session) -> bool {
    session.state == DialogueState::Done
        && session.decision.as_ref().is_some_and(|decision| {
            matches!(decision.status, Status::Accepted | Status::NeedsMaterials)
        })
}

/// The clauses of `text` that are not questions, joined; `None` when no
/// clause is a question.
fn statements(text: &str, words: &crate::nlu::cues::ActWords) -> Option<String> {
    let clauses: Vec<&str> = text
        .split_inclusive(['，', ',', '。', '！', '!', '；', ';', '？', '?', ' '])
        .collect();
    let asks = |clause: &&str| acts::is_question(clause, words);
    if !clauses.iter().any(asks) {
        return None;
    }
    Some(clauses.into_iter().filter(|clause| !asks(clause)).collect())
}

/// The caller's yes or no to the read-back.
fn confirmation(
    services: &dyn Services,
    session: &mut Session,
    draft: &Draft,
) -> ControlFlow<Turn> {
    if !draft.was_confirming
        || !draft.changes.is_empty()
        || !draft.applied.rejected.is_empty()
        || draft.applied.tail_unclear
    {
        return ControlFlow::Continue(());
    }
    match draft.intent {
        Intent::Affirm => ControlFlow::Break(finish(services, session, draft.intent.name())),
        Intent::Deny | Intent::Correct => {
            session.state = DialogueState::Collecting;
            session.pending = None;
            let reply = services.replies().which_is_wrong.text(session.channel);
            ControlFlow::Break(Turn::new(session, draft.intent.name(), reply.to_string()))
        }
        _ => ControlFlow::Continue(()),
    }
}

/// Says back what was taken: a correction with its new value, the category
/// the caller's situation falls in, or a plain "记下了".
fn acknowledge(services: &dyn Services, session: &Session, draft: &mut Draft) {
    let replies = services.replies();
    let channel = session.channel;
    let corrected = !draft.changes.is_empty() && corrects(&draft.understanding);
    if corrected {
        draft
            .parts
            .extend(changes_said(services, session, &draft.changes));
    }
    // A question that names a category is answered, not classified.
    let just_asking = draft.asked && session.state == DialogueState::Idle;
    if draft.before.category.is_none()
        && !just_asking
        && let Some(category) = session.slots.category
    {
        let category = services.category_name(&session.slots.region, category);
        let heard = replies
            .category_heard
            .fill(channel, &[("category", &category)]);
        draft.parts.push(heard);
    }
    if draft.parts.is_empty() && !draft.changes.is_empty() && !corrected && !just_asking {
        draft.parts.push(noted(services, channel, draft));
    }
}

/// "好的，记下了。" for the answer to the question asked (or when none was);
/// for other facts said instead, what was taken, by name (好的，联系电话记下
/// 了。), so that the question asked again after it follows naturally.
fn noted(services: &dyn Services, channel: SessionChannel, draft: &Draft) -> String {
    let replies = services.replies();
    let answered = |pending: &str| {
        draft.changes.iter().any(|change| {
            change.slot == pending || pending.starts_with(&format!("{}.", change.slot))
        })
    };
    // Whether the 户口 moved is asked by the dialogue, not a slot.
    let hukou_answered = draft.understanding.entities.hukou_moved.is_some();
    match draft.pending_before.as_deref() {
        Some(HUKOU) if hukou_answered => replies.noted.text(channel).into(),
        Some(pending) if !answered(pending) => {
            let mut labels: Vec<&str> = Vec::new();
            for change in &draft.changes {
                let label = services.slots().label(&change.slot);
                if !labels.contains(&label) {
                    labels.push(label);
                }
            }
            let labels = replies.all_of(&labels);
            replies.noted_other.fill(channel, &[("labels", &labels)])
        }
        _ => replies.noted.text(channel).into(),
    }
}

/// A policy question in the middle of the form is answered from the texts;
/// the form goes on where it was.
fn answer_question(services: &dyn Services, session: &Session, draft: &mut Draft) {
    if !draft.asked {
        return;
    }
    let answer = services.ask(&Question {
        text: draft.text.clone(),
        region: Some(session.slots.region.clone()),
        top: Some(3),
        case: Some(session.slots.clone()),
        today: Some(session.today),
    });
    if let Ok(answer) = &answer {
        draft.answers.push(answer.clone());
    }
    match answer {
        Ok(answer) if answer.answered => {
            draft.answered = true;
            // Spoken, one sentence; read (widget, agent screen), two with the clause.
            let reply = match session.channel {
                SessionChannel::Phone => &answer.answer,
                SessionChannel::Widget | SessionChannel::Agent => &answer.written,
            };
            draft.parts.push(reply.clone());
            draft.passages = Some(answer.passages);
        }
        _ => {
            let none = services.replies().no_answer_found.text(session.channel);
            draft.parts.push(none.into());
        }
    }
}

/// Outside 异地就医备案 altogether: say so, offer a person, and go on with
/// the form if one is under way.
fn out_of_scope(
    services: &dyn Services,
    session: &mut Session,
    draft: &mut Draft,
) -> ControlFlow<Turn> {
    if draft.intent != Intent::OutOfScope || draft.applied.took_something {
        return ControlFlow::Continue(());
    }
    session.failures = 0;
    let reply = services.replies().out_of_scope.text(session.channel);
    draft.parts.push(reply.into());
    if session.state == DialogueState::Collecting {
        return ControlFlow::Continue(());
    }
    ControlFlow::Break(draft.finish(session))
}

/// Before a registration is under way: answer a question (and say at once
/// when the caller's situation settles it), or ask what the caller wants.
fn before_registering(
    services: &dyn Services,
    session: &mut Session,
    draft: &mut Draft,
) -> ControlFlow<Turn> {
    if session.state != DialogueState::Idle || draft.wants_to_register() {
        return ControlFlow::Continue(());
    }
    let replies = services.replies();
    let channel = session.channel;
    if draft.asked {
        // "要不要备案" with the caller's situation in it: when the rules
        // settle it at once (exempt, not eligible, wrong channel), say so.
        if draft.applied.took_something
            && let Ok(decision) = services.evaluate(&session.slots, session.today)
            && matches!(
                decision.status,
                Status::NotRequired | Status::NotEligible | Status::ChannelUnavailable
            )
        {
            session.decision = Some(decision);
            let mut turn = next_move(services, session, draft.intent.name(), Vec::new());
            turn.passages = draft.passages.take();
            return ControlFlow::Break(turn);
        }
        let mut turn = draft.finish(session);
        let quick = vec!["我要办异地就医备案".into(), "转人工".into()];
        turn.suggestions = suggestions(channel, quick);
        return ControlFlow::Break(turn);
    }
    if draft.intent == Intent::Goodbye {
        let reply = replies.goodbye.text(channel).to_string();
        return ControlFlow::Break(Turn::new(session, draft.intent.name(), reply));
    }
    session.failures += 1;
    if session.failures >= MAX_FAILURES {
        let reply = replies.handoff_not_helped.text(channel);
        return ControlFlow::Break(hand_off(session, draft.intent.name(), reply));
    }
    let reply = replies.register_or_ask.text(channel).to_string();
    ControlFlow::Break(Turn::new(session, draft.intent.name(), reply))
}

/// After a registration is done: questions are answered, nothing reopens
/// unless the caller gives new facts; a new registration starts collecting.
fn after_done(
    services: &dyn Services,
    session: &mut Session,
    draft: &mut Draft,
) -> ControlFlow<Turn> {
    let state = session.state;
    let closed = registered(session);
    // A second registration only as a new one, confirmed as new.
    let words = services.act_words();
    if closed && acts::asks_for_another(&draft.understanding, &draft.text, words) {
        let parts = std::mem::take(&mut draft.parts);
        let proposal = confirm::Proposal::NewRegistration;
        return ControlFlow::Break(confirm::ask_after(
            services,
            session,
            draft.intent,
            proposal,
            parts,
        ));
    }
    if closed
        || state == DialogueState::Done
            && draft.changes.is_empty()
            && draft.applied.rejected.is_empty()
    {
        if draft.parts.is_empty() {
            let replies = services.replies();
            let reply = if draft.intent == Intent::Goodbye {
                &replies.goodbye
            } else {
                &replies.anything_else
            };
            draft.parts.push(reply.text(session.channel).into());
        }
        return ControlFlow::Break(draft.finish(session));
    }
    if matches!(state, DialogueState::Idle | DialogueState::Done) && draft.wants_to_register() {
        session.state = DialogueState::Collecting;
    }
    ControlFlow::Continue(())
}

/// A value that cannot be taken (a bad ID number, 2月30号): say why and
/// ask again, escalating; a person after repeated failures.
/// The last digits of a number said anew, with both the 身份证 and the
/// phone on the form and nothing to say which: nothing is changed, and the
/// caller is asked which number (a wrong number is worse than a question).
fn tail_unclear(
    services: &dyn Services,
    session: &mut Session,
    draft: &mut Draft,
) -> ControlFlow<Turn> {
    if !draft.applied.tail_unclear || !draft.changes.is_empty() {
        return ControlFlow::Continue(());
    }
    let labels = services.slots();
    draft.parts.push(services.replies().which_number_tail.fill(
        session.channel,
        &[
            ("id_number", labels.label("applicant.id_number")),
            ("phone", labels.label("applicant.phone")),
        ],
    ));
    ControlFlow::Break(draft.finish(session))
}

fn rejected_value(
    services: &dyn Services,
    session: &mut Session,
    draft: &mut Draft,
) -> ControlFlow<Turn> {
    let Some(rejected) = draft.applied.rejected.first().cloned() else {
        return ControlFlow::Continue(());
    };
    let replies = services.replies();
    let channel = session.channel;
    session.failures += 1;
    if session.failures >= MAX_FAILURES {
        let reply = replies.handoff_values_rejected.text(channel);
        return ControlFlow::Break(hand_off(session, draft.intent.name(), reply));
    }
    session.pending = Some(rejected.slot.to_string());
    let prompt = prompt(services, rejected.slot, channel, session.failures);
    // "2月没有30号，请再说一下日期": the reprompt that follows asks.
    let reason = rejected.reason.split("，请").next().unwrap_or_default();
    draft.parts.push(replies.value_rejected.fill(
        channel,
        &[
            ("label", services.slots().label(rejected.slot)),
            ("reason", reason.trim_end_matches('。')),
            ("prompt", without_verdict(&prompt.text)),
        ],
    ));
    let mut turn = draft.finish(session);
    turn.suggestions = suggestions(channel, prompt.suggestions);
    ControlFlow::Break(turn)
}

/// Counts turns not understood while collecting; a person after
/// [`MAX_FAILURES`] in a row.
fn count_understanding(
    services: &dyn Services,
    session: &mut Session,
    draft: &Draft,
) -> ControlFlow<Turn> {
    // What moves the call on: a value changed (or the 户口 answered), a
    // question the texts answer, asking to register (or to go on after
    // all). A greeting, 嗯, 你说什么 or a value said again do not: the same
    // question is then needed again, rephrased, and a person offered.
    let hukou_answered =
        draft.applied.took_something && draft.pending_before.as_deref() == Some(HUKOU);
    let understood = !draft.changes.is_empty()
        || hukou_answered
        || draft.applied.which_asked
        || draft.answered
        || draft.intent == Intent::OutOfScope
        || draft.pending_before.is_none()
            && matches!(draft.intent, Intent::Register | Intent::RegisterMaternity);
    // A question in place of the answer to 另外还需要…，您有吗: the
    // documents are asked again after the answer, not read back unsaid.
    if draft.pending_before.as_deref() == Some("materials")
        && draft.asked
        && draft.changes.is_empty()
    {
        session.materials_asked = false;
    }
    if understood {
        session.failures = 0;
    } else if session.state == DialogueState::Collecting {
        session.failures += 1;
        if session.failures >= MAX_FAILURES {
            let reply = services
                .replies()
                .handoff_not_understood
                .text(session.channel);
            return ControlFlow::Break(hand_off(session, draft.intent.name(), reply));
        }
    }
    ControlFlow::Continue(())
}

/// Asks the rules again when anything changed; a value the rules refuse
/// is asked again.
fn decide(services: &dyn Services, session: &mut Session, draft: &mut Draft) -> ControlFlow<Turn> {
    if draft.changes.is_empty() && session.decision.is_some() {
        return ControlFlow::Continue(());
    }
    let error = match services.evaluate(&session.slots, session.today) {
        Ok(decision) => {
            session.decision = Some(decision);
            return ControlFlow::Continue(());
        }
        Err(error) => error,
    };
    let slot = slot_of_field(services, &error.field);
    draft
        .parts
        .push(services.replies().value_refused_by_rules.fill(
            session.channel,
            &[
                ("label", services.slots().label(&slot)),
                ("reason", &error.message),
            ],
        ));
    session.pending = Some(slot.clone());
    draft
        .parts
        .push(prompt(services, &slot, session.channel, 1).text);
    draft.passages = None;
    ControlFlow::Break(draft.finish(session))
}

/// After the slots are up to date: tell a settled outcome at once, ask for
/// the next fact the rules still need, or read everything back.
fn next_move(
    services: &dyn Services,
    session: &mut Session,
    intent: &str,
    mut parts: Vec<String>,
) -> Turn {
    let replies = services.replies();
    let channel = session.channel;
    let Some(decision) = session.decision.clone() else {
        return Turn::new(session, intent, say(&parts));
    };
    // A retiree's 户口 can still change the category and all that follows.
    let hukou_open = needs_hukou_answer(services, session, &decision);
    if !hukou_open {
        tell::news(services, session, &decision, &mut parts);
    }
    match decision.status {
        Status::NotRequired | Status::NotEligible | Status::ChannelUnavailable => {
            // The outcome itself shows the fact was heard.
            parts.retain(|part| part != replies.noted.text(channel));
            session.state = DialogueState::Done;
            session.pending = None;
            parts.push(outcome::early(services, channel, &session.slots, &decision));
            let mut turn = Turn::new(session, intent, say(&parts));
            if decision.status == Status::ChannelUnavailable {
                turn.suggestions = suggestions(
                    session.channel,
                    decision
                        .channels
                        .iter()
                        .map(|channel| format!("改成{}", services.channel_label(channel)))
                        .collect(),
                );
            }
            turn
        }
        Status::Incomplete | Status::NeedsMaterials
            if session.materials_which
                && decision
                    .missing_materials
                    .iter()
                    .any(|group| group.any_of.len() > 1) =>
        {
            let attempt = if session.pending.as_deref() == Some("materials") {
                session.failures
            } else {
                0
            };
            session.state = DialogueState::Collecting;
            session.pending = Some("materials".into());
            let groups: Vec<_> = decision
                .missing_materials
                .iter()
                .filter(|group| group.any_of.len() > 1)
                .cloned()
                .collect();
            parts.push(outcome::which_material(
                services,
                channel,
                &session.slots.region,
                &groups,
                attempt,
            ));
            if attempt >= 2 {
                parts.push(replies.offer_person.text(channel).into());
            }
            let mut turn = Turn::new(session, intent, say(&parts));
            let quick = outcome::material_choices(services, &session.slots.region, &groups);
            turn.suggestions = suggestions(session.channel, quick);
            turn
        }
        // Nothing left to ask, yet no decision: the rules cannot judge this
        // day (e.g. the region's document is not in force); say why and
        // hand over to a person.
        Status::Incomplete if decision.missing_facts.is_empty() => {
            let why = decision
                .notes
                .first()
                .map(|note| speech::dates_in(note))
                .unwrap_or_else(|| replies.cannot_judge.text(channel).into());
            parts.push(why);
            parts.push(replies.handoff_cannot_judge.text(channel).into());
            hand_off(session, intent, &say(&parts))
        }
        _ if hukou_open => {
            session.state = DialogueState::Collecting;
            session.pending = Some(HUKOU.into());
            let place = speech::destination(&session.slots)
                .unwrap_or_else(|| replies.hukou_place_unknown.text(channel).into());
            parts.push(replies.hukou_question.fill(channel, &[("place", &place)]));
            let mut turn = Turn::new(session, intent, parts.join(""));
            turn.suggestions = suggestions(session.channel, vec!["迁过去了".into(), "没迁".into()]);
            turn
        }
        Status::Incomplete => {
            let slot = decision
                .missing_facts
                .first()
                .cloned()
                .unwrap_or_else(|| "category".into());
            let attempt = if session.pending.as_deref() == Some(slot.as_str()) {
                session.failures
            } else {
                0
            };
            session.state = DialogueState::Collecting;
            let mut prompt = prompt(services, &slot, session.channel, attempt);
            // Asked again, the question lists every option instead.
            if slot == "category"
                && attempt == 0
                && let Some(between) =
                    context::separating_prompt(services, &session.category_options)
            {
                prompt = between;
            }
            context::about_someone(services, session, &slot, attempt, &mut prompt);
            // Asked again because nothing was said, not because a number was wrong.
            prompt.text = without_verdict(&prompt.text).to_string();
            // The generic materials question names documents some regions
            // do not ask for; name exactly what this registration needs.
            if slot == "materials" && !decision.missing_materials.is_empty() {
                prompt.text = outcome::materials_question(
                    services,
                    channel,
                    &session.slots.region,
                    &decision.missing_materials,
                );
            }
            session.pending = Some(slot.clone());
            let mut quick = prompt.suggestions;
            if slot == "materials"
                && session.channel == SessionChannel::Widget
                && !decision.missing_materials.is_empty()
            {
                quick = outcome::material_choices(
                    services,
                    &session.slots.region,
                    &decision.missing_materials,
                );
            }
            // On the agent screen the suggestion is the question to read out.
            if session.channel == SessionChannel::Agent && quick.is_empty() {
                let spoken = self::prompt(services, &slot, SessionChannel::Phone, attempt).text;
                quick.push(if slot == "materials" {
                    prompt.text.clone()
                } else {
                    spoken
                });
            }
            parts.push(prompt.text);
            // The third time the same question is needed, a person is offered.
            if attempt >= 2 && !parts.iter().any(|part| part.contains("人工")) {
                parts.push(replies.offer_person.text(channel).into());
            }
            let mut turn = Turn::new(session, intent, say(&parts));
            turn.suggestions = suggestions(session.channel, quick);
            turn
        }
        Status::NeedsMaterials if !session.materials_asked => {
            // Ask once for what is still missing before reading back: the
            // caller may simply not have mentioned a document they hold.
            session.materials_asked = true;
            session.state = DialogueState::Collecting;
            session.pending = Some("materials".into());
            let missing =
                outcome::materials(services, &session.slots.region, &decision.missing_materials);
            parts.push(
                replies
                    .materials_still_missing
                    .fill(channel, &[("materials", &missing)]),
            );
            let mut turn = Turn::new(session, intent, say(&parts));
            let quick = if session.channel == SessionChannel::Widget {
                outcome::material_choices(
                    services,
                    &session.slots.region,
                    &decision.missing_materials,
                )
            } else {
                vec!["有".into(), "没有".into()]
            };
            turn.suggestions = suggestions(session.channel, quick);
            turn
        }
        Status::NeedsMaterials | Status::Accepted => {
            session.state = DialogueState::Confirming;
            session.pending = None;
            parts.push(outcome::read_back(
                services,
                &session.slots,
                session.channel,
            ));
            let mut turn = Turn::new(session, intent, say(&parts));
            turn.suggestions = suggestions(
                session.channel,
                vec!["对，没问题".into(), "有地方不对".into()],
            );
            turn
        }
    }
}

/// The pending question about the 户籍 (not an Application slot).
const HUKOU: &str = "hukou_moved";

/// Whether to ask a retiree if the 户口 has moved before going on: only
/// when they have not said, and only where the region's rules decide a
/// retiree who stayed registered at home differently (other class or other
/// materials), so a region that merges the two is never asked.
fn needs_hukou_answer(services: &dyn Services, session: &Session, decision: &Decision) -> bool {
    if session.slots.category != Some(Category::RetiredResettled) || session.hukou_moved.is_some() {
        return false;
    }
    let settled = matches!(
        decision.status,
        Status::NotRequired | Status::NotEligible | Status::ChannelUnavailable
    );
    let stuck = decision.status == Status::Incomplete && decision.missing_facts.is_empty();
    if settled || stuck {
        return false;
    }
    let mut resident = session.slots.clone();
    resident.category = Some(Category::LongTermResident);
    match services.evaluate(&resident, session.today) {
        Ok(other) => {
            other.class != decision.class || other.required_materials != decision.required_materials
        }
        Err(_) => false,
    }
}

/// "好的，已经把联系电话改成…。": the changed values said back, so the
/// caller hears what was corrected; `None` when nothing can be said.
pub(crate) fn changes_said(
    services: &dyn Services,
    session: &Session,
    changes: &[SlotChange],
) -> Option<String> {
    let replies = services.replies();
    let said: Vec<String> = changes
        .iter()
        .filter_map(|change| {
            slot_said(services, &session.slots, &change.slot, session.channel).map(|value| {
                let label = services.slots().label(&change.slot);
                replies
                    .changed_one
                    .fill(session.channel, &[("label", label), ("value", &value)])
            })
        })
        .collect();
    let changes = said.join("，");
    (!said.is_empty()).then(|| {
        replies
            .changed
            .fill(session.channel, &[("changes", &changes)])
    })
}

/// A slot's value in words; the category as the region names it.
pub(crate) fn slot_said(
    services: &dyn Services,
    application: &Application,
    slot: &str,
    channel: SessionChannel,
) -> Option<String> {
    match (slot, application.category) {
        ("category", Some(category)) => Some(services.category_name(&application.region, category)),
        _ => speech::slot_value(services, application, slot, channel),
    }
}

/// The caller confirmed the read-back: the registration is done.
pub(crate) fn finish(services: &dyn Services, session: &mut Session, intent: &str) -> Turn {
    session.state = DialogueState::Done;
    session.pending = None;
    let decision = session
        .decision
        .clone()
        .expect("confirming is only reached with a decision");
    let news = match decision.status {
        Status::Accepted => tell::on_registering(services, session, &decision),
        _ => Vec::new(),
    };
    let reply = outcome::final_reply(services, session.channel, &session.slots, &decision, news);
    let mut turn = Turn::new(session, intent, reply);
    if decision.status == Status::Accepted {
        turn.completed = Some(Completed {
            application: session.slots.clone(),
            decision,
        });
    }
    turn
}

/// The parts of a reply as one speakable text: each sentence closed, so an
/// answer and the question after it do not run together.
fn say(parts: &[String]) -> String {
    let mut text = String::new();
    for part in parts
        .iter()
        .map(|part| part.trim())
        .filter(|part| !part.is_empty())
    {
        text.push_str(part);
        if !part.ends_with(['。', '？', '！', '）', '”', '…', '：']) {
            text.push('。');
        }
    }
    text
}

/// A reprompt without its own "这个号码好像不对，": the reply has just said
/// what is wrong.
fn without_verdict(prompt: &str) -> &str {
    match prompt.split_once('，') {
        Some((first, rest)) if first.contains("不对") => rest,
        _ => prompt,
    }
}

fn hand_off(session: &mut Session, intent: &str, reply: &str) -> Turn {
    session.state = DialogueState::Handoff;
    session.pending = None;
    Turn::new(session, intent, reply.to_string())
}

/// Quick replies belong to the widget and the agent screen, never to speech.
fn suggestions(channel: SessionChannel, suggestions: Vec<String>) -> Option<Vec<String>> {
    (channel != SessionChannel::Phone && !suggestions.is_empty()).then_some(suggestions)
}

/// The slot a rules input error names (`admission_date`, `destination.province`).
fn slot_of_field(services: &dyn Services, field: &str) -> String {
    services
        .slots()
        .reported()
        .find(|slot| field.starts_with(&slot.path))
        .map_or_else(|| "category".to_string(), |slot| slot.path.clone())
}

/// The question for `slot`, or a plain request to say it again for a slot
/// the table does not ask.
fn prompt(services: &dyn Services, slot: &str, channel: SessionChannel, attempt: u32) -> Prompt {
    services
        .slots()
        .prompt(slot, channel, attempt)
        .unwrap_or_else(|| Prompt {
            text: services.replies().not_heard.text(channel).into(),
            suggestions: Vec::new(),
        })
}

impl Turn {
    /// `intent` is the caller's [`Intent`] by name, or the agent's action.
    fn new(session: &Session, intent: &str, reply: String) -> Turn {
        Turn {
            reply,
            intent: intent.to_string(),
            state: session.state,
            slots: session.slots.clone(),
            missing: session
                .decision
                .as_ref()
                .map(|decision| decision.missing_facts.clone())
                .unwrap_or_default(),
            decision: session.decision.clone(),
            passages: None,
            suggestions: None,
            slot_changes: Vec::new(),
            completed: None,
        }
    }
}

/// An agent's edit of one slot on the assistant screen: the value is set,
/// the rules are asked again and the dialogue moves on from there.
pub fn edit_slot(
    services: &dyn Services,
    session: &mut Session,
    slot: &str,
    value: Option<serde_json::Value>,
) -> Result<Turn, String> {
    let before = session.slots.clone();
    session.slots = slots::set_value(services.slots(), &session.slots, slot, value)?;
    let changes = slots::diff(services.slots(), &before, &session.slots, "agent");
    let decision = services
        .evaluate(&session.slots, session.today)
        .map_err(|error| error.to_string());
    let decision = match decision {
        Ok(decision) => decision,
        Err(error) => {
            session.slots = before;
            return Err(error);
        }
    };
    session.decision = Some(decision);
    if matches!(session.state, DialogueState::Idle | DialogueState::Done) {
        session.state = DialogueState::Collecting;
    }
    let mut turn = next_move(services, session, "agent_edit", Vec::new());
    turn.slot_changes = changes;
    Ok(turn)
}

/// The session as `GET /v1/sessions/{id}` shows it, less what only the
/// store knows (id, transcript).
pub fn view(session: &Session) -> serde_json::Value {
    serde_json::json!({
        "channel": session.channel,
        "region": session.slots.region,
        "state": session.state,
        "slots": session.slots,
        "missing": session.decision.as_ref().map(|d| d.missing_facts.clone()).unwrap_or_default(),
        "decision": session.decision,
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod reply_tests {
    use super::*;

    #[test]
    fn parts_are_joined_as_closed_sentences() {
        let parts = vec!["即时办结".to_string(), "请留一个联系电话。".to_string()];
        assert_eq!(say(&parts), "即时办结。请留一个联系电话。");
        assert_eq!(say(&["您有吗？".to_string()]), "您有吗？");
    }

    #[test]
    fn a_reprompt_loses_its_own_verdict_only() {
        assert_eq!(
            without_verdict("这个号码好像不对，请再说一遍身份证号。"),
            "请再说一遍身份证号。"
        );
        assert_eq!(
            without_verdict("请一组一组地说，先说前六位。"),
            "请一组一组地说，先说前六位。"
        );
    }
}
