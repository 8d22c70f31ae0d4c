//! The embedded store: one SQLite file under the data directory, in WAL
//! mode with `synchronous = FULL`, so a committed turn survives `kill -9`
//! and power loss alike.
//!
//! Every write goes to one writer task on its own connection, which
//! commits whatever has queued up in one transaction (group commit): one
//! WAL sync serves many callers in the busy hour, no two writers ever wait
//! on each other's lock (SQLite's busy wait sleeps for milliseconds), and
//! each write is still acknowledged only after the commit that holds it.
//! Reads use a pool of their own and, in WAL mode, never wait for the
//! writer. Checkpoints (copying the WAL back into the database) run on a
//! timer from the read side, not inside a caller's commit.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::query_builder::Separated;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{Connection, QueryBuilder, Row, Sqlite};
use tokio::sync::{mpsc, oneshot};

use super::{
    AuditEntry, Miss, MissEntry, RegistrationRecord, Role, SessionRecord, SessionSummary, SlotHistoryEntry, Store,
    StoreError, StoreFuture, StoreResult, TranscriptEntry, TurnWrite, time_text,
};
use crate::dialogue::{SessionChannel, SlotChange};

/// SQLite under `<data_dir>/hotline.sqlite3`.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// For reads only.
    pool: SqlitePool,
    /// To the writer task.
    writes: mpsc::UnboundedSender<PendingWrite>,
}

/// One change to the database.
#[derive(Debug)]
enum Write {
    CreateSession {
        record: Box<SessionRecord>,
        transcript: Vec<TranscriptEntry>,
    },
    Turn {
        session_id: String,
        write: Box<TurnWrite>,
    },
    CloseIdle {
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    Audit(AuditEntry),
    Miss(Miss),
}

/// A write waiting for the writer, with the caller waiting for its commit
/// (and the number of rows it changed, which `close_idle` reports).
#[derive(Debug)]
struct PendingWrite {
    write: Write,
    committed: oneshot::Sender<StoreResult<u64>>,
}

/// The most writes one commit carries; more wait for the next.
const MAX_WRITES_PER_COMMIT: usize = 64;
/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

impl SqliteStore {
    /// Opens (creating on first start) the database under `data_dir` and
    /// runs the migrations.
    pub async fn open(data_dir: &Path) -> StoreResult<SqliteStore> {
        std::fs::create_dir_all(data_dir)?;
        ensure_writable(data_dir)?;
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
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        // Checkpoints are the timer's job (below), not the committer's.
        let writer =
            SqliteConnection::connect_with(&options.pragma("wal_autocheckpoint", "0")).await?;
        let (writes, queued) = mpsc::unbounded_channel();
        tokio::spawn(write_forever(writer, queued));
        tokio::spawn(checkpoint_forever(pool.clone()));
        Ok(SqliteStore { pool, writes })
    }

    /// Hands `write` to the writer and waits for its commit.
    async fn write(&self, write: Write) -> StoreResult<u64> {
        let (committed, commit) = oneshot::channel();
        let stopped = || StoreError::Io(std::io::Error::other("the database writer has stopped"));
        self.writes
            .send(PendingWrite { write, committed })
            .map_err(|_| stopped())?;
        commit.await.map_err(|_| stopped())?
    }

    /// Waits for open connections to finish and closes the database.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Refuses a data folder the server could read but not write (a
/// read-only mount, a full disk, wrong permissions) with the reason,
/// before SQLite reports it as "unable to open database file".
fn ensure_writable(data_dir: &Path) -> StoreResult<()> {
    let probe = data_dir.join(".hotline-write-check");
    let written = std::fs::write(&probe, b"ok");
    let _ = std::fs::remove_file(&probe);
    written.map_err(|error| {
        StoreError::Io(std::io::Error::new(
            error.kind(),
            format!("the data folder cannot be written to ({error}); nothing was changed"),
        ))
    })
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

/// The writer task: takes the writes queued since the last commit (at
/// most [`MAX_WRITES_PER_COMMIT`]), commits them together, then answers
/// every caller.
/// Ends when the store is dropped.
async fn write_forever(
    mut connection: SqliteConnection,
    mut queued: mpsc::UnboundedReceiver<PendingWrite>,
) {
    while let Some(first) = queued.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_WRITES_PER_COMMIT {
            match queued.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let outcomes = write_batch(&mut connection, &batch).await;
        for (pending, outcome) in batch.into_iter().zip(outcomes) {
            // The caller may have gone (request timed out); the write stays.
            let _ = pending.committed.send(outcome);
        }
    }
    let _ = connection.close().await;
}

/// Copies the WAL back into the database file every [`CHECKPOINT_EVERY`],
/// without waiting for readers or the writer (`PASSIVE`), so the WAL stays
/// small and no caller's commit pays for it.
async fn checkpoint_forever(pool: SqlitePool) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(%error, "checkpoint failed; the WAL keeps the data and the next one retries");
        }
    }
}

