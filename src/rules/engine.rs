//! The decision itself: one Application, one day, one region's policy data
//! → a Decision. Pure: no IO, no clock.
//!
//! The steps follow the contract's order of precedence (not_required →
//! not_eligible → channel_unavailable → incomplete → needs_materials →
//! accepted): each step either settles the status and stops, or records
//! what it used and goes on. Every parameter read goes through
//! [`Trace::take`], which records its clause for the citations and its
//! `decision` text for the notes.

use chrono::{Days, Months, NaiveDate};

use super::application::*;
use super::policy::*;
use super::{Policies, RulesInputError};

/// Turns whatever the caller said into a full province name (湖南 → 湖南省);
/// `None` when it is not a province.
pub type ProvinceNormaliser<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Decides `application` on `today` with the region data in `policies`.
/// Province names are compared as given, or without their 省/市 suffix.
pub fn evaluate(
    policies: &Policies,
    application: &Application,
    today: NaiveDate,
) -> Result<Decision, RulesInputError> {
    evaluate_with(policies, application, today, &|_| None)
}

/// Like [`evaluate`], with a normaliser for `destination.province` (the
/// national gazetteer plugs in here).
pub fn evaluate_with(
    policies: &Policies,
    application: &Application,
    today: NaiveDate,
    normalise_province: ProvinceNormaliser,
) -> Result<Decision, RulesInputError> {
    let region = policies
        .regions
        .get(&application.region)
        .ok_or_else(|| input_error("region", format!("未知地区：{}", application.region)))?;
    for material in application.materials.iter().flatten() {
        if !policies.known_materials.contains(material) {
            return Err(input_error("materials", format!("未知材料：{material}")));
        }
    }
    if let Some(Channel::App(id)) = &application.submit_via
        && !policies.apps.contains_key(id)
    {
        return Err(input_error("submit_via", format!("未知办理渠道：{id}")));
    }
    // An ID number is checked when it enters the Application; whether its
    // holder is born yet depends on the day the case is decided.
    if let Some(id) = application
        .applicant
        .as_ref()
        .and_then(|a| a.id_number.as_ref())
    {
        id.born_by(today)
            .map_err(|error| input_error("applicant.id_number", error.to_string()))?;
    }
    // An admission after the application day is a planned stay registered
    // ahead, the normal case: validity then starts on the application day.
    let apply_date = application.apply_date.unwrap_or(today);
    let mut run = Run {
        policies,
        region,
        application,
        today,
        apply_date,
        trace: Trace::default(),
        decision: empty_decision(),
        scope: None,
        province: None,
    };
    run.scope = run.scope_of(normalise_province);
    let status = run.decide();
    Ok(run.finish(status))
}

fn input_error(field: &str, message: String) -> RulesInputError {
    RulesInputError {
        field: field.into(),
        message,
    }
}

fn empty_decision() -> Decision {
    Decision {
        status: Status::Incomplete,
        class: None,
        registration_required: None,
        missing_materials: Vec::new(),
        required_materials: Vec::new(),
        channels: Vec::new(),
        validity: Validity::default(),
        change_allowed_from: None,
        processing_deadline: None,
        supplement_deadline: None,
        ratio_delta_points: RatioDelta::default(),
        personal_account_to: None,
        registered_to: None,
        missing_facts: Vec::new(),
        notes: Vec::new(),
        citations: Vec::new(),
    }
}

/// The clauses and decisions a Decision rests on, in the order used.
#[derive(Default)]
struct Trace {
    cites: Vec<String>,
    notes: Vec<String>,
}

impl Trace {
    /// Records `version` as used and returns its value.
    fn take<'v, T>(&mut self, version: &'v Version<T>) -> &'v T {
        self.cite(&version.cite);
        for cite in &version.see_also {
            self.cite(cite);
        }
        if let Some(decision) = &version.decision {
            self.note(format!("说明：{decision}"));
        }
        &version.value
    }

    fn cite(&mut self, cite: &str) {
        if !self.cites.iter().any(|known| known == cite) {
            self.cites.push(cite.to_string());
        }
    }

    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}

