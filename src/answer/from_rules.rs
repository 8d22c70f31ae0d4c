//! Answers from the rules module: a question about the caller's own case,
//! or about a category the question names (有效期, 材料, 能不能电话办,
//! 多久办好, 报销比例, 变更取消, 要不要备案), is answered from the
//! Decision's parameters, so what the dialogue decides and what it says
//! when asked can never disagree. The reply cites the clause the Decision
//! rests on for that parameter. Search answers everything else.

use super::reply::{self, PHONE_MAX_CHARS, Short};
use super::wording::Wording;
use crate::rules::engine::add_months_inclusive;
use crate::rules::{Channel, Decision, EndKind, Status};

/// What a question may ask that the rules decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesTopic {
    /// 要不要备案, 免备案.
    Exemption,
    /// 来不及备案, 补办: answered by the rules only where no registration
    /// is needed at all.
    LateRegistration,
    /// 有效期.
    Validity,
    /// 材料.
    Materials,
    /// 能不能电话/传真/网上办.
    Channels,
    /// 多久办好.
    Deadline,
    /// 报销比例变不变.
    Ratio,
    /// 能不能变更或取消.
    ChangeCancel,
}

/// Each rules topic with its tag in `corpus/search/topics.txt`: one table
/// read both ways.
const TAGS: [(RulesTopic, &str); 8] = [
    (RulesTopic::Exemption, "exemption"),
    (RulesTopic::LateRegistration, "late_registration"),
    (RulesTopic::Validity, "validity"),
    (RulesTopic::Materials, "materials"),
    (RulesTopic::Channels, "channels"),
    (RulesTopic::Deadline, "deadline"),
    (RulesTopic::Ratio, "ratio"),
    (RulesTopic::ChangeCancel, "change_cancel"),
];

impl RulesTopic {
    /// The topic tag (`corpus/search/topics.txt`) of the passages that
    /// hold this parameter's clause.
    pub fn tag(self) -> &'static str {
        TAGS.iter()
            .find(|(topic, _)| *topic == self)
            .map_or("", |(_, tag)| tag)
    }

    /// The rules topic a tag names, if it is one.
    fn of_tag(tag: &str) -> Option<RulesTopic> {
        TAGS.iter()
            .find(|(_, name)| *name == tag)
            .map(|(topic, _)| *topic)
    }

    /// What the question asks, when it asks one thing the rules decide
    /// (its topics as search read them). A question that also asks what
    /// the rules do not decide (算哪一类, 电话多少), or two things at once
    /// (补办能往前算几天: late registration and days), is left to search.
    pub fn of(topics: &[String]) -> Option<RulesTopic> {
        let mut asked = None;
        for topic in topics {
            // 电话 and 传真 also read as the contact number; asked with how to
            // register (能打电话办吗), they are the channel.
            let channel_asked = topics.iter().any(|topic| topic == "channels");
            if topic == "contacts" && channel_asked {
                continue;
            }
            let this = RulesTopic::of_tag(topic)?;
            asked = match (asked, this) {
                (None, this) => Some(this),
                (Some(earlier), this) if earlier == this => Some(this),
                // 来不及备案 of an emergency: whether it needs registering.
                (
                    Some(RulesTopic::Exemption | RulesTopic::LateRegistration),
                    RulesTopic::Exemption | RulesTopic::LateRegistration,
                ) => Some(RulesTopic::Exemption),
                _ => return None,
            };
        }
        asked
    }
}

/// A decided case and what the question asks of it.
pub struct Case<'a> {
    pub topic: RulesTopic,
    pub decision: &'a Decision,
    /// Who the answer is about, as said: 异地长期居住人员, 生育保险.
    pub who: &'a str,
    /// A channel the question names (能不能电话办).
    pub asked_channel: Option<Channel>,
    /// Working days from application to decision, per channel that works.
    pub processing_days: &'a [(Channel, u32)],
    /// How a material id is said in this region.
    pub material_label: &'a dyn Fn(&str) -> String,
    /// How a channel is named (a provincial app by its corpus name).
    pub channel_label: &'a dyn Fn(&Channel) -> String,
    /// How far back a late registration (补办) reaches: `Some(None)` to
    /// the admission day, `Some(Some(days))` at most that many days
    /// before the application; `None` when the rules do not say.
    pub backdating: Option<Option<u32>>,
    /// The clause the Decision cites for the topic, with the words callers
    /// ask about the topic in: where the Decision holds no figure for it
    /// (a lock that depends on costs incurred, where and how a change is
    /// made), the clause's own sentence on it is the answer.
    pub clause: Option<(&'a str, &'a [(String, f32)])>,
    /// The sentences said (`intents/answers.yaml`).
    pub wording: &'a Wording,
}

