//! Two `hotline serve` nodes on one PostgreSQL, as behind a load
//! balancer: a call's turns alternate between them, one is killed with
//! -9 mid-call and the call finishes on the other, 50 turns aimed at one
//! session at once over both are each applied once, an agent's event
//! stream on one node sees the other's turns, and both answer alike.
//!
//! Runs on the cluster `scripts/test` starts (see tests/support/postgres.rs);
//! one test, so the machine builds each node's index only twice.

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use support::AGENT_TOKEN;
use support::client::{self, REGISTRATION, agent_get, caller_lines, open};
use support::postgres;
use support::process::{Server, binary, command, serve_args};

fn node(database_url: &str, data_dir: &std::path::Path) -> Server {
    let mut node = command(binary());
    node.args(serve_args(data_dir))
        .args(["--database-url", database_url]);
    Server::start(node).unwrap_or_else(|logs| panic!("a node starts:\n{logs}"))
}

/// Says `text` with a client id (a resend of it is applied once).
async fn say(
    client: &reqwest::Client,
    base: &str,
    (id, token): (&str, &str),
    text: &str,
    client_id: &str,
) -> Result<(u16, Value), reqwest::Error> {
    let response = client
        .post(format!("{base}/v1/sessions/{id}/messages"))
        .bearer_auth(token)
        .json(&json!({"text": text, "client_id": client_id}))
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

async fn open_on(client: &reqwest::Client, node: &Server) -> (String, String) {
    open(client, &node.base).await.expect("a session opens")
}

async fn view(client: &reqwest::Client, node: &Server, id: &str) -> Value {
    let (status, view) = agent_get(client, node.url(&format!("/v1/sessions/{id}"))).await;
    assert_eq!(status, 200, "{view}");
    view
}

#[tokio::test]
async fn two_nodes_share_one_postgresql() {
    let Some(database) = postgres::fresh_database("nodes").await else {
        return;
    };
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = node(&database, dir_a.path());
    let b = node(&database, dir_b.path());
    let client = client::client();

    both_nodes_answer_alike(&client, &a, &b).await;
    turns_alternating_between_nodes_go_as_on_one(&client, &a, &b).await;
    an_agent_on_one_node_sees_turns_served_by_the_other(&client, &a, &b, &database).await;
    fifty_turns_at_once_over_both_nodes_are_each_applied_once(&client, &a, &b).await;
    a_call_survives_its_node_killed_mid_dialogue(&client, &mut a, &b).await;
}

async fn both_nodes_answer_alike(client: &reqwest::Client, a: &Server, b: &Server) {
    for question in [
        "退休了回老家住，医保要办什么手续",
        "异地备案有效期多久",
        "去外地生孩子能报销吗",
    ] {
        let ask = |node: &Server| {
            client
                .post(node.url("/v1/ask"))
                .json(&json!({"question": question, "region": "dongguan"}))
                .send()
        };
        let from_a: Value = ask(a).await.unwrap().json().await.unwrap();
        let from_b: Value = ask(b).await.unwrap().json().await.unwrap();
        assert!(
            from_a["answer"].is_string() || from_a["refused"].is_boolean(),
            "{from_a}"
        );
        assert_eq!(from_a, from_b, "{question}");
    }
}

async fn turns_alternating_between_nodes_go_as_on_one(
    client: &reqwest::Client,
    a: &Server,
    b: &Server,
) {
    let (alone_id, alone_token) = open_on(client, a).await;
    let (shared_id, shared_token) = open_on(client, b).await;
    for (n, line) in REGISTRATION.iter().enumerate() {
        let on_one = say(
            client,
            &a.base,
            (&alone_id, &alone_token),
            line,
            &format!("c{n}"),
        )
        .await
        .unwrap();
        let server = if n % 2 == 0 { a } else { b };
        let alternating = say(
            client,
            &server.base,
            (&shared_id, &shared_token),
            line,
            &format!("c{n}"),
        )
        .await
        .unwrap();
        assert_eq!(
            (on_one.0, alternating.0),
            (200, 200),
            "{line}: {alternating:?}"
        );
        for field in ["reply", "state", "intent", "missing"] {
            assert_eq!(
                on_one.1[field], alternating.1[field],
                "turn {n} ({line}): {field}"
            );
        }
    }
    for node in [a, b] {
        let seen = view(client, node, &shared_id).await;
        assert_eq!(
            caller_lines(&seen),
            REGISTRATION,
            "every turn once, in order"
        );
        assert_eq!(seen["state"], "done");
        assert_eq!(seen["registrations"].as_array().map(Vec::len), Some(1));
    }
}

/// Reads an event stream until an event satisfies `wanted` (true), it
/// ends or 10 s pass (false); what was read stays in `seen`.
async fn wait_for_event(
    body: &mut (impl futures_util::Stream<Item = reqwest::Result<axum::body::Bytes>> + Unpin),
    seen: &mut String,
    wanted: impl Fn(&str) -> bool,
) -> bool {
    let found = |seen: &str| seen.split("\n\n").any(&wanted);
    let waited = tokio::time::timeout(Duration::from_secs(10), async {
        while !found(seen) {
            match body.next().await {
                Some(chunk) => {
                    seen.push_str(&String::from_utf8_lossy(&chunk.expect("stream chunk")))
                }
                None => return false,
            }
        }
        true
    });
    waited.await.unwrap_or(false)
}

async fn an_agent_on_one_node_sees_turns_served_by_the_other(
    client: &reqwest::Client,
    a: &Server,
    b: &Server,
    database: &str,
) {
    let (id, token) = open_on(client, a).await;
    let streaming = reqwest::Client::new();
    let response = streaming
        .get(b.url("/v1/events"))
        .bearer_auth(AGENT_TOKEN)
        .send()
        .await
        .expect("node B's event stream");
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut seen = String::new();
    let turn_of = |line: &'static str| {
        let id = id.clone();
        move |event: &str| {
            event.contains("event: turn") && event.contains(&id) && event.contains(line)
        }
    };
    let (status, _) = say(client, &a.base, (&id, &token), REGISTRATION[0], "first")
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(
        wait_for_event(&mut body, &mut seen, turn_of(REGISTRATION[0])).await,
        "node A's turn on node B's stream; got:\n{seen}"
    );

    // The nodes lose their listening connections: each comes back, tells
    // its screens to read from the store, and passes events on again.
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(database)
        .await
        .unwrap();
    let cut: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(cut.len(), 2, "one listener per node");
    assert!(
        wait_for_event(&mut body, &mut seen, |event| event
            .contains("event: resync"))
        .await,
        "a resync after the listener came back; got:\n{seen}"
    );
    let (status, _) = say(client, &a.base, (&id, &token), REGISTRATION[1], "second")
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(
        wait_for_event(&mut body, &mut seen, turn_of(REGISTRATION[1])).await,
        "node A's turns reach node B again; got:\n{seen}"
    );
}