/// One transaction for the batch; the outcome of each write, in order.
/// Should it fail, each write is committed on its own, so that only a
/// faulty one fails.
async fn write_batch(
    connection: &mut SqliteConnection,
    batch: &[PendingWrite],
) -> Vec<StoreResult<u64>> {
    let writes: Vec<&Write> = batch.iter().map(|pending| &pending.write).collect();
    match commit(connection, &writes).await {
        Ok(rows) => rows.into_iter().map(Ok).collect(),
        Err(error) if batch.len() == 1 => vec![Err(error)],
        Err(_) => {
            let mut outcomes = Vec::with_capacity(batch.len());
            for write in writes {
                let alone = commit(connection, &[write]).await;
                outcomes.push(alone.map(|rows| rows.first().copied().unwrap_or(0)));
            }
            outcomes
        }
    }
}

/// Applies `writes` in one transaction and commits; the rows each changed
/// (counted only for closing idle sessions, which reports it).
async fn commit(connection: &mut SqliteConnection, writes: &[&Write]) -> StoreResult<Vec<u64>> {
    let mut transaction = connection.begin().await?;
    let mut rows = Vec::with_capacity(writes.len());
    let mut by_table = Tables::default();
    for write in writes {
        match write {
            Write::CloseIdle { cutoff, now } => {
                let closed = sqlx::query(
                    "UPDATE sessions SET closed_at = ? WHERE closed_at IS NULL AND updated_at < ?",
                )
                .bind(time_text(*now))
                .bind(time_text(*cutoff))
                .execute(&mut *transaction)
                .await?;
                rows.push(closed.rows_affected());
            }
            other => {
                by_table.add(other);
                rows.push(1);
            }
        }
    }
    by_table.write(&mut transaction).await?;
    transaction.commit().await?;
    Ok(rows)
}

/// The rows a batch of writes adds or changes, gathered by table: each
/// table then takes one statement however many callers the batch holds,
/// and the writer's time goes to SQLite, not to round trips.
#[derive(Default)]
struct Tables<'a> {
    new_sessions: Vec<&'a SessionRecord>,
    /// Session id and the turn that changes it.
    session_updates: Vec<(&'a str, &'a TurnWrite)>,
    transcript: Vec<(&'a str, &'a TranscriptEntry)>,
    slot_history: Vec<(&'a str, &'a SlotChange, DateTime<Utc>)>,
    registrations: Vec<&'a RegistrationRecord>,
    audit: Vec<&'a AuditEntry>,
    misses: Vec<&'a Miss>,
}

impl<'a> Tables<'a> {
    fn add(&mut self, write: &'a Write) {
        match write {
            Write::CreateSession { record, transcript } => {
                self.new_sessions.push(record);
                self.transcript
                    .extend(transcript.iter().map(|entry| (record.id.as_str(), entry)));
            }
            Write::Turn { session_id, write } => {
                self.session_updates.push((session_id, write));
                self.transcript.extend(
                    write
                        .transcript
                        .iter()
                        .map(|entry| (session_id.as_str(), entry)),
                );
                self.slot_history.extend(
                    write
                        .slot_changes
                        .iter()
                        .map(|change| (session_id.as_str(), change, write.at)),
                );
                self.registrations.extend(&write.registration);
                self.audit.extend(&write.audit);
            }
            Write::Audit(entry) => self.audit.push(entry),
            Write::Miss(miss) => self.misses.push(miss),
            Write::CloseIdle { .. } => {}
        }
    }

