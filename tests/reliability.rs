//! Reliability: the real binary killed under load, a full disk, a data
//! folder that cannot be used, broken data files, hostile input thrown at
//! the router and the NLU, and sessions trying to read each other.
//!
//! Short by default so `cargo test` stays quick: 40 sessions killed
//! mid-load, 10,000 hostile requests, 1,000 hostile utterances (up to 8 KB,
//! plus one fixed 100 KB utterance per kind), 100 sessions in the isolation
//! test. `HOTLINE_RELIABILITY_LONG=1` runs the long form: 200 sessions,
//! 10,000 utterances up to 100 KB, 1,000 sessions.

#[path = "reliability/app.rs"]
mod app;
#[path = "reliability/fuzz.rs"]
mod fuzz;
#[path = "reliability/isolation.rs"]
mod isolation;
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::client::{self, REGISTRATION, agent_get, caller_lines, is_error_shape, open, say};
use support::process::{Server, binary, command, copy_tree, repo_dir, serve_args};

/// True when the long form was asked for.
pub fn long_form() -> bool {
    std::env::var("HOTLINE_RELIABILITY_LONG").is_ok_and(|value| value == "1")
}

/// What one caller got acknowledged before the crash.
struct Progress {
    id: String,
    token: String,
    acknowledged: Vec<&'static str>,
    registration: Option<String>,
}

