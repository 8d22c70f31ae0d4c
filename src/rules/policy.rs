//! A region's policy as data: the shapes of `corpus/<region>/rules.yaml`.
//!
//! Every parameter is a [`Param`]: one value, or a dated history of values,
//! each carrying the clause it comes from (`cite`, a corpus passage id such
//! as `dongguan-general#tips-2`), the dates it is in force, and, where the
//! policy text is silent or unclear, the `decision` taken and why. The
//! lookup [`Param::at`] returns the value in force on a given day.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::application::{Channel, Insurance};

/// The dates a value is in force, both inclusive; an open end is unbounded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InForce {
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    pub until: Option<NaiveDate>,
}

impl InForce {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|from| from <= day) && self.until.is_none_or(|until| day <= until)
    }
}

/// One value of a parameter with its legal reference.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version<T> {
    pub value: T,
    /// Corpus passage id, `<doc_id>#<anchor>`.
    pub cite: String,
    /// Further passages the value rests on, cited alongside `cite`.
    #[serde(default)]
    pub see_also: Vec<String>,
    /// When absent, the value is in force as long as its cited document is.
    #[serde(default)]
    pub in_force: Option<InForce>,
    /// What was decided where the text is silent or ambiguous, and why.
    #[serde(default)]
    pub decision: Option<String>,
}

/// A parameter: one version, or a dated history of them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Param<T> {
    One(Version<T>),
    History(Vec<Version<T>>),
}

impl<T> Param<T> {
    pub fn versions(&self) -> &[Version<T>] {
        match self {
            Param::One(version) => std::slice::from_ref(version),
            Param::History(versions) => versions,
        }
    }

    /// The version in force on `day`. Each version's own dates are already
    /// resolved by the loader (inherited from its document where absent).
    pub fn at(&self, day: NaiveDate) -> Option<&Version<T>> {
        self.versions()
            .iter()
            .find(|version| version.in_force.unwrap_or_default().contains(day))
    }
}

/// One region's rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionPolicy {
    /// Region id, e.g. `dongguan`.
    pub region: String,
    /// e.g. 东莞市.
    pub name: String,
    /// Full province name, e.g. 广东省: decides in-province or cross-province.
    pub province: String,
    /// The documents the rules rest on and when each is in force.
    pub documents: Vec<DocumentStatus>,
    #[serde(default)]
    pub office_hours: Option<Param<String>>,
    #[serde(default)]
    pub phone: Option<Param<String>>,
    /// Material ids this region names beyond the contract's list, with labels.
    #[serde(default)]
    pub materials: BTreeMap<String, String>,
    /// The clause that makes registration a matter of places outside the
    /// insured's own 统筹区, and what the caller is told when the
    /// destination is inside it (no registration needed).
    pub home_area: Param<String>,
    /// 就医省份 to which a registration goes at province level rather than to
    /// a city (Zhanjiang: 北京、天津…).
    #[serde(default)]
    pub province_level_destinations: Option<Param<Vec<String>>>,
    /// `general` and, where the region has one, `maternity`.
    pub schemes: BTreeMap<String, SchemeRules>,
}

/// A document the rules rest on and its own status.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentStatus {
    pub doc_id: String,
    /// The document's name as an agent would say it.
    pub title: String,
    pub cite: String,
    #[serde(default)]
    pub in_force: InForce,
    /// Said in every decision that rests on this document (e.g. 征求意见稿).
    #[serde(default)]
    pub status_note: Option<String>,
    /// Said instead of deciding when the document is not in force on the day.
    #[serde(default)]
    pub not_in_force_note: Option<String>,
    #[serde(default)]
    pub decision: Option<String>,
}

/// The rules of one scheme (general or maternity) in a region.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeRules {
    pub label: String,
    /// The document every decision of this scheme rests on.
    pub document: String,
    /// False when the scheme has one rule for everyone (生育保险): the rule
    /// under the key `any` then applies and `category` is never asked.
    #[serde(default = "yes")]
    pub category_required: bool,
    /// Working days from the application day to the decision, per channel
    /// (0 = 即时办结). A channel absent here has no time limit in the texts.
    #[serde(default)]
    pub processing_days: BTreeMap<Channel, Param<u32>>,
    /// Keyed by the contract's category ids (or `any`).
    pub categories: BTreeMap<String, CategoryRule>,
}

fn yes() -> bool {
    true
}

