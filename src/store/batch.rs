//! Group commit, for every backend: each write goes to one writer task,
//! which commits whatever has queued up in one transaction. One sync of
//! the log serves many callers in the busy hour, and each write is still
//! acknowledged only after the commit that holds it. What the statements
//! are is [`super::sql`]'s business; how they run is the backend's
//! ([`Transact`]).

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use super::sql::{self, Statement};
use super::{
    AuditEntry, Miss, SessionRecord, StoreError, StoreFuture, StoreResult, TranscriptEntry,
    TurnWrite,
};

/// One change to the database.
#[derive(Debug)]
pub(crate) enum Write {
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

/// How a backend runs a batch's statements: all in one transaction,
/// each checked with [`Statement::check`], committed only if every one
/// succeeded. Returns the rows each changed.
pub(crate) trait Transact: Send + 'static {
    fn transact<'a>(&'a mut self, statements: &'a [Statement]) -> StoreFuture<'a, Vec<u64>>;
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

/// The handle to a running writer task.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    writes: mpsc::UnboundedSender<PendingWrite>,
}

impl Writer {
    /// Starts the writer task over `backend`; it ends when every handle
    /// is dropped.
    pub fn start(backend: impl Transact) -> Writer {
        let (writes, queued) = mpsc::unbounded_channel();
        tokio::spawn(write_forever(backend, queued));
        Writer { writes }
    }

    /// Hands `write` to the writer and waits for its commit.
    pub async fn write(&self, write: Write) -> StoreResult<u64> {
        let (committed, commit) = oneshot::channel();
        let stopped = || StoreError::Io(std::io::Error::other("the database writer has stopped"));
        self.writes
            .send(PendingWrite { write, committed })
            .map_err(|_| stopped())?;
        commit.await.map_err(|_| stopped())?
    }
}

/// The writer task: takes the writes queued since the last commit (at
/// most [`MAX_WRITES_PER_COMMIT`]), commits them together, then answers
/// every caller.
async fn write_forever(
    mut backend: impl Transact,
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
        let outcomes = write_batch(&mut backend, &batch).await;
        for (pending, outcome) in batch.into_iter().zip(outcomes) {
            // The caller may have gone (request timed out); the write stays.
            let _ = pending.committed.send(outcome);
        }
    }
}

/// One transaction for the batch; the outcome of each write, in order.
/// Should it fail, each write is committed on its own, so that only a
/// faulty one (or one that lost a race for its session) fails.
async fn write_batch(backend: &mut impl Transact, batch: &[PendingWrite]) -> Vec<StoreResult<u64>> {
    let writes: Vec<&Write> = batch.iter().map(|pending| &pending.write).collect();
    match commit(backend, &writes).await {
        Ok(rows) => rows.into_iter().map(Ok).collect(),
        Err(error) if batch.len() == 1 => vec![Err(error)],
        Err(_) => {
            let mut outcomes = Vec::with_capacity(batch.len());
            for write in writes {
                let alone = commit(backend, &[write]).await;
                outcomes.push(alone.map(|rows| rows.first().copied().unwrap_or(0)));
            }
            outcomes
        }
    }
}

/// Applies `writes` in one transaction; the rows each changed (counted
/// only for closing idle sessions, which reports it; 1 for the others).
async fn commit(backend: &mut impl Transact, writes: &[&Write]) -> StoreResult<Vec<u64>> {
    let (statements, reports) = sql::batch(writes);
    let changed = backend.transact(&statements).await?;
    Ok(reports
        .into_iter()
        .map(|report| report.map_or(1, |index| changed[index]))
        .collect())
}
