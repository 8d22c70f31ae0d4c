//! The router in this process, driven with `oneshot` (no socket).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use hotline::assistant::Assistant;
use hotline::server::{AppState, Settings};
use hotline::store::SqliteStore;
use serde_json::Value;
use tower::ServiceExt;

use super::support::AGENT_TOKEN;
use super::support::process::repo_dir;

/// The assistant, loaded once for every in-process test of this binary.
pub fn assistant() -> Arc<Assistant> {
    static LOADED: OnceLock<Arc<Assistant>> = OnceLock::new();
    LOADED
        .get_or_init(|| {
            let root = repo_dir();
            Arc::new(
                Assistant::load(&root.join("corpus"), &root.join("intents"))
                    .expect("the repository's corpus loads"),
            )
        })
        .clone()
}

/// A router over a fresh database in `data_dir`, without rate limits.
pub async fn router(data_dir: &std::path::Path) -> Router {
    let store = SqliteStore::open(data_dir).await.expect("store opens");
    let settings = Settings {
        agents: vec![hotline::server::AgentAccount::with_token(
            "值班坐席",
            AGENT_TOKEN,
        )],
        ip_rate_per_second: 1_000_000,
        ip_burst: 1_000_000,
        session_rate_per_second: 1_000_000,
        session_burst: 1_000_000,
        ..Settings::default()
    };
    hotline::server::app(AppState::new(assistant(), Arc::new(store), settings))
}

/// Sends one request; panics if no response comes within `limit` (a hang).
pub async fn send(router: &Router, request: Request<Body>, limit: Duration) -> Response<Body> {
    let description = format!("{} {}", request.method(), request.uri());
    tokio::time::timeout(limit, router.clone().oneshot(request))
        .await
        .unwrap_or_else(|_| panic!("no response within {limit:?}: {description}"))
        .expect("the router is infallible")
}

pub fn json_request(method: &str, path: &str, token: Option<&str>, body: &Value) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json");
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    builder.body(Body::from(body.to_string())).unwrap()
}

pub async fn body_json(response: Response<Body>) -> Value {
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

/// Opens a phone session in Dongguan: (id, token).
pub async fn open_session(router: &Router) -> (String, String) {
    let response = send(
        router,
        json_request(
            "POST",
            "/v1/sessions",
            None,
            &super::support::client::phone_session(),
        ),
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(response.status(), 201);
    let body = body_json(response).await;
    (
        body["session_id"].as_str().unwrap().to_string(),
        body["token"].as_str().unwrap().to_string(),
    )
}