/// The reply the Decision gives to the question; `None` when the Decision
/// does not settle it (search answers then).
pub fn reply(case: &Case<'_>) -> Option<Short> {
    let decision = case.decision;
    let who = case.who;
    let wording = case.wording;
    let exemption_asked = matches!(
        case.topic,
        RulesTopic::Exemption | RulesTopic::LateRegistration
    );
    if decision.status == Status::NotRequired {
        if !exemption_asked {
            return None;
        }
        let note = decision
            .notes
            .iter()
            .find(|note| !note.starts_with("说明：") && !note.starts_with("如有疑问"))?;
        return Some(reply::shorten(note, &[], &wording.offer_more.said(&[])));
    }
    let text = match case.topic {
        RulesTopic::Exemption if decision.registration_required == Some(true) => {
            wording.needs_registration.said(&[("who", who)])
        }
        RulesTopic::LateRegistration if decision.registration_required == Some(true) => {
            late_registration(case.backdating?, wording)
        }
        RulesTopic::Exemption | RulesTopic::LateRegistration => return None,
        RulesTopic::Validity => validity(decision, who, wording)?,
        RulesTopic::Materials => return materials(case),
        RulesTopic::Channels => channels(case)?,
        RulesTopic::Deadline => deadline(case)?,
        RulesTopic::Ratio => ratio(decision, wording)?,
        RulesTopic::ChangeCancel => match change_lock(decision, who, wording) {
            Some(text) => text,
            None => {
                let (clause, words) = case.clause?;
                return Some(reply::shorten(clause, words, &wording.offer_more.said(&[])))
                    .filter(|short| !short.spoken.is_empty());
            }
        },
    };
    Some(whole(text, wording))
}

/// A reply said whole on the phone and in the widget.
fn whole(text: String, wording: &Wording) -> Short {
    if text.chars().count() <= PHONE_MAX_CHARS {
        Short {
            spoken: text.clone(),
            written: text,
            more: false,
        }
    } else {
        let mut short = reply::shorten(&text, &[], &wording.offer_more.said(&[]));
        short.written = text;
        short
    }
}

fn validity(decision: &Decision, who: &str, wording: &Wording) -> Option<String> {
    let validity = &decision.validity;
    match validity.end_kind? {
        EndKind::LongTerm => Some(wording.valid_long_term.said(&[("who", who)])),
        EndKind::NotSet => Some(wording.valid_not_set.said(&[("who", who)])),
        EndKind::Date => {
            let (start, end) = (validity.start?, validity.end?);
            let months = (1..=60).find(|months| add_months_inclusive(start, *months) == Some(end));
            Some(match months {
                Some(months) => wording
                    .valid_months
                    .said(&[("who", who), ("months", &months.to_string())]),
                None => {
                    let days = (end - start).num_days() + 1;
                    wording
                        .valid_days
                        .said(&[("who", who), ("days", &days.to_string())])
                }
            })
        }
        // It ends with something the Application does not carry: the
        // clause says what, search answers with it.
        EndKind::Conditional => None,
    }
}

