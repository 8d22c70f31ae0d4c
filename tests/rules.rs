//! Data-driven rule cases (OpenFisca style): every `tests/rules/*.yaml` holds
//! a list of `{name, today, application, expect}` (or `error: {field}`)
//! evaluated against the real rule data and corpus in `corpus/`.
//!
//! `expect` is a subset match on the Decision JSON: every key given must be
//! present and equal (objects recursively, lists exactly). Every decision's
//! citations must be non-empty and name passages of the loaded corpus.

mod support;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use hotline::corpus::Corpus;
use hotline::rules::{Application, Policies, evaluate};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    today: NaiveDate,
    application: Value,
    #[serde(default)]
    expect: Option<Value>,
    /// Strings each of which must appear in some note.
    #[serde(default)]
    notes_contain: Vec<String>,
    /// Passage ids each of which must be among the citations: the clause
    /// the case is about.
    #[serde(default)]
    cites: Vec<String>,
    /// The expected input error: `{field: …}`.
    #[serde(default)]
    error: Option<ExpectedError>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedError {
    field: String,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// The rule data of `dir`, its slots named by the repository's slot table
/// (as `Assistant::load` names them).
fn load_policies(dir: &Path) -> Policies {
    let corpus = Corpus::load(dir).expect("corpus loads");
    let mut policies =
        Policies::load(dir, &corpus).unwrap_or_else(|error| panic!("rule data loads:\n{error}"));
    let slots = Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/slots.yaml");
    let table = hotline::slot_table::SlotTable::load(&slots).expect("the slot table loads");
    policies.name_slots(
        table
            .iter()
            .map(|slot| (slot.path.as_str(), slot.label.as_str())),
    );
    policies
}

/// Where `actual` differs from the subset `expected`, as `path: why` lines.
fn subset_mismatches(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(want), Value::Object(have)) => {
            for (key, value) in want {
                let inner = format!("{path}.{key}");
                match have.get(key) {
                    Some(found) => subset_mismatches(value, found, &inner, out),
                    None => out.push(format!("{inner}: missing")),
                }
            }
        }
        _ if expected == actual => {}
        _ => out.push(format!("{path}: expected {expected}, got {actual}")),
    }
}

fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/rules exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

/// Every case of `tests/rules/*.yaml`, labelled `file · name`.
fn load_cases() -> Vec<(String, Case)> {
    let mut all = Vec::new();
    for file in case_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        // Cases share applications through YAML anchors and `<<` merge keys.
        let mut value: yaml_serde::Value = yaml_serde::from_str(&text)
            .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        value
            .apply_merge()
            .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        let cases: Vec<Case> = yaml_serde::from_value(value)
            .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        all.extend(
            cases
                .into_iter()
                .map(|case| (format!("{name} · {}", case.name), case)),
        );
    }
    all
}

