//! The printable registration: the filled 异地就医登记备案表 of the region
//! and a fax cover sheet with the checklist of materials. Plain HTML with
//! print styles; every value is escaped.

use std::fmt::Write;

use crate::rules::{Category, Channel, EndKind, Insurance, Status};
use crate::slot_table::SlotTable;
use crate::store::RegistrationRecord;

/// What the form needs to know about the region, from data: the names in
/// `corpus/regions.toml` and the material labels of the rule data, so that a
/// new region prints its own form without a code change.
pub struct FormLabels<'a> {
    /// 参保地, e.g. 东莞市.
    pub region_name: &'a str,
    /// The form's title (the maternity one where the scheme is maternity).
    pub title: &'a str,
    /// How a material id is named on paper.
    pub material: &'a dyn Fn(&str) -> String,
    /// How a channel is named on paper (a provincial app by its name in
    /// the corpus).
    pub channel: &'a dyn Fn(&Channel) -> String,
    /// The slots' labels (`intents/slots.yaml`), the rows' headings.
    pub slots: &'a SlotTable,
}

fn insurance_label(insurance: Insurance) -> &'static str {
    match insurance {
        Insurance::Employee => "职工基本医疗保险",
        Insurance::Resident => "城乡居民基本医疗保险",
    }
}

/// The decision as the form prints it.
fn status_label(status: Status) -> &'static str {
    match status {
        Status::Accepted => "符合条件，予以备案",
        Status::NeedsMaterials => "待补交材料",
        Status::NotEligible => "不符合备案条件",
        Status::NotRequired => "无需备案",
        Status::ChannelUnavailable => "该渠道不能办理",
        Status::Incomplete => "信息不全",
    }
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

fn row(html: &mut String, label: &str, value: Option<String>) {
    let value = value.unwrap_or_default();
    let _ = writeln!(
        html,
        "<tr><th>{}</th><td>{}</td></tr>",
        escape(label),
        escape(&value)
    );
}

/// The whole printable page for one registration.
pub fn render(registration: &RegistrationRecord, labels: &FormLabels<'_>) -> String {
    let application = &registration.application;
    let decision = &registration.decision;
    let applicant = application.applicant.clone().unwrap_or_default();
    let title = labels.title;
    let label = |slot: &'static str| labels.slots.label(slot);
    let mut html = String::new();
    let _ = writeln!(
        html,
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title>\n\
         <style>body{{font-family:sans-serif;max-width:48em;margin:2em auto}}table{{border-collapse:collapse;width:100%}}\
         th,td{{border:1px solid #333;padding:.4em;text-align:left}}th{{width:12em}}\
         .sheet{{page-break-before:always}}</style></head><body>",
        escape(title)
    );
    let _ = writeln!(html, "<section class=\"form\"><h1>{}</h1>", escape(title));
    let _ = writeln!(
        html,
        "<p>登记编号：{} · {}：{}</p><table>",
        escape(&registration.id),
        escape(labels.slots.label("region")),
        escape(labels.region_name)
    );
    row(&mut html, label("applicant.name"), applicant.name.clone());
    row(
        &mut html,
        label("applicant.id_number"),
        applicant.id_number.as_deref().map(str::to_string),
    );
    row(
        &mut html,
        label("applicant.phone"),
        applicant.phone.as_deref().map(str::to_string),
    );
    row(
        &mut html,
        label("applicant.address"),
        applicant.address.clone(),
    );
    row(
        &mut html,
        label("insurance"),
        application
            .insurance
            .map(|i| insurance_label(i).to_string()),
    );
    row(
        &mut html,
        label("category"),
        application.category.map(|c| Category::label(c).to_string()),
    );
    let destination = application.destination.clone().unwrap_or_default();
    row(
        &mut html,
        label("destination"),
        Some(format!(
            "{}{}",
            destination.province.unwrap_or_default(),
            destination.city.unwrap_or_default()
        )),
    );
    row(
        &mut html,
        label("submit_via"),
        application
            .submit_via
            .as_ref()
            .map(|via| (labels.channel)(via)),
    );
    row(
        &mut html,
        label("apply_date"),
        application.apply_date.map(|d| d.to_string()),
    );
    row(
        &mut html,
        "备案有效期",
        decision
            .validity
            .start
            .map(|start| match decision.validity.end_kind {
                Some(EndKind::Date) => {
                    format!("{start} 至 {}", decision.validity.end.unwrap_or(start))
                }
                Some(EndKind::LongTerm) => format!("{start} 起长期有效"),
                Some(EndKind::NotSet) => format!("{start} 起，不设终止日期"),
                _ => format!("{start} 起，到期日以证件或备案表为准"),
            }),
    );
    row(
        &mut html,
        "审核结果",
        Some(status_label(decision.status).to_string()),
    );
    html.push_str("</table>\n<p>申请人签名：__________　　日期：__________</p></section>\n");

    html.push_str("<section class=\"sheet\"><h1>传真封面 · 异地就医备案材料清单</h1>\n");
    let _ = writeln!(
        html,
        "<p>登记编号：{}　申请人：{}</p>\n<ul>",
        escape(&registration.id),
        escape(&applicant.name.unwrap_or_default())
    );
    let declared = application.materials.clone().unwrap_or_default();
    for group in &decision.required_materials {
        let have = group.any_of.iter().any(|id| declared.contains(id));
        let names: Vec<String> = group
            .any_of
            .iter()
            .map(|id| (labels.material)(id))
            .collect();
        let _ = writeln!(
            html,
            "<li>{} {}</li>",
            if have { "☑" } else { "☐" },
            escape(&names.join(" 或 "))
        );
    }
    html.push_str("</ul>\n");
    // Notes starting 说明： record how the rule data was written; they are
    // for agents, not for the caller's paper.
    let notes: Vec<&String> = decision
        .notes
        .iter()
        .filter(|note| !note.starts_with("说明："))
        .collect();
    if !notes.is_empty() {
        html.push_str("<h2>注意事项</h2><ul>\n");
        for note in notes {
            let _ = writeln!(html, "<li>{}</li>", escape(note));
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</section></body></html>\n");
    html
}
