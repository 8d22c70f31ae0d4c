//! The HTTP service through real servers: in-process on port 0 with a
//! fresh data directory, and the `hotline serve` binary itself for crashes,
//! signals and captured logs. One file per topic (contract, auth, limits,
//! durability, observability, the agents' workspace, dialogues, misses);
//! the fixtures are `tests/support/`'s, shared with the other test
//! binaries, and the topics reach them, and this file's few, through
//! `use super::*`.

mod auth;
mod contract;
mod dialogues;
mod durability;
mod limits;
mod misses;
mod observability;
// The shared fixtures; this binary's root is one folder down.
#[path = "../support/mod.rs"]
mod support;
mod workspace;

use std::time::Duration;

use futures_util::StreamExt;
use hotline::server::Settings;
use hotline::store::{RegistrationRecord, Store, TurnWrite};
use serde_json::{Value, json};
use support::AGENT_TOKEN;
use support::process::Server as ServeProcess;
use support::server::{TestServer, fresh_server, open_session, say, test_settings};

const ID_NUMBER: &str = "44190019900101124X";
const PHONE: &str = "13912345678";
const NAME: &str = "欧阳娜娜";

fn widget() -> Value {
    json!({"channel": "widget", "region": "dongguan", "today": "2026-11-23"})
}

async fn get_json(client: &reqwest::Client, url: String, token: Option<&str>) -> (u16, Value) {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Reads an event stream until an event of `kind` has arrived whole (or
/// ten seconds pass); returns everything read.
async fn read_until_event(
    stream: &mut (impl futures_util::Stream<Item = reqwest::Result<axum::body::Bytes>> + Unpin),
    kind: &str,
) -> String {
    let mut received = String::new();
    let marker = format!("event: {kind}\n");
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(chunk) = stream.next().await {
            received.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            if received
                .split_once(&marker)
                .is_some_and(|(_, rest)| rest.contains("\n\n"))
            {
                break;
            }
        }
    })
    .await;
    received
}

/// Every error is `{"error": {"code", "message"}}`.
fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "error body: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "error body has a message: {body}"
    );
}
