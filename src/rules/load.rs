//! Reading and checking the rule data: `corpus/<region>/rules.yaml`.
//!
//! The loader refuses a file on any problem and reports each one as
//! `path:line: what is wrong`: YAML errors, a `cite` that names no corpus
//! passage, a material id nobody defined, a category left out, a `maps_to`
//! that points nowhere. After loading, every parameter's dates are resolved
//! (inherited from its document where not given), so the pure engine only
//! asks "which version is in force on this day".

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::Policies;
use super::application::{Category, Channel, Citation, EndKind};
use super::policy::*;
use crate::calendar::Calendar;
use crate::corpus::{Corpus, LoadError, Passage, Problem};

/// The material ids of the public contract (§2.2); a region's file adds its own.
pub const CONTRACT_MATERIALS: [&str; 16] = [
    "registration_form",
    "maternity_registration_form",
    "id_card",
    "social_security_card",
    "e_voucher",
    "household_register",
    "residence_permit",
    "residence_permit_receipt",
    "property_certificate",
    "enrollment_proof",
    "commitment_letter",
    "dispatch_certificate",
    "employer_certificate",
    "labor_contract",
    "referral_certificate",
    "proxy_id",
];

/// The longest quote a citation carries, in characters.
const QUOTE_CHARS: usize = 80;

impl Policies {
    /// Loads every `corpus_dir/<region>/rules.yaml` and checks its cites
    /// against the passages of `corpus`.
    pub fn load(corpus_dir: &Path, corpus: &Corpus) -> Result<Policies, LoadError> {
        let citations = corpus
            .passages
            .iter()
            .map(|passage| (passage.id.clone(), citation(passage)))
            .collect();
        let mut files: Vec<PathBuf> = read_dir_sorted(corpus_dir)?
            .into_iter()
            .map(|dir| dir.join("rules.yaml"))
            .filter(|file| file.is_file())
            .collect();
        files.sort();
        let mut problems = Vec::new();
        let calendar = read_calendar(&corpus_dir.join("calendar")).unwrap_or_else(|found| {
            problems.extend(found);
            Calendar::default()
        });
        let mut policies = Policies {
            regions: BTreeMap::new(),
            citations,
            known_materials: CONTRACT_MATERIALS.iter().map(|id| id.to_string()).collect(),
            apps: corpus
                .apps
                .iter()
                .map(|app| (app.id.clone(), app.clone()))
                .collect(),
            calendar,
            slot_labels: BTreeMap::new(),
        };
        let mut loaded = Vec::new();
        for file in files {
            match read_region(&file) {
                Ok(region) => {
                    policies
                        .known_materials
                        .extend(region.materials.keys().cloned());
                    loaded.push((file, region));
                }
                Err(problem) => problems.push(problem),
            }
        }
        for (file, mut region) in loaded {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let province = region.province.clone();
            let mut check = Check {
                file: &file,
                text: &text,
                province: &province,
                policies: &policies,
                problems: &mut problems,
            };
            check.region(&mut region);
            policies.regions.insert(region.region.clone(), region);
        }
        if problems.is_empty() {
            Ok(policies)
        } else {
            Err(LoadError { problems })
        }
    }
}

fn problem(path: &Path, line: usize, message: impl Into<String>) -> Problem {
    Problem {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|error| LoadError {
        problems: vec![problem(dir, 0, format!("cannot read the folder: {error}"))],
    })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    Ok(paths)
}

/// Reads `corpus/calendar/<year>.toml`, every year, and checks them.
fn read_calendar(dir: &Path) -> Result<Calendar, Vec<Problem>> {
    let files = read_dir_sorted(dir).map_err(|error| error.problems)?;
    let mut years = Vec::new();
    for path in files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
    {
        match std::fs::read_to_string(&path) {
            Ok(text) => years.push((path, text)),
            Err(error) => return Err(vec![problem(&path, 1, error.to_string())]),
        }
    }
    if years.is_empty() {
        return Err(vec![problem(
            dir,
            1,
            "no <year>.toml: deadlines need the holiday calendar",
        )]);
    }
    Calendar::parse(&years)
}

