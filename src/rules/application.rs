//! The Application (what the dialogue collects) and the Decision (what the
//! rules module answers), exactly in the shapes of the public contract §2.2.
//! Field names here are the wire names; renaming one breaks other systems.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What is known about a caller's case. Every field but `region` may be
/// missing: a missing field means "not known yet", never "no".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Scheme>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance: Option<Insurance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<Destination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_via: Option<Channel>,
    /// Material ids the caller has declared (see `Material`). Kept as strings
    /// so that a region's data file can add materials without a code change;
    /// the rules module rejects ids no region knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub materials: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_proxy: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_start_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incurred_costs_at_destination: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant: Option<Applicant>,
}

/// 参保险种的业务类别: general medical insurance or maternity (生育保险).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    General,
    Maternity,
}

impl Scheme {
    /// The official name of the insurance whose registration it is: the
    /// rules' notes, the replies and the answers all say it so.
    pub fn label(self) -> &'static str {
        match self {
            Scheme::General => "基本医疗保险",
            Scheme::Maternity => "生育保险",
        }
    }
}

/// 职工医保 or 城乡居民医保.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Insurance {
    Employee,
    Resident,
}

/// The national categories of 异地就医人员. Regions that merge categories
/// (Jining) map them in their data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 异地安置退休人员
    RetiredResettled,
    /// 异地长期居住人员
    LongTermResident,
    /// 常驻异地工作人员
    PostedWorker,
    /// 长期异地居住（工作）转院人员
    LongTermTransfer,
    /// 异地转诊人员
    Referral,
    /// 异地急诊抢救人员
    Emergency,
    /// 其他临时外出就医人员
    TemporaryOther,
    /// 外出农民工
    MigrantWorker,
    /// 外来就业创业人员
    Entrepreneur,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::RetiredResettled,
        Category::LongTermResident,
        Category::PostedWorker,
        Category::LongTermTransfer,
        Category::Referral,
        Category::Emergency,
        Category::TemporaryOther,
        Category::MigrantWorker,
        Category::Entrepreneur,
    ];

    /// The wire id, e.g. `retired_resettled`.
    pub fn id(self) -> &'static str {
        match self {
            Category::RetiredResettled => "retired_resettled",
            Category::LongTermResident => "long_term_resident",
            Category::PostedWorker => "posted_worker",
            Category::LongTermTransfer => "long_term_transfer",
            Category::Referral => "referral",
            Category::Emergency => "emergency",
            Category::TemporaryOther => "temporary_other",
            Category::MigrantWorker => "migrant_worker",
            Category::Entrepreneur => "entrepreneur",
        }
    }

    /// The official national name.
    pub fn label(self) -> &'static str {
        match self {
            Category::RetiredResettled => "异地安置退休人员",
            Category::LongTermResident => "异地长期居住人员",
            Category::PostedWorker => "常驻异地工作人员",
            Category::LongTermTransfer => "长期异地居住（工作）转院人员",
            Category::Referral => "异地转诊人员",
            Category::Emergency => "异地急诊抢救人员",
            Category::TemporaryOther => "其他临时外出就医人员",
            Category::MigrantWorker => "外出农民工",
            Category::Entrepreneur => "外来就业创业人员",
        }
    }
}

/// How the registration is submitted (`submit_via`) or may be (`channels`).
/// The channels every region may have are named here; a province's own
/// app (小程序) is data: an `[[app]]` of `corpus/regions.toml`, whose id
/// the rules loader and `evaluate` check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Channel {
    Window,
    Phone,
    Fax,
    NationalApp,
    Website,
    Hospital,
    /// A provincial app, by its id in `corpus/regions.toml`.
    App(String),
}

impl Channel {
    /// The channels that are not a provincial app.
    pub const COMMON: [Channel; 6] = [
        Channel::Window,
        Channel::Phone,
        Channel::Fax,
        Channel::NationalApp,
        Channel::Website,
        Channel::Hospital,
    ];

    pub fn id(&self) -> &str {
        match self {
            Channel::Window => "window",
            Channel::Phone => "phone",
            Channel::Fax => "fax",
            Channel::NationalApp => "national_app",
            Channel::Website => "website",
            Channel::Hospital => "hospital",
            Channel::App(id) => id,
        }
    }

    /// How an agent names the channel to a caller; a provincial app's name
    /// is in the corpus (`Policies::channel_label`).
    pub fn common_label(&self) -> Option<&'static str> {
        Some(match self {
            Channel::Window => "医保经办窗口",
            Channel::Phone => "电话",
            Channel::Fax => "传真",
            Channel::NationalApp => "国家医保服务平台APP",
            Channel::Website => "医保官方网站",
            Channel::Hospital => "转出医院代办",
            Channel::App(_) => return None,
        })
    }
}