async fn fifty_turns_at_once_over_both_nodes_are_each_applied_once(
    client: &reqwest::Client,
    a: &Server,
    b: &Server,
) {
    let (id, token) = open_on(client, a).await;
    let texts: Vec<String> = (0..50)
        .map(|n| format!("我想问问异地就医备案的事，第{n}遍"))
        .collect();
    let outcomes = futures_util::future::join_all(texts.iter().enumerate().map(|(n, text)| {
        let server = if n % 2 == 0 { a } else { b };
        let (id, token) = (id.clone(), token.clone());
        async move { say(client, &server.base, (&id, &token), text, &format!("m{n}")).await }
    }))
    .await;
    for (text, outcome) in texts.iter().zip(&outcomes) {
        let (status, body) = outcome.as_ref().expect("an answer");
        assert_eq!(*status, 200, "{text}: {body}");
    }
    let seen = view(client, b, &id).await;
    let mut said = caller_lines(&seen);
    assert_eq!(said.len(), 50, "none lost, none doubled: {said:?}");
    said.sort();
    let mut expected = texts.clone();
    expected.sort();
    assert_eq!(said, expected);
    // A turn's lines stay together: a reply follows its caller's line,
    // never another reply (once the call waits for an agent the
    // assistant is silent, so not every line has one).
    let roles: Vec<&str> = seen["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry["role"].as_str())
        .collect();
    assert!(
        roles[1..]
            .windows(2)
            .all(|pair| pair != ["assistant", "assistant"]),
        "{roles:?}"
    );
}

async fn a_call_survives_its_node_killed_mid_dialogue(
    client: &reqwest::Client,
    a: &mut Server,
    b: &Server,
) {
    let (id, token) = open_on(client, a).await;
    let session = (id.as_str(), token.as_str());
    for (n, line) in REGISTRATION[..3].iter().enumerate() {
        let (status, _) = say(client, &a.base, session, line, &format!("k{n}"))
            .await
            .unwrap();
        assert_eq!(status, 200);
    }
    // The fourth line goes to node A as it dies: the caller cannot know
    // whether it landed, so it is sent again, to node B, with its id.
    let base_a = a.base.clone();
    let in_flight = say(client, &base_a, session, REGISTRATION[3], "k3");
    let kill = async {
        tokio::time::sleep(Duration::from_millis(5)).await;
        a.kill_hard();
    };
    let (_, _) = tokio::join!(in_flight, kill);
    for (n, line) in REGISTRATION.iter().enumerate().skip(3) {
        let (status, body) = say(client, &b.base, session, line, &format!("k{n}"))
            .await
            .unwrap();
        assert_eq!(status, 200, "{line}: {body}");
    }
    let seen = view(client, b, &id).await;
    assert_eq!(
        caller_lines(&seen),
        REGISTRATION,
        "the call as it went, each line once"
    );
    assert_eq!(seen["state"], "done");
    assert_eq!(seen["registrations"].as_array().map(Vec::len), Some(1));
}
