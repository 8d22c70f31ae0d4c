//! The public contract's shapes and the data they come from.

use super::*;
use crate::support::process::repo_dir;

/// The region ids of `corpus/regions.toml`, read as data.
fn corpus_regions() -> Vec<String> {
    let text = std::fs::read_to_string(repo_dir().join("corpus/regions.toml")).unwrap();
    let file: toml::Table = toml::from_str(&text).unwrap();
    file["region"]
        .as_array()
        .unwrap()
        .iter()
        .map(|region| region["id"].as_str().unwrap().to_string())
        .collect()
}

/// The provincial apps of `corpus/regions.toml`.
fn corpus_apps() -> Vec<toml::Value> {
    let text = std::fs::read_to_string(repo_dir().join("corpus/regions.toml")).unwrap();
    let file: toml::Table = toml::from_str(&text).unwrap();
    file["app"].as_array().unwrap().clone()
}

#[tokio::test]
async fn sessions_and_questions_take_exactly_the_regions_of_the_corpus() {
    let (_data, server) = fresh_server(test_settings()).await;
    let (_, listed) = server.get("/v1/regions", None).await;
    let ids: Vec<String> = listed["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|region| region["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, corpus_regions());
    // Every channel with its name, the provincial apps from regions.toml.
    let channels = listed["channels"].as_array().unwrap();
    let label = |id: &str| {
        channels
            .iter()
            .find(|channel| channel["id"] == id)
            .and_then(|channel| channel["label"].as_str())
            .map(str::to_string)
    };
    assert_eq!(label("fax").as_deref(), Some("传真"));
    // Categories and materials by the names the dialogue says (the pages
    // keep no list of their own).
    let named = |list: &str, id: &str| {
        listed[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["id"] == id)
            .and_then(|entry| entry["label"].as_str())
            .map(str::to_string)
    };
    for category in hotline::rules::Category::ALL {
        assert_eq!(
            named("categories", category.id()).as_deref(),
            Some(category.label())
        );
    }
    for material in [
        "id_card",
        "residence_permit_receipt",
        "property_certificate",
    ] {
        assert_eq!(
            named("materials", material).as_deref(),
            hotline::rules::material_label(material)
        );
    }
    for app in corpus_apps() {
        assert_eq!(
            label(app["id"].as_str().unwrap()).as_deref(),
            app["name"].as_str()
        );
    }
    for region in listed["regions"].as_array().unwrap() {
        assert!(
            region["name"]
                .as_str()
                .is_some_and(|name| name.ends_with('市')),
            "{region}"
        );
        assert!(
            region["province"].as_str().is_some_and(|p| !p.is_empty()),
            "{region}"
        );
    }

    for region in &ids {
        let session = json!({"channel": "phone", "region": region});
        let (opened, _) = server.post("/v1/sessions", None, &session).await;
        assert_eq!(opened, 201, "a session in {region}");
        let question = json!({"question": "异地就医备案要带什么材料", "region": region});
        let (asked, _) = server.post("/v1/ask", None, &question).await;
        assert_eq!(asked, 200, "a question about {region}");
    }
    for unknown in ["shenzhen", "Dongguan ", ""] {
        let session = json!({"channel": "phone", "region": unknown});
        let (refused, body) = server.post("/v1/sessions", None, &session).await;
        assert_eq!(refused, 400, "region {unknown:?}");
        assert_eq!(body["error"]["code"], "invalid_field");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.starts_with("region:"), "{message}");
        assert!(
            ids.iter().all(|id| message.contains(id.as_str())),
            "{message}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn a_session_without_a_region_opens_in_the_first_one() {
    let (_data, server) = fresh_server(test_settings()).await;
    let (id, token, _) =
        open_session(&server.client, &server.base, json!({"channel": "widget"})).await;
    let (_, view) = server
        .get(&format!("/v1/sessions/{id}"), Some(&token))
        .await;
    assert_eq!(view["region"], corpus_regions()[0].as_str());
    server.stop().await;
}

#[tokio::test]
async fn router_answers_without_a_socket() {
    use tower::ServiceExt;
    let data = tempfile::tempdir().unwrap();
    let store = hotline::store::SqliteStore::open(data.path())
        .await
        .unwrap();
    let state = hotline::server::AppState::new(
        support::server::load_assistant(),
        std::sync::Arc::new(store),
        test_settings(),
    );
    let response = hotline::server::app(state)
        .oneshot(
            axum::http::Request::get("/healthz")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn healthz_says_ok() {
    let (_data, server) = fresh_server(test_settings()).await;
    let response = server
        .client
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
    server.stop().await;
}

#[tokio::test]
async fn session_turn_and_view_have_the_contract_shapes() {
    let (_data, server) = fresh_server(test_settings()).await;
    let client = &server.client;
    let (id, token, opened) = open_session(client, &server.base, widget()).await;
    assert!(opened["reply"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(token.len() >= 32, "token is long enough not to be guessed");
    assert!(id.starts_with("s_"));

    let response = say(
        client,
        &server.base,
        &id,
        &token,
        "我退休了要回湖南老家养老",
    )
    .await;
    assert_eq!(response.status(), 200);
    let turn: Value = response.json().await.unwrap();
    assert!(turn["reply"].is_string());
    assert!(turn["intent"].is_string());
    let states = ["idle", "collecting", "confirming", "done", "handoff"];
    assert!(states.contains(&turn["state"].as_str().unwrap()), "{turn}");
    assert_eq!(turn["slots"]["region"], "dongguan");
    assert!(turn["missing"].is_array());
    assert!(turn.get("completed").is_none());

    let (status, view) = server
        .get(&format!("/v1/sessions/{id}"), Some(&token))
        .await;
    assert_eq!(status, 200);
    assert_eq!(view["session_id"], id.as_str());
    assert_eq!(view["channel"], "widget");
    assert_eq!(view["region"], "dongguan");
    assert!(states.contains(&view["state"].as_str().unwrap()));
    assert_eq!(view["slots"]["region"], "dongguan");
    let transcript = view["transcript"].as_array().unwrap();
    let roles: Vec<&str> = transcript
        .iter()
        .map(|e| e["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["assistant", "caller", "assistant"]);
    assert_eq!(transcript[1]["text"], "我退休了要回湖南老家养老");
    assert!(transcript.iter().all(|e| e["at"].is_string()));
    server.stop().await;
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx() {
    let (_data, server) = fresh_server(test_settings()).await;
    let client = &server.client;
    let (id, token, _) = open_session(client, &server.base, widget()).await;
    let messages = server.url(&format!("/v1/sessions/{id}/messages"));
    let post = |body: Vec<u8>, content_type: &'static str| {
        client
            .post(&messages)
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };

    let response = post(b"{\"text\": ".to_vec(), "application/json")
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_error(&response.json().await.unwrap(), "malformed_json");

    let response = post(b"{\"text\": \"hi\"}".to_vec(), "text/plain")
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    assert_error(&response.json().await.unwrap(), "unsupported_media_type");

    let huge = format!("{{\"text\": \"{}\"}}", "医".repeat(30_000));
    let response = post(huge.into_bytes(), "application/json").await.unwrap();
    assert_eq!(response.status(), 413);
    assert_error(&response.json().await.unwrap(), "payload_too_large");

    let mut invalid_utf8 = b"{\"text\": \"".to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0xfd]);
    invalid_utf8.extend_from_slice(b"\"}");
    let response = post(invalid_utf8, "application/json").await.unwrap();
    assert_eq!(response.status(), 400);
    assert_error(&response.json().await.unwrap(), "malformed_json");

    let response = post(b"{\"txt\": \"hi\"}".to_vec(), "application/json")
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_error(&body, "invalid_field");
    assert!(body["error"]["message"].as_str().unwrap().contains("txt"));

    let response = post(b"{\"text\": \"   \"}".to_vec(), "application/json")
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    let response = say(client, &server.base, "s_does_not_exist", &token, "你好").await;
    assert_eq!(response.status(), 404);
    assert_error(&response.json().await.unwrap(), "session_not_found");

    let (status, body) = server
        .post("/v1/sessions", None, &json!({"channel": "fax"}))
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("channel")
    );

    let atlantis = json!({"channel": "widget", "region": "atlantis"});
    let (status, _) = server.post("/v1/sessions", None, &atlantis).await;
    assert_eq!(status, 400);

    let response = client.get(server.url("/v1/nothing")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert_error(&response.json().await.unwrap(), "no_route");
    server.stop().await;
}

#[tokio::test]
async fn rules_evaluate_returns_a_decision() {
    let (_data, server) = fresh_server(test_settings()).await;
    let application = json!({
        "region": "dongguan", "insurance": "employee", "category": "long_term_resident",
        "destination": {"province": "海南省", "city": "三亚市"}, "submit_via": "phone",
        "today": "2026-11-23"
    });
    let (status, decision) = server.post("/v1/rules/evaluate", None, &application).await;
    assert_eq!(status, 200);
    let statuses = [
        "not_required",
        "not_eligible",
        "channel_unavailable",
        "incomplete",
        "needs_materials",
        "accepted",
    ];
    assert!(
        statuses.contains(&decision["status"].as_str().unwrap()),
        "{decision}"
    );
    for field in [
        "class",
        "registration_required",
        "missing_materials",
        "required_materials",
        "channels",
        "validity",
        "change_allowed_from",
        "processing_deadline",
        "supplement_deadline",
        "ratio_delta_points",
        "personal_account_to",
        "registered_to",
        "notes",
        "citations",
    ] {
        assert!(
            decision.get(field).is_some(),
            "Decision lacks `{field}`: {decision}"
        );
    }
    assert!(!decision["citations"].as_array().unwrap().is_empty());
    server.stop().await;
}

#[tokio::test]
async fn rules_evaluate_names_the_bad_field() {
    let (_data, server) = fresh_server(test_settings()).await;
    let cases = [
        (json!({"region": "dongguan", "colour": "blue"}), "colour"),
        (
            json!({"region": "dongguan", "category": "astronaut"}),
            "category",
        ),
        (
            json!({"region": "dongguan", "destination": {"province": 7}}),
            "destination.province",
        ),
        (
            json!({"region": "dongguan", "today": "2026-02-30"}),
            "today",
        ),
        (json!({"scheme": "general"}), "region"),
        (json!([1, 2]), "object"),
        (
            json!({"region": "dongguan", "submit_via": "wechat_app"}),
            "submit_via",
        ),
        (
            json!({"region": "dongguan", "submit_via": "Fax!"}),
            "submit_via",
        ),
        // The caller's numbers are checked on the way in, as everywhere.
        (
            json!({"region": "dongguan", "applicant": {"id_number": "12345"}}),
            "applicant.id_number: 身份证号位数不对",
        ),
        (
            json!({"region": "dongguan", "applicant": {"id_number": "440304197812032013"}}),
            "applicant.id_number: 身份证号校验位不对",
        ),
        (
            json!({"region": "dongguan", "applicant": {"phone": "12345"}}),
            "applicant.phone: 联系电话位数不对",
        ),
        (
            json!({"region": "dongguan", "applicant": {"phone": "０７６９"}}),
            "applicant.phone: 联系电话只能填数字",
        ),
    ];
    for (body, field) in cases {
        let (status, reply) = server.post("/v1/rules/evaluate", None, &body).await;
        assert_eq!(status, 400, "{body}");
        assert_error(&reply, "invalid_field");
        let message = reply["error"]["message"].as_str().unwrap();
        assert!(message.contains(field), "{body} → {message}");
    }
    server.stop().await;
}

#[tokio::test]
async fn agent_slot_edit_is_stored_audited_and_the_id_masked_for_the_widget() {
    let (_data, server) = fresh_server(test_settings()).await;
    let client = &server.client;
    let (id, token, _) = open_session(client, &server.base, widget()).await;
    let edit = |slot: &str, value: Value| {
        client
            .post(server.url(&format!("/v1/sessions/{id}/slots")))
            .bearer_auth(AGENT_TOKEN)
            .json(&json!({"slot": slot, "value": value}))
            .send()
    };
    for (slot, value) in [
        ("applicant.name", NAME),
        ("applicant.id_number", ID_NUMBER),
        ("applicant.phone", PHONE),
    ] {
        let response = edit(slot, json!(value)).await.unwrap();
        assert_eq!(response.status(), 200, "{slot}");
    }
    let response = edit("category", json!("astronaut")).await.unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("category")
    );

    let (_, agent_view) = server
        .get(&format!("/v1/sessions/{id}"), Some(AGENT_TOKEN))
        .await;
    assert_eq!(agent_view["slots"]["applicant"]["id_number"], ID_NUMBER);
    assert_eq!(agent_view["slots"]["applicant"]["name"], NAME);
    let history = agent_view["slot_history"].as_array().unwrap();
    assert_eq!(history.len(), 3);
    assert!(history.iter().all(|entry| entry["source"] == "agent"));

    let (_, widget_view) = server
        .get(&format!("/v1/sessions/{id}"), Some(&token))
        .await;
    // The caller checks their own name and phone in the read-back; the ID
    // number stays masked, in the slots and in the transcript.
    let shown = widget_view.to_string();
    assert!(!shown.contains(ID_NUMBER), "{shown}");
    assert_eq!(
        widget_view["slots"]["applicant"]["id_number"],
        "4419**********124X"
    );
    assert_eq!(widget_view["slots"]["applicant"]["phone"], PHONE);
    assert_eq!(widget_view["slots"]["applicant"]["name"], NAME);

    let (status, audit) = server.get("/v1/audit", Some(AGENT_TOKEN)).await;
    assert_eq!(status, 200);
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{audit}");
    assert!(
        entries
            .iter()
            .all(|e| e["action"] == "edit_slot" && e["session_id"] == id.as_str())
    );
    assert!(entries.iter().all(|e| e["actor"] == "值班坐席"), "{audit}");
    server.stop().await;
}

#[tokio::test]
async fn a_message_to_a_closed_session_is_refused_and_the_session_is_kept() {
    let data = tempfile::tempdir().unwrap();
    let settings = Settings {
        session_ttl: Duration::from_secs(1),
        ..test_settings()
    };
    let server = TestServer::start(data.path(), settings).await;
    let client = &server.client;
    let (id, token, _) = open_session(client, &server.base, widget()).await;
    assert_eq!(
        say(client, &server.base, &id, &token, "你好")
            .await
            .status(),
        200
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let response = say(client, &server.base, &id, &token, "还在吗").await;
    assert_eq!(response.status(), 409);
    assert_error(&response.json().await.unwrap(), "session_closed");

    let (status, view) = server
        .get(&format!("/v1/sessions/{id}"), Some(&token))
        .await;
    assert_eq!(status, 200, "a closed session stays readable");
    assert_eq!(view["closed"], true);
    assert_eq!(view["transcript"].as_array().unwrap().len(), 3);
    let (_, open) = server.get("/v1/sessions", Some(AGENT_TOKEN)).await;
    assert_eq!(open["sessions"].as_array().unwrap().len(), 0);
    let (_, all) = server
        .get("/v1/sessions?include_closed=true", Some(AGENT_TOKEN))
        .await;
    assert_eq!(all["sessions"].as_array().unwrap().len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn events_stream_carries_each_turn() {
    let (_data, server) = fresh_server(test_settings()).await;
    let client = &server.client;
    let (id, token, _) = open_session(client, &server.base, widget()).await;
    let response = client
        .get(server.url(&format!("/v1/sessions/{id}/events")))
        .bearer_auth(AGENT_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut stream = response.bytes_stream();
    let widget_events = client
        .get(server.url(&format!("/v1/sessions/{id}/events")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(widget_events.status(), 200);
    let phone_text = format!("我的电话是{PHONE}");
    assert_eq!(
        say(client, &server.base, &id, &token, &phone_text)
            .await
            .status(),
        200
    );

    let received = read_until_event(&mut stream, "turn").await;
    let data_line = received
        .lines()
        .skip_while(|line| *line != "event: turn")
        .find_map(|line| line.strip_prefix("data: "))
        .unwrap();
    let event: Value = serde_json::from_str(data_line).unwrap();
    assert_eq!(
        event["text"],
        phone_text.as_str(),
        "agents see the text whole"
    );
    assert!(event["reply"].is_string());

    let mut widget_stream = widget_events.bytes_stream();
    let widget_received = read_until_event(&mut widget_stream, "turn").await;
    // The caller's own phone is whole for them, to check the read-back.
    assert!(widget_received.contains(PHONE), "{widget_received}");
    server.stop().await;
}

#[tokio::test]
async fn registrations_and_their_form() {
    let (_data, server) = fresh_server(test_settings()).await;
    let client = &server.client;
    let (id, token, _) = open_session(client, &server.base, widget()).await;
    let (_, other_token, _) = open_session(client, &server.base, widget()).await;
    // A registration as a completed turn stores it.
    let record = server.store.session(&id).await.unwrap().unwrap();
    let application: hotline::rules::Application = serde_json::from_value(json!({
        "region": "dongguan", "insurance": "employee", "category": "retired_resettled",
        "destination": {"province": "海南省", "city": "三亚市"}, "submit_via": "fax",
        "materials": ["id_card"],
        "applicant": {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE}
    }))
    .unwrap();
    let decision: hotline::rules::Decision = serde_json::from_value(json!({
        "status": "accepted", "class": "long_term", "registration_required": true,
        "missing_materials": [], "required_materials": [{"any_of": ["id_card", "social_security_card"]}],
        "channels": ["phone", "fax"], "validity": {"start": "2026-11-23", "end": null},
        "change_allowed_from": null, "processing_deadline": "2026-11-23", "supplement_deadline": null,
        "ratio_delta_points": {"home": null, "registered_place": null},
        "personal_account_to": null, "registered_to": "海南省三亚市", "missing_facts": [],
        "notes": ["请传真身份证复印件"], "citations": []
    }))
    .unwrap();
    let registration = RegistrationRecord {
        id: "r_0123456789abcdef".into(),
        session_id: id.clone(),
        application,
        decision,
        created_at: chrono::Utc::now(),
    };
    let write = TurnWrite {
        version: record.version,
        session: record.session.clone(),
        at: chrono::Utc::now(),
        transcript: Vec::new(),
        slot_changes: Vec::new(),
        registration: Some(registration.clone()),
        audit: None,
    };
    server.store.record_turn(&id, &write).await.unwrap();

    let url = server.url("/v1/registrations/r_0123456789abcdef");
    let (status, whole) = get_json(client, url.clone(), Some(AGENT_TOKEN)).await;
    assert_eq!(status, 200);
    assert_eq!(whole["registration_id"], "r_0123456789abcdef");
    assert_eq!(whole["session_id"], id.as_str());
    assert_eq!(whole["application"]["applicant"]["id_number"], ID_NUMBER);
    assert_eq!(whole["decision"]["status"], "accepted");
    let (status, own) = get_json(client, url.clone(), Some(&token)).await;
    assert_eq!(status, 200);
    assert!(!own.to_string().contains(ID_NUMBER));
    assert_eq!(
        get_json(client, url.clone(), Some(&other_token)).await.0,
        403
    );
    assert_eq!(get_json(client, url.clone(), None).await.0, 401);
    let (status, body) = server
        .get("/v1/registrations/r_nope", Some(AGENT_TOKEN))
        .await;
    assert_eq!(status, 404);
    assert_error(&body, "registration_not_found");

    let form = client
        .get(format!("{url}/form"))
        .bearer_auth(AGENT_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    assert!(
        form.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = form.text().await.unwrap();
    assert!(html.contains("广东省异地就医登记备案表"));
    assert!(html.contains("海南省三亚市"));
    assert!(html.contains("☑ 身份证 或 社保卡"));

    let (_, view) = server
        .get(&format!("/v1/sessions/{id}"), Some(&token))
        .await;
    assert_eq!(view["registrations"], json!(["r_0123456789abcdef"]));
    server.stop().await;
}

#[tokio::test]
async fn a_wrong_method_is_a_json_405() {
    let (_data, server) = fresh_server(test_settings()).await;
    let response = server
        .client
        .delete(server.url("/v1/ask"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_error(&response.json().await.unwrap(), "method_not_allowed");
    server.stop().await;
}

/// A repeated question is served from the answer cache: the same body,
/// counted as a hit; with the cache off, nothing is kept. (Metrics are
/// process-wide, so the test counts what its own asks added.)
#[tokio::test]
async fn a_repeated_question_gets_the_same_answer_from_the_cache() {
    async fn counter(server: &TestServer, series: &str) -> u64 {
        let metrics = server
            .client
            .get(server.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        metrics
            .lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
            .map_or(0, |n| n.trim().parse::<u64>().unwrap())
    }
    const HITS: &str = "hotline_answer_cache_hits_total";
    const ANSWERED: &str = "hotline_asks_total{answered=\"true\"}";
    for (cache_bytes, expected_hits) in [(1024 * 1024, 2), (0, 0)] {
        let mut settings = test_settings();
        settings.answer_cache_bytes = cache_bytes;
        let (_data, server) = fresh_server(settings).await;
        let (hits_before, answered_before) = (
            counter(&server, HITS).await,
            counter(&server, ANSWERED).await,
        );
        let mut bodies = Vec::new();
        for _ in 0..3 {
            let response = server
                .client
                .post(server.url("/v1/ask"))
                .json(
                    &json!({"question": "退休了回老家住，医保要办什么手续", "region": "dongguan"}),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(
                response.headers()["content-type"].to_str().unwrap(),
                "application/json"
            );
            bodies.push(response.text().await.unwrap());
        }
        assert!(bodies.iter().all(|body| *body == bodies[0]));
        let answer: Value = serde_json::from_str(&bodies[0]).unwrap();
        assert_eq!(answer["answered"], true);
        let hits = counter(&server, HITS).await - hits_before;
        assert_eq!(hits, expected_hits, "cache of {cache_bytes} bytes");
        let answered = counter(&server, ANSWERED).await - answered_before;
        assert_eq!(answered, 3, "every ask is counted, cached or not");
        server.stop().await;
    }
}

#[tokio::test]
async fn ask_has_the_answer_shape() {
    let (_data, server) = fresh_server(test_settings()).await;
    let question = json!({"question": "退休了回老家住，医保要办什么手续", "top": 3});
    let (status, answer) = server.post("/v1/ask", None, &question).await;
    assert_eq!(status, 200);
    assert_eq!(answer["question"], "退休了回老家住，医保要办什么手续");
    assert!(answer["answered"].is_boolean());
    assert!(answer["answer"].as_str().is_some_and(|a| !a.is_empty()));
    assert!(answer["passages"].as_array().is_some_and(|p| p.len() <= 3));
    let (empty, _) = server
        .post("/v1/ask", None, &json!({"question": "  "}))
        .await;
    assert_eq!(empty, 400);
    server.stop().await;
}

#[tokio::test]
async fn openapi_document_describes_the_contract() {
    let (_data, server) = fresh_server(test_settings()).await;
    let (status, document) = server.get("/openapi.json", None).await;
    assert_eq!(status, 200);
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    assert!(document["info"]["title"].is_string());
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/healthz",
        "/v1/ask",
        "/v1/rules/evaluate",
        "/v1/sessions",
        "/v1/sessions/{id}",
        "/v1/sessions/{id}/messages",
        "/v1/sessions/{id}/events",
        "/v1/sessions/{id}/slots",
        "/v1/registrations/{id}",
        "/v1/registrations/{id}/form",
        "/v1/registrations/{id}/print-link",
        "/v1/sessions/{id}/accept",
        "/v1/sessions/{id}/release",
        "/v1/sessions/{id}/submit",
        "/v1/sessions/{id}/wrap-up",
        "/v1/events",
        "/v1/audit",
        "/v1/misses",
        "/v1/agents/me",
        "/metrics",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from the OpenAPI document"
        );
    }
    // The README's route table names every documented route.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for (path, operations) in paths {
        for method in operations.as_object().unwrap().keys() {
            let route = format!("{} {path}", method.to_uppercase());
            assert!(readme.contains(&route), "README lists no `{route}`");
        }
    }
    // Every operation has responses, and every $ref resolves.
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let text = document.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "dangling $ref {name}");
    }
    let docs = server
        .client
        .get(server.url("/docs/"))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status(), 200);
    server.stop().await;
}