    /// The statements, parents before children (foreign keys).
    async fn write(&self, connection: &mut SqliteConnection) -> StoreResult<()> {
        if !self.new_sessions.is_empty() {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO sessions (id, token_sha256, channel, region, state, session_json, \
                 created_at, updated_at, closed_at) ",
            );
            insert.push_values(&self.new_sessions, |mut row, record| {
                row.push_bind(record.id.clone())
                    .push_bind(record.token_sha256.clone())
                    .push_bind(channel_id(record.channel))
                    .push_bind(record.region.clone())
                    .push_bind(state_id(&record.session.state))
                    .push_bind(to_json(&record.session))
                    .push_bind(time_text(record.created_at))
                    .push_bind(time_text(record.updated_at))
                    .push("NULL");
            });
            insert.build().execute(&mut *connection).await?;
        }
        if !self.session_updates.is_empty() {
            let mut update = QueryBuilder::<Sqlite>::new(
                "UPDATE sessions SET state = turn.column2, session_json = turn.column3, \
                 updated_at = turn.column4 FROM (",
            );
            update.push_values(&self.session_updates, |mut row, (id, write)| {
                row.push_bind(id.to_string())
                    .push_bind(state_id(&write.session.state))
                    .push_bind(to_json(&write.session))
                    .push_bind(time_text(write.at));
            });
            update.push(") AS turn WHERE sessions.id = turn.column1");
            update.build().execute(&mut *connection).await?;
        }
        if !self.transcript.is_empty() {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO transcript (session_id, seq, role, text, at) ",
            );
            let mut sequence = Sequence::default();
            insert.push_values(&self.transcript, |mut row, (session_id, entry)| {
                row.push_bind(session_id.to_string());
                sequence.push_next(&mut row, "transcript", session_id);
                row.push_bind(entry.role.id())
                    .push_bind(entry.text.clone())
                    .push_bind(time_text(entry.at));
            });
            insert.build().execute(&mut *connection).await?;
        }
        if !self.slot_history.is_empty() {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO slot_history (session_id, seq, slot, old_json, new_json, source, at) ",
            );
            let mut sequence = Sequence::default();
            insert.push_values(&self.slot_history, |mut row, (session_id, change, at)| {
                row.push_bind(session_id.to_string());
                sequence.push_next(&mut row, "slot_history", session_id);
                row.push_bind(change.slot.clone())
                    .push_bind(change.old.as_ref().map(to_json))
                    .push_bind(change.new.as_ref().map(to_json))
                    .push_bind(change.source.clone())
                    .push_bind(time_text(*at));
            });
            insert.build().execute(&mut *connection).await?;
        }
        if !self.registrations.is_empty() {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO registrations (id, session_id, application_json, decision_json, \
                 created_at) ",
            );
            insert.push_values(&self.registrations, |mut row, registration| {
                row.push_bind(registration.id.clone())
                    .push_bind(registration.session_id.clone())
                    .push_bind(to_json(&registration.application))
                    .push_bind(to_json(&registration.decision))
                    .push_bind(time_text(registration.created_at));
            });
            insert.build().execute(&mut *connection).await?;
        }
        if !self.audit.is_empty() {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO audit_log (at, actor, action, session_id, detail_json) ",
            );
            insert.push_values(&self.audit, |mut row, entry| {
                row.push_bind(time_text(entry.at))
                    .push_bind(entry.actor.clone())
                    .push_bind(entry.action.clone())
                    .push_bind(entry.session_id.clone())
                    .push_bind(to_json(&entry.detail));
            });
            insert.build().execute(&mut *connection).await?;
        }
        if !self.misses.is_empty() {
            // Rows of one statement are upserted in order, so the same
            // question twice in a batch counts twice.
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO misses (question, region, reason, count, first_at, last_at) ",
            );
            insert.push_values(&self.misses, |mut row, miss| {
                let at = time_text(miss.at);
                row.push_bind(miss.question.clone())
                    .push_bind(miss.region.clone().unwrap_or_default())
                    .push_bind(miss.reason.clone())
                    .push("1")
                    .push_bind(at.clone())
                    .push_bind(at);
            });
            insert.push(
                " ON CONFLICT (question, region) DO UPDATE SET count = misses.count + 1, \
                 reason = excluded.reason, last_at = MAX(misses.last_at, excluded.last_at)",
            );
            insert.build().execute(&mut *connection).await?;
        }
        Ok(())
    }
}

