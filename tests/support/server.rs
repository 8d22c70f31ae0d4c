//! A real server in the test's own process: on port 0 with a fresh data
//! directory, reached over loopback HTTP; and what a caller or an agent
//! says to it. (The `hotline serve` binary as a child: `process.rs`.)

use std::path::Path;
use std::sync::Arc;

use hotline::assistant::Assistant;
use hotline::server::{AppState, Settings};
use hotline::store::SqliteStore;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::AGENT_TOKEN;
use super::process::repo_dir;

pub fn test_settings() -> Settings {
    Settings {
        agents: vec![hotline::server::AgentAccount::with_token(
            "值班坐席",
            AGENT_TOKEN,
        )],
        ..Settings::default()
    }
}

pub fn load_assistant() -> Arc<Assistant> {
    let root = repo_dir();
    Arc::new(
        Assistant::load(&root.join("corpus"), &root.join("intents"))
            .expect("the repository's corpus loads"),
    )
}

/// A server on a fresh, temporary data directory (kept while the first
/// value lives).
pub async fn fresh_server(settings: Settings) -> (tempfile::TempDir, TestServer) {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path(), settings).await;
    (data, server)
}

/// A server running in this process.
pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub store: SqliteStore,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    pub async fn start(data_dir: &Path, settings: Settings) -> TestServer {
        let store = SqliteStore::open(data_dir).await.expect("store opens");
        let state = AppState::new(load_assistant(), Arc::new(store.clone()), settings);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            hotline::server::serve(listener, state, async move {
                let _ = stopped.await;
            })
            .await
            .expect("server runs");
        });
        TestServer {
            base: format!("http://{address}"),
            client: reqwest::Client::new(),
            store,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops the server gracefully and closes its database.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
        self.store.close().await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET `path`, with `token` as the bearer if given: the status, and the
    /// body as JSON (`Null` when it is not JSON).
    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        status_and_json(request.send().await.expect("the server answers")).await
    }

    /// POST `body` as JSON to `path`, with `token` as the bearer if given:
    /// the status, and the body as JSON (`Null` when it is not JSON).
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        status_and_json(request.send().await.expect("the server answers")).await
    }
}

async fn status_and_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Opens a session; returns (session_id, token, whole reply).
pub async fn open_session(
    client: &reqwest::Client,
    base: &str,
    body: Value,
) -> (String, String, Value) {
    let response = client
        .post(format!("{base}/v1/sessions"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "opening a session");
    let reply: Value = response.json().await.unwrap();
    (
        reply["session_id"].as_str().unwrap().to_string(),
        reply["token"].as_str().unwrap().to_string(),
        reply,
    )
}

pub async fn say(
    client: &reqwest::Client,
    base: &str,
    session_id: &str,
    token: &str,
    text: &str,
) -> reqwest::Response {
    client
        .post(format!("{base}/v1/sessions/{session_id}/messages"))
        .bearer_auth(token)
        .json(&json!({"text": text}))
        .send()
        .await
        .unwrap()
}
