//! Persistence of sessions, registrations and the agents' audit log,
//! behind the narrow [`Store`] trait. The embedded default is SQLite
//! ([`SqliteStore`]); several nodes share PostgreSQL ([`PostgresStore`]),
//! chosen by [`open`] from a database URL. The server only ever talks to
//! the trait.
//!
//! Both backends are one [`SqlStore`]: the same SQL ([`sql`]) and the same
//! group-commit writer ([`batch`]); a backend only connects, binds and
//! runs statements.
//!
//! **Invariants:** a turn is written in one transaction, and the server
//! acknowledges it only after [`Store::record_turn`] returns, so an
//! acknowledged turn survives a crash of the process. A turn carries the
//! version of the session it was computed on and is refused
//! ([`StoreError::Conflict`]) if the session has moved on since, so two
//! nodes never apply turns of one session over each other.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::dialogue::{Session, SessionChannel, SlotChange};
use crate::rules::{Application, Decision};

mod batch;
mod driver;
mod postgres;
mod sql;
mod sqlite;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// What a store operation failed with. Bad input never reaches the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The session changed since the turn was computed (another node's
    /// turn, or the idle closer): compute it again on the new state.
    #[error("the session changed meanwhile")]
    Conflict,
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

/// What a failure means for whoever asked, whatever the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No space left: nothing was saved.
    Full,
    /// The database cannot be reached or is overloaded; try again later.
    Unavailable,
    /// Another write got there first (the session moved on, an id was
    /// taken): compute the write again.
    Conflict,
    /// Anything else: a fault on our side.
    Internal,
}

impl StoreError {
    pub fn failure(&self) -> Failure {
        match self {
            StoreError::Conflict => Failure::Conflict,
            StoreError::Io(io) if io.kind() == std::io::ErrorKind::StorageFull => Failure::Full,
            StoreError::Database(error) => database_failure(error),
            StoreError::Migration(sqlx::migrate::MigrateError::Execute(error)) => {
                database_failure(error)
            }
            _ => Failure::Internal,
        }
    }
}

/// Sorts a driver error. Codes: SQLite's primary result codes, and
/// PostgreSQL's SQLSTATE classes (08 connection, 53 resources, 57
/// operator intervention, 40 transaction rollback).
fn database_failure(error: &sqlx::Error) -> Failure {
    use sqlx::Error;
    match error {
        Error::Io(_)
        | Error::Tls(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::WorkerCrashed => Failure::Unavailable,
        Error::Database(database) => {
            if database.is_unique_violation() {
                return Failure::Conflict;
            }
            let code = database.code().unwrap_or_default();
            match code.as_ref() {
                // SQLITE_FULL; disk_full.
                "13" | "53100" => Failure::Full,
                // SQLITE_BUSY, SQLITE_LOCKED.
                "5" | "6" => Failure::Unavailable,
                code if code.starts_with("08")
                    || code.starts_with("53")
                    || code.starts_with("57") =>
                {
                    Failure::Unavailable
                }
                // serialization_failure, deadlock_detected.
                "40001" | "40P01" => Failure::Conflict,
                _ => Failure::Internal,
            }
        }
        _ => Failure::Internal,
    }
}

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
    /// Raised by every turn and by closing; a turn names the version it
    /// was computed on ([`TurnWrite::version`]). 0 for a new session.
    pub version: i64,
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

    pub(crate) fn parse(text: &str) -> Role {
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
    /// The dialogue act that wrote a caller's value (`inform`, `answer`,
    /// `correct`, `confirm`); kept in the `source` column as `caller:answer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<String>,
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
    /// The [`SessionRecord::version`] the turn was computed on.
    pub version: i64,
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

    /// Waits for open connections to finish and closes the database.
    fn close(&self) -> StoreFuture<'_, ()>;

    /// Passes events on to the other nodes sharing this database, in
    /// order; nothing to do where one node has the database to itself.
    fn share_events<'a>(&'a self, _events: &'a [SharedEvent]) -> StoreFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }

    /// The events the other nodes share, as they come; `None` where one
    /// node has the database to itself.
    fn other_nodes_events(&self) -> Option<mpsc::UnboundedReceiver<FromOtherNodes>> {
        None
    }
}

/// A live event (a turn, a slot edit, a decision …) passed between nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedEvent {
    pub session_id: String,
    pub kind: String,
    pub data: serde_json::Value,
}

/// What arrives from the other nodes.
#[derive(Debug, Clone, PartialEq)]
pub enum FromOtherNodes {
    Event(SharedEvent),
    /// Events may have been missed (the link to the others was lost and
    /// is back): screens should read what they show from the store again.
    Resync,
}

