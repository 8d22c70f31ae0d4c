//! The shared store: PostgreSQL, for several `hotline` nodes at once.
//!
//! Same tables and statements as SQLite ([`super::sql`]), same group
//! commit per node ([`super::batch`]). What several nodes add is handled
//! by the database: a turn's `UPDATE` takes the session's row lock and
//! checks its version, so a second node's turn on the same session waits,
//! then finds the version moved and is refused as a conflict; the
//! migrations take an advisory lock, so nodes may start together.

use std::time::Duration;

use sqlx::Postgres;
use sqlx::postgres::PgPoolOptions;

use super::batch::Writer;
use super::driver::Pooled;
use super::{SqlStore, StoreResult};

/// PostgreSQL at a `postgres://` URL.
pub type PostgresStore = SqlStore<Pooled<Postgres>>;

/// Connections per node: the writer's, the readers', and headroom for
/// the event listener.
const MAX_CONNECTIONS: u32 = 10;

impl SqlStore<Pooled<Postgres>> {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str) -> StoreResult<PostgresStore> {
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        // The writer borrows a pooled connection per batch, so a lost
        // connection (database restarted) is replaced on the next one.
        Ok(SqlStore {
            reads: Pooled { pool: pool.clone() },
            writer: Writer::start(Pooled { pool }),
        })
    }
}

