//! Persistence of sessions, registrations and the agents' audit log,
//! behind the narrow [`Store`] trait. The embedded default is SQLite
//! ([`SqliteStore`]); the server only ever talks to the trait.
//!
//! **Invariant:** a turn is written in one transaction, and the server
//! acknowledges it only after [`Store::record_turn`] returns, so an
//! acknowledged turn survives a crash of the process.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::dialogue::{Session, SessionChannel, SlotChange};
use crate::rules::{Application, Decision};

mod sqlite;

pub use sqlite::SqliteStore;

/// What a store operation failed with. Always internal: bad input never
/// reaches the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored JSON of {what} is unreadable: {source}")]
    Corrupt {
        what: String,
        source: serde_json::Error,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The future every store method returns (boxed so the trait can be used
/// as `dyn Store`).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send + 'a>>;

/// One dialogue session as stored: the dialogue's own state plus what the
/// server needs around it.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id: String,
    /// SHA-256 of the session's bearer token, hex; the token itself is
    /// never stored.
    pub token_sha256: String,
    pub channel: SessionChannel,
    pub region: String,
    pub session: Session,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set when the session was closed (idle past its TTL); kept for the
    /// records, never deleted.
    pub closed_at: Option<DateTime<Utc>>,
}

/// Who spoke a line of the transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Caller,
    Assistant,
    Agent,
}

impl Role {
    pub fn id(self) -> &'static str {
        match self {
            Role::Caller => "caller",
            Role::Assistant => "assistant",
            Role::Agent => "agent",
        }
    }

    fn parse(text: &str) -> Role {
        match text {
            "caller" => Role::Caller,
            "agent" => Role::Agent,
            _ => Role::Assistant,
        }
    }
}

/// One line of a session's transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TranscriptEntry {
    pub role: Role,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// One change of a slot, with where the value came from (`caller`,
/// `agent`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SlotHistoryEntry {
    pub slot: String,
    #[schema(value_type = Object)]
    pub old: Option<serde_json::Value>,
    #[schema(value_type = Object)]
    pub new: Option<serde_json::Value>,
    pub source: String,
    pub at: DateTime<Utc>,
}

/// A completed registration: what was collected, what the rules decided,
/// and the session it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistrationRecord {
    pub id: String,
    pub session_id: String,
    pub application: Application,
    pub decision: Decision,
    pub created_at: DateTime<Utc>,
}

/// One action an agent took (a slot edit, a message typed on a session).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// Who acted: the agent's name (from their own token).
    pub actor: String,
    pub action: String,
    pub session_id: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// Everything one turn changes, written in a single transaction.
#[derive(Debug, Clone)]
pub struct TurnWrite {
    pub session: Session,
    pub at: DateTime<Utc>,
    pub transcript: Vec<TranscriptEntry>,
    pub slot_changes: Vec<SlotChange>,
    pub registration: Option<RegistrationRecord>,
    pub audit: Option<AuditEntry>,
}

/// One question the assistant refused or was unsure of, counted once
/// more. The text is masked by the caller before it reaches the store:
/// editors see what was asked, never who asked it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Miss {
    pub question: String,
    /// The region the question was asked for, if any.
    pub region: Option<String>,
    /// Why it counts as a miss: `refused`, `out_of_region`, `off_topic`
    /// or `low_confidence`.
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// A missed question as editors see it: how often it came and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MissEntry {
    pub question: String,
    pub region: Option<String>,
    /// The reason of its latest occurrence.
    pub reason: String,
    pub count: u64,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
}

/// A row of the agents' session list, with the dialogue's state for the
/// caller card (name, phone, category, destination, how long they wait).
#[derive(Debug, Clone, PartialEq)]
pub struct SessionSummary {
    pub session_id: String,
    pub channel: SessionChannel,
    pub region: String,
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub session: Session,
}

/// The persistence the server needs, and nothing more.
pub trait Store: Send + Sync {
    /// Stores a new session with its first transcript lines.
    fn create_session<'a>(
        &'a self,
        record: &'a SessionRecord,
        transcript: &'a [TranscriptEntry],
    ) -> StoreFuture<'a, ()>;

    /// The session `id`, open or closed; `None` if unknown.
    fn session<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<SessionRecord>>;

    fn transcript<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Vec<TranscriptEntry>>;

    fn slot_history<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Vec<SlotHistoryEntry>>;

    /// Durably records one turn of session `id`. Returns only once the
    /// write is on disk.
    fn record_turn<'a>(&'a self, id: &'a str, write: &'a TurnWrite) -> StoreFuture<'a, ()>;

    /// Sessions, newest activity first; closed ones only when asked.
    fn list_sessions(&self, include_closed: bool) -> StoreFuture<'_, Vec<SessionSummary>>;

    /// Closes every open session whose last activity is before `cutoff`;
    /// returns how many were closed.
    fn close_idle(&self, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> StoreFuture<'_, u64>;

    fn registration<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<RegistrationRecord>>;

    /// The registrations made in session `id`, oldest first.
    fn registrations_of<'a>(&'a self, session_id: &'a str) -> StoreFuture<'a, Vec<String>>;

    fn add_audit<'a>(&'a self, entry: &'a AuditEntry) -> StoreFuture<'a, ()>;

    /// The audit log, newest first, optionally for one session.
    fn audit_log<'a>(&'a self, session_id: Option<&'a str>) -> StoreFuture<'a, Vec<AuditEntry>>;

    /// Counts one occurrence of a missed question (same text and region:
    /// one row, its count raised).
    fn record_miss<'a>(&'a self, miss: &'a Miss) -> StoreFuture<'a, ()>;

    /// The missed questions, most frequent first, at most `limit`.
    fn misses(&self, limit: usize) -> StoreFuture<'_, Vec<MissEntry>>;
}

/// Times are stored as fixed-width RFC 3339 text so they sort as text.
pub(crate) fn time_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// SHA-256 of a bearer token, hex.
pub fn token_digest(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}
