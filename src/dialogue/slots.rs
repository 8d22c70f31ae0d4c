//! Filling the Application from what a caller said: several slots from one
//! sentence, facts offered before they were asked for, corrections, and the
//! short answers (对 / 没有 / a bare name) that only make sense against the
//! question pending.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::dialogue::{Session, SlotChange};
use crate::nlu::cues::ActWords;
use crate::nlu::{DateRole, Entities, Intent, NumberKind, NumberTail, Understanding};
use crate::rules::{Applicant, Application, Category, Destination, IdNumber, Phone};
use crate::slot_table::SlotTable;

/// The dialogue act that wrote a value: stated outright, the answer to
/// the question pending, a correction, or a yes to the question put back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Act {
    Inform,
    Answer,
    Correct,
    Confirm,
}

impl Act {
    pub fn name(self) -> &'static str {
        match self {
            Act::Inform => "inform",
            Act::Answer => "answer",
            Act::Correct => "correct",
            Act::Confirm => "confirm",
        }
    }

    pub fn from_name(name: &str) -> Option<Act> {
        [Act::Inform, Act::Answer, Act::Correct, Act::Confirm]
            .into_iter()
            .find(|act| act.name() == name)
    }
}

/// A value the caller gave that cannot be taken, with the slot it was for
/// and the reason in words a caller understands.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub slot: &'static str,
    pub reason: String,
}

/// What one utterance did to the slots.
#[derive(Debug, Default)]
pub struct Applied {
    pub rejected: Vec<Rejected>,
    /// True when anything at all was taken from the utterance.
    pub took_something: bool,
    /// A bare 有 to documents with alternatives: which one is asked next
    /// (set only the first time, so a second bare 有 counts as not
    /// understood).
    pub which_asked: bool,
    /// The last digits of a number were said anew with two numbers on the
    /// form and nothing to say which: the caller is asked which.
    pub tail_unclear: bool,
}

impl Applied {
    fn reject(&mut self, slot: &'static str, reason: String) {
        self.rejected.push(Rejected { slot, reason });
    }
}

/// Writes every fact in `understanding` into `session.slots`. Later facts
/// overwrite earlier ones, which is what a correction (不对，改成…) means.
pub fn apply(
    session: &mut Session,
    understanding: &Understanding,
    text: &str,
    words: &ActWords,
) -> Applied {
    let pending = session.pending.clone();
    let pending = pending.as_deref();
    let entities = &understanding.entities;
    let mut applied = Applied::default();
    stated_facts(&mut session.slots, understanding, &mut applied);
    materials(&mut session.slots, entities, &mut applied);
    if !entities.materials.is_empty() || !entities.negated_materials.is_empty() {
        session.materials_which = false;
    }
    dates(&mut session.slots, entities, pending, &mut applied);
    applicant(
        &mut session.slots,
        entities,
        pending,
        text,
        words,
        &mut applied,
    );
    number_tails(&mut session.slots, entities, session.today, &mut applied);
    hukou(session, understanding, pending, &mut applied);
    let have = says_have(text, words);
    short_answer(session, understanding, have, pending, &mut applied);
    date_problems(entities, pending, &mut applied);
    applied
}

/// The facts said outright: scheme, insurance, category, channel,
/// destination, proxy, costs already incurred.
fn stated_facts(slots: &mut Application, understanding: &Understanding, applied: &mut Applied) {
    let entities = &understanding.entities;
    let destination = entities.destination.as_ref().map(|place| Destination {
        province: Some(place.province.clone()),
        city: place.city.clone(),
    });
    let mut took = |taken: bool| applied.took_something |= taken;
    took(set(&mut slots.scheme, entities.scheme));
    took(set(&mut slots.insurance, entities.insurance));
    took(set(&mut slots.category, entities.category));
    took(set(&mut slots.submit_via, entities.submit_via.clone()));
    took(set(&mut slots.destination, destination));
    took(set(&mut slots.by_proxy, entities.by_proxy));
    took(set(
        &mut slots.incurred_costs_at_destination,
        entities.incurred_costs,
    ));
}

