//! `hotline agent add` / `agent list`: each agent gets their own token,
//! printed once; only its SHA-256 is kept in `<data-dir>/agents.toml`.

mod support;

use std::path::Path;

use sha2::{Digest, Sha256};

fn hotline(data_dir: &Path, args: &[&str]) -> (i32, String, String) {
    let ran = support::cli::hotline(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("HOTLINE_DATA_DIR")
        .run();
    (ran.status, ran.stdout, ran.stderr)
}

#[test]
fn each_agent_gets_a_token_shown_once_and_kept_only_hashed() {
    let data = tempfile::tempdir().unwrap();
    let (code, first, _) = hotline(data.path(), &["agent", "add", "李敏"]);
    assert_eq!(code, 0);
    let first = first.trim().to_string();
    assert!(
        first.len() == 64 && first.chars().all(|c| c.is_ascii_hexdigit()),
        "{first:?}"
    );
    let (code, second, _) = hotline(data.path(), &["agent", "add", "王强"]);
    assert_eq!(code, 0);
    let second = second.trim().to_string();
    assert_ne!(first, second, "every agent has their own token");

    let stored = std::fs::read_to_string(data.path().join("agents.toml")).unwrap();
    for token in [&first, &second] {
        assert!(
            !stored.contains(token.as_str()),
            "the token itself is never kept"
        );
        let digest = hex::encode(Sha256::digest(token.as_bytes()));
        assert!(stored.contains(&digest), "{stored}");
    }

    let (code, listed, _) = hotline(data.path(), &["agent", "list"]);
    assert_eq!(code, 0);
    assert_eq!(listed.lines().collect::<Vec<_>>(), ["李敏", "王强"]);
}

#[test]
fn a_duplicate_or_empty_name_exits_2_and_changes_nothing() {
    let data = tempfile::tempdir().unwrap();
    assert_eq!(hotline(data.path(), &["agent", "add", "李敏"]).0, 0);
    let before = std::fs::read_to_string(data.path().join("agents.toml")).unwrap();
    for name in ["李敏", " ", ""] {
        let (code, stdout, stderr) = hotline(data.path(), &["agent", "add", name]);
        assert_eq!(code, 2, "{name:?}: {stderr}");
        assert!(stdout.is_empty(), "no token printed for {name:?}");
        assert!(stderr.contains("name"), "{stderr}");
    }
    let after = std::fs::read_to_string(data.path().join("agents.toml")).unwrap();
    assert_eq!(before, after);
}

#[test]
fn a_broken_agents_file_is_named() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("agents.toml"), "[[agents]]\nname = 3\n").unwrap();
    let (code, _, stderr) = hotline(data.path(), &["agent", "list"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("agents.toml"), "{stderr}");
}
