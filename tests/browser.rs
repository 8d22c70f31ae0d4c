//! The browser tests of the agents' screen and the chat widget.
//!
//! Gives two agents their own tokens with `hotline agent add`, starts the
//! real `hotline serve` on a free local port with that fresh data
//! directory, then runs `node --test tests/browser/`, which drives Debian's
//! chromium through npm's playwright-core (and axe-core for accessibility).
//! Fails when node fails. Screenshots land in `tests/browser/artifacts/`.
//!
//! Needs `/usr/bin/chromium` and `node_modules/playwright-core`; without
//! them it fails and says to run `scripts/setup-browser`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const AGENT: &str = "李敏";
const OTHER_AGENT: &str = "王强";

/// `hotline agent add NAME`: the token it prints once.
fn add_agent(data_dir: &Path, name: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_hotline"))
        .args(["agent", "add", name, "--data-dir"])
        .arg(data_dir)
        .output()
        .expect("could not run `hotline agent add`");
    assert!(
        output.status.success(),
        "`hotline agent add {name}` failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8(output.stdout).expect("the token is text");
    let token = token.trim().to_string();
    assert_eq!(token.len(), 64, "a 32-byte hex token, got {token:?}");
    token
}

/// The server process, killed when the test ends however it ends.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    // Port 0 gives an unused port; it is released at once for the server
    // to take. The window for a clash is tiny and only costs a retry.
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("no free local port")
}

fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200")
}

fn start_server(data_dir: &Path, log: &Path) -> Server {
    let port = free_port();
    let log_file = std::fs::File::create(log).expect("server log file");
    let child = Command::new(env!("CARGO_BIN_EXE_hotline"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("HOTLINE_AGENT_TOKEN")
        // Generous limits: one browser test makes many requests quickly.
        .env("HOTLINE_IP_RATE_PER_SECOND", "1000")
        .env("HOTLINE_IP_BURST", "10000")
        .env("HOTLINE_SESSION_RATE_PER_SECOND", "1000")
        .env("HOTLINE_SESSION_BURST", "10000")
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().expect("server log file"))
        .stderr(log_file)
        .spawn()
        .expect("could not start `hotline serve`");
    let mut server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while !healthy(port) {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!(
                "`hotline serve` exited with {status} before answering /healthz:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            Instant::now() < deadline,
            "`hotline serve` did not answer /healthz within 120 s:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    server
}

#[test]
fn agent_screen_and_widget_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let missing: Vec<&str> = [
        (!Path::new(CHROMIUM).exists()).then_some(CHROMIUM),
        (!root.join("node_modules/playwright-core").exists())
            .then_some("node_modules/playwright-core"),
        (!root.join("node_modules/axe-core").exists()).then_some("node_modules/axe-core"),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(
        missing.is_empty(),
        "the browser tests need {}: run `scripts/setup-browser` first",
        missing.join(" and ")
    );

    let data_dir = tempfile::tempdir().expect("temporary data dir");
    let artifacts = root.join("tests/browser/artifacts");
    std::fs::create_dir_all(&artifacts).expect("artifacts dir");
    let log = artifacts.join("server.log");
    let agent_token = add_agent(data_dir.path(), AGENT);
    let other_token = add_agent(data_dir.path(), OTHER_AGENT);
    let server = start_server(data_dir.path(), &log);

    let status = Command::new("node")
        .current_dir(&root)
        .args(["--test", "--test-concurrency=1", "tests/browser/"])
        .env("HOTLINE_URL", &server.url)
        .env("HOTLINE_AGENT_TOKEN", &agent_token)
        .env("HOTLINE_AGENT_NAME", AGENT)
        .env("HOTLINE_OTHER_AGENT_TOKEN", &other_token)
        .env("HOTLINE_ARTIFACTS", &artifacts)
        .status()
        .expect("could not run `node` (is Node.js installed?)");
    drop(server);
    assert!(
        status.success(),
        "browser tests failed ({status}); screenshots and the server log are in {}",
        artifacts.display()
    );
}
