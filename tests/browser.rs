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

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::process::{NO_LIMITS, Server, binary, command};

const CHROMIUM: &str = "/usr/bin/chromium";
const AGENT: &str = "李敏";
const OTHER_AGENT: &str = "王强";

/// `hotline agent add NAME`: the token it prints once.
fn add_agent(data_dir: &Path, name: &str) -> String {
    let ran = support::cli::hotline(&["agent", "add", name, "--data-dir"])
        .arg(data_dir)
        .run();
    assert_eq!(
        ran.status, 0,
        "`hotline agent add {name}` failed: {}",
        ran.stderr
    );
    let token = ran.stdout.trim().to_string();
    assert_eq!(token.len(), 64, "a 32-byte hex token, got {token:?}");
    token
}

/// `hotline serve` on port 0 over `data_dir`, its agents those of
/// `agents.toml`, with limits no browser test reaches.
fn start_server(data_dir: &Path) -> Server {
    let mut serve = command(binary());
    serve
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(NO_LIMITS)
        .env_remove("HOTLINE_AGENT_TOKEN");
    Server::start(serve).unwrap_or_else(|logs| panic!("`hotline serve` did not start:\n{logs}"))
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
    let agent_token = add_agent(data_dir.path(), AGENT);
    let other_token = add_agent(data_dir.path(), OTHER_AGENT);
    let server = start_server(data_dir.path());

    let status = Command::new("node")
        .current_dir(&root)
        .args(["--test", "--test-concurrency=1", "tests/browser/"])
        .env("HOTLINE_URL", &server.base)
        .env("HOTLINE_AGENT_TOKEN", &agent_token)
        .env("HOTLINE_AGENT_NAME", AGENT)
        .env("HOTLINE_OTHER_AGENT_TOKEN", &other_token)
        .env("HOTLINE_ARTIFACTS", &artifacts)
        .status()
        .expect("could not run `node` (is Node.js installed?)");
    std::fs::write(artifacts.join("server.log"), server.logs()).expect("server log");
    drop(server);
    assert!(
        status.success(),
        "browser tests failed ({status}); screenshots and the server log are in {}",
        artifacts.display()
    );
}
