//! The agents' workspace over HTTP: a caller waits for a person, an agent
//! takes the call, writes, corrects, submits and wraps up; each agent has
//! their own token and the audit log names them; a resend is applied once;
//! the printable form opens by a short-lived link.

use hotline::server::AgentAccount;
use serde_json::{Value, json};

use crate::support::AGENT_TOKEN;
use crate::support::server::{fresh_server, open_session, say, test_settings};

const OTHER_TOKEN: &str = "second-agent-token-for-tests";

fn widget() -> Value {
    json!({"channel": "widget", "region": "dongguan", "today": "2026-11-23"})
}

async fn post(
    client: &reqwest::Client,
    url: String,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client.post(url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(client: &reqwest::Client, url: String, token: &str) -> Value {
    let response = client.get(url).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Answers what the dialogue asks until it reads the form back.
async fn fill_until_read_back(client: &reqwest::Client, base: &str, id: &str, token: &str) {
    let answer = |slot: &str| match slot {
        "category" => "我退休了要去湖南长沙养老，户口已经迁过去了",
        "insurance" => "职工医保",
        "destination" | "destination.province" | "destination.city" => "湖南省长沙市",
        "applicant.name" => "我叫张建国",
        "applicant.id_number" => "身份证号440304197812032012",
        "applicant.phone" => "电话15027189963",
        _ => "有户口本和身份证",
    };
    let mut turn: Value = say(client, base, id, token, answer("category"))
        .await
        .json()
        .await
        .unwrap();
    for _ in 0..12 {
        if turn["state"] == "confirming" {
            return;
        }
        let slot = turn["missing"][0]
            .as_str()
            .unwrap_or("materials")
            .to_string();
        turn = say(client, base, id, token, answer(&slot))
            .await
            .json()
            .await
            .unwrap();
    }
    panic!("never reached the read-back: {turn}");
}

#[tokio::test]
async fn an_agent_takes_a_call_to_the_end_and_the_audit_names_them() {
    let mut settings = test_settings();
    settings
        .agents
        .push(AgentAccount::with_token("王强", OTHER_TOKEN));
    let (_data, server) = fresh_server(settings).await;
    let client = &server.client;
    let base = &server.base;
    let url = |path: String| format!("{base}{path}");

    let (unused, _, _) = open_session(client, base, widget()).await;
    let (busy, busy_token, _) = open_session(client, base, widget()).await;
    say(client, base, &busy, &busy_token, "我要办异地就医备案").await;
    let (id, token, _) = open_session(client, base, widget()).await;
    fill_until_read_back(client, base, &id, &token).await;

    // The caller asks for a person: told once, then waits in silence.
    let turn: Value = say(client, base, &id, &token, "转人工")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(turn["state"], "handoff");
    assert!(turn["reply"].as_str().unwrap().contains("人工"));
    let waiting: Value = say(client, base, &id, &token, "还要等多久")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(waiting["state"], "handoff");
    assert_eq!(waiting["reply"], "", "told once, not on every message");

    // The queue: the waiting caller first, with a wait time; the unused
    // session not at all.
    let queue = get(client, url("/v1/sessions".into()), AGENT_TOKEN).await;
    let cards = queue["sessions"].as_array().unwrap();
    assert_eq!(cards[0]["session_id"], id.as_str());
    assert!(cards[0]["waiting_since"].is_string());
    assert_eq!(cards[0]["name"], "张建国");
    assert_eq!(cards[0]["phone"], "150****9963");
    assert!(cards.iter().any(|card| card["session_id"] == busy.as_str()));
    assert!(
        !cards
            .iter()
            .any(|card| card["session_id"] == unused.as_str())
    );
    let everything = get(
        client,
        url("/v1/sessions?include_empty=true".into()),
        AGENT_TOKEN,
    )
    .await;
    assert!(
        everything["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|card| card["session_id"] == unused.as_str())
    );

    // An agent's message before accepting is refused; then accept.
    let (status, _) = post(
        client,
        url(format!("/v1/sessions/{id}/messages")),
        AGENT_TOKEN,
        Some(json!({"text": "您好"})),
    )
    .await;
    assert_eq!(status, 409);
    let (status, accepted) = post(
        client,
        url(format!("/v1/sessions/{id}/accept")),
        AGENT_TOKEN,
        None,
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["state"], "agent_active");
    let (status, taken) = post(
        client,
        url(format!("/v1/sessions/{id}/accept")),
        OTHER_TOKEN,
        None,
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        taken["error"]["message"]
            .as_str()
            .unwrap()
            .contains("值班坐席")
    );

    // The agent writes; the caller's answer gets no reply from the assistant.
    let (status, _) = post(
        client,
        url(format!("/v1/sessions/{id}/messages")),
        AGENT_TOKEN,
        Some(json!({"text": "请问电话还对吗？"})),
    )
    .await;
    assert_eq!(status, 200);
    let answer: Value = say(client, base, &id, &token, "电话换了")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["reply"], "");
    assert_eq!(answer["state"], "agent_active");

    // Not confirmed yet: submit is refused.
    let (status, refused) = post(
        client,
        url(format!("/v1/sessions/{id}/submit")),
        AGENT_TOKEN,
        None,
    )
    .await;
    assert_eq!(status, 409, "{refused}");

    // The agent corrects the phone: the suggestion reads the new value back.
    let (status, _) = post(
        client,
        url(format!("/v1/sessions/{id}/slots")),
        AGENT_TOKEN,
        Some(json!({"slot": "applicant.phone", "value": "13912345678"})),
    )
    .await;
    assert_eq!(status, 200);
    let view = get(client, url(format!("/v1/sessions/{id}")), AGENT_TOKEN).await;
    let suggestion = view["held"]["suggestion"].as_str().unwrap();
    assert!(suggestion.contains("13912345678"), "{suggestion}");
    assert_eq!(view["held"]["form"], "confirming");
    assert_eq!(view["held"]["confirmed"], false);
    // The caller confirms; then the agent submits.
    post(
        client,
        url(format!("/v1/sessions/{id}/messages")),
        AGENT_TOKEN,
        Some(json!({"text": suggestion})),
    )
    .await;
    let confirmed: Value = say(client, base, &id, &token, "对")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(confirmed["reply"], "");
    // Until the agent submits, the suggestion does not tell the caller the
    // registration is made.
    let view = get(client, url(format!("/v1/sessions/{id}")), AGENT_TOKEN).await;
    let suggestion = view["held"]["suggestion"].as_str().unwrap();
    assert!(
        suggestion.contains("提交") && !suggestion.contains("已经为您登记"),
        "{suggestion}"
    );
    let (status, submitted) = post(
        client,
        url(format!("/v1/sessions/{id}/submit")),
        AGENT_TOKEN,
        None,
    )
    .await;
    assert_eq!(status, 200, "{submitted}");
    let registration_id = submitted["registration_id"].as_str().unwrap().to_string();
    let registration = get(
        client,
        url(format!("/v1/registrations/{registration_id}")),
        AGENT_TOKEN,
    )
    .await;
    assert_eq!(
        registration["application"]["applicant"]["phone"],
        "13912345678"
    );

    // Wrap-up: an unknown disposition is refused; a known one ends the call.
    let (status, _) = post(
        client,
        url(format!("/v1/sessions/{id}/wrap-up")),
        AGENT_TOKEN,
        Some(json!({"disposition": "vanished"})),
    )
    .await;
    assert_eq!(status, 400);
    let (status, wrapped) = post(
        client,
        url(format!("/v1/sessions/{id}/wrap-up")),
        AGENT_TOKEN,
        Some(json!({"disposition": "registered", "note": "换了电话"})),
    )
    .await;
    assert_eq!(status, 200, "{wrapped}");
    assert_eq!(wrapped["state"], "done");

    // The caller's transcript: the agent's lines as the agent's.
    let caller_view = get(client, url(format!("/v1/sessions/{id}")), &token).await;
    let transcript = caller_view["transcript"].as_array().unwrap();
    assert!(
        transcript
            .iter()
            .any(|line| line["role"] == "agent" && line["text"] == "请问电话还对吗？")
    );
    // The audit log names the agent for each action.
    let audit = get(client, url("/v1/audit".into()), AGENT_TOKEN).await;
    let mine: Vec<&Value> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["session_id"] == id.as_str())
        .collect();
    for action in ["accept", "message", "edit_slot", "submit", "wrap_up"] {
        assert!(
            mine.iter().any(|entry| entry["action"] == action),
            "{action}"
        );
    }
    assert!(mine.iter().all(|entry| entry["actor"] == "值班坐席"));
    let who = get(client, url("/v1/agents/me".into()), OTHER_TOKEN).await;
    assert_eq!(who["name"], "王强");
    server.stop().await;
}

#[tokio::test]
async fn a_resent_message_is_applied_once() {
    let (_data, server) = fresh_server(test_settings()).await;
    let client = &server.client;
    let base = &server.base;
    let (id, token, _) = open_session(client, base, widget()).await;
    let send = || {
        client
            .post(format!("{base}/v1/sessions/{id}/messages"))
            .bearer_auth(&token)
            .json(&json!({"text": "职工医保", "client_id": "c-1"}))
            .send()
    };
    let first: Value = send().await.unwrap().json().await.unwrap();
    let again: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(first, again);
    let view = get(client, format!("{base}/v1/sessions/{id}"), &token).await;
    let caller_lines = view["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|line| line["role"] == "caller")
        .count();
    assert_eq!(caller_lines, 1);
    let (status, _) = post(
        client,
        format!("{base}/v1/sessions/{id}/messages"),
        &token,
        Some(json!({"text": "你好", "client_id": "x".repeat(65)})),
    )
    .await;
    assert_eq!(status, 400);
    server.stop().await;
}

#[tokio::test]
async fn an_agents_correction_is_read_back_to_the_caller() {
    let (_data, server) = fresh_server(test_settings()).await;
    let client = &server.client;
    let base = &server.base;
    let (id, token, _) = open_session(client, base, widget()).await;
    fill_until_read_back(client, base, &id, &token).await;
    let (status, _) = post(
        client,
        format!("{base}/v1/sessions/{id}/slots"),
        AGENT_TOKEN,
        Some(json!({"slot": "applicant.phone", "value": "13912345678"})),
    )
    .await;
    assert_eq!(status, 200);
    // The assistant has the call: the read-back of the new value goes to
    // the caller before they can confirm.
    let view = get(client, format!("{base}/v1/sessions/{id}"), &token).await;
    let last = view["transcript"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["role"], "assistant");
    assert!(
        last["text"].as_str().unwrap().contains("13912345678"),
        "{last}"
    );
    assert_eq!(view["state"], "confirming");
    server.stop().await;
}

#[tokio::test]
async fn a_print_link_opens_one_form_without_a_token() {
    let (_data, server) = fresh_server(test_settings()).await;
    let client = &server.client;
    let base = &server.base;
    let (id, token, _) = open_session(client, base, widget()).await;
    fill_until_read_back(client, base, &id, &token).await;
    let done: Value = say(client, base, &id, &token, "对")
        .await
        .json()
        .await
        .unwrap();
    let registration_id = done["registration_id"].as_str().unwrap();
    let (status, link) = post(
        client,
        format!("{base}/v1/registrations/{registration_id}/print-link"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let link = link["url"].as_str().unwrap();
    assert!(!link.contains(&token) && link.contains("ticket="));
    let form = client.get(format!("{base}{link}")).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let html = form.text().await.unwrap();
    assert!(html.contains("符合条件"), "the form's status is in Chinese");
    assert!(!html.contains("accepted") && !html.contains("说明："));
    let forged = link.replace("ticket=", "ticket=0");
    let refused = client.get(format!("{base}{forged}")).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    server.stop().await;
}

/// An agent's typo in an ID number or phone is refused with the reason
/// (nothing is read back or stored); a good one is kept in normal form.
#[tokio::test]
async fn an_agents_typo_in_an_id_or_phone_is_refused() {
    let (_data, server) = fresh_server(test_settings()).await;
    let client = &server.client;
    let base = &server.base;
    let (id, token, _) = open_session(client, base, widget()).await;
    fill_until_read_back(client, base, &id, &token).await;
    let edit = |slot: &'static str, value: &'static str| {
        post(
            client,
            format!("{base}/v1/sessions/{id}/slots"),
            AGENT_TOKEN,
            Some(json!({"slot": slot, "value": value})),
        )
    };
    for (slot, typo, reason) in [
        ("applicant.id_number", "12345", "位数"),
        ("applicant.id_number", "990304197812032012", "地区代码"),
        ("applicant.id_number", "440304197812032013", "校验位"),
        ("applicant.id_number", "44030419781203201", "位数"),
        ("applicant.id_number", "440304207812032012", "出生日期"),
        ("applicant.phone", "123", "位数"),
        ("applicant.phone", "1502718996", "位数"),
        ("applicant.phone", "25027189963", "1开头"),
        ("applicant.phone", "一五零二七一八九九六三", "数字"),
        ("applicant.phone", "0769-12345", "座机"),
    ] {
        let (status, body) = edit(slot, typo).await;
        assert_eq!(status, 400, "{slot} = {typo}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(reason) && message.contains(slot),
            "{slot} = {typo}: {message}"
        );
    }
    // A number typed as a JSON number is no ID number either.
    let (status, body) = post(
        client,
        format!("{base}/v1/sessions/{id}/slots"),
        AGENT_TOKEN,
        Some(json!({"slot": "applicant.id_number", "value": 12345})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|message| message.starts_with("applicant.id_number")),
        "{body}"
    );
    let view = get(client, format!("{base}/v1/sessions/{id}"), AGENT_TOKEN).await;
    assert_eq!(
        view["slots"]["applicant"]["id_number"],
        "440304197812032012"
    );
    assert_eq!(view["slots"]["applicant"]["phone"], "15027189963");
    assert_eq!(
        view["state"], "confirming",
        "a refused edit changes nothing"
    );

    let (status, _) = edit("applicant.id_number", "11010519491231002x").await;
    assert_eq!(status, 200);
    let (status, _) = edit("applicant.phone", "0769 2233 4455").await;
    assert_eq!(status, 200);
    let view = get(client, format!("{base}/v1/sessions/{id}"), AGENT_TOKEN).await;
    assert_eq!(
        view["slots"]["applicant"]["id_number"],
        "11010519491231002X"
    );
    assert_eq!(view["slots"]["applicant"]["phone"], "0769-22334455");
    server.stop().await;
}
