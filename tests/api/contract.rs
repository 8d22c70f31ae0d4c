//! The public contract's shapes and the data they come from.

use serde_json::{Value, json};

use crate::helpers::{fresh_server, repo_dir, test_settings};

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
    let client = &server.client;
    let listed: Value = client
        .get(server.url("/v1/regions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
    for app in corpus_apps() {
        assert_eq!(label(app["id"].as_str().unwrap()).as_deref(), app["name"].as_str());
    }
    for region in listed["regions"].as_array().unwrap() {
        assert!(region["name"].as_str().is_some_and(|name| name.ends_with('市')), "{region}");
        assert!(region["province"].as_str().is_some_and(|p| !p.is_empty()), "{region}");
    }

    for region in &ids {
        let opened = client
            .post(server.url("/v1/sessions"))
            .json(&json!({"channel": "phone", "region": region}))
            .send()
            .await
            .unwrap();
        assert_eq!(opened.status(), 201, "a session in {region}");
        let asked = client
            .post(server.url("/v1/ask"))
            .json(&json!({"question": "异地就医备案要带什么材料", "region": region}))
            .send()
            .await
            .unwrap();
        assert_eq!(asked.status(), 200, "a question about {region}");
    }
    for unknown in ["shenzhen", "Dongguan ", ""] {
        let refused = client
            .post(server.url("/v1/sessions"))
            .json(&json!({"channel": "phone", "region": unknown}))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 400, "region {unknown:?}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_field");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.starts_with("region:"), "{message}");
        assert!(ids.iter().all(|id| message.contains(id.as_str())), "{message}");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_session_without_a_region_opens_in_the_first_one() {
    let (_data, server) = fresh_server(test_settings()).await;
    let (id, token, _) = crate::helpers::open_session(
        &server.client,
        &server.base,
        json!({"channel": "widget"}),
    )
    .await;
    let view: Value = server
        .client
        .get(server.url(&format!("/v1/sessions/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["region"], corpus_regions()[0].as_str());
    server.stop().await;
}
