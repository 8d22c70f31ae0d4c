//! How well callers are understood, measured on two sets of cases written
//! from caller personas (`frozen.yaml`, never tuned on, and `tuning.yaml`):
//! intent, category, name, proxy and materials, each case in the context
//! of its call (region, pending question, earlier turns). Both parts'
//! figures are printed on every run; the frozen part's are the ones that
//! count.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;

use hotline::corpus::Corpus;
use hotline::nlu::{Context, Intent, OwnCategories, Understanding};
use hotline::rules::{Category, Policies};
use serde::Deserialize;

use super::{nlu, today};

/// What the frozen part must reach: at least 95 % of intents and 90 % of
/// categories right.
const FROZEN_TARGETS: [(&str, f64); 2] = [("intent", 0.95), ("category", 0.90)];

/// What the frozen part reaches today, per measure: a run below any of
/// these is a regression. Raise each floor as the understanding improves.
const FROZEN_FLOORS: [(&str, f64); 5] = [
    ("intent", 0.97),
    ("category", 0.98),
    ("name", 0.95),
    ("proxy", 0.96),
    ("materials", 0.90),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    text: String,
    #[serde(default = "dongguan")]
    region: String,
    #[serde(default)]
    pending: Option<String>,
    #[serde(default)]
    before: Vec<String>,
    #[serde(default)]
    intent: Option<Intent>,
    /// A category id, `a|b` (the question between them is due) or `none`.
    #[serde(default)]
    category: Option<String>,
    /// The name, or `none`.
    #[serde(default)]
    name: Option<String>,
    /// true, false or `none` (nothing said either way).
    #[serde(default)]
    proxy: Option<serde_json::Value>,
    #[serde(default)]
    materials: Option<Vec<String>>,
    #[serde(default)]
    lacking: Option<Vec<String>>,
}

fn dongguan() -> String {
    "dongguan".into()
}

fn cases(file: &str) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/nlu")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    yaml_serde::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Each region's own categories, from the real rule data.
fn own_categories(region: &str) -> &'static OwnCategories {
    static ALL: OnceLock<BTreeMap<String, OwnCategories>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        let corpus_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let corpus = Corpus::load(&corpus_dir).expect("corpus loads");
        let policies = Policies::load(&corpus_dir, &corpus).expect("rules load");
        policies
            .regions
            .keys()
            .map(|region| {
                (
                    region.clone(),
                    OwnCategories::of(&policies, region, today()),
                )
            })
            .collect()
    });
    &all[region]
}

/// The understanding of a case's utterance in the context of its call.
fn understand(case: &Case) -> Understanding {
    let nlu = nlu();
    let own = own_categories(&case.region);
    let mut situation = Vec::new();
    for earlier in &case.before {
        let context = Context {
            pending: None,
            situation: &situation,
            own_categories: Some(own),
        };
        let understanding = nlu.understand_in(earlier, today(), &context);
        situation = understanding.entities.situation;
    }
    let context = Context {
        pending: case.pending.as_deref(),
        situation: &situation,
        own_categories: Some(own),
    };
    nlu.understand_in(&case.text, today(), &context)
}

/// Right and total per measure, with the failures to show.
#[derive(Default)]
struct Tally {
    right: BTreeMap<&'static str, (usize, usize)>,
    failures: Vec<String>,
}

impl Tally {
    fn check(&mut self, measure: &'static str, case: &Case, ok: bool, got: String) {
        let entry = self.right.entry(measure).or_default();
        entry.1 += 1;
        if ok {
            entry.0 += 1;
        } else {
            self.failures.push(format!(
                "{measure}: {} ({:?}) → {got}",
                case.text, case.pending
            ));
        }
    }

    fn share(&self, measure: &str) -> f64 {
        self.right
            .get(measure)
            .map_or(1.0, |(right, total)| *right as f64 / (*total).max(1) as f64)
    }

    fn line(&self, part: &str) -> String {
        let figures: Vec<String> = self
            .right
            .iter()
            .map(|(measure, (right, total))| {
                format!(
                    "{measure} {:.1} % ({right}/{total})",
                    100.0 * *right as f64 / (*total).max(1) as f64
                )
            })
            .collect();
        format!("{part}: {}", figures.join(", "))
    }
}

fn category_ok(expected: &str, understanding: &Understanding) -> bool {
    let entities = &understanding.entities;
    if expected == "none" {
        return entities.category.is_none() && entities.category_options.is_empty();
    }
    let wanted: Vec<Category> = expected
        .split('|')
        .map(|id| {
            Category::ALL
                .into_iter()
                .find(|category| category.id() == id)
                .unwrap_or_else(|| panic!("unknown category {id}"))
        })
        .collect();
    if let [only] = wanted[..] {
        return entities.category == Some(only);
    }
    let ids = |categories: &[Category]| {
        let mut ids: Vec<&str> = categories.iter().map(|category| category.id()).collect();
        ids.sort();
        ids
    };
    entities.category.is_none() && ids(&entities.category_options) == ids(&wanted)
}

