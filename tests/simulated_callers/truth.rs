//! The true case a simulated caller holds: drawn at random over every
//! category a region's rule data has (Jining's merged ones included), for
//! the caller or for a relative, by phone or fax. It is kept when the rules
//! settle it as it stands: either one right registration to reach, or none
//! (not needed, not by this channel, not for this insurance), which the
//! dialogue must say without registering anything.

use chrono::NaiveDate;
use hotline::Assistant;
use hotline::rules::{
    Applicant, Application, Category, Channel, Destination, IdNumber, Insurance, Phone, Scheme,
    Status,
};
use rand::Rng;
use rand::rngs::StdRng;

use super::bank::{Bank, pick};

/// How the call should end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// The true Application, registered once.
    Registration,
    /// Nothing registered: the rules decide this status for the case.
    NoRegistration(Status),
}

#[derive(Debug, Clone)]
pub struct Truth {
    pub application: Application,
    pub today: NaiveDate,
    /// The region's own city (东莞市…): never a destination.
    pub own_city: String,
    pub expected: Expected,
    /// Who the caller acts for (我爸) and how they say him or her (他),
    /// when the registration is by proxy.
    pub relative: Option<(String, String)>,
    /// Whether the rules decide the case differently when they do not
    /// know it is by proxy (they ask for the proxy's ID): a registration
    /// by proxy must then say so.
    pub proxy_matters: bool,
    /// Documents of the groups the rules ask for that the caller does not
    /// hold: one may be denied before naming those held (户口本没有，有居住证).
    pub not_held: Vec<String>,
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
        let category = *pick(rng, &Category::ALL);
        let by_proxy = rng.random_bool(0.3);
        let relative = by_proxy.then(|| pick(rng, &bank.relatives).clone());
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
            by_proxy: Some(by_proxy),
            incurred_costs_at_destination: Some(false),
            apply_date: Some(today),
            applicant: Some(applicant(rng, bank, category, today)),
            ..Application::default()
        };
        let Ok(decision) = assistant.evaluate(&application, today) else {
            continue;
        };
        let settled = matches!(
            decision.status,
            Status::NotRequired | Status::NotEligible | Status::ChannelUnavailable
        );
        if settled {
            application.materials = Some(vec!["id_card".to_string()]);
            return Truth {
                application,
                today,
                own_city,
                expected: Expected::NoRegistration(decision.status),
                relative,
                proxy_matters: false,
                not_held: Vec::new(),
            };
        }
        if !matches!(decision.status, Status::NeedsMaterials | Status::Incomplete) {
            continue;
        }
        let Some((materials, not_held)) = held_materials(rng, bank, category, by_proxy, &decision)
        else {
            continue;
        };
        application.materials = Some(materials);
        let unknown_proxy = Application {
            by_proxy: None,
            ..application.clone()
        };
        let proxy_matters = by_proxy
            && assistant
                .evaluate(&unknown_proxy, today)
                .ok()
                .map(|d| d.required_materials)
                != Some(decision.required_materials.clone());
        match assistant.evaluate(&application, today) {
            Ok(decision) if decision.status == Status::Accepted => {
                return Truth {
                    application,
                    today,
                    own_city,
                    expected: Expected::Registration,
                    relative,
                    proxy_matters,
                    not_held,
                };
            }
            _ => continue,
        }
    }
}

/// The documents the caller holds: an ID card always (everyone has one,
/// and says 身份证号 when giving it), then one of each group the rules ask
/// for among those the category's callers may hold, now and then two of a
/// group with alternatives. Also the alternatives not held. None when a
/// group has nothing such a caller holds.
fn held_materials(
    rng: &mut StdRng,
    bank: &Bank,
    category: Category,
    by_proxy: bool,
    decision: &hotline::rules::Decision,
) -> Option<(Vec<String>, Vec<String>)> {
    let mut fits = bank.category_materials[category.id()].clone();
    if by_proxy {
        fits.push("proxy_id".into());
    }
    let mut held = vec!["id_card".to_string()];
    let mut not_held = Vec::new();
    for group in &decision.required_materials {
        let candidates: Vec<&String> = group.any_of.iter().filter(|id| fits.contains(id)).collect();
        if candidates.is_empty() {
            return None;
        }
        if !group.any_of.iter().any(|id| held.contains(id)) {
            held.push(pick(rng, &candidates).to_string());
            if candidates.len() > 1 && rng.random_bool(0.3) {
                let second = pick(rng, &candidates).to_string();
                if !held.contains(&second) {
                    held.push(second);
                }
            }
        }
        not_held.extend(
            candidates
                .iter()
                .filter(|id| !held.contains(id))
                .map(|id| id.to_string()),
        );
    }
    held.sort();
    not_held.retain(|id| !held.contains(id) && bank.material_names.contains_key(id));
    not_held.sort();
    not_held.dedup();
    Some((held, not_held))
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
    let stem = format!("{}{}", pick(rng, &bank.id_areas), birth.format("%Y%m%d"),);
    Applicant {
        name: Some(name),
        id_number: Some(IdNumber::parse(&id_number(rng, &stem)).expect("a generated ID is valid")),
        phone: Some(Phone::parse(&mobile(rng)).expect("a generated mobile is valid")),
        address: None,
    }
}

/// An ID number from its first 14 digits (address and birth date): a
/// sequence number and the check character.
pub fn id_number(rng: &mut StdRng, stem: &str) -> String {
    let stem = format!("{stem}{:03}", rng.random_range(1..1000));
    let check = check_character(&stem);
    format!("{stem}{check}")
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