/// Every group needed (一次性告知): one of each. On the phone the groups
/// that fit are said and the rest offered.
fn materials(case: &Case<'_>) -> Option<Short> {
    let wording = case.wording;
    let offer = wording.offer_more.said(&[]);
    let labels: Vec<Vec<String>> = case
        .decision
        .required_materials
        .iter()
        .map(|group| {
            group
                .any_of
                .iter()
                .map(|id| (case.material_label)(id))
                .collect()
        })
        .collect();
    if labels.is_empty() {
        return None;
    }
    let head = wording
        .materials
        .said(&[("who", case.who), ("count", &labels.len().to_string())]);
    let written_groups: Vec<String> = labels.iter().map(|group| group.join("或")).collect();
    let written = format!("{head}{}。", written_groups.join("；"));
    // Spoken, a long choice names its first two: 户口簿、居住证等其中一样.
    let groups: Vec<String> = labels
        .iter()
        .map(|group| match group.as_slice() {
            [first, second, _, ..] => wording
                .materials_first_two
                .said(&[("first", first), ("second", second)]),
            _ => group.join("或"),
        })
        .collect();
    if written.chars().count() <= PHONE_MAX_CHARS {
        return Some(Short {
            spoken: written.clone(),
            written,
            more: false,
        });
    }
    let more = |left: usize| {
        let count = left.to_string();
        format!(
            "{}{offer}",
            wording.materials_more.said(&[("count", &count)])
        )
    };
    let mut spoken = head.clone();
    let mut said = 0;
    for group in &groups {
        let rest = more(groups.len() - said - 1);
        let next = format!("{spoken}{}{group}。", if said > 0 { "；" } else { "" });
        if next.chars().count() + rest.chars().count() > PHONE_MAX_CHARS {
            break;
        }
        spoken = next.trim_end_matches('。').to_string();
        said += 1;
    }
    let spoken = if said == groups.len() {
        format!("{spoken}。")
    } else if said == 0 {
        format!("{}。{offer}", head.trim_end_matches('：'))
    } else {
        format!("{spoken}。{}", more(groups.len() - said))
    };
    Some(Short {
        spoken,
        written,
        more: true,
    })
}

fn channel_list(channels: &[Channel], label: &dyn Fn(&Channel) -> String) -> String {
    channels.iter().map(label).collect::<Vec<_>>().join("、")
}

fn channels(case: &Case<'_>) -> Option<String> {
    let (decision, who, wording) = (case.decision, case.who, case.wording);
    if decision.channels.is_empty() {
        return None;
    }
    let label = case.channel_label;
    let all = channel_list(&decision.channels, label);
    Some(match case.asked_channel.as_ref() {
        Some(channel) if decision.channels.contains(channel) => wording
            .channel_yes
            .said(&[("who", who), ("channel", &label(channel))]),
        Some(channel) => wording.channel_no.said(&[
            ("who", who),
            ("channel", &label(channel)),
            ("channels", &all),
        ]),
        None => wording
            .channels_all
            .said(&[("who", who), ("channels", &all)]),
    })
}

/// 即时办结 or N working days, per channel, those with the same time together.
fn deadline(case: &Case<'_>) -> Option<String> {
    let (days, label, wording) = (case.processing_days, case.channel_label, case.wording);
    let said_days = |days: u32| match days {
        0 => wording.done_at_once.said(&[]),
        days => wording.done_in_days.said(&[("days", &days.to_string())]),
    };
    if let Some(asked) = case.asked_channel.as_ref() {
        let (_, days) = days.iter().find(|(channel, _)| channel == asked)?;
        return Some(
            wording
                .deadline_of
                .said(&[("channel", &label(asked)), ("time", &said_days(*days))]),
        );
    }
    let mut times: Vec<u32> = days.iter().map(|(_, days)| *days).collect();
    times.sort_unstable();
    times.dedup();
    let parts: Vec<String> = times
        .iter()
        .map(|time| {
            let channels: Vec<Channel> = days
                .iter()
                .filter(|(_, days)| days == time)
                .map(|(channel, _)| channel.clone())
                .collect();
            format!("{}{}", channel_list(&channels, label), said_days(*time))
        })
        .collect();
    (!parts.is_empty()).then(|| format!("{}。", parts.join("，")))
}

fn ratio(decision: &Decision, wording: &Wording) -> Option<String> {
    let points = &decision.ratio_delta_points;
    let home = points.home?;
    let change = |delta: i32| match delta {
        0 => wording.ratio_same.said(&[]),
        delta if delta < 0 => wording
            .ratio_down
            .said(&[("points", &(-delta).to_string())]),
        delta => wording.ratio_up.said(&[("points", &delta.to_string())]),
    };
    let mut parts = vec![wording.ratio_home.said(&[("change", &change(home))])];
    if let Some(there) = points.registered_place {
        parts.push(wording.ratio_there.said(&[("change", &change(there))]));
    }
    Some(format!("{}。", parts.join("；")))
}

