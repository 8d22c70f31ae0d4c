//! Who may do what: session tokens, the agents' tokens, CORS.

use super::*;

#[tokio::test]
async fn auth_matrix() {
    let (_data, server) = fresh_server(test_settings()).await;
    let client = &server.client;
    let (id, token, _) = open_session(client, &server.base, widget()).await;
    let (_, other_token, _) = open_session(client, &server.base, widget()).await;
    let session_url = server.url(&format!("/v1/sessions/{id}"));

    let (status, body) = get_json(client, session_url.clone(), None).await;
    assert_eq!(status, 401);
    assert_error(&body, "unauthorized");
    let (status, body) = get_json(client, session_url.clone(), Some(&other_token)).await;
    assert_eq!(status, 403);
    assert_error(&body, "forbidden");
    let (status, _) = get_json(client, session_url.clone(), Some("not-a-token")).await;
    assert_eq!(status, 403);
    assert_eq!(
        get_json(client, session_url.clone(), Some(&token)).await.0,
        200
    );
    assert_eq!(
        get_json(client, session_url, Some(AGENT_TOKEN)).await.0,
        200
    );

    let response = say(client, &server.base, &id, &other_token, "你好").await;
    assert_eq!(response.status(), 403);

    for path in ["/v1/sessions", "/v1/audit", "/v1/registrations/r_unknown"] {
        let (status, body) = get_json(client, server.url(path), None).await;
        assert_eq!(status, 401, "{path} without a token");
        assert_error(&body, "unauthorized");
    }
    for path in ["/v1/sessions", "/v1/audit"] {
        let (status, body) = get_json(client, server.url(path), Some(&token)).await;
        assert_eq!(status, 403, "{path} with a session's token");
        assert_error(&body, "forbidden");
        assert_eq!(
            get_json(client, server.url(path), Some(AGENT_TOKEN))
                .await
                .0,
            200
        );
    }
    let edit = client
        .post(server.url(&format!("/v1/sessions/{id}/slots")))
        .bearer_auth(&token)
        .json(&json!({"slot": "insurance", "value": "employee"}))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), 403, "a widget cannot edit slots as an agent");

    // Nobody has spoken in either session yet: the queue hides them unless
    // asked for.
    let (status, listed) = get_json(client, server.url("/v1/sessions"), Some(AGENT_TOKEN)).await;
    assert_eq!(status, 200);
    assert_eq!(listed["sessions"].as_array().unwrap().len(), 0);
    let (status, listed) = get_json(
        client,
        server.url("/v1/sessions?include_empty=true"),
        Some(AGENT_TOKEN),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(listed["sessions"].as_array().unwrap().len(), 2);
    server.stop().await;
}

#[tokio::test]
async fn each_agent_has_their_own_token_and_the_audit_log_names_them() {
    let mut settings = test_settings();
    settings.agents = vec![
        hotline::server::AgentAccount::with_token("李敏", "token-of-li-min"),
        hotline::server::AgentAccount::with_token("王强", "token-of-wang-qiang"),
    ];
    let (_data, server) = fresh_server(settings).await;
    let client = &server.client;
    let (id, _, _) = open_session(client, &server.base, widget()).await;
    for (token, slot, value) in [
        ("token-of-li-min", "insurance", "employee"),
        ("token-of-wang-qiang", "applicant.phone", "13900139000"),
    ] {
        let response = client
            .post(server.url(&format!("/v1/sessions/{id}/slots")))
            .bearer_auth(token)
            .json(&json!({"slot": slot, "value": value}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{slot}");
    }
    let (status, _) = get_json(client, server.url("/v1/audit"), Some(AGENT_TOKEN)).await;
    assert_eq!(status, 403, "a token nobody was given opens nothing");
    let (status, audit) = get_json(client, server.url("/v1/audit"), Some("token-of-li-min")).await;
    assert_eq!(status, 200);
    let actors: Vec<(&str, &str)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap(),
                e["detail"]["slot"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(actors.contains(&("李敏", "insurance")), "{audit}");
    assert!(actors.contains(&("王强", "applicant.phone")), "{audit}");
    server.stop().await;
}

#[tokio::test]
async fn agent_endpoints_are_refused_when_no_agent_token_is_configured() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start(data.path(), Settings::default()).await;
    let (status, body) =
        get_json(&server.client, server.url("/v1/sessions"), Some("anything")).await;
    assert_eq!(status, 403);
    assert_error(&body, "forbidden");
    server.stop().await;
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let data = tempfile::tempdir().unwrap();
    let settings = Settings {
        cors_origins: vec!["https://widget.example".into()],
        ..test_settings()
    };
    let server = TestServer::start(data.path(), settings).await;
    let preflight = |origin: &'static str| {
        server
            .client
            .request(reqwest::Method::OPTIONS, server.url("/v1/sessions"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
    };
    let allowed = preflight("https://widget.example").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://widget.example"
    );
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    server.stop().await;
}