impl From<Channel> for String {
    fn from(channel: Channel) -> String {
        channel.id().to_string()
    }
}

impl TryFrom<String> for Channel {
    type Error = String;

    /// A common channel's id, or what may be an app's id (checked against
    /// the corpus where the apps are known).
    fn try_from(id: String) -> Result<Channel, String> {
        if let Some(common) = Channel::COMMON.iter().find(|c| c.id() == id) {
            return Ok(common.clone());
        }
        let app_like = id.starts_with(|c: char| c.is_ascii_lowercase())
            && id.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if app_like {
            Ok(Channel::App(id))
        } else {
            let common = Channel::COMMON.map(|c| c.id().to_string()).join(", ");
            Err(format!(
                "unknown channel `{id}`: one of {common}, or a provincial app's id"
            ))
        }
    }
}

/// 就医地: province and (prefecture-level) city, normalised to full names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Destination {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
}

/// The caller's personal data. Never logged unmasked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Checked on the way in (`IdNumber::parse`), like the phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<super::IdNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<super::Phone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// The rules module's answer for one Application on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub status: Status,
    pub class: Option<Class>,
    pub registration_required: Option<bool>,
    pub missing_materials: Vec<MaterialGroup>,
    pub required_materials: Vec<MaterialGroup>,
    pub channels: Vec<Channel>,
    pub validity: Validity,
    pub change_allowed_from: Option<NaiveDate>,
    pub processing_deadline: Option<NaiveDate>,
    pub supplement_deadline: Option<NaiveDate>,
    pub ratio_delta_points: RatioDelta,
    pub personal_account_to: Option<AccountTarget>,
    pub registered_to: Option<String>,
    /// Facts still needed before the rules can decide (slot names of the
    /// Application, e.g. `category`, `destination.province`). Empty unless
    /// `status` is `incomplete`, but always present.
    pub missing_facts: Vec<String>,
    pub notes: Vec<String>,
    pub citations: Vec<Citation>,
}

/// In the contract's order of precedence: the first that the known facts
/// settle wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NotRequired,
    NotEligible,
    ChannelUnavailable,
    Incomplete,
    NeedsMaterials,
    Accepted,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::NotRequired => "not_required",
            Status::NotEligible => "not_eligible",
            Status::ChannelUnavailable => "channel_unavailable",
            Status::Incomplete => "incomplete",
            Status::NeedsMaterials => "needs_materials",
            Status::Accepted => "accepted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    LongTerm,
    Temporary,
}

/// One id from the group is enough (任选其一).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialGroup {
    pub any_of: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validity {
    pub start: Option<NaiveDate>,
    /// Last valid day, inclusive; set only when `end_kind` is `date`.
    pub end: Option<NaiveDate>,
    /// What kind of end the registration has; `None` until the rules know
    /// the start.
    pub end_kind: Option<EndKind>,
}

/// How a registration ends. Only `LongTerm` may be told as 长期有效.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndKind {
    /// `end` is the last valid day.
    Date,
    /// 长期有效.
    LongTerm,
    /// The policy sets no end (不设有效期).
    NotSet,
    /// It ends with something the Application does not carry (the
    /// 居住证's expiry, the date written on the form); the notes say what.
    Conditional,
}

/// Percentage points added to the reimbursement ratio; `None` where the
/// seeds give no figure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatioDelta {
    pub home: Option<i32>,
    pub registered_place: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountTarget {
    MedicalAccount,
    FinancialAccount,
}

/// A clause a decision rests on. `passage_id` resolves in the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub doc_id: String,
    pub clause: String,
    pub quote: String,
    pub passage_id: String,
}

/// How the contract's material ids are named to a caller. Regions name
/// their own extra materials in their data files, and their forms' titles
/// in `corpus/regions.toml`.
pub fn material_label(id: &str) -> Option<&'static str> {
    Some(match id {
        "registration_form" => "异地就医登记备案表",
        "maternity_registration_form" => "生育保险登记备案表",
        "id_card" => "身份证",
        "social_security_card" => "社保卡",
        "e_voucher" => "医保电子凭证",
        "household_register" => "户口簿",
        "residence_permit" => "居住证",
        "residence_permit_receipt" => "居住证受理凭证",
        "property_certificate" => "房产证",
        "enrollment_proof" => "就读证明",
        "commitment_letter" => "个人承诺书",
        "dispatch_certificate" => "单位派出证明",
        "employer_certificate" => "异地工作单位证明",
        "labor_contract" => "劳动合同",
        "referral_certificate" => "转诊转院单",
        "proxy_id" => "代办人身份证件",
        _ => return None,
    })
}
