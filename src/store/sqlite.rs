//! The embedded store: one SQLite file under the data directory, in WAL
//! mode with `synchronous = FULL`, so a committed turn survives `kill -9`
//! and power loss alike.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use tokio::sync::{mpsc, oneshot};

use super::{
    AuditEntry, RegistrationRecord, Role, SessionRecord, SessionSummary, SlotHistoryEntry, Store,
    StoreError, StoreFuture, StoreResult, TranscriptEntry, TurnWrite, time_text,
};
use crate::dialogue::SessionChannel;

/// SQLite under `<data_dir>/hotline.sqlite3`.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Turns go to one writer task, which commits whatever has queued up
    /// in one transaction (group commit): one WAL sync serves many callers
    /// in the busy hour, and each turn is still acknowledged only after the
    /// commit that holds it.
    turns: mpsc::UnboundedSender<PendingTurn>,
}

/// A turn waiting for the writer, with the caller waiting for its commit.
#[derive(Debug)]
struct PendingTurn {
    session_id: String,
    write: TurnWrite,
    committed: oneshot::Sender<StoreResult<()>>,
}

/// The most turns one commit carries; more wait for the next.
const MAX_TURNS_PER_COMMIT: usize = 64;

impl SqliteStore {
    /// Opens (creating on first start) the database under `data_dir` and
    /// runs the migrations.
    pub async fn open(data_dir: &Path) -> StoreResult<SqliteStore> {
        std::fs::create_dir_all(data_dir)?;
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join("hotline.sqlite3"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL syncs the WAL on every commit: an acknowledged turn is
            // on disk even if the process is killed right after.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        let (turns, queued) = mpsc::unbounded_channel();
        tokio::spawn(write_turns(pool.clone(), queued));
        Ok(SqliteStore { pool, turns })
    }

    /// Waits for open connections to finish and closes the database.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Serialising our own plain data types cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|source| StoreError::Corrupt {
        what: what.to_string(),
        source,
    })
}

fn parse_time(text: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|error| StoreError::Corrupt {
            what: format!("time `{text}`"),
            source: serde_json::Error::io(std::io::Error::other(error.to_string())),
        })
}

fn channel_id(channel: SessionChannel) -> String {
    to_json(&channel).trim_matches('"').to_string()
}

fn state_id<T: Serialize>(state: &T) -> String {
    to_json(state).trim_matches('"').to_string()
}

fn session_from_row(row: &SqliteRow) -> StoreResult<SessionRecord> {
    let id: String = row.try_get("id")?;
    let closed_at: Option<String> = row.try_get("closed_at")?;
    Ok(SessionRecord {
        session: from_json(&format!("session {id}"), row.try_get("session_json")?)?,
        channel: from_json(
            "channel",
            &format!("\"{}\"", row.try_get::<String, _>("channel")?),
        )?,
        token_sha256: row.try_get("token_sha256")?,
        region: row.try_get("region")?,
        created_at: parse_time(row.try_get("created_at")?)?,
        updated_at: parse_time(row.try_get("updated_at")?)?,
        closed_at: closed_at.as_deref().map(parse_time).transpose()?,
        id,
    })
}

/// The per-session numbered tables.
#[derive(Clone, Copy)]
enum Sequenced {
    Transcript,
    SlotHistory,
}

async fn next_seq(
    connection: &mut sqlx::SqliteConnection,
    table: Sequenced,
    session_id: &str,
) -> StoreResult<i64> {
    let sql = match table {
        Sequenced::Transcript => {
            "SELECT COALESCE(MAX(seq), 0) FROM transcript WHERE session_id = ?"
        }
        Sequenced::SlotHistory => {
            "SELECT COALESCE(MAX(seq), 0) FROM slot_history WHERE session_id = ?"
        }
    };
    let last: i64 = sqlx::query_scalar(sql)
        .bind(session_id)
        .fetch_one(&mut *connection)
        .await?;
    Ok(last + 1)
}

