//! The shared rules module: `evaluate(&Policies, &Application, today) ->
//! Decision`. Pure: no IO and no clock; the caller passes `today`.
//!
//! - `application`: the contract's Application and Decision types;
//! - `policy`: the shapes of a region's rule data, every parameter dated and
//!   cited;
//! - `load`: reads and checks `corpus/<region>/rules.yaml` (the only IO);
//! - `personal`: `IdNumber` and `Phone`, the caller's numbers, checked by
//!   one constructor wherever they enter;
//! - `engine`: the decision itself.
//!
//! Adding a region needs only its data file: nothing here names a region.

pub mod application;
pub mod engine;
pub mod load;
pub mod personal;
pub mod policy;

use std::collections::{BTreeMap, BTreeSet};

pub use application::*;
pub use engine::{evaluate, evaluate_with};
pub use personal::{IdNumber, InvalidNumber, Phone};

impl Policies {
    /// Every channel the data knows: the common ones, then the apps.
    pub fn channels(&self) -> Vec<Channel> {
        let apps = self.apps.keys().map(|id| Channel::App(id.clone()));
        Channel::COMMON.into_iter().chain(apps).collect()
    }

    /// How an agent names `channel` to a caller (an app by its name in
    /// `corpus/regions.toml`).
    pub fn channel_label(&self, channel: &Channel) -> String {
        match channel {
            Channel::App(id) => self.apps.get(id).map_or(id, |app| &app.name).clone(),
            common => common.common_label().unwrap_or_default().to_string(),
        }
    }
}

/// Why the rules module refused an Application (bad input, never a panic).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct RulesInputError {
    /// The Application field at fault, e.g. `region` or `materials`.
    pub field: String,
    pub message: String,
}

/// Every region's rule data, checked and ready to evaluate.
#[derive(Debug, Clone, Default)]
pub struct Policies {
    /// Keyed by region id.
    pub regions: BTreeMap<String, policy::RegionPolicy>,
    /// Every corpus passage a cite may name, keyed by passage id.
    pub citations: BTreeMap<String, Citation>,
    /// Material ids of the contract and of every region file.
    pub known_materials: BTreeSet<String>,
    /// The provincial apps of `corpus/regions.toml`, keyed by id.
    pub apps: BTreeMap<String, crate::corpus::App>,
    /// The official working days (`corpus/calendar/`), for deadlines.
    pub calendar: crate::calendar::Calendar,
    /// Each slot's one name (`intents/slots.yaml`, set with
    /// [`Policies::name_slots`]), for the notes that say what is still
    /// needed; a slot without one is said by its path.
    pub slot_labels: BTreeMap<String, String>,
}

impl Policies {
    /// Names the slots as the slot table does (`applicant.id_number` →
    /// 身份证号), so a note says what is missing in the words the dialogue,
    /// the form and the pages use.
    pub fn name_slots<'a>(&mut self, labels: impl IntoIterator<Item = (&'a str, &'a str)>) {
        self.slot_labels = labels
            .into_iter()
            .map(|(path, label)| (path.to_string(), label.to_string()))
            .collect();
    }

    /// What the notes call a slot: its label, or its path.
    pub fn slot_label<'a>(&'a self, path: &'a str) -> &'a str {
        self.slot_labels.get(path).map_or(path, String::as_str)
    }

    /// The category as the region's documents name it: its own `name`, or
    /// the name of the category it `maps_to` (东莞's 外出农民工 are
    /// 异地长期居住人员), or the national name.
    pub fn category_name(&self, region: &str, category: Category) -> String {
        let rules = self
            .regions
            .get(region)
            .and_then(|policy| policy.schemes.get("general"));
        let mut id = category.id().to_string();
        // A chain of maps_to is short; the bound only guards a loop.
        for _ in 0..4 {
            let Some(rule) = rules.and_then(|rules| rules.categories.get(&id)) else {
                break;
            };
            if let Some(name) = rule.name.as_ref().and_then(|name| name.versions().first()) {
                return name.value.clone();
            }
            match rule.maps_to.as_ref().and_then(|to| to.versions().first()) {
                Some(to) => id = to.value.clone(),
                None => break,
            }
        }
        Category::ALL
            .into_iter()
            .find(|category| category.id() == id)
            .unwrap_or(category)
            .label()
            .to_string()
    }
}
