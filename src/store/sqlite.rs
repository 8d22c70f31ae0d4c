//! The embedded store: one SQLite file under the data directory, in WAL
//! mode with `synchronous = FULL`, so a committed turn survives `kill -9`
//! and power loss alike.
//!
//! Writes go through the shared group-commit writer on a connection of
//! their own: besides sparing fsyncs, no two writers ever wait on each
//! other's lock (SQLite's busy wait sleeps for milliseconds). Reads use a
//! pool of their own and, in WAL mode, never wait for the writer.
//! Checkpoints (copying the WAL back into the database) run on a timer
//! from the read side, not inside a caller's commit.

use std::path::Path;
use std::time::Duration;

use sqlx::Sqlite;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::batch::Writer;
use super::driver::Pooled;
use super::{SqlStore, StoreError, StoreResult};

/// SQLite under `<data_dir>/hotline.sqlite3`.
pub type SqliteStore = SqlStore<Pooled<Sqlite>>;

/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

impl SqlStore<Pooled<Sqlite>> {
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
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        // The writer's one connection. Checkpoints are the timer's job
        // (below), not the committer's.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.pragma("wal_autocheckpoint", "0"))
            .await?;
        tokio::spawn(checkpoint_forever(pool.clone()));
        Ok(SqlStore {
            reads: Pooled { pool },
            writer: Writer::start(Pooled { pool: writer }),
            relay: None,
        })
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