/// Numbers a session's new rows in one INSERT: each row's `seq` is
/// `(SELECT MAX(seq) …) + k`, k counting that session's rows so far in the
/// statement, so no read is needed first. (SQLite may evaluate the
/// subquery before each row or once; either way the numbers rise.)
#[derive(Default)]
struct Sequence<'a> {
    rows_so_far: Vec<(&'a str, usize)>,
}

impl<'a> Sequence<'a> {
    fn push_next(
        &mut self,
        row: &mut Separated<'_, Sqlite, &'static str>,
        table: &str,
        session_id: &'a str,
    ) {
        let k = match self
            .rows_so_far
            .iter_mut()
            .find(|(id, _)| *id == session_id)
        {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                self.rows_so_far.push((session_id, 1));
                1
            }
        };
        row.push(format!(
            "(SELECT COALESCE(MAX(seq), 0) FROM {table} WHERE session_id = "
        ));
        row.push_bind_unseparated(session_id.to_string());
        row.push_unseparated(format!(") + {k}"));
    }
}

impl Store for SqliteStore {
    fn create_session<'a>(
        &'a self,
        record: &'a SessionRecord,
        transcript: &'a [TranscriptEntry],
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.write(Write::CreateSession {
                record: Box::new(record.clone()),
                transcript: transcript.to_vec(),
            })
            .await?;
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
            self.write(Write::Turn {
                session_id: id.to_string(),
                write: Box::new(write.clone()),
            })
            .await?;
            Ok(())
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
                        session: record.session,
                    })
                })
                .collect()
        })
    }

    fn close_idle(&self, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> StoreFuture<'_, u64> {
        Box::pin(self.write(Write::CloseIdle { cutoff, now }))
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
            self.write(Write::Audit(entry.clone())).await?;
            Ok(())
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

    fn record_miss<'a>(&'a self, miss: &'a Miss) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.write(Write::Miss(miss.clone())).await?;
            Ok(())
        })
    }

    fn misses(&self, limit: usize) -> StoreFuture<'_, Vec<MissEntry>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT * FROM misses ORDER BY count DESC, last_at DESC, question LIMIT ?",
            )
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let region: String = row.try_get("region")?;
                    let count: i64 = row.try_get("count")?;
                    Ok(MissEntry {
                        question: row.try_get("question")?,
                        region: (!region.is_empty()).then_some(region),
                        reason: row.try_get("reason")?,
                        count: u64::try_from(count).unwrap_or(0),
                        first_at: parse_time(row.try_get("first_at")?)?,
                        last_at: parse_time(row.try_get("last_at")?)?,
                    })
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn miss(question: &str, region: Option<&str>, at: &str) -> Miss {
        Miss {
            question: question.into(),
            region: region.map(String::from),
            reason: "refused".into(),
            at: parse_time(at).unwrap(),
        }
    }

    #[tokio::test]
    async fn misses_are_counted_per_question_and_region() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).await.unwrap();
        let early = "2026-11-23T09:00:00.000000Z";
        let late = "2026-11-23T10:00:00.000000Z";
        // Two at once go through one batch; the third in a later one.
        let twice = miss("住院能住几天", Some("dongguan"), early);
        let (first, second) = tokio::join!(store.record_miss(&twice), store.record_miss(&twice));
        first.unwrap();
        second.unwrap();
        store
            .record_miss(&miss("住院能住几天", Some("dongguan"), late))
            .await
            .unwrap();
        store
            .record_miss(&miss("住院能住几天", None, early))
            .await
            .unwrap();
        let misses = store.misses(10).await.unwrap();
        assert_eq!(misses.len(), 2);
        assert_eq!(misses[0].count, 3);
        assert_eq!(misses[0].region.as_deref(), Some("dongguan"));
        assert_eq!(misses[0].first_at, parse_time(early).unwrap());
        assert_eq!(misses[0].last_at, parse_time(late).unwrap());
        assert_eq!((misses[1].count, misses[1].region.as_deref()), (1, None));
        assert_eq!(store.misses(1).await.unwrap().len(), 1);
    }
}