/// How a region treats one category.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    /// When present, the region has no such category of its own and treats
    /// it as the one named here.
    #[serde(default)]
    pub maps_to: Option<Param<String>>,
    /// The region's own name for the category where its documents call it
    /// otherwise than the national list (济宁: 临时外出就医人员).
    #[serde(default)]
    pub name: Option<Param<String>>,
    #[serde(default)]
    pub class: Option<Param<ClassRule>>,
    /// Conditions under which no registration is needed.
    #[serde(default)]
    pub exempt_when: Vec<Param<Condition>>,
    /// Who may register; absent means anyone insured.
    #[serde(default)]
    pub insurance: Option<Param<Vec<Insurance>>>,
    /// Where one may register to; absent means in-province and cross-province.
    #[serde(default)]
    pub scope: Option<Param<Scope>>,
    #[serde(default)]
    pub channels: Option<Param<Vec<ChannelRule>>>,
    #[serde(default)]
    pub materials: Option<Param<Vec<GroupRule>>>,
    #[serde(default)]
    pub validity: Option<Param<ValidityRule>>,
    /// Start of a late registration (补办, admission before application).
    #[serde(default)]
    pub late_start: Option<Param<LateStart>>,
    /// What changes when a commitment letter stands in for a proof.
    #[serde(default)]
    pub commitment: Option<Param<CommitmentRule>>,
    #[serde(default)]
    pub change_lock: Option<Param<ChangeLock>>,
    #[serde(default)]
    pub ratio_delta: Option<Param<RatioRule>>,
    #[serde(default)]
    pub personal_account: Option<Param<AccountRule>>,
    /// Facts every decision of this category tells the caller.
    #[serde(default)]
    pub notes: Vec<Param<String>>,
}

/// How a region classes a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassRule {
    LongTerm,
    Temporary,
    /// A registration exists but is neither (生育保险).
    Unclassed,
    /// No registration needed at all (免备案).
    Exempt,
    /// The region's texts give this category no registration.
    NotCovered,
}

/// In-province or cross-province, against the region's province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    InProvince,
    CrossProvince,
}

/// A condition on the known facts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[serde(default)]
    pub scope: Option<Scope>,
    /// What the caller is told when the condition holds.
    #[serde(default)]
    pub note: Option<String>,
}

/// A channel that works, optionally only for one scope.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelRule {
    pub channel: Channel,
    #[serde(default)]
    pub scope: Option<Scope>,
}

/// One group of materials: one id of `any_of` is needed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRule {
    pub any_of: Vec<String>,
    /// Not needed through these channels (online submissions need no 备案表;
    /// on the phone the 备案表 is filled in during the call).
    #[serde(default)]
    pub except_via: Vec<Channel>,
    /// Needed only through these channels (empty = every channel).
    #[serde(default)]
    pub only_via: Vec<Channel>,
    /// Needed only when someone else applies on the insured's behalf.
    #[serde(default)]
    pub only_by_proxy: bool,
    /// Needed only for this scope (湛江: the 社会保障卡 for a cross-province
    /// referral). Until the destination is known, the province is asked.
    #[serde(default)]
    pub only_scope: Option<Scope>,
}

/// Where validity starts and how long it lasts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidityRule {
    #[serde(default)]
    pub start: StartRule,
    /// Months of validity; absent = no end date, and `end` says why.
    #[serde(default)]
    pub months: Option<u32>,
    /// Days of validity (inclusive of the start day), where a text counts days.
    #[serde(default)]
    pub days: Option<u32>,
    /// The kind of end when the text gives no length: `long_term`,
    /// `not_set` or `conditional`. The loader requires it exactly when
    /// `months` and `days` are both absent.
    #[serde(default)]
    pub end: Option<super::application::EndKind>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartRule {
    /// The day of application (备案成功之日).
    #[default]
    ApplyDate,
    /// The transfer's start date (转院开始日期).
    TransferStart,
}

/// The start of a late registration (补办): the admission day, but no
/// earlier than `max_days_back` days before the application when set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LateStart {
    #[serde(default)]
    pub max_days_back: Option<u32>,
}

/// The effect of registering on a commitment letter (个人承诺).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentRule {
    /// Validity in months while the proof is outstanding (replaces the
    /// category's own validity).
    #[serde(default)]
    pub months: Option<u32>,
    /// Months from the start within which the proof must be handed in.
    #[serde(default)]
    pub supplement_months: Option<u32>,
    /// Ratio points at home until the proof is in.
    #[serde(default)]
    pub home_delta: Option<i32>,
    /// Ratio points at the registered place until the proof is in.
    #[serde(default)]
    pub registered_place_delta: Option<i32>,
}

/// No change or cancellation for some months after registering.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeLock {
    pub months: u32,
    /// The lock applies only once costs were incurred at the destination.
    #[serde(default)]
    pub only_if_costs_incurred: bool,
}

/// Percentage points added to the reimbursement ratio.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatioRule {
    #[serde(default)]
    pub home: Option<i32>,
    #[serde(default)]
    pub registered_place: Option<i32>,
}

/// Where the 个人账户 money goes, by scope.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRule {
    pub in_province: super::application::AccountTarget,
    pub cross_province: super::application::AccountTarget,
    /// Only these schemes of insurance have a personal account (empty = all).
    #[serde(default)]
    pub only_insurance: Vec<Insurance>,
}
