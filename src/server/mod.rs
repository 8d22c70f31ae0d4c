//! The HTTP service (contract §3): sessions over the dialogue, free-text
//! answers, rule evaluation, registrations and their printable forms, with
//! OpenAPI, Prometheus metrics and Server-Sent Events for agents' screens.
//!
//! Only this module knows HTTP. [`app`] builds the whole router from an
//! [`AppState`], so tests can drive it with `oneshot` and no socket;
//! [`serve`] runs it on a listener with graceful shutdown.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, header};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc, watch};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::assistant::Assistant;
use crate::store::{FromOtherNodes, SharedEvent, Store};

mod answer_cache;
mod answer_json;
mod auth;
mod error;
mod events;
pub mod form;
mod handlers;
mod json;
mod layers;
pub mod metrics;
mod misses;
mod openapi;
pub mod pages;
pub mod pii;
mod workspace;

pub use error::{ApiError, ErrorCode};
pub use events::SessionEvent;

/// Largest request body accepted (413 above).
pub const BODY_LIMIT: usize = 64 * 1024;

/// The server's run-time settings (already merged from file, environment
/// and flags by `hotline serve`).
#[derive(Debug, Clone)]
pub struct Settings {
    /// The agents, each with their own token; none disables the agents'
    /// endpoints (403).
    pub agents: Vec<AgentAccount>,
    /// Sessions idle longer than this are closed (kept, not deleted).
    pub session_ttl: Duration,
    /// Origins allowed by CORS; empty means no cross-origin access, `*` any.
    pub cors_origins: Vec<String>,
    /// Time allowed to produce a response (SSE streams excepted).
    pub request_timeout: Duration,
    /// Per client IP: sustained requests per second, and burst.
    pub ip_rate_per_second: u32,
    pub ip_burst: u32,
    /// Per session: sustained requests per second, and burst.
    pub session_rate_per_second: u32,
    pub session_burst: u32,
    /// Bytes of answers kept for repeated questions; 0 keeps none.
    pub answer_cache_bytes: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            agents: Vec::new(),
            session_ttl: Duration::from_secs(30 * 60),
            cors_origins: Vec::new(),
            request_timeout: Duration::from_secs(30),
            ip_rate_per_second: 20,
            ip_burst: 200,
            session_rate_per_second: 5,
            session_burst: 50,
            answer_cache_bytes: 8 * 1024 * 1024,
        }
    }
}

/// One agent: a name for the audit log and the SHA-256 of their token
/// (the token itself is never kept).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AgentAccount {
    pub name: String,
    pub token_sha256: String,
}

impl AgentAccount {
    /// An agent known by their token (hashed here).
    pub fn with_token(name: &str, token: &str) -> AgentAccount {
        AgentAccount {
            name: name.to_string(),
            token_sha256: crate::store::token_digest(token),
        }
    }
}

/// Everything the handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    assistant: Arc<Assistant>,
    store: Arc<dyn Store>,
    settings: Settings,
    events: broadcast::Sender<SessionEvent>,
    /// To the other nodes sharing the database, when there are any.
    to_other_nodes: Option<mpsc::UnboundedSender<SessionEvent>>,
    /// One lock per session, so that two messages to the same session are
    /// applied one after the other, each on the state the other left.
    session_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    answers: answer_cache::AnswerCache,
    answer_json: answer_json::AnswerJson,
    print_tickets: PrintTickets,
    shutdown: watch::Sender<bool>,
}

impl AppState {
    /// The state over `store`; where other nodes share its database, also
    /// the tasks passing events to and from them (so it must then be
    /// called inside the runtime).
    pub fn new(assistant: Arc<Assistant>, store: Arc<dyn Store>, settings: Settings) -> AppState {
        let (events, _) = broadcast::channel(1024);
        let (shutdown, _) = watch::channel(false);
        let to_other_nodes = store.other_nodes_events().map(|from_others| {
            tokio::spawn(receive_forever(from_others, events.clone()));
            let (to_others, outgoing) = mpsc::unbounded_channel();
            tokio::spawn(share_forever(outgoing, store.clone()));
            to_others
        });
        AppState {
            inner: Arc::new(Inner {
                answers: answer_cache::AnswerCache::new(settings.answer_cache_bytes),
                answer_json: answer_json::AnswerJson::new(&assistant.corpus.passages),
                assistant,
                store,
                settings,
                events,
                to_other_nodes,
                session_locks: Mutex::new(HashMap::new()),
                print_tickets: PrintTickets::default(),
                shutdown,
            }),
        }
    }

    pub fn assistant(&self) -> &Arc<Assistant> {
        &self.inner.assistant
    }

    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    fn print_tickets(&self) -> &PrintTickets {
        &self.inner.print_tickets
    }

