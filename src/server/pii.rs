//! Masking of personal data (ID numbers, phone numbers, names) for log
//! lines and for the caller-side views. Agents see data whole; everything
//! else sees `4419**********1238`, `138****5678`, `张*`.
//!
//! These live in the server until `nlu` offers its own maskers; the rules
//! are the same either way.

use std::sync::OnceLock;

use regex::Regex;

/// `441900199001011238` → `4419**********1238`; an old 15-digit number keeps
/// the same four and four.
pub fn mask_id(id_number: &str) -> String {
    mask_middle(id_number, 4, 4)
}

/// `13800138000` → `138****8000`.
pub fn mask_phone(phone: &str) -> String {
    mask_middle(phone, 3, 4)
}

/// `张三` → `张*`, `欧阳娜娜` → `欧***`: the family name's first character
/// stays so an agent reading the widget's view can still address the caller.
pub fn mask_name(name: &str) -> String {
    let mut characters = name.trim().chars();
    match characters.next() {
        Some(first) => {
            let rest = characters.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
        None => String::new(),
    }
}

fn mask_middle(text: &str, keep_start: usize, keep_end: usize) -> String {
    let characters: Vec<char> = text.chars().collect();
    if characters.len() <= keep_start + keep_end {
        return "*".repeat(characters.len());
    }
    let middle = characters.len() - keep_start - keep_end;
    let start: String = characters[..keep_start].iter().collect();
    let end: String = characters[characters.len() - keep_end..].iter().collect();
    format!("{start}{}{end}", "*".repeat(middle))
}

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
        } else if length >= 7 {
            // Other long numbers (landlines, social-security card numbers)
            // identify a person too.
            mask_middle(run, 2, 2)
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

/// Masks every string in a JSON document (see [`mask_text`]); fields named
/// `name` are masked as names whatever their content; the service's own
/// identifiers are left alone.
pub fn mask_json(value: &mut serde_json::Value, names: &[String]) {
    match value {
        serde_json::Value::String(text) => *text = mask_text(text, names),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| mask_json(v, names)),
        serde_json::Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                match (key.as_str(), &*field) {
                    (key, _) if IDENTIFIER_FIELDS.contains(&key) => {}
                    ("name", serde_json::Value::String(name)) => *field = mask_name(name).into(),
                    _ => mask_json(field, names),
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
    fn masks_inside_json() {
        let mut value = serde_json::json!({
            "applicant": {"name": "李四", "id_number": "441900199001011238", "phone": "13800138000"},
            "transcript": [{"text": "李四 13800138000"}]
        });
        mask_json(&mut value, &["李四".to_string()]);
        let text = value.to_string();
        assert!(!text.contains("李四"));
        assert!(!text.contains("13800138000"));
        assert!(text.contains("4419**********1238"));
    }
}
