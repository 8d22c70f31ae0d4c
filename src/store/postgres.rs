//! The shared store: PostgreSQL, for several `hotline` nodes at once.
//!
//! Same tables and statements as SQLite ([`super::sql`]), same group
//! commit per node ([`super::batch`]). What several nodes add is handled
//! by the database: a turn's `UPDATE` takes the session's row lock and
//! checks its version, so a second node's turn on the same session waits,
//! then finds the version moved and is refused as a conflict; the
//! migrations take an advisory lock, so nodes may start together.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::Postgres;
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use tokio::sync::mpsc;

use super::batch::Writer;
use super::driver::Pooled;
use super::{FromOtherNodes, SharedEvent, SqlStore, StoreResult};

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
            writer: Writer::start(Pooled { pool: pool.clone() }),
            relay: Some(Relay {
                pool,
                node: format!("{:016x}", rand::random::<u64>()),
            }),
        })
    }
}

/// The channel every node notifies and listens on.
const CHANNEL: &str = "hotline_events";
/// PostgreSQL refuses a notification of 8,000 bytes or more.
const MAX_PAYLOAD: usize = 7_900;
/// Pause before listening again after the connection was lost.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// Live events between the nodes on one database.
#[derive(Debug, Clone)]
pub struct Relay {
    pool: PgPool,
    /// This node's random id: a node skips its own notifications, its
    /// screens had those events already.
    node: String,
}

/// One notification's payload.
#[derive(Serialize, Deserialize)]
struct Notice {
    node: String,
    #[serde(flatten)]
    event: SharedEvent,
}

impl Relay {
    /// Notifies `events` in one round trip; they arrive in this order.
    pub async fn send(&self, events: &[SharedEvent]) -> StoreResult<()> {
        let payloads: Vec<String> = events.iter().map(|event| self.payload(event)).collect();
        sqlx::query("SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload")
            .bind(CHANNEL)
            .bind(payloads)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The event as JSON; one too large for a notification (a long
    /// answer) goes as a `resync` of its session, whose screens then read
    /// it from the store.
    fn payload(&self, event: &SharedEvent) -> String {
        let notice = |event: SharedEvent| {
            serde_json::to_string(&Notice {
                node: self.node.clone(),
                event,
            })
            .unwrap_or_default()
        };
        let whole = notice(event.clone());
        if whole.len() <= MAX_PAYLOAD {
            return whole;
        }
        notice(SharedEvent {
            session_id: event.session_id.clone(),
            kind: "resync".into(),
            data: serde_json::json!({"session_id": event.session_id}),
        })
    }

    /// Starts listening; the other nodes' events arrive on the receiver
    /// until it is dropped.
    pub fn listen(&self) -> mpsc::UnboundedReceiver<FromOtherNodes> {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(listen_forever(self.clone(), sender));
        receiver
    }
}

async fn listen_forever(relay: Relay, sender: mpsc::UnboundedSender<FromOtherNodes>) {
    let mut lost = false;
    while !sender.is_closed() && !relay.pool.is_closed() {
        match listener(&relay.pool).await {
            Ok(mut listener) => {
                if lost {
                    tracing::info!(
                        "listening to the other nodes again; screens read from the store"
                    );
                    let _ = sender.send(FromOtherNodes::Resync);
                }
                loop {
                    match listener.try_recv().await {
                        Ok(Some(notification)) => {
                            let Ok(notice) = serde_json::from_str::<Notice>(notification.payload())
                            else {
                                continue;
                            };
                            if notice.node != relay.node
                                && sender.send(FromOtherNodes::Event(notice.event)).is_err()
                            {
                                return;
                            }
                        }
                        Ok(None) => {
                            tracing::warn!("lost the connection listening to the other nodes");
                            break;
                        }
                        Err(error) => {
                            tracing::warn!(%error, "listening to the other nodes failed");
                            break;
                        }
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "cannot listen to the other nodes yet"),
        }
        lost = true;
        tokio::time::sleep(RECONNECT_AFTER).await;
    }
}

async fn listener(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