/// Runs the registration line by line with a short pause between lines,
/// stopping at the first line without a 200.
async fn caller(
    client: reqwest::Client,
    base: String,
    turns_acknowledged: Arc<AtomicUsize>,
    pause: Duration,
) -> Option<Progress> {
    let (id, token) = open(&client, &base).await?;
    let mut progress = Progress {
        id,
        token,
        acknowledged: Vec::new(),
        registration: None,
    };
    for text in REGISTRATION {
        tokio::time::sleep(pause).await;
        match say(&client, &base, &progress.id, &progress.token, text).await {
            Some((200, turn)) => {
                progress.acknowledged.push(text);
                if let Some(registration) = turn["registration_id"].as_str() {
                    progress.registration = Some(registration.to_string());
                }
                turns_acknowledged.fetch_add(1, Ordering::SeqCst);
            }
            _ => break,
        }
    }
    Some(progress)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_under_load_loses_no_acknowledged_turn_or_registration() {
    let sessions = if long_form() { 200 } else { 40 };
    let data = tempfile::tempdir().unwrap();
    let mut server = Server::serve(data.path());
    let client = client::client();
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let callers: Vec<_> = (0..sessions)
        .map(|index| {
            let pause = Duration::from_millis(5 + (index % 7) * 4);
            tokio::spawn(caller(
                client.clone(),
                server.base.clone(),
                acknowledged.clone(),
                pause,
            ))
        })
        .collect();
    // Kill once about half of all turns are acknowledged: most callers are
    // then mid-dialogue, some done, some with a turn in flight.
    let target = sessions as usize * REGISTRATION.len() / 2;
    let started = Instant::now();
    while acknowledged.load(Ordering::SeqCst) < target
        && started.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill_hard();
    let mut progress = Vec::new();
    for caller in callers {
        progress.extend(caller.await.unwrap());
    }
    let acked_turns: usize = progress.iter().map(|p| p.acknowledged.len()).sum();
    assert!(acked_turns > 0, "the load ran before the kill");
    assert!(
        acked_turns < sessions as usize * REGISTRATION.len(),
        "the kill landed mid-load"
    );

    let server = Server::serve(data.path());
    let mut registrations = 0;
    for caller in &progress {
        let (status, view) =
            agent_get(&client, server.url(&format!("/v1/sessions/{}", caller.id))).await;
        assert_eq!(status, 200, "session {} survives", caller.id);
        let lines = caller_lines(&view);
        // Every acknowledged line is there, in order; at most the one in
        // flight at the kill was stored without being acknowledged.
        assert!(
            lines.len() >= caller.acknowledged.len()
                && lines.len() <= caller.acknowledged.len() + 1,
            "session {}: acknowledged {:?}, stored {lines:?}",
            caller.id,
            caller.acknowledged
        );
        assert_eq!(&lines[..caller.acknowledged.len()], caller.acknowledged);
        if let Some(registration) = &caller.registration {
            registrations += 1;
            let (status, stored) = agent_get(
                &client,
                server.url(&format!("/v1/registrations/{registration}")),
            )
            .await;
            assert_eq!(status, 200, "registration {registration} survives");
            assert_eq!(stored["session_id"], caller.id.as_str());
        }
        // The session resumes where its stored transcript ends and the
        // dialogue carries on to the registration.
        for text in &REGISTRATION[lines.len()..] {
            let (status, turn) = say(&client, &server.base, &caller.id, &caller.token, text)
                .await
                .expect("the restarted server answers");
            assert_eq!(status, 200, "session {} resumes: {turn}", caller.id);
        }
        if lines.len() == REGISTRATION.len() {
            let (status, _) = say(&client, &server.base, &caller.id, &caller.token, "谢谢")
                .await
                .expect("the restarted server answers");
            assert_eq!(status, 200, "a finished session still takes a message");
        }
        let (_, view) =
            agent_get(&client, server.url(&format!("/v1/sessions/{}", caller.id))).await;
        assert_eq!(view["state"], "done", "session {}: {view}", caller.id);
        assert!(
            !view["registrations"].as_array().is_none_or(Vec::is_empty),
            "session {} ends with a registration",
            caller.id
        );
    }
    eprintln!(
        "{} sessions, {acked_turns} turns and {registrations} registrations acknowledged before kill -9; all found",
        progress.len()
    );
}

/// `hotline serve` with the file-size limit (RLIMIT_FSIZE) at `kib`: a
/// write past it fails with EFBIG, as on a full disk. SIGXFSZ is ignored so
/// the write fails instead of killing the process.
fn serve_on_small_disk(data_dir: &std::path::Path, kib: u32) -> Server {
    let mut command = command("bash");
    command
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {kib}; exec \"$@\""))
        .arg("bash")
        .arg(binary())
        .args(serve_args(data_dir));
    Server::start(command).unwrap_or_else(|logs| panic!("the server starts:\n{logs}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_gives_clear_errors_and_corrupts_nothing() {
    let data = tempfile::tempdir().unwrap();
    let server = serve_on_small_disk(data.path(), 768);
    let client = client::client();
    let mut sessions: Vec<(String, String, Vec<&str>)> = Vec::new();
    let mut refusal: Option<(u16, Value)> = None;
    'load: for _ in 0..2000 {
        let Some((id, token)) = open(&client, &server.base).await else {
            break;
        };
        sessions.push((id.clone(), token.clone(), Vec::new()));
        for text in REGISTRATION {
            let (status, body) = say(&client, &server.base, &id, &token, text)
                .await
                .expect("the server answers on a full disk");
            if status != 200 {
                refusal = Some((status, body));
                break 'load;
            }
            sessions.last_mut().unwrap().2.push(text);
        }
    }
    let opening_refused = refusal.is_none();
    if opening_refused {
        // Opening a session was what hit the full disk.
        let response = client
            .post(server.url("/v1/sessions"))
            .json(&client::phone_session())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        refusal = Some((status, response.json().await.unwrap_or(Value::Null)));
    }
    let (refused_status, refused_body) = refusal.expect("the disk filled up");
    assert!(
        (500..600).contains(&refused_status) && is_error_shape(&refused_body),
        "a full disk is a JSON server error: {refused_status} {refused_body}"
    );
    // Still up, and reads still work.
    let health = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let (id, _, lines) = sessions.first().expect("some sessions were stored");
    let (status, view) = agent_get(&client, server.url(&format!("/v1/sessions/{id}"))).await;
    assert_eq!(status, 200);
    assert_eq!(caller_lines(&view), *lines);
    drop(server);

    // With room again: the database is whole and every acknowledged line is there.
    let database = data.path().join("hotline.sqlite3");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", database.display()))
        .await
        .unwrap();
    let check: (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check.0, "ok");
    pool.close().await;
    let server = Server::serve(data.path());
    for (id, token, lines) in &sessions {
        let (status, view) = agent_get(&client, server.url(&format!("/v1/sessions/{id}"))).await;
        assert_eq!(status, 200);
        let stored = caller_lines(&view);
        assert!(stored.starts_with(&lines.iter().map(|l| l.to_string()).collect::<Vec<_>>()));
        if stored.len() < REGISTRATION.len() {
            let (status, _) = say(&client, &server.base, id, token, REGISTRATION[stored.len()])
                .await
                .unwrap();
            assert_eq!(status, 200, "session {id} carries on once there is room");
        }
    }
    eprintln!(
        "full disk after {} sessions: {refused_status} {refused_body}; integrity ok",
        sessions.len()
    );
}

