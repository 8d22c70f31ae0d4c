//! Placeholder of the understanding layer's public face (being written).

use chrono::NaiveDate;

use crate::places::Place;
use crate::rules::{Category, Channel, Insurance, Scheme};

#[derive(Debug, Clone, Default)]
pub struct Prompt {
    pub text: String,
    pub suggestions: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Understanding {
    pub intent: String,
    pub confidence: f32,
    pub intents: Vec<(String, f32)>,
    pub entities: Entities,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRole {
    Admission,
    TransferStart,
    Apply,
}

#[derive(Debug, Clone)]
pub struct DateMention {
    pub date: NaiveDate,
    pub end: Option<NaiveDate>,
    pub text: String,
    pub role: Option<DateRole>,
}

#[derive(Debug, Clone)]
pub struct IdMention {
    pub raw: String,
    pub normalized: String,
    pub valid: bool,
    pub problem: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PhoneMention {
    pub normalized: String,
    pub valid: bool,
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Entities {
    pub category: Option<Category>,
    pub insurance: Option<Insurance>,
    pub scheme: Option<Scheme>,
    pub submit_via: Option<Channel>,
    pub destination: Option<Place>,
    pub dates: Vec<DateMention>,
    pub id_numbers: Vec<IdMention>,
    pub social_security_numbers: Vec<String>,
    pub phones: Vec<PhoneMention>,
    pub materials: Vec<String>,
    pub negated_materials: Vec<String>,
    pub name: Option<String>,
    pub by_proxy: Option<bool>,
    pub incurred_costs: Option<bool>,
    pub correction: bool,
    pub problems: Vec<String>,
}
