//! What the service tells its operators: logs (masked), metrics.

use super::*;

#[tokio::test]
async fn personal_data_never_reaches_the_logs() {
    let data = tempfile::tempdir().unwrap();
    let mut process = ServeProcess::serve_with(data.path(), &["--log-format", "json"]);
    let client = reqwest::Client::new();
    let (id, token, _) = open_session(&client, &process.base, widget()).await;
    let text = format!("我叫{NAME}，身份证号{ID_NUMBER}，电话{PHONE}");
    assert_eq!(
        say(&client, &process.base, &id, &token, &text)
            .await
            .status(),
        200
    );
    let edit = client
        .post(format!("{}/v1/sessions/{id}/slots", process.base))
        .bearer_auth(AGENT_TOKEN)
        .json(&json!({"slot": "applicant.name", "value": NAME}))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), 200);
    assert_eq!(
        say(&client, &process.base, &id, &token, &text)
            .await
            .status(),
        200
    );
    let bad = client
        .post(format!("{}/v1/rules/evaluate", process.base))
        .json(&json!({"region": "dongguan", "applicant": {"id_number": 44190019900101123i64}}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    process.kill_hard();
    let logs = process.logs();

    assert!(
        logs.lines()
            .any(|line| line.contains("\"turn\"") && line.contains(&id)),
        "the turns were logged:\n{logs}"
    );
    for secret in [ID_NUMBER, PHONE, NAME, "44190019900101124"] {
        assert!(
            !logs.contains(secret),
            "`{secret}` leaked into the logs:\n{logs}"
        );
    }
    let request_lines: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line.get("span").is_some())
        .collect();
    assert!(!request_lines.is_empty());
    for line in request_lines {
        assert!(
            line["span"]["request_id"].is_string(),
            "no request id: {line}"
        );
    }
}

#[tokio::test]
async fn metrics_are_scraped() {
    let (_data, server) = fresh_server(test_settings()).await;
    let (id, token, _) = open_session(&server.client, &server.base, widget()).await;
    assert_eq!(
        say(&server.client, &server.base, &id, &token, "你好")
            .await
            .status(),
        200
    );
    let refused = say(&server.client, &server.base, &id, "not-the-token", "你好").await;
    assert_eq!(refused.status(), 403);
    let _ = server
        .client
        .post(server.url("/v1/ask"))
        .json(&json!({"question": "退休了回老家住，医保要办什么手续"}))
        .send()
        .await
        .unwrap();
    let response = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    for series in [
        "hotline_turns_total",
        "hotline_turn_duration_seconds",
        "hotline_asks_total",
        "hotline_http_requests_total",
        "hotline_sessions_started_total",
        "hotline_errors_total{code=\"forbidden\"}",
    ] {
        assert!(text.contains(series), "{series} missing from:\n{text}");
    }
    assert!(text.contains("route=\"/v1/sessions/{id}/messages\""));
    assert!(
        !text.contains(&id),
        "concrete session ids are not metric labels"
    );
    server.stop().await;
}
