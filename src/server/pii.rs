//! Masking of personal data (ID numbers, phone numbers, names). Log lines
//! see `4419**********1238`, `138****5678`, `张*`; a widget caller sees
//! their own name and phone whole (to check the read-back) and ID numbers
//! masked; agents see everything whole.
//!
//! The maskers of single values come from `nlu`; this module finds
//! personal data in free text and in JSON documents.

use std::sync::OnceLock;

use regex::Regex;

pub use crate::nlu::{mask_id, mask_name, mask_phone};

fn digit_runs() -> &'static Regex {
    static RUNS: OnceLock<Regex> = OnceLock::new();
    // A run of digits, possibly ending in the ID check character X. Chinese
    // text has no word boundaries, so runs are judged by their length.
    RUNS.get_or_init(|| Regex::new(r"[0-9]{6,}[Xx]?").expect("static pattern"))
}

/// Masks ID numbers and mobile numbers anywhere in free text, and every
/// occurrence of the given names.
pub fn mask_text(text: &str, names: &[String]) -> String {
    let masked = digit_runs().replace_all(text, |captures: &regex::Captures| {
        let run = &captures[0];
        let length = run.chars().count();
        let ends_in_x = run.ends_with(['X', 'x']);
        if length == 18 || (length == 15 && !ends_in_x) {
            mask_id(run)
        } else if length == 11 && run.starts_with('1') && !ends_in_x {
            mask_phone(run)
        } else if length >= 9 {
            // Other long numbers (social-security card numbers) identify a
            // person too. Seven- and eight-digit runs are left: they are the
            // agencies' published landlines (0537-3238957) the caller needs;
            // a caller's own landline never reaches a log line: utterances are
            // not logged.
            mask_phone(run)
        } else {
            run.to_string()
        }
    });
    let mut masked = masked.into_owned();
    for name in names {
        let name = name.trim();
        if name.chars().count() >= 2 {
            masked = masked.replace(name, &mask_name(name));
        }
    }
    masked
}

/// Fields holding the service's own identifiers, which are not personal
/// data and must reach clients unchanged.
const IDENTIFIER_FIELDS: [&str; 5] = [
    "session_id",
    "registration_id",
    "registrations",
    "doc_id",
    "passage_id",
];

/// What a widget caller sees of their own session: their name and phone
/// whole (so they can check the read-back), ID numbers masked, in free
/// text and in `id_number` fields.
pub fn mask_ids_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => {
            *text = digit_runs()
                .replace_all(text, |captures: &regex::Captures| {
                    let run = &captures[0];
                    let length = run.chars().count();
                    if length == 18 || (length == 15 && !run.ends_with(['X', 'x'])) {
                        mask_id(run)
                    } else {
                        run.to_string()
                    }
                })
                .into_owned()
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_ids_json),
        serde_json::Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                match (key.as_str(), &*field) {
                    (key, _) if IDENTIFIER_FIELDS.contains(&key) => {}
                    ("id_number", serde_json::Value::String(id)) => *field = mask_id(id).into(),
                    _ => mask_ids_json(field),
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_the_shapes_the_hotline_sees() {
        assert_eq!(mask_id("441900199001011238"), "4419**********1238");
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        let text = "我叫张三，身份证44190019900101123X，电话13800138000，住5号楼";
        assert_eq!(
            mask_text(text, &["张三".to_string()]),
            "我叫张*，身份证4419**********123X，电话138****8000，住5号楼"
        );
    }

    #[test]
    fn a_caller_sees_their_name_and_phone_but_not_their_id() {
        let mut value = serde_json::json!({
            "applicant": {"name": "李四", "id_number": "441900199001011238", "phone": "13800138000"},
            "transcript": [{"text": "李四，身份证44190019900101123X，电话13800138000"}],
            "session_id": "s_123456789012345678901234"
        });
        mask_ids_json(&mut value);
        let text = value.to_string();
        assert!(
            text.contains("李四") && text.contains("13800138000"),
            "{text}"
        );
        assert!(!text.contains("441900199001011238") && !text.contains("44190019900101123X"));
        assert!(text.contains("4419**********1238") && text.contains("4419**********123X"));
        assert_eq!(value["session_id"], "s_123456789012345678901234");
    }

    #[test]
    fn leaves_the_agencies_published_numbers_whole() {
        let text = "联系方式：济宁市医保经办机构电话（传真）0537-3238957，东莞0769-12345";
        assert_eq!(mask_text(text, &[]), text);
    }
}
