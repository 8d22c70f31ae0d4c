//! The per-session and per-client rate limits.

use super::*;

#[tokio::test]
async fn rate_limits_per_session_answer_429() {
    let data = tempfile::tempdir().unwrap();
    let settings = Settings {
        session_rate_per_second: 1,
        session_burst: 3,
        ..test_settings()
    };
    let server = TestServer::start(data.path(), settings).await;
    let (id, token, _) = open_session(&server.client, &server.base, widget()).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let (status, body) = get_json(
            &server.client,
            server.url(&format!("/v1/sessions/{id}")),
            Some(&token),
        )
        .await;
        if status == 429 {
            assert_error(&body, "rate_limited");
        }
        statuses.push(status);
    }
    assert_eq!(&statuses[..3], [200, 200, 200]);
    assert!(statuses[3..].contains(&429), "{statuses:?}");
    // Another session is not held back by the first one's limit.
    let (other, other_token, _) = open_session(&server.client, &server.base, widget()).await;
    let url = server.url(&format!("/v1/sessions/{other}"));
    assert_eq!(
        get_json(&server.client, url, Some(&other_token)).await.0,
        200
    );
    server.stop().await;
}

#[tokio::test]
async fn rate_limits_per_client_ip_answer_429() {
    let settings = Settings {
        ip_rate_per_second: 1,
        ip_burst: 5,
        ..test_settings()
    };
    let (_data, server) = fresh_server(settings).await;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let response = server
            .client
            .get(server.url("/healthz"))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(&statuses[..5], [200; 5]);
    assert!(statuses[5..].contains(&429), "{statuses:?}");
    server.stop().await;
}
