//! Hostile input thrown at the router (in process, no socket) and at the
//! NLU and the dialogue: random bytes, huge numbers, deeply nested JSON,
//! control characters, mixed scripts, 100 KB strings, SQL- and HTML-like
//! text. No panic, no 5xx, no hang (every case has a time bound).
//!
//! Short form: 1,000 cases per harness; long form: 10,000 per harness.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use chrono::NaiveDate;
use hotline::dialogue::SessionChannel;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;

use super::app::{assistant, open_session, router, send};
use super::long_form;
use super::support::AGENT_TOKEN;
use super::support::client::REGISTRATION;

/// Router cases are cheap: 10,000 in both forms. Utterances go through
/// the whole NLU and dialogue: 1,000 in the short form, 10,000 in the long.
fn router_cases() -> u32 {
    10_000
}

fn utterance_cases() -> u32 {
    if long_form() { 10_000 } else { 1_000 }
}

fn big_text_bytes() -> usize {
    if long_form() { 100_000 } else { 8_000 }
}

/// Pieces of hostile and ordinary text, glued together at random.
const FRAGMENTS: &[&str] = &[
    "'; DROP TABLE sessions; --",
    "\" OR 1=1 --",
    "1' UNION SELECT token FROM sessions --",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</textarea><b>",
    "&lt;&amp;&#0;",
    "退休了回老家",
    "异地就医备案",
    "身份证号",
    "44030419781203201",
    "99999999999999999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "مرحبا بكم",
    "Привет",
    "こんにちは",
    "안녕하세요",
    "🙂👨‍👩‍👧🏳️‍🌈",
    "\u{0}",
    "\r\n\t",
    "\u{202e}\u{200b}\u{feff}",
    "零一二三四五六七八九十百千万亿兆",
    "幺洞两拐勾",
    "2026-02-30",
    "明天",
    "下个月三号",
    "前年的后天",
    "海南三亚",
    "确认",
    "转人工",
    "{",
    "}",
    "[[",
    "\\",
    "%00%ff",
    "../../etc/passwd",
    "${jndi:ldap://x}",
    "　",
];

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>(),
        2 => "[\\x00-\\x1f\\x7f\u{200b}\u{202e}\u{feff}\u{fffd}]{0,64}",
        6 => prop::collection::vec(prop::sample::select(FRAGMENTS), 0..12)
            .prop_map(|parts| parts.concat()),
        1 => prop::sample::select(FRAGMENTS).prop_map(|part| {
            // About 100 KB in the long form, 8 KB in the short one: a
            // 100 KB utterance takes seconds in an unoptimised test build.
            part.repeat(big_text_bytes() / part.len().max(1) + 1)
        }),
    ]
}

const HUGE_NUMBERS: &[&str] = &[
    "1e400",
    "-1e400",
    "18446744073709551616",
    "-9223372036854775809",
    "340282366920938463463374607431768211456",
    "0.0000000000000000000000000000001",
    "-0",
    "1E+99999",
];

/// A JSON body that parses, or one that does not, as text.
fn hostile_body() -> impl Strategy<Value = Vec<u8>> {
    let field = prop::sample::select(
        &[
            "question",
            "text",
            "channel",
            "region",
            "today",
            "top",
            "apply_date",
            "category",
            "materials",
            "destination",
            "applicant",
            "slot",
            "value",
        ][..],
    );
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..2048),
        4 => (field.clone(), hostile_text()).prop_map(|(field, text)| {
            json!({"question": "退休回老家怎么备案", "text": "你好", "channel": "phone",
                   "region": "dongguan", field: text})
            .to_string()
            .into_bytes()
        }),
        2 => (field.clone(), prop::sample::select(HUGE_NUMBERS)).prop_map(|(field, number)| {
            format!(r#"{{"question":"退休","region":"dongguan","text":"x","{field}":{number}}}"#)
                .into_bytes()
        }),
        2 => (1usize..4000, any::<bool>()).prop_map(|(depth, arrays)| {
            if arrays {
                format!("{}{}", "[".repeat(depth), "]".repeat(depth))
            } else {
                format!("{}1{}", "{\"text\":".repeat(depth), "}".repeat(depth))
            }
            .into_bytes()
        }),
        1 => (field, any::<i64>(), any::<f64>()).prop_map(|(field, integer, float)| {
            json!({"region": "dongguan", field: [integer, float.to_string(), null, {}, []]})
                .to_string()
                .into_bytes()
        }),
    ]
}

