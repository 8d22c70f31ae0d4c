//! The phrase banks of `phrases.yaml`, and drawing from them.

use std::collections::BTreeMap;

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Situation {
    pub with_place: Vec<String>,
    pub bare: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Bank {
    pub fillers: Vec<String>,
    pub openings: Vec<String>,
    pub situations: BTreeMap<String, Situation>,
    pub destinations: Vec<String>,
    pub insurance: BTreeMap<String, Vec<String>>,
    pub relatives: Vec<(String, String)>,
    pub by_proxy_other: Vec<String>,
    pub names: Vec<String>,
    pub names_for_relative: Vec<String>,
    pub ids: Vec<String>,
    pub ids_for_relative: Vec<String>,
    pub phones: Vec<String>,
    pub channels: BTreeMap<String, Vec<String>>,
    pub materials: Vec<String>,
    pub materials_with_denial: Vec<String>,
    pub material_names: BTreeMap<String, Vec<String>>,
    pub by_proxy_self: Vec<String>,
    pub hukou_moved: Vec<String>,
    pub general_scheme: Vec<String>,
    pub no_costs: Vec<String>,
    pub affirm: Vec<String>,
    pub bare_have: Vec<String>,
    pub goodbye: Vec<String>,
    pub read_back_corrections: Vec<String>,
    pub materials_corrections: Vec<String>,
    pub id_tail_corrections: Vec<String>,
    pub corrections: Vec<String>,
    pub questions: Vec<String>,
    pub place_questions: Vec<String>,
    pub after_done: Vec<String>,
    pub places: Vec<(String, String)>,
    pub surnames: Vec<String>,
    pub given_names: Vec<String>,
    pub id_areas: Vec<String>,
    pub category_materials: BTreeMap<String, Vec<String>>,
}

impl Bank {
    pub fn load() -> Bank {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/simulated_callers/phrases.yaml"
        );
        let text = std::fs::read_to_string(path).expect("the phrase banks read");
        yaml_serde::from_str(&text).unwrap_or_else(|error| panic!("{path}: {error}"))
    }
}

/// One of `items`, uniformly.
pub fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("a phrase bank is never empty")
}

/// `template` with each `{key}` replaced.
pub fn fill(template: impl AsRef<str>, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.as_ref().to_string(), |text, (key, value)| {
            text.replace(&format!("{{{key}}}"), value)
        })
}

/// Digits as a caller speaks them: in groups, and often the hotline's
/// spoken forms (幺 for 1, 两 for 2, 洞 for 0, 拐 for 7, 勾 for 9).
pub fn spoken_digits(rng: &mut StdRng, digits: &str, groups: &[usize]) -> String {
    let spoken = rng.random_bool(0.6);
    let grouped = rng.random_bool(0.7);
    let mut out = String::new();
    let mut ends = groups.iter().scan(0, |end, size| {
        *end += size;
        Some(*end)
    });
    let mut next_end = ends.next();
    for (i, c) in digits.chars().enumerate() {
        let word = match (spoken, c) {
            (false, c) => c.to_string(),
            (true, '0') => pick(rng, &["洞", "零"]).to_string(),
            (true, '1') => pick(rng, &["幺", "一"]).to_string(),
            (true, '2') => pick(rng, &["两", "二"]).to_string(),
            (true, '3') => "三".into(),
            (true, '4') => "四".into(),
            (true, '5') => "五".into(),
            (true, '6') => "六".into(),
            (true, '7') => pick(rng, &["拐", "七"]).to_string(),
            (true, '8') => "八".into(),
            (true, '9') => pick(rng, &["勾", "九"]).to_string(),
            (true, other) => other.to_string(),
        };
        out.push_str(&word);
        if grouped && next_end == Some(i + 1) && i + 1 < digits.len() {
            out.push(' ');
            next_end = ends.next();
        } else if next_end == Some(i + 1) {
            next_end = ends.next();
        }
    }
    out
}

/// The short name: 湖南省 → 湖南, 广西壮族自治区 → 广西, 长沙市 → 长沙.
pub fn short(name: &str) -> String {
    for suffix in [
        "壮族自治区",
        "回族自治区",
        "维吾尔自治区",
        "自治区",
        "省",
        "市",
    ] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return stem.to_string();
        }
    }
    name.to_string()
}