struct Run<'a> {
    policies: &'a Policies,
    region: &'a RegionPolicy,
    application: &'a Application,
    today: NaiveDate,
    apply_date: NaiveDate,
    trace: Trace,
    decision: Decision,
    scope: Option<Scope>,
    /// The destination province as a full name where it could be normalised.
    province: Option<String>,
}

/// Shorthand for a parameter's value on the day, recorded in the trace.
macro_rules! param {
    ($run:expr, $param:expr) => {
        $param
            .at($run.today)
            .map(|version| $run.trace.take(version))
    };
}

impl<'a> Run<'a> {
    fn finish(mut self, status: Status) -> Decision {
        self.decision.status = status;
        if status != Status::Accepted
            && let Some(version) = self
                .region
                .phone
                .as_ref()
                .and_then(|phone| phone.at(self.today))
        {
            let phone = self.trace.take(version);
            self.trace.note(format!("如有疑问，可拨打{}咨询。", phone));
        }
        self.decision.notes = self.trace.notes;
        self.decision.citations = self
            .trace
            .cites
            .iter()
            .filter_map(|cite| self.policies.citations.get(cite).cloned())
            .collect();
        self.decision
    }

    /// Normalises the destination province (keeping it for `registered_to`)
    /// and compares it with the region's own.
    fn scope_of(&mut self, normalise: ProvinceNormaliser) -> Option<Scope> {
        let given = self
            .application
            .destination
            .as_ref()?
            .province
            .as_deref()?
            .trim();
        if given.is_empty() {
            return None;
        }
        let mut province = normalise(given).unwrap_or_else(|| given.to_string());
        let scope = if same_province(&province, &self.region.province) {
            province = self.region.province.clone();
            Scope::InProvince
        } else {
            Scope::CrossProvince
        };
        self.province = Some(province);
        Some(scope)
    }

    fn decide(&mut self) -> Status {
        let (scheme_id, asked) = match self.application.scheme {
            Some(Scheme::Maternity) => ("maternity", Scheme::Maternity),
            _ => ("general", Scheme::General),
        };
        let Some(scheme) = self.region.schemes.get(scheme_id) else {
            if let Some(document) = self.region.documents.first() {
                self.trace.cite(&document.cite);
            }
            self.trace.note(format!(
                "{}的政策文件中没有{}异地就医备案的规定。",
                self.region.name,
                asked.label()
            ));
            return Status::NotEligible;
        };
        if let Some(status) = self.check_document(&scheme.document) {
            return status;
        }
        if let Some(status) = self.check_home_area() {
            return status;
        }
        let rule = match self.category_rule(scheme) {
            Ok(rule) => rule,
            Err(status) => return status,
        };
        self.decide_category(scheme, rule)
    }

    /// Stops with `incomplete` when the scheme's document is not in force on
    /// the day; otherwise says the document's own status where it has one.
    fn check_document(&mut self, doc_id: &str) -> Option<Status> {
        let document = self
            .region
            .documents
            .iter()
            .find(|document| document.doc_id == doc_id)?;
        self.trace.cite(&document.cite);
        if let Some(decision) = &document.decision {
            self.trace.note(format!("说明：{decision}"));
        }
        if !document.in_force.contains(self.today) {
            let note = match &document.not_in_force_note {
                Some(note) => note.replace("{today}", &self.today.to_string()),
                None => format!(
                    "《{}》在 {} 不在有效期内，无法据此判断，请转人工核实。",
                    document.title, self.today
                ),
            };
            self.trace.note(note);
            return Some(Status::Incomplete);
        }
        if let Some(note) = &document.status_note {
            self.trace.note(note.clone());
        }
        None
    }