/// Writes `value` into `slot` when there is one; whether it did.
fn set<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    let taken = value.is_some();
    if taken {
        *slot = value;
    }
    taken
}

/// Documents the caller has, and those they say they do not have.
fn materials(slots: &mut Application, entities: &Entities, applied: &mut Applied) {
    if entities.materials.is_empty() && entities.negated_materials.is_empty() {
        return;
    }
    let mut materials = slots.materials.clone().unwrap_or_default();
    for material in &entities.materials {
        if !materials.contains(material) {
            materials.push(material.clone());
        }
    }
    materials.retain(|material| !entities.negated_materials.contains(material));
    slots.materials = Some(materials);
    applied.took_something = true;
}

/// Admission and transfer dates: by what the caller said the date was, or
/// as the answer to the date question pending.
fn dates(
    slots: &mut Application,
    entities: &Entities,
    pending: Option<&str>,
    applied: &mut Applied,
) {
    for mention in &entities.dates {
        let slot = match mention.role {
            Some(DateRole::Admission) => Some("admission_date"),
            Some(DateRole::TransferStart) => Some("transfer_start_date"),
            Some(DateRole::Apply) => None,
            None => pending.filter(|slot| ["transfer_start_date", "admission_date"].contains(slot)),
        };
        match slot {
            Some("admission_date") => slots.admission_date = Some(mention.date),
            Some("transfer_start_date") => slots.transfer_start_date = Some(mention.date),
            _ => continue,
        }
        applied.took_something = true;
    }
}

/// Name, ID number and phone; a number that fails its check is rejected
/// with the reason.
fn applicant(
    slots: &mut Application,
    entities: &Entities,
    pending: Option<&str>,
    text: &str,
    words: &ActWords,
    applied: &mut Applied,
) {
    let applicant = slots.applicant.get_or_insert_with(Applicant::default);
    if let Some(name) = &entities.name {
        applicant.name = Some(name.clone());
        applied.took_something = true;
    } else if pending == Some("applicant.name")
        && entities.is_empty()
        && let Some(name) = bare_name(text, words)
    {
        applicant.name = Some(name);
        applied.took_something = true;
    }
    for mention in &entities.id_numbers {
        if let Some(number) = &mention.number {
            applicant.id_number = Some(number.clone());
            applied.took_something = true;
        } else {
            let reason = mention.problem.clone().unwrap_or_else(|| "号码不对".into());
            applied.reject("applicant.id_number", reason);
        }
    }
    for mention in &entities.phones {
        if let Some(number) = &mention.number {
            applicant.phone = Some(number.clone());
            applied.took_something = true;
        } else {
            let reason = mention.problem.clone().unwrap_or_else(|| "位数不对".into());
            applied.reject("applicant.phone", reason);
        }
    }
    if *applicant == Applicant::default() {
        slots.applicant = None;
    }
}

/// The last digits of a number said anew (后四位是1028，刚才说错了) replace
/// those of the number on the form, when it is clear which: the clause
/// named it, or only one number is on the form. The new number is checked
/// like any other and, when it fails, not taken.
fn number_tails(
    slots: &mut Application,
    entities: &Entities,
    today: chrono::NaiveDate,
    applied: &mut Applied,
) {
    for tail in &entities.number_tails {
        let Some(applicant) = slots.applicant.as_mut() else {
            return;
        };
        let id = applicant.id_number.as_deref().map(str::to_string);
        let phone = applicant
            .phone
            .as_deref()
            .map(|phone| phone.replace('-', ""));
        let Some(kind) = tail_of(tail, id.is_some(), phone.is_some()) else {
            applied.tail_unclear |= id.is_some() && phone.is_some();
            continue;
        };
        let (slot, old) = match kind {
            NumberKind::IdNumber => ("applicant.id_number", id),
            NumberKind::Phone => ("applicant.phone", phone),
        };
        let Some(old) = old.filter(|old| old.len() > tail.digits.len()) else {
            continue;
        };
        let new = format!("{}{}", &old[..old.len() - tail.digits.len()], tail.digits);
        let checked = match kind {
            NumberKind::IdNumber => {
                IdNumber::parse_on(&new, today).map(|number| applicant.id_number = Some(number))
            }
            NumberKind::Phone => Phone::parse(&new).map(|number| applicant.phone = Some(number)),
        };
        match checked {
            Ok(()) => applied.took_something = true,
            Err(error) => applied.reject(slot, error.problem.to_string()),
        }
    }
}