fn measure(file: &str) -> Tally {
    let mut tally = Tally::default();
    for case in cases(file) {
        let understanding = understand(&case);
        let entities = &understanding.entities;
        if let Some(intent) = case.intent {
            tally.check(
                "intent",
                &case,
                understanding.intent == intent,
                format!("{} {:?}", understanding.intent, understanding.intents),
            );
        }
        if let Some(expected) = &case.category {
            tally.check(
                "category",
                &case,
                category_ok(expected, &understanding),
                format!("{:?} {:?}", entities.category, entities.category_options),
            );
        }
        if let Some(expected) = &case.name {
            let wanted = (expected != "none").then_some(expected.as_str());
            tally.check(
                "name",
                &case,
                entities.name.as_deref() == wanted,
                format!("{:?}", entities.name),
            );
        }
        if let Some(expected) = &case.proxy {
            tally.check(
                "proxy",
                &case,
                entities.by_proxy == expected.as_bool(),
                format!("{:?}", entities.by_proxy),
            );
        }
        if case.materials.is_some() || case.lacking.is_some() {
            let same = |expected: &Option<Vec<String>>, got: &[String]| {
                expected.as_ref().is_none_or(|expected| {
                    let mut expected = expected.clone();
                    let mut got = got.to_vec();
                    expected.sort();
                    got.sort();
                    expected == got
                })
            };
            tally.check(
                "materials",
                &case,
                same(&case.materials, &entities.materials)
                    && same(&case.lacking, &entities.negated_materials),
                format!(
                    "have {:?}, lack {:?}",
                    entities.materials, entities.negated_materials
                ),
            );
        }
    }
    tally
}

/// Written straight to stdout, past the test harness's capture, so that
/// every `cargo test --test nlu` shows the figures.
fn report(text: &str) {
    let _ = writeln!(std::io::stdout(), "{text}");
}

#[test]
fn understanding_figures_frozen_and_tuning() {
    let tuning = measure("tuning.yaml");
    let frozen = measure("frozen.yaml");
    report(&tuning.line("understanding, tuning part"));
    // Only the tuning part's failures are for working on.
    if std::env::var_os("SHOW_TUNING_FAILURES").is_some() {
        report(&tuning.failures.join("\n"));
    }
    report(&frozen.line("understanding, frozen part"));
    let targets: Vec<String> = FROZEN_TARGETS
        .iter()
        .map(|(measure, target)| {
            let met = if frozen.share(measure) >= *target {
                "met"
            } else {
                "not met"
            };
            format!("{measure} ≥ {:.0} % {met}", target * 100.0)
        })
        .collect();
    report(&format!(
        "understanding, frozen targets: {}",
        targets.join(", ")
    ));
    let below: Vec<String> = FROZEN_FLOORS
        .iter()
        .filter(|(measure, floor)| frozen.share(measure) < *floor)
        .map(|(measure, floor)| format!("{measure} below {:.0} %", floor * 100.0))
        .collect();
    assert!(
        below.is_empty(),
        "frozen part regressed: {}\n\nfrozen failures:\n{}\n\ntuning failures:\n{}",
        below.join(", "),
        frozen.failures.join("\n"),
        tuning.failures.join("\n")
    );
}

/// FNV-1a over the file's bytes: enough to notice an edit.
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The frozen part as written before any tuning on it.
const FROZEN_FINGERPRINT: u64 = 8718604118252094737;

#[test]
fn the_frozen_part_is_never_edited() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nlu/frozen.yaml");
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        fingerprint(&bytes),
        FROZEN_FINGERPRINT,
        "tests/nlu/frozen.yaml changed: it is the honest measure only while nobody tunes it; add cases to tuning.yaml instead"
    );
}

/// A case copied into the examples would be right by construction. Replies
/// of one or two characters (对, 没有, 中) are the exception: they are the
/// vocabulary itself, and both sides must hold them.
#[test]
fn neither_part_copies_an_intent_example() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/examples");
    let mut examples = std::collections::HashSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            if let Some(example) = line.trim().strip_prefix("- ") {
                examples.insert(example.trim().to_string());
            }
        }
    }
    for case in cases("frozen.yaml").into_iter().chain(cases("tuning.yaml")) {
        assert!(
            case.text.chars().count() <= 2 || !examples.contains(&case.text),
            "{} is an intent example",
            case.text
        );
    }
}
