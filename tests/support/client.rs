//! What a caller does over HTTP: open a session, say the next line of a
//! registration, and read the session back.

use std::time::Duration;

use serde_json::{Value, json};

use super::AGENT_TOKEN;

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/registration.rs"
));

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

pub fn phone_session() -> Value {
    json!({"channel": "phone", "region": "dongguan", "today": "2026-11-23"})
}

/// Opens a session: (id, token), or None when the server did not answer 201.
pub async fn open(client: &reqwest::Client, base: &str) -> Option<(String, String)> {
    let response = client
        .post(format!("{base}/v1/sessions"))
        .json(&phone_session())
        .send()
        .await
        .ok()?;
    if response.status() != 201 {
        return None;
    }
    let body: Value = response.json().await.ok()?;
    Some((
        body["session_id"].as_str()?.to_string(),
        body["token"].as_str()?.to_string(),
    ))
}

/// Says `text`; (status, body), or None when no answer arrived.
pub async fn say(
    client: &reqwest::Client,
    base: &str,
    id: &str,
    token: &str,
    text: &str,
) -> Option<(u16, Value)> {
    let response = client
        .post(format!("{base}/v1/sessions/{id}/messages"))
        .bearer_auth(token)
        .json(&json!({"text": text}))
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    Some((status, body))
}

/// GET with the agents' token: (status, body).
pub async fn agent_get(client: &reqwest::Client, url: String) -> (u16, Value) {
    let response = client
        .get(url)
        .bearer_auth(AGENT_TOKEN)
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The caller's lines of a session's transcript, in order.
pub fn caller_lines(view: &Value) -> Vec<String> {
    view["transcript"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .filter(|entry| entry["role"] == "caller")
                .filter_map(|entry| entry["text"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `{"error": {"code", "message"}}` with both present.
pub fn is_error_shape(body: &Value) -> bool {
    body["error"]["code"].is_string() && body["error"]["message"].is_string()
}
