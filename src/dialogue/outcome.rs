//! What the caller is told once the rules module has decided: for every
//! status, why, and what happens or what to do next. Built only from the
//! Decision, so the words always match what the rules decided.

use crate::dialogue::SessionChannel;
use crate::dialogue::replies::Replies;
use crate::dialogue::services::Services;
use crate::dialogue::speech;
use crate::rules::{Application, Channel, Decision, EndKind, MaterialGroup, Status};

/// `户口簿或居住证、身份证` — one group per item, alternatives with 或.
pub fn materials(services: &dyn Services, region: &str, groups: &[MaterialGroup]) -> String {
    let replies = services.replies();
    let items: Vec<String> = groups
        .iter()
        .map(|group| replies.any_of(&labels(services, region, group)))
        .collect();
    replies.listed(&items)
}

/// Each alternative of `group`, as the region names it.
fn labels(services: &dyn Services, region: &str, group: &MaterialGroup) -> Vec<String> {
    group
        .any_of
        .iter()
        .map(|id| services.material_label(region, id))
        .collect()
}

/// Quick replies for the materials question on a widget: every proof that
/// would do for this registration (each alternative, named as the region
/// names it), then 没有. A caller taps the one they hold, instead of a
/// bare 有 that would be taken as the first alternative.
pub fn material_choices(
    services: &dyn Services,
    region: &str,
    groups: &[MaterialGroup],
) -> Vec<String> {
    let mut choices: Vec<String> = Vec::new();
    for id in groups.iter().flat_map(|group| &group.any_of) {
        let label = services.material_label(region, id);
        if !choices.contains(&label) {
            choices.push(label);
        }
    }
    choices.push("没有".into());
    choices
}

/// The question for the proofs still needed, short enough to say aloud:
/// each item with at most two alternatives named (`户口簿或居住证等`).
pub fn materials_question(
    services: &dyn Services,
    channel: SessionChannel,
    region: &str,
    groups: &[MaterialGroup],
) -> String {
    let replies = services.replies();
    let items: Vec<String> = groups
        .iter()
        .map(|group| replies.some_of(&labels(services, region, group), 2))
        .collect();
    let items = replies.one_then_another(&items);
    replies
        .materials_question
        .fill(channel, &[("materials", &items)])
}

/// The caller said 有 to documents with alternatives: which one each is
/// (户口簿、居住证还是个人承诺书); asked again, in other words.
pub fn which_material(
    services: &dyn Services,
    channel: SessionChannel,
    region: &str,
    groups: &[MaterialGroup],
    attempt: u32,
) -> String {
    let replies = services.replies();
    let options: Vec<String> = groups
        .iter()
        .map(|group| {
            let labels = labels(services, region, group);
            match labels.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => replies
                    .which_one_of
                    .fill(channel, &[("some", &replies.listed(rest)), ("last", last)]),
                None => String::new(),
            }
        })
        .collect();
    let options = options.join(replies.which_and.text(channel));
    // Asked again, in other words: the name of the document is all it takes.
    let question = if attempt == 0 {
        &replies.materials_which
    } else {
        &replies.materials_which_again
    };
    question.fill(channel, &[("options", &options)])
}

fn channels(services: &dyn Services, channels: &[Channel]) -> String {
    let labels: Vec<String> = channels
        .iter()
        .map(|channel| services.channel_label(channel))
        .collect();
    services.replies().listed(&labels)
}

/// The clause a decision rests on, said in one phrase: the most specific
/// one cited, i.e. the last that is not the title or a contact line.
fn basis(replies: &Replies, channel: SessionChannel, decision: &Decision) -> String {
    decision
        .citations
        .iter()
        .rev()
        .find(|citation| {
            !citation.clause.contains("事项名称")
                && !citation.clause.contains("电话")
                && !citation.clause.contains("落款")
        })
        .or(decision.citations.first())
        .map(|citation| replies.basis.fill(channel, &[("clause", &citation.clause)]))
        .unwrap_or_default()
}

/// Why the rules decided so: the rules module puts the reason last, before
/// the line on whom to call.
fn reason(decision: &Decision) -> String {
    decision
        .notes
        .iter()
        .rev()
        .find(|note| !note.starts_with("如有疑问"))
        .map(|note| {
            let note = note.trim_start_matches("说明：").trim_end_matches('。');
            format!("{note}。")
        })
        .unwrap_or_default()
}

/// The line on whom to call, when the rules data gives one.
fn consult(decision: &Decision) -> String {
    decision
        .notes
        .iter()
        .find(|note| note.starts_with("如有疑问"))
        .cloned()
        .unwrap_or_default()
}

/// The reply for a decision that ends the registration before any
/// confirmation: not required, not eligible, or not through this channel.
pub fn early(
    services: &dyn Services,
    channel: SessionChannel,
    application: &Application,
    decision: &Decision,
) -> String {
    let replies = services.replies();
    let basis = basis(replies, channel, decision);
    let reason = reason(decision);
    match decision.status {
        Status::NotRequired => replies
            .not_required
            .fill(channel, &[("reason", &reason), ("basis", &basis)]),
        Status::NotEligible => {
            let instead = if application.scheme == Some(crate::rules::Scheme::Maternity) {
                &replies.not_eligible_maternity_instead
            } else {
                &replies.not_eligible_instead
            };
            replies.not_eligible.fill(
                channel,
                &[
                    ("reason", &reason),
                    ("basis", &basis),
                    ("instead", instead.text(channel)),
                    ("consult", &consult(decision)),
                ],
            )
        }
        Status::ChannelUnavailable if decision.channels == [Channel::Hospital] => {
            replies.hospital_only.fill(channel, &[("basis", &basis)])
        }
        Status::ChannelUnavailable => {
            let named = application
                .submit_via
                .as_ref()
                .map(|via| services.channel_label(via));
            let via = named
                .as_deref()
                .unwrap_or(replies.this_channel.text(channel));
            replies.channel_unavailable.fill(
                channel,
                &[
                    ("channel", via),
                    ("channels", &channels(services, &decision.channels)),
                    ("basis", &basis),
                ],
            )
        }
        _ => String::new(),
    }
}