/// 现在办还来得及吗: yes, and how far back a late registration reaches.
fn late_registration(back: Option<u32>, wording: &Wording) -> String {
    let reach = match back {
        None => wording.reach_admission.said(&[]),
        Some(days) => wording.reach_days.said(&[("days", &days.to_string())]),
    };
    wording.late_registration.said(&[("reach", &reach)])
}

fn change_lock(decision: &Decision, who: &str, wording: &Wording) -> Option<String> {
    let from = decision.change_allowed_from?;
    let start = decision.validity.start?;
    let months = (1..=36)
        .find(|months| start.checked_add_months(chrono::Months::new(*months)) == Some(from))?;
    Some(
        wording
            .change_lock
            .said(&[("who", who), ("months", &months.to_string())]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{MaterialGroup, RatioDelta, Validity};
    use chrono::NaiveDate;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn decision() -> Decision {
        serde_json::from_value(serde_json::json!({
            "status": "accepted", "class": "long_term", "registration_required": true,
            "missing_materials": [], "required_materials": [],
            "channels": ["window", "phone"],
            "validity": {"start": "2026-11-23", "end": null, "end_kind": "long_term"},
            "change_allowed_from": "2027-05-23", "processing_deadline": null,
            "supplement_deadline": null,
            "ratio_delta_points": {"home": -10, "registered_place": 0},
            "personal_account_to": null, "registered_to": null,
            "missing_facts": [], "notes": [], "citations": []
        }))
        .unwrap()
    }

    const WHO: &str = "异地长期居住人员";

    fn ask(topic: RulesTopic, decision: &Decision, asked: Option<Channel>) -> Option<Short> {
        ask_late(topic, decision, asked, Some(Some(5)))
    }

    fn ask_late(
        topic: RulesTopic,
        decision: &Decision,
        asked: Option<Channel>,
        backdating: Option<Option<u32>>,
    ) -> Option<Short> {
        let label = |id: &str| match id {
            "id_card" => "身份证".to_string(),
            "household_register" => "户口簿".to_string(),
            other => other.to_string(),
        };
        let wording = crate::answer::wording::for_tests();
        reply(&Case {
            topic,
            decision,
            who: WHO,
            asked_channel: asked,
            processing_days: &[
                (Channel::Window, 0),
                (Channel::Phone, 0),
                (Channel::App("yue_yibao".into()), 2),
            ],
            material_label: &label,
            channel_label: &|channel: &Channel| match channel {
                Channel::Window => "医保经办窗口".to_string(),
                Channel::Phone => "电话".to_string(),
                Channel::Fax => "传真".to_string(),
                _ => "粤医保小程序".to_string(),
            },
            backdating,
            clause: None,
            wording: &wording,
        })
    }

    /// The replies are the templates' (`intents/answers.yaml`); what is
    /// checked here is that each says the Decision's own figure, for whom,
    /// and changes when the figure does.
    #[test]
    fn each_parameter_is_said_from_the_decision() {
        let mut decision = decision();
        let said = |topic, decision: &Decision| ask(topic, decision, None).unwrap().spoken;
        let long_term = said(RulesTopic::Validity, &decision);
        assert!(long_term.starts_with(WHO), "{long_term}");
        let lock = said(RulesTopic::ChangeCancel, &decision);
        assert!(lock.starts_with(WHO) && lock.contains('6'), "{lock}");
        let ratio = said(RulesTopic::Ratio, &decision);
        assert!(ratio.contains("10"), "{ratio}");
        let deadline = said(RulesTopic::Deadline, &decision);
        let at = |label: &str| deadline.find(label).unwrap_or_else(|| panic!("{deadline}"));
        assert!(
            at("医保经办窗口") < at("粤医保小程序") && at("电话") < at("2"),
            "the same time together, the quicker first: {deadline}"
        );
        let by_fax = ask(RulesTopic::Channels, &decision, Some(Channel::Fax))
            .unwrap()
            .spoken;
        let by_phone = ask(RulesTopic::Channels, &decision, Some(Channel::Phone))
            .unwrap()
            .spoken;
        assert!(
            by_fax.contains("传真") && by_fax.contains("医保经办窗口、电话"),
            "{by_fax}"
        );
        assert!(
            !by_phone.contains("传真") && by_phone != by_fax,
            "{by_phone}"
        );
        let capped = said(RulesTopic::LateRegistration, &decision);
        let to_admission = ask_late(RulesTopic::LateRegistration, &decision, None, Some(None))
            .unwrap()
            .spoken;
        assert!(
            capped.contains('5') && !to_admission.contains('5'),
            "{capped}"
        );
        assert_ne!(capped, to_admission);
        decision.validity = Validity {
            start: Some(day("2026-11-23")),
            end: Some(day("2027-05-22")),
            end_kind: Some(EndKind::Date),
        };
        let six_months = said(RulesTopic::Validity, &decision);
        assert!(
            six_months.starts_with(WHO) && six_months.contains('6') && six_months != long_term,
            "{six_months}"
        );
        decision.ratio_delta_points.home = Some(0);
        let same = said(RulesTopic::Ratio, &decision);
        assert!(!same.contains("10") && same != ratio, "{same}");
        decision.ratio_delta_points = RatioDelta::default();
        assert!(
            ask(RulesTopic::Ratio, &decision, None).is_none(),
            "no figure, no rules answer"
        );
    }

    #[test]
    fn materials_are_told_all_at_once_and_fit_the_phone() {
        let mut decision = decision();
        decision.required_materials = vec![
            MaterialGroup {
                any_of: vec!["household_register".into(), "commitment_letter".into()],
            },
            MaterialGroup {
                any_of: vec!["id_card".into()],
            },
        ];
        let short = ask(RulesTopic::Materials, &decision, None).unwrap();
        let written = &short.written;
        assert!(
            written.starts_with(WHO)
                && written.contains('2')
                && written.find("commitment_letter") < written.find("身份证"),
            "both groups, in order: {written}"
        );
        assert!(short.spoken.chars().count() <= PHONE_MAX_CHARS);
        decision.required_materials = (0..6)
            .map(|n| MaterialGroup {
                any_of: vec![format!("一份很长很长的证明材料{n}")],
            })
            .collect();
        let short = ask(RulesTopic::Materials, &decision, None).unwrap();
        assert!(
            short.spoken.chars().count() <= PHONE_MAX_CHARS,
            "{}",
            short.spoken
        );
        assert!(short.spoken.contains("还有"), "{}", short.spoken);
        assert!(short.written.contains("证明材料5"));
    }

    #[test]
    fn questions_of_one_rules_topic_only_are_the_rules_to_answer() {
        let topics = |list: &[&str]| list.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        assert_eq!(
            RulesTopic::of(&topics(&["validity"])),
            Some(RulesTopic::Validity)
        );
        assert_eq!(
            RulesTopic::of(&topics(&["late_registration", "exemption"])),
            Some(RulesTopic::Exemption)
        );
        assert_eq!(
            RulesTopic::of(&topics(&["late_registration", "deadline"])),
            None
        );
        assert_eq!(RulesTopic::of(&topics(&["conditions", "exemption"])), None);
        assert_eq!(RulesTopic::of(&[]), None);
    }

    #[test]
    fn an_exemption_answers_whether_and_when_to_register() {
        let mut decision = decision();
        decision.status = Status::NotRequired;
        decision.notes = vec![
            "说明：按文件办理。".into(),
            "异地急诊抢救就医时不需要备案，由就诊医疗机构如实上传急诊标志，直接按急诊待遇结算。"
                .into(),
        ];
        assert!(ask(RulesTopic::Materials, &decision, None).is_none());
        let short = ask(RulesTopic::LateRegistration, &decision, None).unwrap();
        assert!(
            short.spoken.starts_with("异地急诊抢救就医时不需要备案"),
            "{}",
            short.spoken
        );
        assert!(short.spoken.chars().count() <= PHONE_MAX_CHARS);
    }
}