    fn answers(&self) -> &answer_cache::AnswerCache {
        &self.inner.answers
    }

    fn answer_json(&self) -> &answer_json::AnswerJson {
        &self.inner.answer_json
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Whether any screen may be watching the event stream (here, or on
    /// another node): when none is, events are not even built.
    fn watched(&self) -> bool {
        self.inner.to_other_nodes.is_some() || self.inner.events.receiver_count() > 0
    }

    fn publish(&self, event: SessionEvent) {
        if let Some(to_others) = &self.inner.to_other_nodes {
            let _ = to_others.send(event.clone());
        }
        // No subscriber is not an error: nobody is watching that session.
        let _ = self.inner.events.send(event);
    }

    fn subscribe(&self) -> broadcast::Receiver<SessionEvent> {
        self.inner.events.subscribe()
    }

    fn session_lock(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .inner
            .session_locks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        locks.entry(id.to_string()).or_default().clone()
    }

    /// Tells long-lived responses (event streams) to end, so a graceful
    /// shutdown is not held open by them.
    pub fn begin_shutdown(&self) {
        let _ = self.inner.shutdown.send(true);
    }

    fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.inner.shutdown.subscribe()
    }
}

/// Passes this node's events on to the other nodes, as many as have
/// queued in one go, in order.
async fn share_forever(mut outgoing: mpsc::UnboundedReceiver<SessionEvent>, store: Arc<dyn Store>) {
    while let Some(first) = outgoing.recv().await {
        let mut batch = vec![first];
        while let Ok(next) = outgoing.try_recv() {
            batch.push(next);
        }
        let shared: Vec<SharedEvent> = batch
            .into_iter()
            .map(|event| SharedEvent {
                session_id: event.session_id,
                kind: event.kind.to_string(),
                data: event.data,
            })
            .collect();
        if let Err(error) = store.share_events(&shared).await {
            // The other nodes' screens miss these; the store has them.
            tracing::warn!(%error, events = shared.len(), "could not pass events to the other nodes");
        }
    }
}

/// Hands the other nodes' events to this node's streams; after a gap, a
/// `resync` for every screen.
async fn receive_forever(
    mut from_others: mpsc::UnboundedReceiver<FromOtherNodes>,
    events: broadcast::Sender<SessionEvent>,
) {
    while let Some(received) = from_others.recv().await {
        let event = match received {
            FromOtherNodes::Event(shared) => match events::known_kind(&shared.kind) {
                Some(kind) => SessionEvent {
                    session_id: shared.session_id,
                    kind,
                    data: shared.data,
                },
                None => continue,
            },
            FromOtherNodes::Resync => SessionEvent {
                session_id: String::new(),
                kind: "resync",
                data: serde_json::json!({}),
            },
        };
        let _ = events.send(event);
    }
}

/// How long a print link opens its form.
const PRINT_TICKET_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// Short-lived tickets that open one registration's printable form in a
/// new tab without a token in the URL. Kept in memory: a restart only
/// means printing again.
#[derive(Default)]
struct PrintTickets {
    issued: Mutex<HashMap<String, (String, std::time::Instant)>>,
}

impl PrintTickets {
    fn issue(&self, ticket: &str, registration_id: &str) {
        let now = std::time::Instant::now();
        let mut issued = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        issued.retain(|_, (_, at)| now.duration_since(*at) < PRINT_TICKET_LIFETIME);
        issued.insert(ticket.to_string(), (registration_id.to_string(), now));
    }

    fn valid(&self, ticket: &str, registration_id: &str) -> bool {
        let issued = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        issued
            .get(ticket)
            .is_some_and(|(id, at)| id == registration_id && at.elapsed() < PRINT_TICKET_LIFETIME)
    }
}

/// The whole HTTP surface with its middleware.
pub fn app(state: AppState) -> Router {
    metrics::install();
    let settings = state.settings().clone();
    let router = handlers::routes(&settings)
        .merge(openapi::routes())
        .merge(pages::router())
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state);
    let router = layers::wrap(router, &settings);
    match cors_layer(&settings.cors_origins) {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow_origin = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow_origin)
            .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::OPTIONS])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
    )
}

/// Serves [`app`] on `listener` until `shutdown` resolves, then lets
/// in-flight requests (turns being stored) finish. A background task
/// closes sessions idle past their TTL.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let sweeper = tokio::spawn(handlers::close_idle_sessions_forever(state.clone()));
    let router = app(state.clone());
    let stopping = state.clone();
    let result = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!("shutting down: finishing requests in flight");
        stopping.begin_shutdown();
    })
    .await;
    sweeper.abort();
    result
}
