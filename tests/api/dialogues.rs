//! The dialogue scripts of `tests/dialogues/` over the HTTP API: a session
//! opened with the script's channel, region and clock, each turn posted with
//! the session's token, and the final state read back as an agent would.

use std::path::PathBuf;

use hotline::cli::test_dialogues::script_files;
use hotline::dialogue::script::{self, Driver, Script};
use serde_json::{Value, json};

use crate::support::AGENT_TOKEN;
use crate::support::server::{fresh_server, test_settings};

struct Http {
    client: reqwest::Client,
    base: String,
    session: Option<(String, String)>,
}

impl Http {
    fn block<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(future))
    }

    fn json(response: reqwest::Response) -> Result<Value, String> {
        let status = response.status();
        let body: Value = Self::block(response.json()).map_err(|error| error.to_string())?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(format!("HTTP {status}: {body}"))
        }
    }
}

impl Driver for Http {
    fn start(&mut self, script: &Script) -> Result<Value, String> {
        let body =
            json!({"channel": script.channel, "region": script.region, "today": script.today});
        let response = Self::block(
            self.client
                .post(format!("{}/v1/sessions", self.base))
                .json(&body)
                .send(),
        )
        .map_err(|error| error.to_string())?;
        let reply = Self::json(response)?;
        let id = reply["session_id"]
            .as_str()
            .ok_or("no session_id")?
            .to_string();
        let token = reply["token"].as_str().ok_or("no token")?.to_string();
        self.session = Some((id, token));
        Ok(reply)
    }

    fn send(&mut self, text: &str) -> Result<Value, String> {
        let (id, token) = self.session.clone().ok_or("no session")?;
        let response = Self::block(
            self.client
                .post(format!("{}/v1/sessions/{id}/messages", self.base))
                .bearer_auth(token)
                .json(&json!({"text": text}))
                .send(),
        )
        .map_err(|error| error.to_string())?;
        Self::json(response)
    }

    fn session(&mut self) -> Result<Value, String> {
        let (id, _) = self.session.clone().ok_or("no session")?;
        let response = Self::block(
            self.client
                .get(format!("{}/v1/sessions/{id}", self.base))
                .bearer_auth(AGENT_TOKEN)
                .send(),
        )
        .map_err(|error| error.to_string())?;
        Self::json(response)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_dialogue_script_passes_over_http() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/dialogues");
    let files = script_files(&[dir]).expect("the scripts folder reads");
    assert!(!files.is_empty());
    let mut settings = test_settings();
    // Scripts replay many turns quickly from one address.
    settings.ip_burst = 10_000;
    settings.session_burst = 10_000;
    let (_data, server) = fresh_server(settings).await;
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let parsed = script::parse(&path.display().to_string(), &text).unwrap();
        let mut driver = Http {
            client: server.client.clone(),
            base: server.base.clone(),
            session: None,
        };
        let outcome = script::run(&parsed, &mut driver);
        if !outcome.passed() {
            failures.push(format!(
                "{}:\n  {}",
                outcome.name,
                outcome.failures.join("\n  ")
            ));
        }
    }
    server.stop().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
