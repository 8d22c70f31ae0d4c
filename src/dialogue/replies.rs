//! Every reply the dialogue speaks, from `intents/templates.yaml`: one
//! typed field per template, each with the placeholders it takes. Loading
//! refuses a missing template, one the dialogue does not know and a
//! placeholder a template does not take, each as `path:line: problem`, so a
//! typo in the file stops the start instead of reaching a caller
//! (`crate::templates`).

/// One reply template.
pub type Reply = crate::templates::Template;

crate::templates::templates! {
    /// Every reply template, checked on load.
    Replies {
        greet: [],
        register_or_ask: [],
        anything_else: [],
        goodbye: [],
        cancel: [],
        handoff: [],
        handoff_waiting: [],
        handoff_not_helped: [],
        handoff_not_understood: [],
        handoff_values_rejected: [],
        handoff_cannot_judge: [],
        cannot_judge: [],
        agent_submitting: [],
        noted: [],
        noted_other: [labels],
        category_heard: [category],
        changed: [changes],
        changed_one: [label, value],
        which_is_wrong: [],
        value_rejected: [label, reason, prompt],
        which_number_tail: [id_number, phone],
        value_refused_by_rules: [label, reason],
        not_heard: [],
        take_your_time: [],
        take_your_time_again: [],
        confirm_cancel: [],
        confirm_handoff: [],
        existing_registration: [],
        go_on: [],
        confirm_new_registration: [],
        new_registration: [],
        confirm_change: [changes],
        change_from_to: [label, old, new],
        confirm_maternity: [],
        not_changed: [],
        offer_person: [],
        said_again: [reply],
        handoff_waiting_again: [],
        declined_id: [],
        declined_phone: [],
        declined_ways: [ways],
        declined_go_on: [],
        no_answer_found: [],
        out_of_scope: [],
        hukou_question: [place],
        hukou_place_unknown: [],
        name_check: [name],
        name_check_surname: [name, surname],
        materials_question: [materials],
        materials_still_missing: [materials],
        materials_which: [options],
        materials_which_again: [options],
        which_one_of: [some, last],
        which_and: [],
        list_pause: [],
        list_and: [some, last],
        list_or: [],
        list_cut_short: [items],
        list_then: [],
        list_or_else: [],
        list_or_else_close: [],
        way_to: [channel],
        way_on: [channel],
        way_with: [channel],
        read_back: [facts],
        basis: [clause],
        not_required: [reason, basis],
        not_eligible: [reason, basis, instead, consult],
        not_eligible_maternity_instead: [],
        not_eligible_instead: [],
        hospital_only: [basis],
        channel_unavailable: [channel, channels, basis],
        this_channel: [],
        accepted: [],
        valid_long_term: [start],
        valid_no_end: [start],
        valid_until: [start, end],
        valid_conditional: [start],
        done_today: [],
        done_by: [deadline],
        fax_form: [copies, contact],
        fax_copies: [materials],
        agency_unnamed: [],
        fax_number_by_phone: [agency, phone],
        fax_number_by_hotline: [agency],
        needs_materials: [materials, how],
        supply_ways: [ways],
        supply_by_fax: [contact],
        supply_online: [channels],
        supply_at_window: [],
        told_ratio_home: [points, basis],
        told_ratio_home_commitment: [points, basis],
        told_ratio_there: [points, basis],
        told_change_lock: [months, date, basis],
        told_supplement: [deadline, materials, basis],
        told_supplement_unnamed: [],
        told_backdated: [start, basis],
        told_backdate_capped: [days, start, basis],
    }
}

/// How lists are said, from the `list_*` templates: the same on every
/// channel.
impl Replies {
    /// Items with a pause between them (户口簿、身份证).
    pub fn listed<S: AsRef<str>>(&self, items: &[S]) -> String {
        join(items, &self.list_pause.said(&[]))
    }

    /// Items as one list, the last joined with 和 (身份证号、电话和地址).
    pub fn all_of<S: AsRef<str>>(&self, items: &[S]) -> String {
        match items.split_last() {
            Some((last, [])) => last.as_ref().to_string(),
            Some((last, rest)) => self
                .list_and
                .said(&[("some", &self.listed(rest)), ("last", last.as_ref())]),
            None => String::new(),
        }
    }

    /// Alternatives (户口簿或居住证).
    pub fn any_of<S: AsRef<str>>(&self, items: &[S]) -> String {
        join(items, &self.list_or.said(&[]))
    }

    /// Alternatives, at most `most` named and the list marked as cut short
    /// when there are more (户口簿或居住证等).
    pub fn some_of<S: AsRef<str>>(&self, items: &[S], most: usize) -> String {
        let named = self.any_of(&items[..items.len().min(most)]);
        if items.len() > most {
            self.list_cut_short.said(&[("items", &named)])
        } else {
            named
        }
    }

    /// Things needed one after another (户口簿，还有身份证).
    pub fn one_then_another<S: AsRef<str>>(&self, items: &[S]) -> String {
        join(items, &self.list_then.said(&[]))
    }

    /// Ways to do something, any of which will do (到窗口办，或者用小程序).
    pub fn either_way<S: AsRef<str>>(&self, items: &[S]) -> String {
        join(items, &self.list_or_else.said(&[]))
    }

    /// Short ways, any of which will do, in one breath (到窗口或者用小程序).
    pub fn or_else<S: AsRef<str>>(&self, items: &[S]) -> String {
        join(items, &self.list_or_else_close.said(&[]))
    }
}

fn join<S: AsRef<str>>(items: &[S], separator: &str) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    items.join(separator)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::dialogue::SessionChannel;

    fn file() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/templates.yaml")
    }

    fn broken(edit: impl Fn(&str) -> String) -> String {
        let text = edit(&std::fs::read_to_string(file()).unwrap());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("templates.yaml");
        std::fs::write(&path, text).unwrap();
        Replies::load(&path).unwrap_err().to_string()
    }

    #[test]
    fn the_templates_load_and_fill() {
        let replies = Replies::load(&file()).unwrap_or_else(|error| panic!("{error}"));
        let said = replies
            .category_heard
            .fill(SessionChannel::Phone, &[("category", "异地转诊人员")]);
        assert_eq!(said, "好的，您这种情况属于异地转诊人员。");
        assert_ne!(
            replies.greet.text(SessionChannel::Phone),
            replies.greet.text(SessionChannel::Widget)
        );
    }

    #[test]
    fn an_unknown_placeholder_is_a_path_line_error() {
        let message = broken(|text| text.replace("属于{category}", "属于{categroy}"));
        let line = std::fs::read_to_string(file())
            .unwrap()
            .lines()
            .position(|line| line.contains("属于{category}"))
            .unwrap()
            + 1;
        assert!(
            message.contains(&format!(
                "templates.yaml:{line}: template category_heard: unknown placeholder {{categroy}} (it takes category)"
            )),
            "{message}"
        );
    }

    #[test]
    fn a_missing_or_unknown_template_is_an_error() {
        let message = broken(|text| {
            text.lines()
                .filter(|line| !line.starts_with("  goodbye:"))
                .collect::<Vec<_>>()
                .join("\n")
        });
        assert!(
            message.contains("templates.yaml:1: missing template goodbye"),
            "{message}"
        );
        let message = broken(|text| format!("{text}  farewell: 再见\n"));
        assert!(message.contains("unknown template farewell"), "{message}");
    }
}