/// Percent-encodes every byte that is not plainly safe in a path segment.
fn encode_segment(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

const PATHS: &[&str] = &[
    "/healthz",
    "/v1/ask",
    "/v1/rules/evaluate",
    "/v1/sessions",
    "/v1/sessions/{id}",
    "/v1/sessions/{id}/messages",
    "/v1/sessions/{id}/slots",
    "/v1/registrations/{id}",
    "/v1/registrations/{id}/form",
    "/v1/audit",
    "/openapi.json",
    "/{id}",
];

#[derive(Debug, Clone)]
struct Attempt {
    method: &'static str,
    path: &'static str,
    /// Index of a real session, or a hostile id.
    id: Result<usize, String>,
    token: u8,
    content_type: Option<&'static str>,
    body: Vec<u8>,
}

fn attempt() -> impl Strategy<Value = Attempt> {
    (
        prop::sample::select(&["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"][..]),
        prop::sample::select(PATHS),
        prop_oneof![(0usize..4).prop_map(Ok), hostile_text().prop_map(Err)],
        0u8..4,
        prop::sample::select(
            &[
                Some("application/json"),
                Some("application/json"),
                Some("text/plain"),
                Some("application/json; charset=utf-16"),
                None,
            ][..],
        ),
        hostile_body(),
    )
        .prop_map(|(method, path, id, token, content_type, body)| Attempt {
            method,
            path,
            id,
            token,
            content_type,
            body,
        })
}

#[test]
fn hostile_requests_never_get_a_5xx_or_hang() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let (router, sessions) = runtime.block_on(async {
        let router = router(data.path()).await;
        let mut sessions = Vec::new();
        for _ in 0..4 {
            sessions.push(open_session(&router).await);
        }
        (router, sessions)
    });
    let mut runner = TestRunner::new(Config {
        cases: router_cases(),
        failure_persistence: None,
        // Shrinking 100 KB inputs takes minutes; the first failure is
        // printed (shortened) as it is.
        max_shrink_iters: 32,
        ..Config::default()
    });
    let started = Instant::now();
    let result = runner.run(&attempt(), |attempt| {
        let id = match &attempt.id {
            Ok(index) => sessions[*index].0.clone(),
            // Past about 8 KB a URI cannot even be built; the server's
            // side of long paths is covered well below that.
            Err(text) => encode_segment(&text.chars().take(600).collect::<String>()),
        };
        let own_token = match &attempt.id {
            Ok(index) => sessions[*index].1.clone(),
            Err(_) => sessions[0].1.clone(),
        };
        let path = attempt.path.replace("{id}", &id);
        let mut builder = Request::builder().method(attempt.method).uri(&path);
        if let Some(content_type) = attempt.content_type {
            builder = builder.header("content-type", content_type);
        }
        let token = match attempt.token {
            0 => None,
            1 => Some(own_token),
            2 => Some(AGENT_TOKEN.to_string()),
            _ => Some("x".repeat(300)),
        };
        if let Some(token) = token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        let request = builder.body(Body::from(attempt.body.clone())).unwrap();
        let status = runtime.block_on(async {
            // An event stream answers 200 and stays open; the status is
            // all this harness reads.
            send(&router, request, Duration::from_secs(10))
                .await
                .status()
        });
        prop_assert!(
            status.as_u16() < 500,
            "{} {path} → {status}",
            attempt.method
        );
        Ok(())
    });
    if let Err(failure) = result {
        let failure = failure.to_string();
        panic!("{}", failure.chars().take(2000).collect::<String>());
    }
    eprintln!(
        "{} hostile requests in {:.1?}, none got a 5xx",
        router_cases(),
        started.elapsed()
    );
}

#[test]
fn hostile_utterances_never_panic_or_hang_in_nlu_and_dialogue() {
    let assistant = assistant();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    // A session mid-registration, so an utterance meets every slot filler.
    let (mut halfway, _) = assistant.start_session(SessionChannel::Phone, Some("dongguan"), today);
    for text in &REGISTRATION[..3] {
        assistant.turn(&mut halfway, text);
    }
    let mut runner = TestRunner::new(Config {
        cases: utterance_cases(),
        failure_persistence: None,
        // Shrinking 100 KB inputs takes minutes; the first failure is
        // printed (shortened) as it is.
        max_shrink_iters: 32,
        ..Config::default()
    });
    let started = Instant::now();
    let result = runner.run(&(hostile_text(), any::<bool>()), |(text, fresh)| {
        let case_started = Instant::now();
        let understanding = assistant.nlu.understand(&text, today);
        prop_assert!(understanding.confidence.is_finite());
        let mut session = if fresh {
            assistant
                .start_session(SessionChannel::Widget, Some("dongguan"), today)
                .0
        } else {
            halfway.clone()
        };
        let turn = assistant.turn(&mut session, &text);
        prop_assert!(!turn.reply.is_empty(), "an empty reply to {text:?}");
        // A generous bound: this is a hang detector, not a benchmark.
        prop_assert!(
            case_started.elapsed() < Duration::from_secs(5),
            "{:?} for {} chars",
            case_started.elapsed(),
            text.chars().count()
        );
        Ok(())
    });
    if let Err(failure) = result {
        let failure = failure.to_string();
        panic!("{}", failure.chars().take(2000).collect::<String>());
    }
    eprintln!(
        "{} hostile utterances through NLU and dialogue in {:.1?}",
        utterance_cases(),
        started.elapsed()
    );
}

#[test]
fn utterances_of_100_kb_are_understood_without_panic() {
    // The 100 KB cases of the short form, one per kind of text; the long
    // form also draws them at random above.
    let assistant = assistant();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    for part in [
        "退休了回老家",
        "'; DROP TABLE sessions; --",
        "<script>alert(1)</script>",
        "🙂\u{0}\u{202e}",
    ] {
        let text = part.repeat(100_000 / part.len() + 1);
        let started = Instant::now();
        let understanding = assistant.nlu.understand(&text, today);
        assert!(understanding.confidence.is_finite());
        let (mut session, _) =
            assistant.start_session(SessionChannel::Widget, Some("dongguan"), today);
        assert!(!assistant.turn(&mut session, &text).reply.is_empty());
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{part}: {:?}",
            started.elapsed()
        );
    }
}
