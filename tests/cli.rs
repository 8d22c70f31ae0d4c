//! The command line's exit statuses, one per kind of failure (README,
//! "Exit statuses"): the real binary, on the real corpus or a broken copy.

mod support;

use std::path::Path;

use support::process::copy_tree;

fn hotline(args: &[&str], env: &[(&str, &Path)]) -> (i32, String) {
    let mut command = support::cli::hotline(args);
    for (name, value) in env {
        command = command.env(name, value);
    }
    let ran = command.run();
    (ran.status, ran.stderr)
}

/// A copy of the corpus whose regions.toml is broken at line 2.
fn broken_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    copy_tree(&from, dir.path());
    std::fs::write(
        dir.path().join("regions.toml"),
        "[[region]]\nid = dongguan\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_broken_corpus_exits_3_from_every_command() {
    let corpus = broken_corpus();
    let env = [("HOTLINE_CORPUS", corpus.path())];
    let runs: [&[&str]; 3] = [
        &["ask", "退休了回老家要办什么"],
        &["chat", "--today", "2026-11-23"],
        &["understand", "我退休了", "--today", "2026-11-23"],
    ];
    for args in runs {
        let (status, stderr) = hotline(args, &env);
        assert_eq!(status, 3, "{args:?}: {stderr}");
        assert!(stderr.contains("regions.toml:2"), "{args:?}: {stderr}");
    }
    let application = corpus.path().join("application.json");
    std::fs::write(&application, r#"{"region":"dongguan"}"#).unwrap();
    let (status, stderr) = hotline(
        &[
            "rules",
            application.to_str().unwrap(),
            "--today",
            "2026-11-23",
        ],
        &env,
    );
    assert_eq!(status, 3, "{stderr}");
    assert!(stderr.contains("regions.toml:2"), "{stderr}");
}

#[test]
fn a_bad_today_exits_2_naming_the_flag_from_every_command() {
    let runs: [&[&str]; 3] = [
        &["chat", "--today", "2026-02-30"],
        &["rules", "-", "--today", "2026-02-30"],
        &["understand", "我退休了", "--today", "2026-02-30"],
    ];
    for args in runs {
        let (status, stderr) = hotline(args, &[]);
        assert_eq!(status, 2, "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("--today: `2026-02-30` is not a date"),
            "{args:?}: {stderr}"
        );
    }
}

/// `hotline understand` on one rambling Shandong turn (issue 13): the
/// insured person's name, the caller acting for him and his category, with
/// and without the region, as the JSON the command prints.
#[test]
fn understand_reads_name_proxy_and_category_from_one_rambling_turn() {
    let text = "俺是替俺爹打的，他退休了要去青岛俺哥那住，户口没动，他叫亓连成，身份证…";
    let runs: [&[&str]; 2] = [
        &["understand", text, "--today", "2026-11-23"],
        &[
            "understand",
            text,
            "--today",
            "2026-11-23",
            "--region",
            "jining",
        ],
    ];
    for args in runs {
        let ran = support::cli::hotline(args).run();
        assert_eq!(ran.status, 0, "{args:?}: {}", ran.stderr);
        let read: serde_json::Value =
            serde_json::from_str(&ran.stdout).expect("understand prints JSON");
        let entities = &read["entities"];
        assert_eq!(entities["name"], "亓连成", "{args:?}: {entities}");
        assert_eq!(entities["by_proxy"], true, "{args:?}: {entities}");
        assert_eq!(
            entities["category"], "long_term_resident",
            "{args:?}: {entities}"
        );
        assert_eq!(
            entities["destination"]["city"], "青岛市",
            "{args:?}: {entities}"
        );
    }
}

/// `hotline ask … | head`: a reader that goes away ends the command quietly,
/// with status 0, as other command-line tools do, never with a panic.
#[test]
fn a_closed_output_pipe_ends_the_command_quietly() {
    let runs: [&[&str]; 2] = [
        &[
            "understand",
            "我退休了，要去海南养老",
            "--today",
            "2026-11-23",
        ],
        &[
            "ask",
            "退休了回老家要办什么",
            "--region",
            "dongguan",
            "--json",
        ],
    ];
    for args in runs {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hotline"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader is gone before the answer is written.
        drop(child.stdout.take());
        let done = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&done.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(done.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