    /// A destination inside the insured's own 统筹区 is not 异地就医: no
    /// registration, whatever the category.
    fn check_home_area(&mut self) -> Option<Status> {
        let city = self.destination_city()?;
        if self.scope == Some(Scope::CrossProvince) || !same_place(city, &self.region.name) {
            return None;
        }
        let note = param!(self, self.region.home_area)?.clone();
        self.trace.note(note);
        self.decision.registration_required = Some(false);
        Some(Status::NotRequired)
    }

    /// The rule for the application's category, following `maps_to`.
    fn category_rule(&mut self, scheme: &'a SchemeRules) -> Result<&'a CategoryRule, Status> {
        let key = if scheme.category_required {
            match self.application.category {
                Some(category) => category.id(),
                None => {
                    self.decision.missing_facts.push("category".into());
                    let label = self.policies.slot_label("category");
                    self.trace.note(format!("还需要知道：{label}。"));
                    return Err(Status::Incomplete);
                }
            }
        } else {
            "any"
        };
        let rule = &scheme.categories[key];
        let Some(maps_to) = &rule.maps_to else {
            return Ok(rule);
        };
        match param!(self, maps_to) {
            Some(target) => Ok(&scheme.categories[target.as_str()]),
            None => Err(self.not_in_force("类别对应规则")),
        }
    }

    fn not_in_force(&mut self, what: &str) -> Status {
        self.trace.note(format!(
            "{} 当天没有有效的{}规定，无法判断，请转人工核实。",
            self.today, what
        ));
        Status::Incomplete
    }

    /// The steps in the contract's order of precedence; each either settles
    /// the status (`Err`) or records what it found and lets the next go on.
    fn decide_category(&mut self, scheme: &'a SchemeRules, rule: &'a CategoryRule) -> Status {
        match self.steps(scheme, rule) {
            Ok(status) | Err(status) => status,
        }
    }

    fn steps(&mut self, scheme: &'a SchemeRules, rule: &'a CategoryRule) -> Result<Status, Status> {
        let exemption_pending = self.classify(rule)?;
        let mut missing = Vec::new();
        self.check_eligibility(rule, &mut missing)?;
        let (submit_via, only_hospital) = self.check_channel(rule, exemption_pending)?;

        if exemption_pending || (self.scope.is_none() && !only_hospital) {
            missing.push("destination.province");
        }
        let province_level = self.province_level().is_some();
        if !only_hospital && !province_level && self.destination_city().is_none() {
            missing.push("destination.city");
        }
        if submit_via.is_none() {
            missing.push("submit_via");
        }
        let validity = rule.validity.as_ref().and_then(|v| param!(self, v));
        if validity.is_some_and(|v| v.start == StartRule::TransferStart)
            && self.application.transfer_start_date.is_none()
        {
            missing.push("transfer_start_date");
        }
        let by_commitment = self.materials(rule, submit_via.clone(), &mut missing);
        if matches!(submit_via, Some(Channel::Phone | Channel::Fax)) {
            // On the phone the hotline fills in the 备案表: its fields are needed.
            let applicant = self.application.applicant.clone().unwrap_or_default();
            for (fact, value) in [
                ("applicant.name", applicant.name.as_deref()),
                ("applicant.id_number", applicant.id_number.as_deref()),
                ("applicant.phone", applicant.phone.as_deref()),
            ] {
                if value.is_none_or(|v| v.trim().is_empty()) {
                    missing.push(fact);
                }
            }
        }

        let commitment = match &rule.commitment {
            Some(commitment) if by_commitment => param!(self, commitment).cloned(),
            _ => None,
        };
        self.dates(rule, validity, commitment.as_ref());
        if let Some(via) = submit_via {
            self.processing_deadline(scheme, via);
        }
        self.ratio_and_account(rule, commitment.as_ref());
        self.registered_to();

        if !missing.is_empty() {
            let labels: Vec<&str> = missing
                .iter()
                .map(|fact| self.policies.slot_label(fact))
                .collect();
            self.trace
                .note(format!("还需要知道：{}。", labels.join("、")));
            self.decision.missing_facts = missing.into_iter().map(String::from).collect();
            return Ok(Status::Incomplete);
        }
        if !self.decision.missing_materials.is_empty() {
            return Ok(Status::NeedsMaterials);
        }
        Ok(Status::Accepted)
    }

    /// The region's class for the category, and its exemptions. Returns
    /// whether an exemption still depends on the unknown destination.
    fn classify(&mut self, rule: &CategoryRule) -> Result<bool, Status> {
        let Some(class) = rule
            .class
            .as_ref()
            .and_then(|class| param!(self, class))
            .copied()
        else {
            return Err(self.not_in_force("人员类别"));
        };
        match class {
            ClassRule::Exempt => {
                self.decision.registration_required = Some(false);
                self.add_notes(rule);
                return Err(Status::NotRequired);
            }
            ClassRule::NotCovered => {
                self.add_notes(rule);
                return Err(Status::NotEligible);
            }
            ClassRule::LongTerm => self.decision.class = Some(Class::LongTerm),
            ClassRule::Temporary => self.decision.class = Some(Class::Temporary),
            ClassRule::Unclassed => {}
        }
        // 免备案 under a condition (济宁: 省内临时外出就医).
        let mut exemption_pending = false;
        for condition in &rule.exempt_when {
            let Some(version) = condition.at(self.today) else {
                continue;
            };
            match (version.value.scope, self.scope) {
                (Some(wanted), Some(actual)) if wanted == actual => {
                    self.trace.take(version);
                    if let Some(note) = &version.value.note {
                        self.trace.note(note.clone());
                    }
                    self.decision.registration_required = Some(false);
                    self.decision.class = None;
                    return Err(Status::NotRequired);
                }
                (Some(_), None) => {
                    self.trace.take(version);
                    exemption_pending = true;
                }
                _ => {}
            }
        }
        if !exemption_pending {
            self.decision.registration_required = Some(true);
        }
        self.add_notes(rule);
        Ok(exemption_pending)
    }

    /// Who may register (insurance) and where to (scope).
    fn check_eligibility(
        &mut self,
        rule: &CategoryRule,
        missing: &mut Vec<&'static str>,
    ) -> Result<(), Status> {
        if let Some(insurance) = &rule.insurance
            && let Some(allowed) = param!(self, insurance)
        {
            match self.application.insurance {
                Some(actual) if !allowed.contains(&actual) => {
                    let labels: Vec<&str> = allowed.iter().map(|i| insurance_label(*i)).collect();
                    self.trace.note(format!(
                        "只有{}参保人员可以办理这一类备案。",
                        labels.join("或")
                    ));
                    return Err(Status::NotEligible);
                }
                Some(_) => {}
                None => missing.push("insurance"),
            }
        }
        if let Some(scope) = &rule.scope
            && let Some(allowed) = param!(self, scope)
            && let Some(actual) = self.scope
            && actual != *allowed
        {
            self.trace.note(match allowed {
                Scope::InProvince => "这一类备案只能备案到省内就医地，省外就医不能办理。".into(),
                Scope::CrossProvince => "这一类备案只适用于跨省就医。".to_string(),
            });
            return Err(Status::NotEligible);
        }
        Ok(())
    }

    /// The channels that work, and whether `submit_via` is one of them.
    /// Returns the channel to decide with (the hospital when it is the only
    /// one) and whether it is the only one.
    fn check_channel(
        &mut self,
        rule: &CategoryRule,
        exemption_pending: bool,
    ) -> Result<(Option<Channel>, bool), Status> {
        let channel_rules: &[ChannelRule] =
            match rule.channels.as_ref().and_then(|c| param!(self, c)) {
                Some(rules) => rules,
                None => return Err(self.not_in_force("办理渠道")),
            };
        for rule in channel_rules {
            let fits = rule.scope.is_none() || self.scope.is_none() || rule.scope == self.scope;
            if fits && !self.decision.channels.contains(&rule.channel) {
                self.decision.channels.push(rule.channel.clone());
            }
        }
        let only_hospital = self.decision.channels == [Channel::Hospital];
        let submit_via = self
            .application
            .submit_via
            .clone()
            .or(only_hospital.then_some(Channel::Hospital));
        let Some(via) = &submit_via else {
            return Ok((None, only_hospital));
        };
        let offered: Vec<&ChannelRule> =
            channel_rules.iter().filter(|c| &c.channel == via).collect();
        let usable = offered
            .iter()
            .any(|c| c.scope.is_none() || c.scope == self.scope);
        // A channel limited to one scope cannot be judged before the destination is known.
        let undecided = self.scope.is_none() && offered.iter().any(|c| c.scope.is_some());
        if !exemption_pending && !usable && !undecided {
            let label = |channel: &Channel| self.policies.channel_label(channel);
            let note = if only_hospital {
                format!("这一类备案由医院直接办理，不能通过{}办理。", label(via))
            } else {
                let labels: Vec<String> = self.decision.channels.iter().map(label).collect();
                format!(
                    "这一类备案不能通过{}办理，可以通过{}办理。",
                    label(via),
                    labels.join("、")
                )
            };
            self.trace.note(note);
            return Err(Status::ChannelUnavailable);
        }
        if via == &Channel::Window
            && let Some(hours) = self
                .region
                .office_hours
                .as_ref()
                .and_then(|h| param!(self, h))
        {
            self.trace.note(format!("窗口办理时间：{hours}。"));
        }
        Ok((submit_via, only_hospital))
    }

    /// Required and missing materials (一次性告知: all of them at once).
    /// Returns whether a commitment letter stands in for a proof.
    fn materials(
        &mut self,
        rule: &CategoryRule,
        via: Option<Channel>,
        missing: &mut Vec<&'static str>,
    ) -> bool {
        let groups = self.required_groups(rule, via, missing);
        if self.application.materials.is_none() && !groups.is_empty() {
            missing.push("materials");
        }
        let declared: &[String] = self.application.materials.as_deref().unwrap_or_default();
        let has = |id: &String| declared.contains(id);
        let by_commitment = declared.iter().any(|m| m == "commitment_letter")
            && groups.iter().any(|g| {
                g.any_of.iter().any(|m| m == "commitment_letter")
                    && !g.any_of.iter().any(|m| m != "commitment_letter" && has(m))
            });
        self.decision.missing_materials = groups
            .iter()
            .filter(|g| !g.any_of.iter().any(has))
            .cloned()
            .collect();
        self.decision.required_materials = groups;
        by_commitment
    }

    fn add_notes(&mut self, rule: &CategoryRule) {
        for note in &rule.notes {
            if let Some(text) = param!(self, note) {
                let text = text.clone();
                self.trace.note(text);
            }
        }
    }

    fn destination_city(&self) -> Option<&str> {
        let city = self.application.destination.as_ref()?.city.as_deref()?;
        (!city.trim().is_empty()).then_some(city)
    }

    fn destination_province(&self) -> Option<&str> {
        self.province.as_deref()
    }

    /// The name a registration goes to when the destination takes it at
    /// province level (湛江: 北京、天津… and 新疆兵团), else `None`.
    fn province_level(&mut self) -> Option<String> {
        let param = self.region.province_level_destinations.as_ref()?;
        let province = self.destination_province()?.to_string();
        let city = self.destination_city().map(str::to_string);
        let version = param.at(self.today)?;
        // A city-level entry (新疆生产建设兵团) is more specific than its province.
        let matched = version
            .value
            .iter()
            .find(|name| city.as_deref().is_some_and(|c| same_province(name, c)))
            .or_else(|| {
                version
                    .value
                    .iter()
                    .find(|name| same_province(name, &province))
            })?
            .clone();
        self.trace.take(version);
        Some(matched)
    }

    /// The groups this channel, scope and proxy need. A group limited to one
    /// scope waits for the destination: then the province is asked.
    fn required_groups(
        &mut self,
        rule: &CategoryRule,
        via: Option<Channel>,
        missing: &mut Vec<&'static str>,
    ) -> Vec<MaterialGroup> {
        let Some(groups) = rule.materials.as_ref().and_then(|m| param!(self, m)) else {
            return Vec::new();
        };
        let by_proxy = self.application.by_proxy.unwrap_or(false);
        if self.scope.is_none()
            && groups.iter().any(|g| g.only_scope.is_some())
            && !missing.contains(&"destination.province")
        {
            missing.push("destination.province");
        }
        groups
            .iter()
            .filter(|g| !g.only_by_proxy || by_proxy)
            .filter(|g| g.only_scope.is_none() || g.only_scope == self.scope)
            .filter(|g| match &via {
                Some(via) => {
                    !g.except_via.contains(via)
                        && (g.only_via.is_empty() || g.only_via.contains(via))
                }
                None => g.only_via.is_empty(),
            })
            .map(|g| MaterialGroup {
                any_of: g.any_of.clone(),
            })
            .collect()
    }

    fn dates(
        &mut self,
        rule: &CategoryRule,
        validity: Option<&ValidityRule>,
        commitment: Option<&CommitmentRule>,
    ) {
        let Some(validity) = validity else { return };
        let mut start = match validity.start {
            StartRule::ApplyDate => Some(self.apply_date),
            StartRule::TransferStart => self.application.transfer_start_date,
        };
        // The clause on late registration also says when an admission date
        // matters; a planned admission (after the application) changes nothing.
        if validity.start == StartRule::ApplyDate
            && let Some(admission) = self.application.admission_date
            && let Some(late) = rule.late_start.as_ref().and_then(|l| param!(self, l))
            && admission < self.apply_date
        {
            let earliest = late
                .max_days_back
                .and_then(|days| self.apply_date.checked_sub_days(Days::new(days.into())));
            start = Some(earliest.map_or(admission, |earliest| admission.max(earliest)));
        }
        let Some(start) = start else { return };
        self.decision.validity.start = Some(start);
        let months = commitment.and_then(|c| c.months).or(validity.months);
        self.decision.validity.end = match (months, validity.days) {
            (Some(months), _) => add_months_inclusive(start, months),
            (None, Some(days)) => {
                start.checked_add_days(Days::new(u64::from(days.saturating_sub(1))))
            }
            (None, None) => None,
        };
        self.decision.validity.end_kind = match self.decision.validity.end {
            Some(_) => Some(EndKind::Date),
            None => validity.end,
        };
        if let Some(months) = commitment.and_then(|c| c.supplement_months) {
            self.decision.supplement_deadline = add_months_inclusive(start, months);
        }
        if let Some(lock) = rule.change_lock.as_ref().and_then(|l| param!(self, l)) {
            let locked = !lock.only_if_costs_incurred
                || self.application.incurred_costs_at_destination == Some(true);
            if locked {
                self.decision.change_allowed_from =
                    self.apply_date.checked_add_months(Months::new(lock.months));
            }
        }
    }

    fn processing_deadline(&mut self, scheme: &SchemeRules, via: Channel) {
        let Some(days) = scheme
            .processing_days
            .get(&via)
            .and_then(|p| param!(self, p))
            .copied()
        else {
            if via != Channel::Hospital {
                let label = self.policies.channel_label(&via);
                self.trace
                    .note(format!("文件没有规定{label}备案的办理时限。"));
            }
            return;
        };
        let deadline = self
            .policies
            .calendar
            .add_working_days(self.apply_date, days);
        self.decision.processing_deadline = Some(deadline.date);
        if let Some(note) = deadline.note {
            self.trace.note(note);
        }
    }

    fn ratio_and_account(&mut self, rule: &CategoryRule, commitment: Option<&CommitmentRule>) {
        if let Some(ratio) = rule.ratio_delta.as_ref().and_then(|r| param!(self, r)) {
            self.decision.ratio_delta_points = RatioDelta {
                home: ratio.home,
                registered_place: ratio.registered_place,
            };
        }
        if let Some(commitment) = commitment {
            if commitment.home_delta.is_some() {
                self.decision.ratio_delta_points.home = commitment.home_delta;
            }
            if commitment.registered_place_delta.is_some() {
                self.decision.ratio_delta_points.registered_place =
                    commitment.registered_place_delta;
            }
        }
        if let Some(account) = &rule.personal_account
            && let Some(scope) = self.scope
            && let Some(account) = param!(self, account)
        {
            if let Some(insurance) = self.application.insurance
                && !account.only_insurance.is_empty()
                && !account.only_insurance.contains(&insurance)
            {
                return;
            }
            self.decision.personal_account_to = Some(match scope {
                Scope::InProvince => account.in_province,
                Scope::CrossProvince => account.cross_province,
            });
        }
    }

    fn registered_to(&mut self) {
        let Some(province) = self.destination_province().map(str::to_string) else {
            return;
        };
        let city = self.destination_city().map(str::to_string);
        self.decision.registered_to = Some(match (self.province_level(), city) {
            (Some(level), _) => level,
            // 直辖市: the city is the province (上海市上海市 → 上海市).
            (None, Some(city)) if same_province(&city, &province) => province,
            (None, Some(city)) => format!("{province}{city}"),
            (None, None) => province,
        });
    }
}

/// N months from `start` end on start + N months − 1 day (inclusive).
pub fn add_months_inclusive(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    start
        .checked_add_months(Months::new(months))?
        .checked_sub_days(Days::new(1))
}

/// Whether two province names denote the same province: equal, or equal
/// once the 省/市 suffix is dropped (湖南 = 湖南省, 北京 = 北京市).
pub fn same_province(a: &str, b: &str) -> bool {
    same_place(a, b)
}

/// Whether two place names are the same once the 省/市 suffix is dropped
/// (东莞 = 东莞市).
fn same_place(a: &str, b: &str) -> bool {
    fn bare(name: &str) -> &str {
        let name = name.trim();
        name.strip_suffix('省')
            .or_else(|| name.strip_suffix('市'))
            .unwrap_or(name)
    }
    bare(a) == bare(b)
}

fn insurance_label(insurance: Insurance) -> &'static str {
    match insurance {
        Insurance::Employee => "职工医保",
        Insurance::Resident => "城乡居民医保",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn months_end_the_day_before_the_same_date() {
        assert_eq!(
            add_months_inclusive(day("2026-11-23"), 6),
            Some(day("2027-05-22"))
        );
        assert_eq!(
            add_months_inclusive(day("2026-11-23"), 7),
            Some(day("2027-06-22"))
        );
        // From a month's last day, chrono clamps to the shorter month first.
        assert_eq!(
            add_months_inclusive(day("2026-08-31"), 6),
            Some(day("2027-02-27"))
        );
        assert_eq!(
            add_months_inclusive(day("2028-02-29"), 12),
            Some(day("2029-02-27"))
        );
    }

    #[test]
    fn provinces_match_with_or_without_their_suffix() {
        assert!(same_province("广东", "广东省"));
        assert!(same_province("北京", "北京市"));
        assert!(same_province(" 湖南省 ", "湖南省"));
        assert!(!same_province("广西", "广东省"));
        assert!(!same_province("广西", "广西壮族自治区"));
    }
}