#[test]
fn a_data_dir_that_is_a_file_is_refused_naming_it() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data-is-a-file");
    std::fs::write(&data, "not a folder").unwrap();
    let output = command(binary())
        .args(serve_args(&data))
        .output()
        .expect("hotline runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "refused: {stderr}");
    assert!(
        stderr.contains(&data.display().to_string()),
        "names the data dir: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&data).unwrap(), "not a folder");
}

/// Whether this machine lets a test make its own mount namespace (root
/// with CAP_SYS_ADMIN): the only way to give the server, which runs as
/// root here, a data folder it really cannot write.
fn private_mounts_allowed() -> bool {
    std::process::Command::new("unshare")
        .args(["-m", "true"])
        .status()
        .is_ok_and(|status| status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_data_dir_is_refused_clearly_and_left_whole() {
    if !private_mounts_allowed() {
        eprintln!("SKIPPED: `unshare -m` is not permitted here, so no read-only mount can be made");
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let client = client::client();
    let server = Server::serve(data.path());
    let (id, token) = open(&client, &server.base).await.expect("a session opens");
    for text in &REGISTRATION[..2] {
        let (status, _) = say(&client, &server.base, &id, &token, text).await.unwrap();
        assert_eq!(status, 200);
    }
    drop(server);
    let before = std::fs::read(data.path().join("hotline.sqlite3")).unwrap();

    // The same folder, mounted read-only for the server alone.
    let folder = data.path().display().to_string();
    let output = command("unshare")
        .args(["-m", "sh", "-c"])
        .arg(format!(
            "mount --bind '{folder}' '{folder}' && mount -o remount,bind,ro '{folder}' && exec \"$@\""
        ))
        .arg("sh")
        .arg(binary())
        .args(serve_args(data.path()))
        .output()
        .expect("hotline runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "refused: {stderr}");
    assert!(stderr.contains(&folder), "names the data dir: {stderr}");
    assert!(
        stderr.contains("cannot be written") && stderr.contains("Read-only file system"),
        "says why: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read(data.path().join("hotline.sqlite3")).unwrap(),
        before,
        "the database is untouched"
    );

    // Writable again: the session is there and carries on.
    let server = Server::serve(data.path());
    let (status, view) = agent_get(&client, server.url(&format!("/v1/sessions/{id}"))).await;
    assert_eq!(status, 200);
    assert_eq!(caller_lines(&view), REGISTRATION[..2]);
    let (status, _) = say(&client, &server.base, &id, &token, REGISTRATION[2])
        .await
        .unwrap();
    assert_eq!(status, 200);
    eprintln!("read-only data dir refused: {}", stderr.trim());
}

/// Copies corpus and intents, breaks `file` (relative to the copy) by
/// appending `broken`, and starts `hotline serve` on the copy.
fn serve_broken(relative: &str, broken: &str) -> (String, bool) {
    let folder = tempfile::tempdir().unwrap();
    copy_tree(&repo_dir().join("corpus"), &folder.path().join("corpus"));
    copy_tree(&repo_dir().join("intents"), &folder.path().join("intents"));
    let file = folder.path().join(relative);
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(broken);
    std::fs::write(&file, text).unwrap();
    let mut command = command(binary());
    command
        .arg("--corpus")
        .arg(folder.path().join("corpus"))
        .arg("--intents")
        .arg(folder.path().join("intents"))
        .args(serve_args(&folder.path().join("data")));
    match Server::start(command) {
        Ok(server) => (server.logs(), true),
        Err(logs) => (logs, false),
    }
}

#[test]
fn broken_data_files_stop_the_start_naming_file_and_line() {
    let cases = [
        ("intents/slots.yaml", "\nslots: [unclosed\n"),
        ("corpus/dongguan/rules.yaml", "\n  - {cite: \n"),
        ("corpus/regions.toml", "\n[[region\n"),
    ];
    for (relative, broken) in cases {
        let (logs, started) = serve_broken(relative, broken);
        assert!(
            !started,
            "{relative} broken, yet the server started:\n{logs}"
        );
        let named = regex::Regex::new(&format!(r"{}:\d+:", regex::escape(relative))).unwrap();
        assert!(
            named.is_match(&logs),
            "{relative}: file and line named:\n{logs}"
        );
        assert!(!logs.contains("panicked"), "{logs}");
    }
}

#[tokio::test]
async fn a_running_server_keeps_serving_what_it_loaded_when_files_break() {
    // The server loads corpus and intents once at start and never re-reads
    // them: data edited under a running server changes nothing until a
    // restart, and a restart on broken data is refused (test above).
    let folder = tempfile::tempdir().unwrap();
    copy_tree(&repo_dir().join("corpus"), &folder.path().join("corpus"));
    copy_tree(&repo_dir().join("intents"), &folder.path().join("intents"));
    let mut start = command(binary());
    start
        .arg("--corpus")
        .arg(folder.path().join("corpus"))
        .arg("--intents")
        .arg(folder.path().join("intents"))
        .args(serve_args(&folder.path().join("data")));
    let server = Server::start(start).unwrap_or_else(|logs| panic!("{logs}"));
    let client = client::client();
    let ask = || async {
        let response = client
            .post(server.url("/v1/ask"))
            .json(&serde_json::json!({"question": "退休以后回老家养老，医保要办什么手续", "region": "dongguan"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()
    };
    let before = ask().await;
    assert_eq!(before["answered"], true);
    for relative in [
        "intents/slots.yaml",
        "corpus/regions.toml",
        "corpus/dongguan/rules.yaml",
    ] {
        std::fs::write(folder.path().join(relative), "::: broken :::\n").unwrap();
    }
    std::fs::remove_dir_all(folder.path().join("corpus/dongguan")).unwrap();
    assert_eq!(ask().await, before);
    let (id, token) = open(&client, &server.base)
        .await
        .expect("sessions still open");
    let (status, _) = say(&client, &server.base, &id, &token, REGISTRATION[0])
        .await
        .unwrap();
    assert_eq!(status, 200);
}
