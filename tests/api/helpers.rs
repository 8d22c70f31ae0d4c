//! Starting real servers for the tests: in-process on port 0 with a fresh
//! data directory, or the real `hotline serve` binary as a child process.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hotline::assistant::Assistant;
use hotline::server::{AppState, Settings};
use hotline::store::SqliteStore;
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub const AGENT_TOKEN: &str = "agent-secret-for-tests";

pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

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

/// The `hotline serve` binary running as a child, its stderr captured.
pub struct ServeProcess {
    pub child: Child,
    pub base: String,
    pub logs: Arc<Mutex<String>>,
}

impl ServeProcess {
    pub fn spawn(data_dir: &Path, extra: &[&str]) -> ServeProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hotline"))
            .current_dir(repo_dir())
            .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .args(["--agent-token", AGENT_TOKEN])
            .args(extra)
            .env_remove("RUST_LOG")
            .env_remove("HOTLINE_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("hotline serve starts");
        let (logs, address_receiver) = watch_server_stderr(&mut child);
        let address = address_receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server says where it listens");
        let address: SocketAddr = address.parse().expect("a socket address");
        ServeProcess {
            child,
            base: format!("http://{address}"),
            logs,
        }
    }

    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// SIGKILL: no chance to flush or clean up.
    pub fn kill_hard(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        self.logs()
    }

    /// Waits for the process to exit by itself.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/server_stderr.rs"
));