/// Which number a tail belongs to: the one its clause named, a tail ending
/// in a check letter the 身份证's, else the only one on the form.
fn tail_of(tail: &NumberTail, has_id: bool, has_phone: bool) -> Option<NumberKind> {
    if tail.of.is_some() {
        return tail.of;
    }
    if tail.digits.ends_with('X') {
        return Some(NumberKind::IdNumber);
    }
    match (has_id, has_phone) {
        (true, false) => Some(NumberKind::IdNumber),
        (false, true) => Some(NumberKind::Phone),
        _ => None,
    }
}

/// 户口迁过去了 / 没迁: said outright, or as the answer to the question.
fn hukou(
    session: &mut Session,
    understanding: &Understanding,
    pending: Option<&str>,
    applied: &mut Applied,
) {
    let yes_no = match understanding.intent {
        Intent::Affirm => Some(true),
        Intent::Deny => Some(false),
        _ => None,
    };
    let answered = (pending == Some("hukou_moved")).then_some(yes_no).flatten();
    let Some(moved) = understanding.entities.hukou_moved.or(answered) else {
        return;
    };
    session.hukou_moved = Some(moved);
    applied.took_something = true;
    if !moved && session.slots.category == Some(Category::RetiredResettled) {
        session.slots.category = Some(Category::LongTermResident);
    }
}

/// Yes / no only answers the question pending. "有" / "都有" answers
/// "您有吗" in the affirmative whatever intent the bare word gets on its own.
fn short_answer(
    session: &mut Session,
    understanding: &Understanding,
    have: Option<bool>,
    pending: Option<&str>,
    applied: &mut Applied,
) {
    let entities = &understanding.entities;
    let yes = understanding.intent == Intent::Affirm || have == Some(true);
    let no = !yes && understanding.intent == Intent::Deny || have == Some(false);
    if !yes && !no {
        return;
    }
    let slots = &mut session.slots;
    match pending {
        Some("by_proxy") if slots.by_proxy.is_none() || entities.by_proxy.is_none() => {
            slots.by_proxy = Some(yes);
        }
        Some("incurred_costs_at_destination") => {
            slots.incurred_costs_at_destination = Some(yes);
        }
        Some("materials") if no && entities.materials.is_empty() => {
            slots.materials.get_or_insert_with(Vec::new);
            session.materials_which = false;
        }
        // 有 to "户口簿或居住证，还有身份证吗": a group of one is that
        // document; of a group with alternatives the caller is asked which
        // one, never given the first (see `Session::materials_which`).
        Some("materials") if yes && entities.materials.is_empty() => {
            let missing = session
                .decision
                .as_ref()
                .map(|decision| decision.missing_materials.clone())
                .unwrap_or_default();
            let materials = slots.materials.get_or_insert_with(Vec::new);
            for group in missing {
                match group.any_of.as_slice() {
                    [only] if !materials.contains(only) => materials.push(only.clone()),
                    [_] => {}
                    _ => {
                        applied.which_asked |= !session.materials_which;
                        session.materials_which = true;
                    }
                }
            }
        }
        _ => return,
    }
    applied.took_something = true;
}

/// Dates that cannot be (2月30号), for the date question pending.
fn date_problems(entities: &Entities, pending: Option<&str>, applied: &mut Applied) {
    let slot = match pending {
        Some("transfer_start_date") => "transfer_start_date",
        _ => "admission_date",
    };
    for problem in &entities.problems {
        applied.reject(slot, problem.clone());
    }
}

