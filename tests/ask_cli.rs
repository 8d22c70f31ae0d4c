//! `hotline ask` end to end: the real binary over the real corpus.

mod support;

fn hotline(args: &[&str]) -> (i32, String, String) {
    let ran = support::cli::hotline(args).run();
    (ran.status, ran.stdout, ran.stderr)
}

#[test]
fn retired_caller_gets_the_dongguan_resettlement_clauses_first() {
    let (code, stdout, _) = hotline(&[
        "ask",
        "--json",
        "退休以后回老家养老，医保要办什么手续",
        "--region",
        "dongguan",
    ]);
    assert_eq!(code, 0);
    let answer: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(answer["answered"], true);
    let first = &answer["passages"][0];
    assert_eq!(first["region"], "dongguan");
    assert!(
        first["clause"]
            .as_str()
            .unwrap()
            .contains("异地安置退休人员"),
        "{first}"
    );
    // Said briefly, in the clause's words; the clause itself is cited.
    let reply = answer["answer"].as_str().unwrap();
    assert!(reply.chars().count() <= 60, "{reply}");
    assert!(reply.contains("异地安置退休人员"), "{reply}");
    assert!(
        answer["cite"].as_str().unwrap().starts_with("东莞市《"),
        "{answer}"
    );
    assert!(
        answer["written"]
            .as_str()
            .unwrap()
            .starts_with("根据东莞市《")
    );
}

#[test]
fn housing_fund_is_refused_with_a_human_offered() {
    let (code, stdout, _) = hotline(&["ask", "--json", "公积金怎么提取"]);
    assert_eq!(code, 0);
    let answer: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(answer["answered"], false);
    assert!(answer["answer"].as_str().unwrap().contains("人工"));
}

#[test]
fn bad_input_exits_2_with_one_line() {
    for args in [
        vec!["ask", ""],
        vec!["ask", "备案", "--region", "shenzhen"],
        vec!["ask", "备案", "--top", "0"],
    ] {
        let (code, stdout, stderr) = hotline(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty());
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    }
    let long = "问".repeat(2001);
    let (code, _, stderr) = hotline(&["ask", &long]);
    assert_eq!(code, 2);
    assert!(stderr.contains("2000"));
}

#[test]
fn a_broken_corpus_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    copy_dir(&root, dir.path());
    let document = dir.path().join("jining/jining-2022.md");
    let text = std::fs::read_to_string(&document).unwrap();
    std::fs::write(&document, text.replace("{#conditions}", "{#Conditions}")).unwrap();

    let corpus = dir.path().to_str().unwrap();
    let (code, _, stderr) = hotline(&["--corpus", corpus, "ask", "x"]);
    assert_eq!(code, 3, "a broken corpus is status 3 (README)");
    assert!(stderr.contains("jining/jining-2022.md:"), "{stderr}");
    assert!(stderr.contains("bad anchor `Conditions`"), "{stderr}");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_sudden_illness_on_a_trip_gets_the_emergency_exemption_in_one_sentence() {
    let (code, stdout, _) = hotline(&[
        "ask",
        "--json",
        "去外地旅游突发脑梗住进医院，来不及备案，医保还管吗",
        "--region",
        "dongguan",
    ]);
    assert_eq!(code, 0);
    let answer: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(answer["answered"], true);
    assert_eq!(answer["source"], "rules", "{answer}");
    let reply = answer["answer"].as_str().unwrap();
    assert!(reply.chars().count() <= 60, "{reply}");
    assert!(
        reply.contains("急诊") && reply.contains("不需要备案"),
        "{reply}"
    );
    assert_eq!(reply.matches('。').count(), 1, "one sentence: {reply}");
    assert_eq!(
        answer["passages"][0]["passage_id"],
        "dongguan-general#conditions-emergency"
    );
    assert!(
        answer["cite"].as_str().unwrap().contains("急诊抢救"),
        "{answer}"
    );
}

#[test]
fn another_citys_own_policy_is_sent_to_that_citys_12345() {
    let (code, stdout, _) = hotline(&["ask", "--json", "广州医保住院能报多少"]);
    assert_eq!(code, 0);
    let answer: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(answer["answered"], false);
    let reply = answer["answer"].as_str().unwrap();
    assert!(reply.chars().count() <= 60, "{reply}");
    for served in ["东莞", "韶关", "湛江", "济宁"] {
        assert!(reply.contains(served), "{reply}");
    }
    assert!(reply.contains("广州的12345"), "{reply}");
    assert!(answer["passages"].as_array().unwrap().is_empty());
}