fn read_region(file: &Path) -> Result<RegionPolicy, Problem> {
    let text =
        std::fs::read_to_string(file).map_err(|error| problem(file, 0, error.to_string()))?;
    yaml_serde::from_str(&text).map_err(|error| {
        let line = error.location().map_or(0, |location| location.line());
        problem(file, line, error.to_string())
    })
}

/// The citation of a passage: its label and the first words of its text.
fn citation(passage: &Passage) -> Citation {
    let flat: String = passage
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut quote: String = flat.chars().take(QUOTE_CHARS).collect();
    if flat.chars().count() > QUOTE_CHARS {
        quote.push('…');
    }
    Citation {
        doc_id: passage.doc_id.clone(),
        clause: passage.clause.clone(),
        quote,
        passage_id: passage.id.clone(),
    }
}

/// Checks one region file and resolves its parameters' dates.
struct Check<'a> {
    file: &'a Path,
    text: &'a str,
    /// The region's province: the only one whose apps it may offer.
    province: &'a str,
    policies: &'a Policies,
    problems: &'a mut Vec<Problem>,
}

impl Check<'_> {
    /// The line where `needle` first appears (1-based), 0 if nowhere.
    fn line_of(&self, needle: &str) -> usize {
        self.text
            .lines()
            .position(|line| line.contains(needle))
            .map_or(0, |index| index + 1)
    }

    fn fail(&mut self, needle: &str, message: String) {
        let line = self.line_of(needle);
        self.problems.push(problem(self.file, line, message));
    }

    fn region(&mut self, region: &mut RegionPolicy) {
        let folder = self
            .file
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str());
        if folder != Some(region.region.as_str()) {
            self.fail(
                "region:",
                format!("region `{}` is not the name of its folder", region.region),
            );
        }
        let documents: BTreeMap<String, InForce> = region
            .documents
            .iter()
            .map(|document| (document.doc_id.clone(), document.in_force))
            .collect();
        for document in &region.documents {
            self.cite(&document.cite);
        }
        if region.documents.is_empty() {
            self.fail("documents:", "no documents listed".into());
        }
        if let Some(param) = region.office_hours.as_mut() {
            self.param(param, &documents);
        }
        if let Some(param) = region.phone.as_mut() {
            self.param(param, &documents);
        }
        if let Some(param) = region.province_level_destinations.as_mut() {
            self.param(param, &documents);
        }
        self.param(&mut region.home_area, &documents);
        for (scheme_id, scheme) in region.schemes.iter_mut() {
            if scheme_id != "general" && scheme_id != "maternity" {
                self.fail(
                    &format!("{scheme_id}:"),
                    format!("unknown scheme `{scheme_id}`"),
                );
            }
            if !documents.contains_key(&scheme.document) {
                self.fail(
                    &format!("document: {}", scheme.document),
                    format!(
                        "scheme document `{}` is not listed under documents",
                        scheme.document
                    ),
                );
            }
            for (channel, days) in scheme.processing_days.iter_mut() {
                self.channel(channel);
                self.param(days, &documents);
            }
            self.categories(scheme, &documents);
        }
    }

    fn categories(&mut self, scheme: &mut SchemeRules, documents: &BTreeMap<String, InForce>) {
        let expected: Vec<&str> = if scheme.category_required {
            Category::ALL.iter().map(|c| c.id()).collect()
        } else {
            vec!["any"]
        };
        for id in &expected {
            if !scheme.categories.contains_key(*id) {
                self.fail(
                    "categories:",
                    format!("category `{id}` is missing: say how the region treats it"),
                );
            }
        }
        let keys: BTreeSet<String> = scheme.categories.keys().cloned().collect();
        for (id, rule) in scheme.categories.iter_mut() {
            if !expected.contains(&id.as_str()) {
                self.fail(&format!("{id}:"), format!("unknown category `{id}`"));
            }
            if let Some(maps_to) = rule.maps_to.as_mut() {
                self.param(maps_to, documents);
                for version in maps_to.versions() {
                    if !keys.contains(&version.value) {
                        self.fail(
                            &format!("value: {}", version.value),
                            format!(
                                "maps_to `{}` is not a category of this scheme",
                                version.value
                            ),
                        );
                    }
                }
            }
            self.rule(rule, documents);
        }
    }

    fn rule(&mut self, rule: &mut CategoryRule, documents: &BTreeMap<String, InForce>) {
        macro_rules! each {
            ($($field:ident),*) => {$(
                if let Some(param) = rule.$field.as_mut() {
                    self.param(param, documents);
                }
            )*};
        }
        each!(
            name,
            class,
            insurance,
            scope,
            channels,
            validity,
            late_start,
            commitment,
            change_lock,
            ratio_delta,
            personal_account
        );
        let offered = rule.channels.iter().flat_map(Param::versions);
        let groups = rule.materials.iter().flat_map(Param::versions);
        let named: Vec<Channel> = offered
            .flat_map(|version| version.value.iter().map(|offer| offer.channel.clone()))
            .chain(groups.flat_map(|version| {
                version
                    .value
                    .iter()
                    .flat_map(|group| group.except_via.iter().chain(&group.only_via).cloned())
            }))
            .collect();
        for channel in &named {
            self.channel(channel);
        }
        for version in rule.validity.iter().flat_map(Param::versions) {
            let length = version.value.months.is_some() || version.value.days.is_some();
            let problem = match (length, version.value.end) {
                (false, None | Some(EndKind::Date)) => {
                    "validity without months or days needs `end`: long_term, not_set or conditional"
                }
                (true, Some(_)) => "validity with months or days ends on a date: leave out `end`",
                _ => continue,
            };
            self.fail(&version.cite, problem.into());
        }
        if let Some(materials) = rule.materials.as_mut() {
            self.param(materials, documents);
            for version in materials.versions() {
                for group in &version.value {
                    for id in &group.any_of {
                        if !self.policies.known_materials.contains(id) {
                            self.fail(
                                id,
                                format!("unknown material id `{id}`: add it under materials"),
                            );
                        }
                    }
                }
            }
        }
        for param in rule.exempt_when.iter_mut() {
            self.param(param, documents);
        }
        for param in rule.notes.iter_mut() {
            self.param(param, documents);
        }
    }

    /// A provincial app must be one of `regions.toml` and of this
    /// region's province.
    fn channel(&mut self, channel: &Channel) {
        let Channel::App(id) = channel else { return };
        match self.policies.apps.get(id) {
            None => self.fail(
                id,
                format!("unknown channel `{id}`: add the app as an [[app]] of regions.toml"),
            ),
            Some(app) if app.province != self.province => self.fail(
                id,
                format!(
                    "app `{id}` belongs to {}, not to {}",
                    app.province, self.province
                ),
            ),
            Some(_) => {}
        }
    }

    fn cite(&mut self, cite: &str) {
        if !self.policies.citations.contains_key(cite) {
            self.fail(
                cite,
                format!("cite `{cite}` is not a passage of the corpus"),
            );
        }
    }

    /// Checks each version's cite and gives it its document's dates when it
    /// has none of its own.
    fn param<T>(&mut self, param: &mut Param<T>, documents: &BTreeMap<String, InForce>) {
        let versions = match param {
            Param::One(version) => std::slice::from_mut(version),
            Param::History(versions) => versions.as_mut_slice(),
        };
        for version in versions {
            self.cite(&version.cite);
            for cite in &version.see_also {
                self.cite(cite);
            }
            if version.in_force.is_none() {
                let doc_id = version.cite.split('#').next().unwrap_or_default();
                match documents.get(doc_id) {
                    Some(in_force) => version.in_force = Some(*in_force),
                    None => self.fail(
                        &version.cite,
                        format!(
                            "cite `{}` names a document not listed under documents",
                            version.cite
                        ),
                    ),
                }
            }
        }
    }
}
