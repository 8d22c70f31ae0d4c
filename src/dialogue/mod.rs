//! The dialogue: a pure state machine from (session, utterance, today) to
//! (session, turn). Uses `nlu` to understand and `rules` to decide what to
//! ask next. No IO. (Being written; the types below are its public face.)

use serde::{Deserialize, Serialize};

use crate::answer::AnswerPassage;
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
    Handoff,
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
}

/// The reply to one utterance (contract §3 Turn).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub reply: String,
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
