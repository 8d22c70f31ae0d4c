//! Tell what matters once it is known: a consequence of the caller's case
//! that the Decision settles (the reimbursement ratio dropping by some
//! points, the months a registration cannot be changed or cancelled, the
//! day a commitment letter's proof is due, how far a late registration
//! reaches back, when it is processed) is said once, at the turn the
//! Decision first holds it, from the Decision's own data with the clause it
//! rests on. `Session::told` keeps what was said, so nothing is said twice:
//! the final reply says only what was not said before.

use chrono::NaiveDate;

use super::{Session, speech};
use crate::dialogue::services::Services;
use crate::rules::{Decision, Status};

/// One consequence: its key in `Session::told` (kind and value, so a value
/// that changes is news again), the words, and a figure that, already in
/// the reply (an answer to the caller's own question), means it was said.
struct News {
    key: String,
    text: String,
    figure: String,
}

/// The facts that decide whether the registration will be made at all:
/// while one is open, what follows from the case is not yet the caller's.
const DECIDING: [&str; 4] = ["category", "scheme", "insurance", "destination.province"];

/// Adds to `parts` what the Decision holds that was not told yet, and
/// records it. Only while a registration is under way and its outcome no
/// longer depends on whether the caller may register.
pub(super) fn news(
    services: &dyn Services,
    session: &mut Session,
    decision: &Decision,
    parts: &mut Vec<String>,
) {
    let under_way = match decision.status {
        // Nothing left to ask, yet no decision: the call goes to a person.
        Status::Incomplete => !decision.missing_facts.is_empty(),
        Status::NeedsMaterials | Status::Accepted => true,
        _ => false,
    };
    let settled = decision.registration_required == Some(true)
        && !decision
            .missing_facts
            .iter()
            .any(|fact| DECIDING.contains(&fact.as_str()));
    if !under_way || !settled {
        return;
    }
    for news in consequences(services, session, decision) {
        if session.told.contains(&news.key) {
            continue;
        }
        if !parts.iter().any(|part| part.contains(&news.figure)) {
            parts.push(news.text);
        }
        session.told.push(news.key);
    }
}

/// What the final reply says of the registration's dates: the processing
/// deadline and, if not told before, the change lock and the proof's due
/// day. Records them as told.
pub(super) fn on_registering(
    services: &dyn Services,
    session: &mut Session,
    decision: &Decision,
) -> Vec<String> {
    let replies = services.replies();
    let channel = session.channel;
    let mut said = Vec::new();
    if let Some(deadline) = decision.processing_deadline {
        let key = format!("processing:{deadline}");
        if !session.told.contains(&key) {
            said.push(if Some(deadline) == session.slots.apply_date {
                replies.done_today.text(channel).to_string()
            } else {
                let deadline = speech::date(deadline);
                replies.done_by.fill(channel, &[("deadline", &deadline)])
            });
            session.told.push(key);
        }
    }
    for news in consequences(services, session, decision) {
        if !session.told.contains(&news.key) {
            said.push(news.text);
            session.told.push(news.key);
        }
    }
    said
}

fn consequences(services: &dyn Services, session: &Session, decision: &Decision) -> Vec<News> {
    let replies = services.replies();
    let channel = session.channel;
    let application = &session.slots;
    let basis = |topic: &str| {
        services
            .clause(decision, topic, application)
            .map(|clause| replies.basis.fill(channel, &[("clause", &clause)]))
            .unwrap_or_default()
    };
    let by_commitment = application
        .materials
        .as_ref()
        .is_some_and(|held| held.iter().any(|id| id == COMMITMENT));
    let mut found = Vec::new();
    let points = &decision.ratio_delta_points;
    if let Some(home) = points.home.filter(|points| *points < 0) {
        let template = if by_commitment {
            &replies.told_ratio_home_commitment
        } else {
            &replies.told_ratio_home
        };
        let figure = format!("{}个百分点", -home);
        found.push(News {
            key: format!("ratio_home:{home}"),
            text: template.fill(
                channel,
                &[("points", &(-home).to_string()), ("basis", &basis("ratio"))],
            ),
            figure,
        });
    }
    if let Some(there) = points.registered_place.filter(|points| *points < 0) {
        found.push(News {
            key: format!("ratio_there:{there}"),
            text: replies.told_ratio_there.fill(
                channel,
                &[
                    ("points", &(-there).to_string()),
                    ("basis", &basis("ratio")),
                ],
            ),
            figure: format!("{}个百分点", -there),
        });
    }
    if let Some(from) = decision.change_allowed_from
        && let Some(applied) = application.apply_date
        && let Some(months) = months_between(applied, from)
    {
        let date = speech::date(from);
        found.push(News {
            key: format!("change_lock:{from}"),
            text: replies.told_change_lock.fill(
                channel,
                &[
                    ("months", &months.to_string()),
                    ("date", &date),
                    ("basis", &basis("change_cancel")),
                ],
            ),
            figure: date,
        });
    }
    if let Some(deadline) = decision.supplement_deadline {
        let proofs: Vec<String> = decision
            .required_materials
            .iter()
            .filter(|group| group.any_of.iter().any(|id| id == COMMITMENT))
            .flat_map(|group| group.any_of.iter().filter(|id| *id != COMMITMENT))
            .map(|id| services.material_label(&application.region, id))
            .collect();
        let proofs = if proofs.is_empty() {
            replies.told_supplement_unnamed.text(channel).to_string()
        } else {
            replies.any_of(&proofs)
        };
        let date = speech::date(deadline);
        found.push(News {
            key: format!("supplement:{deadline}"),
            text: replies.told_supplement.fill(
                channel,
                &[
                    ("deadline", &date),
                    ("materials", &proofs),
                    ("basis", &basis("commitment")),
                ],
            ),
            figure: date,
        });
    }
    if let Some(news) = backdating(services, session, decision, &basis("late_registration")) {
        found.push(news);
    }
    found
}

/// A late registration (入院 before the application): from the admission
/// day, or, where the rules cap how far back it reaches, from the earliest
/// day allowed, the costs before it outside the registration.
fn backdating(
    services: &dyn Services,
    session: &Session,
    decision: &Decision,
    basis: &str,
) -> Option<News> {
    let replies = services.replies();
    let channel = session.channel;
    let applied = session.slots.apply_date?;
    let admitted = session.slots.admission_date?;
    let start = decision.validity.start?;
    if admitted >= applied || start >= applied {
        return None;
    }
    let said = speech::date(start);
    let text = if start > admitted {
        let days = (applied - start).num_days().to_string();
        replies.told_backdate_capped.fill(
            channel,
            &[("days", &days), ("start", &said), ("basis", basis)],
        )
    } else {
        replies
            .told_backdated
            .fill(channel, &[("start", &said), ("basis", basis)])
    };
    Some(News {
        key: format!("backdate:{start}"),
        text,
        figure: said,
    })
}

const COMMITMENT: &str = "commitment_letter";

/// Whole months from `from` to `to` (6 for 2026-11-23 → 2027-05-23).
fn months_between(from: NaiveDate, to: NaiveDate) -> Option<u32> {
    (1..=60).find(|months| from.checked_add_months(chrono::Months::new(*months)) == Some(to))
}
