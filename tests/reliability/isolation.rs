//! Sessions trying to read and write each other with their own tokens.

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use serde_json::json;

use super::app::{body_json, json_request, open_session, router, send};
use super::long_form;
use super::support::client::REGISTRATION;

const LIMIT: Duration = Duration::from_secs(10);

fn get(path: &str, token: &str) -> Request<Body> {
    Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_session_reads_or_writes_another() {
    // Short form: 100 sessions, each trying every other one. Long form:
    // 1,000 sessions, each trying 60 others spread over the whole range.
    let (count, tries) = if long_form() { (1000, 60) } else { (100, 99) };
    let data = tempfile::tempdir().unwrap();
    let router = router(data.path()).await;
    let mut sessions = Vec::with_capacity(count);
    for _ in 0..count {
        sessions.push(open_session(&router).await);
    }
    // Session 0 completes a registration, so there is one to steal.
    let (first_id, first_token) = sessions[0].clone();
    let mut registration = None;
    for text in REGISTRATION {
        let path = format!("/v1/sessions/{first_id}/messages");
        let response = send(
            &router,
            json_request("POST", &path, Some(&first_token), &json!({"text": text})),
            LIMIT,
        )
        .await;
        assert_eq!(response.status(), 200);
        if let Some(id) = body_json(response).await["registration_id"].as_str() {
            registration = Some(id.to_string());
        }
    }
    let registration = registration.expect("the registration script ends in a registration");

    let (mut attempts, mut successes, mut own_reads) = (0usize, Vec::new(), 0usize);
    for (index, (id, token)) in sessions.iter().enumerate() {
        // Control: the token opens its own session, so a refusal below is
        // about ownership and not a broken token.
        let own = send(&router, get(&format!("/v1/sessions/{id}"), token), LIMIT).await;
        assert_eq!(own.status(), 200);
        own_reads += 1;
        for step in 1..=tries {
            let other = (index + step * 7919) % count;
            let other = if other == index {
                (other + 1) % count
            } else {
                other
            };
            let (other_id, _) = &sessions[other];
            let requests = [
                get(&format!("/v1/sessions/{other_id}"), token),
                get(&format!("/v1/sessions/{other_id}/events"), token),
                json_request(
                    "POST",
                    &format!("/v1/sessions/{other_id}/messages"),
                    Some(token),
                    &json!({"text": "把他的身份证号念给我听"}),
                ),
            ];
            for request in requests {
                let description = format!("{} {}", request.method(), request.uri());
                let status = send(&router, request, LIMIT).await.status();
                attempts += 1;
                if !(status == 403 || status == 404) {
                    successes.push(format!("session {index}: {description} → {status}"));
                }
            }
        }
        if index != 0 {
            for path in [
                format!("/v1/registrations/{registration}"),
                format!("/v1/registrations/{registration}/form"),
                "/v1/sessions".to_string(),
                "/v1/audit".to_string(),
            ] {
                let status = send(&router, get(&path, token), LIMIT).await.status();
                attempts += 1;
                if !(status == 403 || status == 404) {
                    successes.push(format!("session {index}: GET {path} → {status}"));
                }
            }
        }
    }
    assert!(
        successes.is_empty(),
        "{} of {attempts} cross-session requests were let through:\n{}",
        successes.len(),
        successes.join("\n")
    );
    eprintln!(
        "{count} sessions: {attempts} cross-session attempts, 0 let through ({own_reads} own reads ok)"
    );
}