async fn insert_transcript(
    connection: &mut sqlx::SqliteConnection,
    session_id: &str,
    entries: &[TranscriptEntry],
) -> StoreResult<()> {
    let mut seq = next_seq(connection, Sequenced::Transcript, session_id).await?;
    for entry in entries {
        sqlx::query(
            "INSERT INTO transcript (session_id, seq, role, text, at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(session_id)
        .bind(seq)
        .bind(entry.role.id())
        .bind(&entry.text)
        .bind(time_text(entry.at))
        .execute(&mut *connection)
        .await?;
        seq += 1;
    }
    Ok(())
}

async fn insert_audit(
    connection: &mut sqlx::SqliteConnection,
    entry: &AuditEntry,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, session_id, detail_json) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(time_text(entry.at))
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.session_id)
    .bind(to_json(&entry.detail))
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// Everything one turn changes, on an open transaction.
async fn write_turn(
    connection: &mut sqlx::SqliteConnection,
    session_id: &str,
    write: &TurnWrite,
) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET state = ?, session_json = ?, updated_at = ? WHERE id = ?")
        .bind(state_id(&write.session.state))
        .bind(to_json(&write.session))
        .bind(time_text(write.at))
        .bind(session_id)
        .execute(&mut *connection)
        .await?;
    insert_transcript(&mut *connection, session_id, &write.transcript).await?;
    let mut seq = next_seq(&mut *connection, Sequenced::SlotHistory, session_id).await?;
    for change in &write.slot_changes {
        sqlx::query(
            "INSERT INTO slot_history (session_id, seq, slot, old_json, new_json, source, at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(session_id)
        .bind(seq)
        .bind(&change.slot)
        .bind(change.old.as_ref().map(to_json))
        .bind(change.new.as_ref().map(to_json))
        .bind(&change.source)
        .bind(time_text(write.at))
        .execute(&mut *connection)
        .await?;
        seq += 1;
    }
    if let Some(registration) = &write.registration {
        sqlx::query(
            "INSERT INTO registrations (id, session_id, application_json, decision_json, created_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&registration.id)
        .bind(&registration.session_id)
        .bind(to_json(&registration.application))
        .bind(to_json(&registration.decision))
        .bind(time_text(registration.created_at))
        .execute(&mut *connection)
        .await?;
    }
    if let Some(entry) = &write.audit {
        insert_audit(&mut *connection, entry).await?;
    }
    Ok(())
}

/// The writer task: takes the turns queued since the last commit (at most
/// [`MAX_TURNS_PER_COMMIT`]), writes each under its own savepoint so one bad
/// turn fails alone, commits once, then answers every caller.
async fn write_turns(pool: SqlitePool, mut queued: mpsc::UnboundedReceiver<PendingTurn>) {
    while let Some(first) = queued.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_TURNS_PER_COMMIT {
            match queued.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let outcomes = write_batch(&pool, &batch).await;
        for (pending, outcome) in batch.into_iter().zip(outcomes) {
            // The caller may have gone (request timed out); the turn stays.
            let _ = pending.committed.send(outcome);
        }
    }
}

/// One transaction for the batch; the outcome of each turn, in order.
async fn write_batch(pool: &SqlitePool, batch: &[PendingTurn]) -> Vec<StoreResult<()>> {
    let failed_all = |error: &dyn std::fmt::Display| -> Vec<StoreResult<()>> {
        batch
            .iter()
            .map(|_| Err(StoreError::Io(std::io::Error::other(error.to_string()))))
            .collect()
    };
    let mut transaction = match pool.begin().await {
        Ok(transaction) => transaction,
        Err(error) => return failed_all(&error),
    };
    let mut outcomes = Vec::with_capacity(batch.len());
    for pending in batch {
        let outcome = async {
            let mut savepoint = sqlx::Acquire::begin(&mut *transaction).await?;
            match write_turn(&mut savepoint, &pending.session_id, &pending.write).await {
                Ok(()) => {
                    savepoint.commit().await?;
                    Ok(())
                }
                Err(error) => {
                    savepoint.rollback().await?;
                    Err(error)
                }
            }
        }
        .await;
        outcomes.push(outcome);
    }
    match transaction.commit().await {
        Ok(()) => outcomes,
        Err(error) => {
            let full = error
                .as_database_error()
                .and_then(|database| database.code())
                .is_some_and(|code| code == "13");
            if full {
                // Keep the disk-full signal for the 507 the server answers.
                let mut outcomes = Vec::new();
                outcomes.push(Err(StoreError::Database(error)));
                outcomes.extend((1..batch.len()).map(|_| {
                    Err(StoreError::Io(std::io::Error::new(
                        std::io::ErrorKind::StorageFull,
                        "database or disk is full",
                    )))
                }));
                outcomes
            } else {
                failed_all(&error)
            }
        }
    }
}

impl Store for SqliteStore {
    fn create_session<'a>(
        &'a self,
        record: &'a SessionRecord,
        transcript: &'a [TranscriptEntry],
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut transaction = self.pool.begin().await?;
            sqlx::query(
                "INSERT INTO sessions (id, token_sha256, channel, region, state, session_json, \
                 created_at, updated_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            )
            .bind(&record.id)
            .bind(&record.token_sha256)
            .bind(channel_id(record.channel))
            .bind(&record.region)
            .bind(state_id(&record.session.state))
            .bind(to_json(&record.session))
            .bind(time_text(record.created_at))
            .bind(time_text(record.updated_at))
            .execute(&mut *transaction)
            .await?;
            insert_transcript(&mut transaction, &record.id, transcript).await?;
            transaction.commit().await?;
            Ok(())
        })
    }

    fn session<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<SessionRecord>> {
        Box::pin(async move {
            let row = sqlx::query("SELECT * FROM sessions WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(session_from_row).transpose()
        })
    }

    fn transcript<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Vec<TranscriptEntry>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT role, text, at FROM transcript WHERE session_id = ? ORDER BY seq",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(TranscriptEntry {
                        role: Role::parse(row.try_get("role")?),
                        text: row.try_get("text")?,
                        at: parse_time(row.try_get("at")?)?,
                    })
                })
                .collect()
        })
    }

    fn slot_history<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Vec<SlotHistoryEntry>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT slot, old_json, new_json, source, at FROM slot_history \
                 WHERE session_id = ? ORDER BY seq",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let old: Option<String> = row.try_get("old_json")?;
                    let new: Option<String> = row.try_get("new_json")?;
                    Ok(SlotHistoryEntry {
                        slot: row.try_get("slot")?,
                        old: old
                            .as_deref()
                            .map(|t| from_json("slot value", t))
                            .transpose()?,
                        new: new
                            .as_deref()
                            .map(|t| from_json("slot value", t))
                            .transpose()?,
                        source: row.try_get("source")?,
                        at: parse_time(row.try_get("at")?)?,
                    })
                })
                .collect()
        })
    }

    fn record_turn<'a>(&'a self, id: &'a str, write: &'a TurnWrite) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let (committed, commit) = oneshot::channel();
            let pending = PendingTurn {
                session_id: id.to_string(),
                write: write.clone(),
                committed,
            };
            let stopped = || StoreError::Io(std::io::Error::other("the turn writer has stopped"));
            self.turns.send(pending).map_err(|_| stopped())?;
            commit.await.map_err(|_| stopped())?
        })
    }

    fn list_sessions(&self, include_closed: bool) -> StoreFuture<'_, Vec<SessionSummary>> {
        Box::pin(async move {
            let sql = if include_closed {
                "SELECT * FROM sessions ORDER BY updated_at DESC"
            } else {
                "SELECT * FROM sessions WHERE closed_at IS NULL ORDER BY updated_at DESC"
            };
            let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
            rows.iter()
                .map(|row| {
                    let record = session_from_row(row)?;
                    Ok(SessionSummary {
                        session_id: record.id,
                        channel: record.channel,
                        region: record.region,
                        state: row.try_get("state")?,
                        created_at: record.created_at,
                        updated_at: record.updated_at,
                        closed_at: record.closed_at,
                    })
                })
                .collect()
        })
    }

    fn close_idle(&self, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let result = sqlx::query(
                "UPDATE sessions SET closed_at = ? WHERE closed_at IS NULL AND updated_at < ?",
            )
            .bind(time_text(now))
            .bind(time_text(cutoff))
            .execute(&self.pool)
            .await?;
            Ok(result.rows_affected())
        })
    }

    fn registration<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<RegistrationRecord>> {
        Box::pin(async move {
            let row = sqlx::query("SELECT * FROM registrations WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            let Some(row) = row else { return Ok(None) };
            Ok(Some(RegistrationRecord {
                id: row.try_get("id")?,
                session_id: row.try_get("session_id")?,
                application: from_json("application", row.try_get("application_json")?)?,
                decision: from_json("decision", row.try_get("decision_json")?)?,
                created_at: parse_time(row.try_get("created_at")?)?,
            }))
        })
    }

    fn registrations_of<'a>(&'a self, session_id: &'a str) -> StoreFuture<'a, Vec<String>> {
        Box::pin(async move {
            Ok(sqlx::query_scalar(
                "SELECT id FROM registrations WHERE session_id = ? ORDER BY created_at",
            )
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?)
        })
    }

    fn add_audit<'a>(&'a self, entry: &'a AuditEntry) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut connection = self.pool.acquire().await?;
            insert_audit(&mut connection, entry).await
        })
    }

    fn audit_log<'a>(&'a self, session_id: Option<&'a str>) -> StoreFuture<'a, Vec<AuditEntry>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT * FROM audit_log WHERE (?1 IS NULL OR session_id = ?1) ORDER BY seq DESC",
            )
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(AuditEntry {
                        at: parse_time(row.try_get("at")?)?,
                        actor: row.try_get("actor")?,
                        action: row.try_get("action")?,
                        session_id: row.try_get("session_id")?,
                        detail: from_json("audit detail", row.try_get("detail_json")?)?,
                    })
                })
                .collect()
        })
    }
}