/// The reply after the caller confirmed: what happens next, or everything
/// still missing at once (一次性告知) and how to hand it in. `news` is what
/// the registration settles that the caller was not told before (see
/// [`super::tell`]).
pub fn final_reply(
    services: &dyn Services,
    channel: SessionChannel,
    application: &Application,
    decision: &Decision,
    news: Vec<String>,
) -> String {
    let replies = services.replies();
    let region = application.region.as_str();
    match decision.status {
        Status::Accepted => {
            let mut parts = vec![replies.accepted.text(channel).to_string()];
            parts.push(validity(replies, channel, decision));
            parts.extend(news);
            if application.submit_via == Some(Channel::Fax) {
                parts.push(fax_instructions(services, channel, application, decision));
            }
            super::say(&parts)
        }
        Status::NeedsMaterials => {
            let missing = materials(services, region, &decision.missing_materials);
            let how = how_to_supply(services, channel, application, decision);
            replies
                .needs_materials
                .fill(channel, &[("materials", &missing), ("how", &how)])
        }
        _ => early(services, channel, application, decision),
    }
}

/// 长期有效 only when the policy says so (`end_kind: long_term`).
fn validity(replies: &Replies, channel: SessionChannel, decision: &Decision) -> String {
    let Some(start) = decision.validity.start.map(speech::date) else {
        return String::new();
    };
    let start = [("start", start.as_str())];
    match (decision.validity.end_kind, decision.validity.end) {
        (Some(EndKind::Date), Some(end)) => replies
            .valid_until
            .fill(channel, &[start[0], ("end", &speech::date(end))]),
        (Some(EndKind::LongTerm), _) => replies.valid_long_term.fill(channel, &start),
        (Some(EndKind::NotSet), _) => replies.valid_no_end.fill(channel, &start),
        _ => replies.valid_conditional.fill(channel, &start),
    }
}

fn how_to_supply(
    services: &dyn Services,
    channel: SessionChannel,
    application: &Application,
    decision: &Decision,
) -> String {
    let replies = services.replies();
    let contact = services
        .contact(&application.region)
        .map(|contact| format!("（{contact}）"))
        .unwrap_or_default();
    let online: Vec<Channel> = decision
        .channels
        .iter()
        .cloned()
        .filter(|channel| {
            !matches!(
                channel,
                Channel::Phone | Channel::Fax | Channel::Window | Channel::Hospital
            )
        })
        .collect();
    let mut ways = Vec::new();
    if decision.channels.contains(&Channel::Fax) {
        ways.push(
            replies
                .supply_by_fax
                .fill(channel, &[("contact", &contact)]),
        );
    }
    if !online.is_empty() {
        let online = channels(services, &online);
        ways.push(
            replies
                .supply_online
                .fill(channel, &[("channels", &online)]),
        );
    }
    if decision.channels.contains(&Channel::Window) {
        ways.push(replies.supply_at_window.text(channel).to_string());
    }
    if ways.is_empty() {
        String::new()
    } else {
        let ways = replies.either_way(&ways);
        replies.supply_ways.fill(channel, &[("ways", &ways)])
    }
}

fn fax_instructions(
    services: &dyn Services,
    channel: SessionChannel,
    application: &Application,
    decision: &Decision,
) -> String {
    let replies = services.replies();
    let region = application.region.as_str();
    // Exactly what to fax: for each required item the document the caller
    // said they hold, or the alternatives when they named none.
    let held = application.materials.clone().unwrap_or_default();
    let to_fax: Vec<String> = decision
        .required_materials
        .iter()
        .filter(|group| !group.any_of.iter().any(|id| id == "registration_form"))
        .map(
            |group| match group.any_of.iter().find(|id| held.contains(id)) {
                Some(id) => services.material_label(region, id),
                None => materials(services, region, std::slice::from_ref(group)),
            },
        )
        .collect();
    let contact = services
        .contact(region)
        .unwrap_or_else(|| replies.agency_unnamed.text(channel).into());
    let copies = if to_fax.is_empty() {
        String::new()
    } else {
        let to_fax = replies.listed(&to_fax);
        replies.fax_copies.fill(channel, &[("materials", &to_fax)])
    };
    replies
        .fax_form
        .fill(channel, &[("copies", &copies), ("contact", &contact)])
}

/// The read-back before confirmation: every slot the table reads back,
/// in its order (the category as the region names it), then the question.
pub fn read_back(
    services: &dyn Services,
    application: &Application,
    channel: SessionChannel,
) -> String {
    let facts: Vec<String> = services
        .slots()
        .iter()
        .filter_map(|slot| {
            let phrase = slot.read_back.as_ref()?;
            let value = match slot.path.as_str() {
                "materials" => held_materials(services, application),
                path => super::slot_said(services, application, path, channel),
            }?;
            Some(phrase.replace("{value}", &value))
        })
        .collect();
    let facts = facts.join("，");
    services
        .replies()
        .read_back
        .fill(channel, &[("facts", &facts)])
}

/// The documents the caller said they hold, as the region names them.
fn held_materials(services: &dyn Services, application: &Application) -> Option<String> {
    let held = application.materials.as_ref()?;
    let names: Vec<String> = held
        .iter()
        .map(|id| services.material_label(&application.region, id))
        .collect();
    (!names.is_empty()).then(|| services.replies().listed(&names))
}
