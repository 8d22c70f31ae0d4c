//! Nothing acknowledged is lost: restarts, kill -9, SIGTERM, group commit.

use super::*;

#[tokio::test]
async fn restart_mid_dialogue_continues_the_same_session() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path(), test_settings()).await;
    let (id, token, _) = open_session(&server.client, &server.base, widget()).await;
    assert_eq!(
        say(
            &server.client,
            &server.base,
            &id,
            &token,
            "我要办异地就医备案"
        )
        .await
        .status(),
        200
    );
    let edited = server
        .client
        .post(server.url(&format!("/v1/sessions/{id}/slots")))
        .bearer_auth(AGENT_TOKEN)
        .json(&json!({"slot": "insurance", "value": "employee"}))
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), 200);
    let (_, before) = get_json(
        &server.client,
        server.url(&format!("/v1/sessions/{id}")),
        Some(&token),
    )
    .await;
    server.stop().await;

    let server = TestServer::start(data.path(), test_settings()).await;
    let (status, after) = get_json(
        &server.client,
        server.url(&format!("/v1/sessions/{id}")),
        Some(&token),
    )
    .await;
    assert_eq!(status, 200, "the old token still opens the session");
    assert_eq!(after["slots"], before["slots"]);
    assert_eq!(after["state"], before["state"]);
    assert_eq!(after["transcript"], before["transcript"]);
    assert_eq!(after["slots"]["insurance"], "employee");

    let response = say(&server.client, &server.base, &id, &token, "我是职工医保").await;
    assert_eq!(response.status(), 200);
    let turn: Value = response.json().await.unwrap();
    assert_eq!(
        turn["slots"]["insurance"], "employee",
        "the turn runs on the restored state"
    );
    let (_, last) = get_json(
        &server.client,
        server.url(&format!("/v1/sessions/{id}")),
        Some(&token),
    )
    .await;
    // The greeting, the first exchange, the edit's read-back said to the
    // caller, and the exchange after the restart.
    assert_eq!(last["transcript"].as_array().unwrap().len(), 6);
    server.stop().await;
}

#[tokio::test]
async fn kill_9_mid_dialogue_loses_no_acknowledged_turn() {
    let data = tempfile::tempdir().unwrap();
    let mut process = ServeProcess::serve(data.path());
    let client = reqwest::Client::new();
    let (id, token, _) = open_session(&client, &process.base, widget()).await;
    let utterances = [
        "我要办异地就医备案",
        "我退休了",
        "去海南三亚",
        "职工医保",
        "我有身份证",
    ];
    for text in utterances {
        assert_eq!(
            say(&client, &process.base, &id, &token, text)
                .await
                .status(),
            200
        );
    }
    process.kill_hard();

    let process = ServeProcess::serve(data.path());
    let (status, view) = get_json(
        &client,
        format!("{}/v1/sessions/{id}", process.base),
        Some(AGENT_TOKEN),
    )
    .await;
    assert_eq!(status, 200);
    let callers: Vec<&str> = view["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["role"] == "caller")
        .map(|entry| entry["text"].as_str().unwrap())
        .collect();
    assert_eq!(callers, utterances);
    assert_eq!(
        say(&client, &process.base, &id, &token, "继续")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly() {
    let data = tempfile::tempdir().unwrap();
    let mut process = ServeProcess::serve(data.path());
    let client = reqwest::Client::new();
    let (id, token, _) = open_session(&client, &process.base, widget()).await;
    // An open event stream must not hold the shutdown up.
    let events = client
        .get(format!("{}/v1/sessions/{id}/events", process.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    let status = std::process::Command::new("kill")
        .args(["-TERM", &process.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = process
        .wait_exit(Duration::from_secs(15))
        .expect("exits after SIGTERM");
    assert!(exit.success(), "exit status {exit:?}");
    assert!(process.logs().contains("stopped"));
}

/// Turns arriving together are committed together (one transaction for
/// the queue), and every one of them is acknowledged only once stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_turns_are_all_committed_before_they_are_acknowledged() {
    let mut settings = test_settings();
    settings.ip_burst = 10_000;
    let (_data, server) = fresh_server(settings).await;
    let client = &server.client;
    let mut sessions = Vec::new();
    for _ in 0..24 {
        let (id, token, _) = open_session(client, &server.base, widget()).await;
        sessions.push((id, token));
    }
    let replies = futures_util::future::join_all(sessions.iter().map(|(id, token)| {
        say(
            client,
            &server.base,
            id,
            token,
            "我退休了要回湖南长沙老家养老",
        )
    }))
    .await;
    for reply in replies {
        assert_eq!(reply.status(), 200);
    }
    for (id, _) in &sessions {
        let transcript = server.store.transcript(id).await.unwrap();
        assert_eq!(transcript.len(), 3, "greeting, caller and reply of {id}");
    }
    server.stop().await;
}

/// A write that cannot be stored (a turn of a session that does not exist)
/// fails alone: the writes committed beside it are stored, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_write_in_a_batch_fails_alone() {
    use hotline::store::{Role, TranscriptEntry};
    let (_data, server) = fresh_server(test_settings()).await;
    let client = &server.client;
    let mut sessions = Vec::new();
    for _ in 0..12 {
        let (id, _, _) = open_session(client, &server.base, widget()).await;
        sessions.push(server.store.session(&id).await.unwrap().expect("stored"));
    }
    let line = |text: &str| TranscriptEntry {
        role: Role::Caller,
        text: text.to_string(),
        at: chrono::Utc::now(),
    };
    let write = |record: &hotline::store::SessionRecord, text: &str| TurnWrite {
        version: record.version,
        session: record.session.clone(),
        at: chrono::Utc::now(),
        transcript: vec![line(text), line(&format!("{text}，收到"))],
        slot_changes: Vec::new(),
        registration: None,
        audit: None,
    };
    let writes: Vec<(String, TurnWrite)> = sessions
        .iter()
        .map(|record| {
            (
                record.id.clone(),
                write(record, &format!("第一句 {}", record.id)),
            )
        })
        .chain([("s_unknown".to_string(), write(&sessions[0], "无主"))])
        .collect();
    let outcomes = futures_util::future::join_all(
        writes
            .iter()
            .map(|(id, write)| server.store.record_turn(id, write)),
    )
    .await;
    for ((id, _), outcome) in writes.iter().zip(&outcomes) {
        assert_eq!(outcome.is_ok(), id != "s_unknown", "{id}: {outcome:?}");
    }
    for record in &sessions {
        let texts: Vec<String> = server
            .store
            .transcript(&record.id)
            .await
            .unwrap()
            .into_iter()
            .map(|entry| entry.text)
            .collect();
        assert_eq!(texts.len(), 3, "greeting and two lines of {}", record.id);
        assert_eq!(texts[1], format!("第一句 {}", record.id));
        assert_eq!(texts[2], format!("第一句 {}，收到", record.id));
    }
    server.stop().await;
}
