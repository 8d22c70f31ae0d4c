//! What the caller is told once the rules module has decided: for every
//! status, why, and what happens or what to do next. Built only from the
//! Decision, so the words always match what the rules decided.

use crate::dialogue::SessionChannel;
use crate::dialogue::services::Services;
use crate::dialogue::speech;
use crate::rules::{Application, Channel, Decision, EndKind, MaterialGroup, Status};
use crate::slot_table::SlotTable;

/// `户口簿或居住证、身份证` — one group per item, alternatives with 或.
pub fn materials(services: &dyn Services, region: &str, groups: &[MaterialGroup]) -> String {
    groups
        .iter()
        .map(|group| {
            group
                .any_of
                .iter()
                .map(|id| services.material_label(region, id))
                .collect::<Vec<_>>()
                .join("或")
        })
        .collect::<Vec<_>>()
        .join("、")
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
    region: &str,
    groups: &[MaterialGroup],
) -> String {
    let items: Vec<String> = groups
        .iter()
        .map(|group| {
            let named: Vec<String> = group
                .any_of
                .iter()
                .take(2)
                .map(|id| services.material_label(region, id))
                .collect();
            let more = if group.any_of.len() > 2 { "等" } else { "" };
            format!("{}{more}", named.join("或"))
        })
        .collect();
    format!("请问您手上有{}吗？", items.join("，还有"))
}

fn channels(channels: &[Channel]) -> String {
    channels
        .iter()
        .map(|channel| speech::channel(*channel))
        .collect::<Vec<_>>()
        .join("、")
}

/// The clause a decision rests on, said in one phrase: the most specific
/// one cited, i.e. the last that is not the title or a contact line.
fn basis(decision: &Decision) -> String {
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
        .map(|citation| format!("（依据：{}）", citation.clause))
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
pub fn early(services: &dyn Services, application: &Application, decision: &Decision) -> String {
    let _ = services;
    let _ = application;
    match decision.status {
        Status::NotRequired => format!(
            "按政策，您这种情况不需要办理异地就医备案。{}{}",
            reason(decision),
            basis(decision)
        ),
        Status::NotEligible => {
            let instead = if application.scheme == Some(crate::rules::Scheme::Maternity) {
                "基本医疗保险的异地就医备案不受影响，需要的话可以另外办理。"
            } else {
                "您可以到医保经办窗口咨询其他办法，或者我帮您转人工进一步核实。"
            };
            format!(
                "很抱歉，按政策您这种情况不能办理这项备案。{}{}{instead}{}",
                reason(decision),
                basis(decision),
                consult(decision)
            )
        }
        Status::ChannelUnavailable if decision.channels == [Channel::Hospital] => format!(
            "您这类备案不用自己申请，由给您开转诊证明的医院直接办理，请联系转出医院。{}",
            basis(decision)
        ),
        Status::ChannelUnavailable => {
            let via = application
                .submit_via
                .map(speech::channel)
                .unwrap_or("这个渠道");
            format!(
                "您这类备案不能通过{via}办理，可以通过{}办理。{}",
                channels(&decision.channels),
                basis(decision)
            )
        }
        _ => String::new(),
    }
}

/// The reply after the caller confirmed: what happens next, or everything
/// still missing at once (一次性告知) and how to hand it in.
pub fn final_reply(
    services: &dyn Services,
    application: &Application,
    decision: &Decision,
) -> String {
    let region = application.region.as_str();
    match decision.status {
        Status::Accepted => {
            let mut parts = vec!["好的，备案已经为您登记。".to_string()];
            parts.push(validity(decision));
            if let Some(deadline) = decision.processing_deadline {
                if Some(deadline) == application.apply_date {
                    parts.push("今天就能办结。".into());
                } else {
                    parts.push(format!("{}前办结。", speech::date(deadline)));
                }
            }
            if let Some(from) = decision.change_allowed_from {
                parts.push(format!(
                    "请注意，{}之前原则上不能变更或取消。",
                    speech::date(from)
                ));
            }
            if let Some(deadline) = decision.supplement_deadline {
                parts.push(format!(
                    "承诺补交的材料请在{}前交上来。",
                    speech::date(deadline)
                ));
            }
            if application.submit_via == Some(Channel::Fax) {
                parts.push(fax_instructions(services, application, decision));
            }
            parts.concat()
        }
        Status::NeedsMaterials => {
            let missing = materials(services, region, &decision.missing_materials);
            let mut reply = format!("您的信息已经记下了，还需要补充这些材料：{missing}。");
            reply.push_str(&how_to_supply(services, application, decision));
            reply
        }
        _ => early(services, application, decision),
    }
}

/// 长期有效 only when the policy says so (`end_kind: long_term`).
fn validity(decision: &Decision) -> String {
    let Some(start) = decision.validity.start.map(speech::date) else {
        return String::new();
    };
    match (decision.validity.end_kind, decision.validity.end) {
        (Some(EndKind::Date), Some(end)) => {
            format!("备案有效期从{start}到{}。", speech::date(end))
        }
        (Some(EndKind::LongTerm), _) => format!("备案从{start}开始生效，长期有效。"),
        (Some(EndKind::NotSet), _) => format!("备案从{start}开始生效，不设终止日期。"),
        _ => format!("备案从{start}开始生效，到期日要看证件或备案表上的日期。"),
    }
}

fn how_to_supply(
    services: &dyn Services,
    application: &Application,
    decision: &Decision,
) -> String {
    let contact = services
        .contact(&application.region)
        .map(|contact| format!("（{contact}）"))
        .unwrap_or_default();
    let online: Vec<Channel> = decision
        .channels
        .iter()
        .copied()
        .filter(|channel| {
            !matches!(
                channel,
                Channel::Phone | Channel::Fax | Channel::Window | Channel::Hospital
            )
        })
        .collect();
    let mut ways = Vec::new();
    if decision.channels.contains(&Channel::Fax) {
        ways.push(format!("把复印件传真给经办机构{contact}"));
    }
    if !online.is_empty() {
        ways.push(format!("在{}上传", channels(&online)));
    }
    if decision.channels.contains(&Channel::Window) {
        ways.push("带到医保经办窗口".to_string());
    }
    if ways.is_empty() {
        String::new()
    } else {
        format!("可以{}。", ways.join("，或者"))
    }
}

fn fax_instructions(
    services: &dyn Services,
    application: &Application,
    decision: &Decision,
) -> String {
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
        .unwrap_or_else(|| "当地医保经办机构".into());
    let copies = if to_fax.is_empty() {
        String::new()
    } else {
        format!("和{}的复印件", to_fax.join("、"))
    };
    format!("请把我们代填的备案表{copies}传真给经办机构，联系方式：{contact}。")
}

/// The read-back before confirmation: every slot the table reads back,
/// in its order, then the question.
pub fn read_back(table: &SlotTable, application: &Application, channel: SessionChannel) -> String {
    let facts: Vec<String> = table
        .iter()
        .filter_map(|slot| {
            let phrase = slot.read_back.as_ref()?;
            let value = speech::slot_value(application, &slot.path, channel)?;
            Some(phrase.replace("{value}", &value))
        })
        .collect();
    format!("我跟您核对一下：{}。信息都对吗？", facts.join("，"))
}
