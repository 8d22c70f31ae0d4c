//! Every fixed sentence of an answer, from `intents/answers.yaml`, typed
//! and checked on load like the dialogue's replies (`crate::templates`):
//! the refusals, the offer to say more, how a clause is cited, and the
//! replies the rules give from a Decision.

crate::templates::templates! {
    /// The answers' templates, one text each for every channel.
    Wording {
        offer_more: [],
        cite: [region, title, clause],
        according_to: [cite, reply],
        not_found: [],
        out_of_scope_topic: [topic],
        out_of_region: [served, place],
        needs_registration: [who],
        late_registration: [reach],
        reach_admission: [],
        reach_days: [days],
        valid_long_term: [who],
        valid_not_set: [who],
        valid_months: [who, months],
        valid_days: [who, days],
        materials: [who, count],
        materials_first_two: [first, second],
        materials_more: [count],
        channel_yes: [who, channel],
        channel_no: [who, channel, channels],
        channels_all: [who, channels],
        done_at_once: [],
        done_in_days: [days],
        deadline_of: [channel, time],
        ratio_home: [change],
        ratio_there: [change],
        ratio_same: [],
        ratio_down: [points],
        ratio_up: [points],
        change_lock: [who, months],
    }
}

#[cfg(test)]
pub(crate) fn for_tests() -> Wording {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/answers.yaml");
    Wording::load(&path).unwrap_or_else(|error| panic!("{error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_placeholder_or_a_missing_template_is_a_path_line_error() {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/answers.yaml");
        let text = std::fs::read_to_string(&file).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answers.yaml");
        std::fs::write(&path, text.replace("{months}个月内", "{month}个月内")).unwrap();
        let line = text
            .lines()
            .position(|line| line.contains("{months}个月内"))
            .unwrap()
            + 1;
        let message = Wording::load(&path).unwrap_err().to_string();
        assert!(
            message.contains(&format!(
                "answers.yaml:{line}: template change_lock: unknown placeholder {{month}} (it takes who, months)"
            )),
            "{message}"
        );
        let without: String = text
            .lines()
            .filter(|line| !line.starts_with("  offer_more:"))
            .map(|line| format!("{line}\n"))
            .collect();
        std::fs::write(&path, without).unwrap();
        let message = Wording::load(&path).unwrap_err().to_string();
        assert!(
            message.contains("answers.yaml:1: missing template offer_more"),
            "{message}"
        );
    }
}
