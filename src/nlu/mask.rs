//! Masking personal data for logs: 4419**********1238, 138****8000, 张**.

/// Keeps the first four and last four characters of a 身份证 number.
pub fn mask_id(id: &str) -> String {
    mask_middle(id, 4, 4)
}

/// Keeps the first three and last four digits of a phone number.
pub fn mask_phone(phone: &str) -> String {
    mask_middle(phone, 3, 4)
}

/// Keeps the surname only: 张建国 → 张**.
pub fn mask_name(name: &str) -> String {
    mask_middle(name, 1, 0)
}

fn mask_middle(text: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - head - tail;
    chars[..head]
        .iter()
        .chain(std::iter::repeat_n(&'*', hidden))
        .chain(&chars[chars.len() - tail..])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_the_middle() {
        assert_eq!(mask_id("441900197001011238"), "4419**********1238");
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_phone("0769-22334455"), "076******4455");
        assert_eq!(mask_name("张建国"), "张**");
        assert_eq!(mask_name("王"), "*");
        assert_eq!(mask_id(""), "");
    }
}