/// `Some(true)` for a bare 有 / 有的 / 都有 / 带着呢, `Some(false)` for 没有;
/// `None` for anything longer, which the understanding handles. The words
/// are `acts.have`, `acts.have_not` and `acts.bare_answer_padding`.
fn says_have(text: &str, words: &ActWords) -> Option<bool> {
    let bare: String = text
        .chars()
        .filter(|c| !c.is_ascii_punctuation() && !"，。！？、 ".contains(*c))
        .collect();
    let bare = words
        .bare_answer_padding
        .iter()
        .fold(bare, |bare, padding| bare.replace(padding.as_str(), ""));
    let said = |list: &[String]| list.iter().any(|word| *word == bare);
    if said(&words.have) {
        Some(true)
    } else if said(&words.have_not) {
        Some(false)
    } else {
        None
    }
}

/// A reply that is only a name ("王芳", "我叫王芳" is the NLU's job): two to
/// four Han characters, nothing else, after the words a reply may say
/// before a name (`ActWords::name_cues`: 叫王国庆, 我叫高静, 是王芳) that the
/// NLU did not take.
fn bare_name(text: &str, words: &ActWords) -> Option<String> {
    let text = text.trim().trim_end_matches(['。', '.', '！', '!']);
    let name: String = words
        .name_cues
        .iter()
        .find_map(|cue| text.strip_prefix(cue.as_str()))
        .unwrap_or(text)
        .chars()
        .collect();
    let count = name.chars().count();
    let all_han = name.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    (all_han && (2..=4).contains(&count)).then_some(name)
}

/// The slot-by-slot difference between two Applications, with `source`.
pub fn diff(
    table: &SlotTable,
    before: &Application,
    after: &Application,
    source: &str,
) -> Vec<SlotChange> {
    table
        .reported()
        .filter_map(|slot| {
            let old = value_at(before, &slot.path);
            let new = value_at(after, &slot.path);
            (old != new).then(|| SlotChange {
                slot: slot.path.clone(),
                old,
                new,
                source: source.to_string(),
                act: None,
            })
        })
        .collect()
}

/// The JSON value of a dotted slot, `None` when not known.
pub fn value_at(application: &Application, slot: &str) -> Option<Value> {
    let json = serde_json::to_value(application).ok()?;
    let value = slot
        .split('.')
        .try_fold(&json, |value, key| value.get(key))?;
    (!value.is_null()).then(|| value.clone())
}

/// Sets a dotted slot from a JSON value (agents editing the form), checking
/// the value against the Application's types. `None` clears the slot.
pub fn set_value(
    table: &SlotTable,
    application: &Application,
    slot: &str,
    value: Option<Value>,
) -> Result<Application, String> {
    if table.get(slot).is_none() {
        return Err(format!("unknown slot `{slot}`"));
    }
    let mut json = serde_json::to_value(application).map_err(|error| error.to_string())?;
    let (parent, key) = match slot.split_once('.') {
        Some((parent, key)) => {
            let object = json
                .as_object_mut()
                .expect("an Application serialises to an object");
            let parent = object
                .entry(parent)
                .or_insert_with(|| Value::Object(Default::default()));
            if parent.is_null() {
                *parent = Value::Object(Default::default());
            }
            (parent, key)
        }
        None => (&mut json, slot),
    };
    let object = parent
        .as_object_mut()
        .ok_or_else(|| format!("`{slot}` cannot be set"))?;
    match value {
        Some(value) if !value.is_null() => object.insert(key.to_string(), value),
        _ => object.remove(key),
    };
    serde_json::from_value(json).map_err(|error| format!("{slot}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::says_have;
    use crate::dialogue::Services;

    #[test]
    fn bare_have_and_have_not_answer_the_materials_question() {
        let words = crate::dialogue::tests::Fake.act_words();
        let says_have = |text: &str| says_have(text, words);
        assert_eq!(says_have("有"), Some(true));
        assert_eq!(says_have("都有的。"), Some(true));
        assert_eq!(says_have("嗯，有啊"), Some(true));
        assert_eq!(says_have("没有"), Some(false));
        assert_eq!(says_have("有户口本"), None);
        assert_eq!(says_have("我没有居住证"), None);
    }
}