/// Opens the store a server is configured with: PostgreSQL for a
/// `postgres://` (or `postgresql://`) URL, else SQLite under `data_dir`.
pub async fn open(database_url: Option<&str>, data_dir: &Path) -> StoreResult<Arc<dyn Store>> {
    match database_url.filter(|url| !url.trim().is_empty()) {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Arc::new(PostgresStore::connect(url).await?))
        }
        Some(url) => Err(StoreError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "unsupported database URL `{}`: expected postgres://…, or none for SQLite",
                url.split(':').next().unwrap_or_default()
            ),
        ))),
        None => Ok(Arc::new(SqliteStore::open(data_dir).await?)),
    }
}

/// How a backend reads: runs one statement on its pool and hands back
/// the rows, which [`sql`] turns into records.
pub trait Reads: Send + Sync + 'static {
    type Row: sql::Columns + Send;
    fn fetch_all(&self, statement: sql::Statement) -> StoreFuture<'_, Vec<Self::Row>>;
    fn close(&self) -> StoreFuture<'_, ()>;
}

/// A [`Store`] over SQL: reads straight from the backend's pool, writes
/// through the group-commit [`batch::Writer`].
#[derive(Debug, Clone)]
pub struct SqlStore<R> {
    reads: R,
    writer: batch::Writer,
    /// Live events to and from the other nodes (PostgreSQL only).
    relay: Option<postgres::Relay>,
}

impl<R: Reads> SqlStore<R> {
    async fn rows<T>(
        &self,
        statement: sql::Statement,
        read: fn(&R::Row) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        self.reads
            .fetch_all(statement)
            .await?
            .iter()
            .map(read)
            .collect()
    }

    async fn row<T>(
        &self,
        statement: sql::Statement,
        read: fn(&R::Row) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        Ok(self.rows(statement, read).await?.into_iter().next())
    }

    async fn write(&self, write: batch::Write) -> StoreResult<()> {
        self.writer.write(write).await.map(|_| ())
    }

    /// Waits for open connections to finish and closes the database.
    pub async fn close(&self) {
        let _ = self.reads.close().await;
    }
}

impl<R: Reads> Store for SqlStore<R> {
    fn create_session<'a>(
        &'a self,
        record: &'a SessionRecord,
        transcript: &'a [TranscriptEntry],
    ) -> StoreFuture<'a, ()> {
        Box::pin(self.write(batch::Write::CreateSession {
            record: Box::new(record.clone()),
            transcript: transcript.to_vec(),
        }))
    }

    fn session<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<SessionRecord>> {
        Box::pin(self.row(sql::session(id), sql::session_from_row))
    }

    fn transcript<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Vec<TranscriptEntry>> {
        Box::pin(self.rows(sql::transcript(id), sql::transcript_from_row))
    }

    fn slot_history<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Vec<SlotHistoryEntry>> {
        Box::pin(self.rows(sql::slot_history(id), sql::slot_change_from_row))
    }

    fn record_turn<'a>(&'a self, id: &'a str, write: &'a TurnWrite) -> StoreFuture<'a, ()> {
        Box::pin(self.write(batch::Write::Turn {
            session_id: id.to_string(),
            write: Box::new(write.clone()),
        }))
    }

    fn list_sessions(&self, include_closed: bool) -> StoreFuture<'_, Vec<SessionSummary>> {
        Box::pin(self.rows(sql::sessions(include_closed), sql::summary_from_row))
    }

    fn close_idle(&self, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> StoreFuture<'_, u64> {
        Box::pin(self.writer.write(batch::Write::CloseIdle { cutoff, now }))
    }

    fn registration<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<RegistrationRecord>> {
        Box::pin(self.row(sql::registration(id), sql::registration_from_row))
    }

    fn registrations_of<'a>(&'a self, session_id: &'a str) -> StoreFuture<'a, Vec<String>> {
        Box::pin(self.rows(sql::registrations_of(session_id), |row| {
            sql::Columns::text(row, "id")
        }))
    }

    fn add_audit<'a>(&'a self, entry: &'a AuditEntry) -> StoreFuture<'a, ()> {
        Box::pin(self.write(batch::Write::Audit(entry.clone())))
    }

    fn audit_log<'a>(&'a self, session_id: Option<&'a str>) -> StoreFuture<'a, Vec<AuditEntry>> {
        Box::pin(self.rows(sql::audit_log(session_id), sql::audit_from_row))
    }

    fn record_miss<'a>(&'a self, miss: &'a Miss) -> StoreFuture<'a, ()> {
        Box::pin(self.write(batch::Write::Miss(miss.clone())))
    }

    fn misses(&self, limit: usize) -> StoreFuture<'_, Vec<MissEntry>> {
        Box::pin(self.rows(sql::misses(limit), sql::miss_from_row))
    }

    fn close(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            SqlStore::close(self).await;
            Ok(())
        })
    }

    fn share_events<'a>(&'a self, events: &'a [SharedEvent]) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            match &self.relay {
                Some(relay) => relay.send(events).await,
                None => Ok(()),
            }
        })
    }

    fn other_nodes_events(&self) -> Option<mpsc::UnboundedReceiver<FromOtherNodes>> {
        self.relay.as_ref().map(postgres::Relay::listen)
    }
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
