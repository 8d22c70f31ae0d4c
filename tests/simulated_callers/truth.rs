//! The true Application a simulated caller holds: drawn at random, kept
//! only when the rules accept it by phone or fax as it stands, so the
//! dialogue has one right registration to reach.

use chrono::NaiveDate;
use hotline::Assistant;
use hotline::rules::{
    Applicant, Application, Category, Channel, Destination, IdNumber, Insurance, Phone, Scheme,
    Status,
};
use rand::Rng;
use rand::rngs::StdRng;

use super::bank::{Bank, pick};

/// The categories callers are drawn in (those the phrase banks can say).
const CATEGORIES: [Category; 3] = [
    Category::RetiredResettled,
    Category::LongTermResident,
    Category::PostedWorker,
];

#[derive(Debug, Clone)]
pub struct Truth {
    pub application: Application,
    pub today: NaiveDate,
    /// The region's own city (东莞市…): never a destination.
    pub own_city: String,
}

pub fn draw(rng: &mut StdRng, bank: &Bank, assistant: &Assistant) -> Truth {
    let regions = assistant.regions();
    loop {
        let region = pick(rng, &regions).clone();
        let own_city = assistant
            .corpus
            .region(&region)
            .map(|region| region.name.clone())
            .unwrap_or_default();
        let (province, city) = pick(rng, &bank.places).clone();
        if city == own_city {
            continue;
        }
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
            + chrono::Days::new(rng.random_range(0..350));
        let category = *pick(rng, &CATEGORIES);
        let mut application = Application {
            region,
            insurance: Some(if rng.random_bool(0.7) {
                Insurance::Employee
            } else {
                Insurance::Resident
            }),
            category: Some(category),
            destination: Some(Destination {
                province: Some(province),
                city: Some(city),
            }),
            submit_via: Some(if rng.random_bool(0.5) {
                Channel::Phone
            } else {
                Channel::Fax
            }),
            scheme: Some(Scheme::General),
            by_proxy: Some(false),
            incurred_costs_at_destination: Some(false),
            apply_date: Some(today),
            applicant: Some(applicant(rng, bank, category, today)),
            ..Application::default()
        };
        let Ok(decision) = assistant.evaluate(&application, today) else {
            continue;
        };
        if !matches!(decision.status, Status::NeedsMaterials | Status::Incomplete) {
            continue;
        }
        // One document of each group the caller needs; an ID card always,
        // as everyone has one (and says 身份证号 when giving it).
        let mut materials = vec!["id_card".to_string()];
        for group in &decision.required_materials {
            if group.any_of.iter().any(|id| materials.contains(id)) {
                continue;
            }
            let fits = &bank.category_materials[category.id()];
            let held: Vec<&String> = group.any_of.iter().filter(|id| fits.contains(id)).collect();
            if held.is_empty() {
                break;
            }
            materials.push(pick(rng, &held).to_string());
        }
        materials.sort();
        application.materials = Some(materials);
        match assistant.evaluate(&application, today) {
            Ok(decision) if decision.status == Status::Accepted => {
                return Truth {
                    application,
                    today,
                    own_city,
                };
            }
            _ => continue,
        }
    }
}

fn applicant(rng: &mut StdRng, bank: &Bank, category: Category, today: NaiveDate) -> Applicant {
    let name = format!(
        "{}{}",
        pick(rng, &bank.surnames),
        pick(rng, &bank.given_names)
    );
    let born_from = if category == Category::RetiredResettled {
        1950
    } else {
        1965
    };
    let birth = NaiveDate::from_ymd_opt(rng.random_range(born_from..2000), 1, 1).unwrap()
        + chrono::Days::new(rng.random_range(0..365));
    assert!(birth < today);
    let stem = format!(
        "{}{}{:03}",
        pick(rng, &bank.id_areas),
        birth.format("%Y%m%d"),
        rng.random_range(1..1000)
    );
    let id = format!("{stem}{}", check_character(&stem));
    Applicant {
        name: Some(name),
        id_number: Some(IdNumber::parse(&id).expect("a generated ID number is valid")),
        phone: Some(Phone::parse(&mobile(rng)).expect("a generated mobile is valid")),
        address: None,
    }
}

/// A mobile number: 1, a network digit, nine more.
pub fn mobile(rng: &mut StdRng) -> String {
    let network = *pick(rng, &['3', '5', '7', '8', '9']);
    let rest: String = (0..9)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect();
    format!("1{network}{rest}")
}

/// GB 11643 check character of the first 17 digits.
fn check_character(stem: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECKS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = stem
        .chars()
        .zip(WEIGHTS)
        .map(|(c, weight)| c.to_digit(10).unwrap() * weight)
        .sum();
    CHECKS[(sum % 11) as usize]
}