#[test]
fn rule_cases() {
    let dir = corpus_dir();
    let policies = load_policies(&dir);
    let corpus = Corpus::load(&dir).expect("corpus loads");
    let mut failures = Vec::new();
    let mut count = 0;
    for (label, case) in load_cases() {
        count += 1;
        // A value the Application's types refuse (an ID number "12345")
        // never reaches the rules: the field it names is the case's error.
        let application: Application =
            match serde_path_to_error::deserialize(case.application.clone()) {
                Ok(application) => application,
                Err(error) => {
                    let field = error.path().to_string();
                    if case.error.as_ref().is_none_or(|want| want.field != field) {
                        failures.push(format!("{label}: bad application: {field}: {error}"));
                    }
                    continue;
                }
            };
        let result = evaluate(&policies, &application, case.today);
        match (&case.error, result) {
            (Some(want), Err(error)) if error.field == want.field => {}
            (Some(want), other) => failures.push(format!(
                "{label}: expected error on {}, got {other:?}",
                want.field
            )),
            (None, Err(error)) => failures.push(format!("{label}: unexpected error {error}")),
            (None, Ok(decision)) => {
                let actual = serde_json::to_value(&decision).unwrap();
                let mut mismatches = Vec::new();
                if let Some(expect) = &case.expect {
                    subset_mismatches(expect, &actual, "", &mut mismatches);
                }
                for wanted in &case.notes_contain {
                    if !decision
                        .notes
                        .iter()
                        .any(|note| note.contains(wanted.as_str()))
                    {
                        mismatches.push(format!("notes: none contains {wanted:?}"));
                    }
                }
                for wanted in &case.cites {
                    if !decision.citations.iter().any(|c| &c.passage_id == wanted) {
                        mismatches.push(format!("citations: {wanted} is not cited"));
                    }
                }
                if decision.citations.is_empty() {
                    mismatches.push("citations: empty".into());
                }
                for citation in &decision.citations {
                    match corpus.passage(&citation.passage_id) {
                        Some(passage)
                            if passage.doc_id == citation.doc_id
                                && passage.clause == citation.clause => {}
                        _ => mismatches.push(format!(
                            "citation {} does not resolve to a corpus passage",
                            citation.passage_id
                        )),
                    }
                }
                if !mismatches.is_empty() {
                    failures.push(format!(
                        "{label}:\n    {}\n    decision: {}",
                        mismatches.join("\n    "),
                        serde_json::to_string(&actual).unwrap()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count >= 100, "only {count} rule cases");
}

/// Writes a corpus folder with one region, `testville`, whose documents and
/// rules exist only as data: no Rust knows its name.
fn fixture_corpus(rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let region = dir.path().join("testville");
    std::fs::create_dir_all(&region).unwrap();
    // The search vocabulary and the holiday calendar are shared by every
    // region: the real ones will do.
    for shared in ["search", "calendar"] {
        let folder = dir.path().join(shared);
        std::fs::create_dir_all(&folder).unwrap();
        for entry in std::fs::read_dir(corpus_dir().join(shared)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, folder.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        dir.path().join("regions.toml"),
        // Callers leave 小程序 off an app's name: 浙里测小程序 is heard as 浙里测.
        "app_suffixes = [\"小程序\"]\n\n[[region]]\nid = \"testville\"\nname = \"测试市\"\nprovince = \"浙江省\"\n",
    )
    .unwrap();
    std::fs::write(
        region.join("testville-2026.md"),
        "+++\ndoc_id = \"testville-2026\"\ntitle = \"测试市异地就医备案办法\"\nissuer = \"测试市医疗保障局\"\n\
         region = \"testville\"\nscheme = \"general\"\nsource = \"fixture\"\n+++\n\n\
         ## 第一条 {#article-1}\n第一条 异地长期居住人员备案后长期有效，3个月内不得变更。\n\n\
         ## 第二条 {#article-2}\n第二条 可通过窗口、电话办理，窗口3个工作日内办结。\n\n\
         ## 第三条 {#article-3}\n第三条 临时外出就医免备案。本办法自2026年1月1日起施行。\n",
    )
    .unwrap();
    std::fs::write(region.join("rules.yaml"), rules).unwrap();
    dir
}

const FIXTURE_RULES: &str = r#"
region: testville
name: 测试市
province: 浙江省
documents:
  - {doc_id: testville-2026, title: 测试市异地就医备案办法, cite: "testville-2026#article-3", in_force: {from: 2026-01-01}}
home_area: {value: 在测试市内就医不需要备案。, cite: "testville-2026#article-1"}
phone: {value: "0000-12345", cite: "testville-2026#article-2"}
schemes:
  general:
    label: 基本医疗保险异地就医备案
    document: testville-2026
    processing_days:
      window: {value: 3, cite: "testville-2026#article-2"}
    categories:
      long_term_resident: &long
        class: {value: long_term, cite: "testville-2026#article-1"}
        channels: {value: [{channel: window}, {channel: phone}], cite: "testville-2026#article-2"}
        materials: {value: [{any_of: [id_card, social_security_card]}], cite: "testville-2026#article-1"}
        validity: {value: {start: apply_date, end: long_term}, cite: "testville-2026#article-1"}
        change_lock: {value: {months: 3}, cite: "testville-2026#article-1"}
      retired_resettled: *long
      posted_worker: *long
      migrant_worker: *long
      entrepreneur: *long
      long_term_transfer: &exempt
        class: {value: exempt, cite: "testville-2026#article-3"}
      referral: *exempt
      emergency: *exempt
      temporary_other: *exempt
"#;

#[test]
fn a_new_region_needs_only_data() {
    let dir = fixture_corpus(FIXTURE_RULES);
    let policies = load_policies(dir.path());
    let application: Application = serde_json::from_value(serde_json::json!({
        "region": "testville",
        "category": "long_term_resident",
        "destination": {"province": "江苏省", "city": "南京市"},
        "submit_via": "window",
        "materials": ["social_security_card"],
    }))
    .unwrap();
    // 2026-09-30 + 3 working days: 10-01..10-07 are 国庆 holidays → 10-08, 10-09, 10-10 (调休 Saturday).
    let decision = evaluate(&policies, &application, "2026-09-30".parse().unwrap()).unwrap();
    assert_eq!(decision.status.id(), "accepted");
    assert_eq!(decision.processing_deadline, "2026-10-10".parse().ok());
    assert_eq!(decision.change_allowed_from, "2026-12-30".parse().ok());
    assert_eq!(decision.registered_to.as_deref(), Some("江苏省南京市"));
    assert!(
        decision
            .citations
            .iter()
            .all(|c| c.doc_id == "testville-2026")
    );
    // Before the document is in force, nothing is decided.
    let early = evaluate(&policies, &application, "2025-12-31".parse().unwrap()).unwrap();
    assert_eq!(early.status.id(), "incomplete");
}

#[test]
fn a_cite_that_names_no_passage_is_rejected_with_its_line() {
    let broken = FIXTURE_RULES.replace(
        "testville-2026#article-2\"}\nschemes",
        "testville-2026#article-9\"}\nschemes",
    );
    assert_ne!(broken, FIXTURE_RULES);
    let dir = fixture_corpus(&broken);
    let corpus = Corpus::load(dir.path()).unwrap();
    let error = Policies::load(dir.path(), &corpus).unwrap_err().to_string();
    let expected_line = broken
        .lines()
        .position(|line| line.contains("article-9"))
        .unwrap()
        + 1;
    assert!(
        error.contains(&format!(
            "rules.yaml:{expected_line}: cite `testville-2026#article-9`"
        )),
        "{error}"
    );
}

#[test]
fn a_region_that_leaves_out_a_category_is_rejected() {
    let broken = FIXTURE_RULES.replace("      temporary_other: *exempt\n", "");
    let dir = fixture_corpus(&broken);
    let corpus = Corpus::load(dir.path()).unwrap();
    let error = Policies::load(dir.path(), &corpus).unwrap_err().to_string();
    assert!(
        error.contains("category `temporary_other` is missing"),
        "{error}"
    );
}

#[test]
fn a_validity_without_an_end_or_a_length_is_rejected() {
    let broken =
        FIXTURE_RULES.replace("{start: apply_date, end: long_term}", "{start: apply_date}");
    assert_ne!(broken, FIXTURE_RULES);
    let dir = fixture_corpus(&broken);
    let corpus = Corpus::load(dir.path()).unwrap();
    let error = Policies::load(dir.path(), &corpus).unwrap_err().to_string();
    assert!(error.contains("needs `end`"), "{error}");
}

/// The fixture with a provincial app in regions.toml (`province`'s) and
/// the long-term categories offering it.
fn fixture_with_app(province: &str, offered: &str) -> tempfile::TempDir {
    let rules = FIXTURE_RULES.replace(
        "{channel: phone}]",
        &format!("{{channel: phone}}, {{channel: {offered}}}]"),
    );
    assert_ne!(rules, FIXTURE_RULES);
    let dir = fixture_corpus(&rules);
    let regions = dir.path().join("regions.toml");
    let mut text = std::fs::read_to_string(&regions).unwrap();
    text.push_str(&format!(
        "\n[[app]]\nid = \"zhe_app\"\nname = \"浙里测小程序\"\nprovince = \"{province}\"\n"
    ));
    std::fs::write(&regions, text).unwrap();
    dir
}

#[test]
fn a_provincial_app_is_data_of_the_corpus() {
    let dir = fixture_with_app("浙江省", "zhe_app");
    let policies = load_policies(dir.path());
    let application: Application = serde_json::from_value(serde_json::json!({
        "region": "testville",
        "category": "long_term_resident",
        "destination": {"province": "江苏省", "city": "南京市"},
        "submit_via": "fax",
    }))
    .unwrap();
    let decision = evaluate(&policies, &application, "2026-09-30".parse().unwrap()).unwrap();
    assert_eq!(decision.status.id(), "channel_unavailable");
    let channels = serde_json::to_value(&decision.channels).unwrap();
    assert_eq!(channels, serde_json::json!(["window", "phone", "zhe_app"]));
    let note = decision.notes.join(" ");
    assert!(
        note.contains("可以通过医保经办窗口、电话、浙里测小程序办理"),
        "{note}"
    );

    // Submitted through the app: accepted; an app nobody defined: bad input.
    let mut via_app = application.clone();
    via_app.submit_via = serde_json::from_value(serde_json::json!("zhe_app")).unwrap();
    via_app.materials = Some(vec!["id_card".into()]);
    let decision = evaluate(&policies, &via_app, "2026-09-30".parse().unwrap()).unwrap();
    assert_eq!(decision.status.id(), "accepted");
    via_app.submit_via = serde_json::from_value(serde_json::json!("wechat_app")).unwrap();
    let error = evaluate(&policies, &via_app, "2026-09-30".parse().unwrap()).unwrap_err();
    assert_eq!(error.field, "submit_via");

    // Callers are heard naming it by its name in regions.toml, its one
    // place: no intents file lists it.
    let corpus = Corpus::load(dir.path()).unwrap();
    let gazetteer = std::sync::Arc::new(hotline::places::Gazetteer::load(&corpus_dir()).unwrap());
    let intents = Path::new(env!("CARGO_MANIFEST_DIR")).join("intents");
    let nlu = hotline::nlu::Nlu::load(&intents, gazetteer)
        .unwrap()
        .with_apps(&corpus.apps);
    let heard = nlu.entities("我想用浙里测提交备案", "2026-09-30".parse().unwrap());
    assert_eq!(
        heard.submit_via.map(|via| via.id().to_string()).as_deref(),
        Some("zhe_app")
    );
}

#[test]
fn an_app_of_another_province_or_of_none_is_rejected_with_its_line() {
    let dir = fixture_with_app("江苏省", "zhe_app");
    let corpus = Corpus::load(dir.path()).unwrap();
    let error = Policies::load(dir.path(), &corpus).unwrap_err().to_string();
    assert!(
        error.contains("app `zhe_app` belongs to 江苏省, not to 浙江省"),
        "{error}"
    );

    let dir = fixture_with_app("浙江省", "su_app");
    let corpus = Corpus::load(dir.path()).unwrap();
    let error = Policies::load(dir.path(), &corpus).unwrap_err().to_string();
    let rules = std::fs::read_to_string(dir.path().join("testville/rules.yaml")).unwrap();
    let line = rules
        .lines()
        .position(|line| line.contains("su_app"))
        .unwrap()
        + 1;
    assert!(
        error.contains(&format!("rules.yaml:{line}: unknown channel `su_app`")),
        "{error}"
    );
}

#[test]
fn a_yaml_error_names_the_line() {
    let dir = fixture_corpus("region: testville\nname: [unclosed\n");
    let corpus = Corpus::load(dir.path()).unwrap();
    let error = Policies::load(dir.path(), &corpus).unwrap_err().to_string();
    assert!(error.contains("rules.yaml:"), "{error}");
}

/// Runs `hotline rules - --today <today>` on `input`; returns (status, stdout, stderr).
fn run_cli(input: &str, today: &str) -> (i32, String, String) {
    let ran = support::cli::hotline(&["rules", "-", "--today", today])
        .stdin(input)
        .run();
    (ran.status, ran.stdout, ran.stderr)
}

#[test]
fn cli_prints_one_decision() {
    let (status, stdout, _) = run_cli(
        r#"{"region":"dongguan","category":"emergency","submit_via":"phone"}"#,
        "2026-11-23",
    );
    assert_eq!(status, 0);
    let decision: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(decision["status"], "not_required");
}

#[test]
fn cli_bad_input_exits_2_naming_the_field() {
    let cases = [
        ("{not json", "application:"),
        (r#"{"region":"guangzhou"}"#, "region:"),
        (r#"{"region":"dongguan","category":"tourist"}"#, "category:"),
        (
            r#"{"region":"dongguan","submit_via":"pigeon"}"#,
            "submit_via:",
        ),
        (
            r#"{"region":"dongguan","materials":["passport"]}"#,
            "materials:",
        ),
        (
            r#"{"region":"dongguan","apply_date":"2026-02-30"}"#,
            "apply_date:",
        ),
        (r#"{"region":"dongguan","colour":"red"}"#, "colour:"),
    ];
    for (input, field) in cases {
        let (status, stdout, stderr) = run_cli(input, "2026-11-23");
        assert_eq!(status, 2, "{input}: {stderr}");
        assert!(stdout.is_empty(), "{input}: {stdout}");
        assert_eq!(stderr.lines().count(), 1, "{input}: {stderr}");
        assert!(stderr.contains(field), "{input}: {stderr}");
    }
    let (status, _, stderr) = run_cli(r#"{"region":"dongguan"}"#, "2026-13-01");
    assert_eq!(status, 2);
    assert!(stderr.contains("today:"), "{stderr}");
}

/// `hotline rules` (the binary) and `POST /v1/rules/evaluate` (a server on
/// loopback) decide every case of `tests/rules/` alike, and refuse the
/// same bad input naming the same field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_and_http_give_the_same_decision_for_every_case() {
    let settings = hotline::server::Settings {
        ip_rate_per_second: 1_000_000,
        ip_burst: 1_000_000,
        ..support::server::test_settings()
    };
    let (_data, server) = support::server::fresh_server(settings).await;
    let cases = load_cases();
    // The command loads everything each time: run it on both cores at once.
    let cli: Vec<(i32, String, String)> = std::thread::scope(|scope| {
        let halves: Vec<_> = cases
            .chunks(cases.len().div_ceil(2))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(_, case)| {
                            run_cli(&case.application.to_string(), &case.today.to_string())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        halves
            .into_iter()
            .flat_map(|half| half.join().unwrap())
            .collect()
    });
    let mut failures = Vec::new();
    let (mut compared, mut refused) = (0, 0);
    for ((label, case), (code, stdout, stderr)) in cases.iter().zip(cli) {
        let mut body = case.application.clone();
        body["today"] = Value::String(case.today.to_string());
        let response = server
            .client
            .post(server.url("/v1/rules/evaluate"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let http: Value = response.json().await.unwrap_or(Value::Null);
        if let Some(want) = &case.error {
            // Both refuse, and both name the field first.
            let named = format!("{}:", want.field);
            let message = http["error"]["message"].as_str().unwrap_or_default();
            if code != 2
                || status != 400
                || !stderr.starts_with(&format!("hotline: {named}"))
                || !message.starts_with(&named)
            {
                failures.push(format!(
                    "{label}: refused with exit {code} {stderr}, HTTP {status} {message}"
                ));
            }
            refused += 1;
            continue;
        }
        let printed: Value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
        if code != 0 || status != 200 || printed != http {
            failures.push(format!(
                "{label}: exit {code} {stderr}, HTTP {status}\n  cli:  {printed}\n  http: {http}"
            ));
        }
        compared += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every case of every file went through both.
    assert_eq!(compared + refused, cases.len());
    assert!(
        compared >= 100 && refused >= 5,
        "{compared} decided, {refused} refused"
    );
    server.stop().await;
}

mod never_panics {
    use super::*;
    use hotline::rules::{Category, Class, Status};
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn policies() -> &'static Policies {
        static POLICIES: OnceLock<Policies> = OnceLock::new();
        POLICIES.get_or_init(|| load_policies(&corpus_dir()))
    }

    fn day() -> impl Strategy<Value = NaiveDate> {
        (1990i32..2100, 1u32..=12, 1u32..=31)
            .prop_filter_map("real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
    }

    const MATERIALS: [&str; 8] = [
        "id_card",
        "social_security_card",
        "registration_form",
        "commitment_letter",
        "residence_permit",
        "household_register",
        "referral_certificate",
        "proxy_id",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn any_application_gets_a_consistent_decision(
            region in prop::sample::select(vec!["dongguan", "shaoguan", "zhanjiang", "jining"]),
            maternity in any::<bool>(),
            category in prop::option::of(prop::sample::select(Category::ALL.to_vec())),
            channel in prop::option::of(prop::sample::select(policies().channels())),
            province in prop::option::of(prop::sample::select(vec!["广东省", "山东", "湖南省", "北京市", ""])),
            materials in prop::option::of(prop::sample::subsequence(MATERIALS.to_vec(), 0..=MATERIALS.len())),
            today in day(),
            apply_offset in 0i64..400,
            admission_offset in prop::option::of(-30i64..30),
            by_proxy in prop::option::of(any::<bool>()),
        ) {
            let apply = today - chrono::Duration::days(apply_offset);
            let application = Application {
                region: region.to_string(),
                scheme: maternity.then_some(hotline::rules::Scheme::Maternity),
                category,
                submit_via: channel.clone(),
                destination: province.map(|p| hotline::rules::Destination {
                    province: Some(p.to_string()),
                    city: Some("某市".to_string()),
                }),
                materials: materials.map(|list| list.iter().map(|m| m.to_string()).collect()),
                apply_date: Some(apply),
                admission_date: admission_offset.map(|days| apply - chrono::Duration::days(days)),
                by_proxy,
                ..Application::default()
            };
            match evaluate(policies(), &application, today) {
                Err(error) => prop_assert!(false, "a valid application was refused: {error}"),
                Ok(decision) => {
                    prop_assert!(!decision.citations.is_empty());
                    if let (Some(start), Some(end)) = (decision.validity.start, decision.validity.end) {
                        prop_assert!(start <= end);
                    }
                    // An end date exactly when the kind of end is a date.
                    prop_assert_eq!(
                        decision.validity.end.is_some(),
                        decision.validity.end_kind == Some(hotline::rules::EndKind::Date)
                    );
                    prop_assert_eq!(decision.validity.start.is_some(), decision.validity.end_kind.is_some());
                    // Facts are missing exactly when incomplete, unless no
                    // rule is in force that day, which the notes then say.
                    if decision.status != Status::Incomplete {
                        prop_assert!(decision.missing_facts.is_empty());
                    } else if decision.missing_facts.is_empty() {
                        prop_assert!(decision.notes.iter().any(|n| n.contains("请转人工核实")), "{:?}", decision.notes);
                    }
                    if decision.status == Status::NeedsMaterials {
                        prop_assert!(!decision.missing_materials.is_empty());
                    }
                    if decision.status == Status::NotRequired {
                        prop_assert_eq!(decision.registration_required, Some(false));
                        prop_assert_eq!(decision.class, None::<Class>);
                    }
                    if decision.status == Status::ChannelUnavailable {
                        prop_assert!(!decision.channels.contains(&channel.unwrap()));
                    }
                }
            }
        }
    }
}
