//! Load of whole dialogues over the sessions API, for `scripts/load.sh`:
//! N callers at once, each opening a session and going through a phone
//! registration line by line. Prints one JSON document with the turn
//! throughput and latency percentiles.
//!
//! `cargo run --release --example dialogue_load -- http://127.0.0.1:8080 1000 [lines] [at_once] [pause_ms]`
//! (several servers, comma-separated, share one database: each caller's
//! lines then go to them in turn, as from a balancer without stickiness;
//! `lines`: how many lines of the registration each caller says; 7 = all,
//! 1 = open and leave the session live, for the memory measurement;
//! `at_once`: how many callers talk at the same time, default all;
//! `pause_ms`: how long a caller takes to say the next line, on average
//! (uniform between 0 and twice that; callers also start spread over one
//! pause), default 0: every line sent the moment the last reply arrives).

use std::time::{Duration, Instant};

use serde_json::json;

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/registration.rs"
));

#[derive(Default)]
struct Caller {
    open: Option<Duration>,
    turns: Vec<Duration>,
    errors: Vec<String>,
    registered: bool,
}

/// A caller's pause before speaking: uniform in 0..2×`pause`.
fn pause_before_speaking(pause: Duration) -> tokio::time::Sleep {
    tokio::time::sleep(pause.mul_f64(rand::random::<f64>() * 2.0))
}

/// One caller's call; its `n`th request goes to `bases[(first + n) % len]`.
async fn caller(
    client: reqwest::Client,
    bases: Vec<String>,
    first: usize,
    lines: usize,
    pause: Duration,
) -> Caller {
    let base = |n: usize| &bases[(first + n) % bases.len()];
    let mut result = Caller::default();
    if !pause.is_zero() {
        // Calls come in spread out, not all in the same millisecond.
        tokio::time::sleep(pause.mul_f64(rand::random::<f64>())).await;
    }
    let started = Instant::now();
    let opened = client
        .post(format!("{}/v1/sessions", base(0)))
        .json(&json!({"channel": "phone", "region": "dongguan", "today": "2026-11-23"}))
        .send()
        .await;
    let body: serde_json::Value = match opened {
        Ok(response) if response.status() == 201 => match response.json().await {
            Ok(body) => body,
            Err(error) => {
                result.errors.push(error.to_string());
                return result;
            }
        },
        Ok(response) => {
            result.errors.push(format!("open: {}", response.status()));
            return result;
        }
        Err(error) => {
            result.errors.push(format!("open: {error}"));
            return result;
        }
    };
    result.open = Some(started.elapsed());
    let id = body["session_id"].as_str().unwrap_or_default().to_string();
    let token = body["token"].as_str().unwrap_or_default().to_string();
    for (n, text) in REGISTRATION.iter().take(lines).enumerate() {
        pause_before_speaking(pause).await;
        let started = Instant::now();
        let response = client
            .post(format!("{}/v1/sessions/{id}/messages", base(n + 1)))
            .bearer_auth(&token)
            .json(&json!({"text": text}))
            .send()
            .await;
        match response {
            Ok(response) if response.status() == 200 => {
                let turn: serde_json::Value = response.json().await.unwrap_or_default();
                result.turns.push(started.elapsed());
                if turn["registration_id"].is_string() {
                    result.registered = true;
                }
            }
            Ok(response) => {
                result.errors.push(format!("turn: {}", response.status()));
                break;
            }
            Err(error) => {
                result.errors.push(format!("turn: {error}"));
                break;
            }
        }
    }
    result
}

fn percentile(sorted: &[Duration], share: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * share).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let bases: Vec<String> = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8080".into())
        .split(',')
        .map(String::from)
        .collect();
    let callers: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let lines: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(7);
    let at_once: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(callers);
    let pause = Duration::from_millis(args.next().and_then(|n| n.parse().ok()).unwrap_or(0));
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(at_once.max(1)));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(callers)
        .build()
        .expect("an HTTP client");
    let started = Instant::now();
    let tasks: Vec<_> = (0..callers)
        .map(|n| {
            let (client, bases, gate) = (client.clone(), bases.clone(), gate.clone());
            tokio::spawn(async move {
                let _turn = gate.acquire_owned().await.expect("the gate stays open");
                caller(client, bases, n, lines, pause).await
            })
        })
        .collect();
    let mut opens = Vec::new();
    let mut turns = Vec::new();
    let mut errors = Vec::new();
    let mut registered = 0;
    for task in tasks {
        let caller = task.await.expect("a caller task");
        opens.extend(caller.open);
        turns.extend(caller.turns);
        errors.extend(caller.errors);
        registered += usize::from(caller.registered);
    }
    let seconds = started.elapsed().as_secs_f64();
    opens.sort();
    turns.sort();
    let summary = json!({
        "callers": callers,
        "at_once": at_once,
        "lines_each": lines,
        "pause_ms": pause.as_millis() as u64,
        "seconds": seconds,
        "sessions_opened": opens.len(),
        "turns": turns.len(),
        "turns_per_second": turns.len() as f64 / seconds,
        "requests_per_second": (turns.len() + opens.len()) as f64 / seconds,
        "turn_ms": {"p50": percentile(&turns, 0.50), "p90": percentile(&turns, 0.90),
                    "p99": percentile(&turns, 0.99), "max": percentile(&turns, 1.0)},
        "open_ms": {"p50": percentile(&opens, 0.50), "p99": percentile(&opens, 0.99)},
        "registrations": registered,
        "errors": errors.len(),
        "first_errors": errors.iter().take(5).collect::<Vec<_>>(),
    });
    println!("{summary}");
}
