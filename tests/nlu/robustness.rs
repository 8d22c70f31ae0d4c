//! Arbitrary input never panics an extractor or the classifier.

use hotline::nlu::{dates, digits, facts, numbers};
use proptest::prelude::*;

use super::{gazetteer, nlu, today};

/// Text mixing the characters the extractors look for with anything.
fn hotline_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "幺",
        "两",
        "洞",
        "拐",
        "勾",
        "叉",
        "X",
        "x",
        "1",
        "0",
        "9",
        "年",
        "月",
        "号",
        "日",
        "十",
        "廿",
        "上",
        "下",
        "个",
        "周",
        "星期",
        "天",
        "前",
        "后",
        "底",
        "到",
        "-",
        ".",
        " ",
        "，",
        "没有",
        "居住证",
        "身份证",
        "电话",
        "社保卡号",
        "姓",
        "叫",
        "湖南",
        "长沙",
        "少关",
        "退休",
        "转院",
        "不对",
        "对了",
        "嗯",
        "然后",
        "😀",
        "\u{0}",
        "\u{200b}",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(String::from), any::<String>()],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_unicode_never_panics(text in any::<String>()) {
        let _ = nlu().understand(&text, today());
        let _ = gazetteer().resolve(&text);
        let _ = gazetteer().normalize_province(&text);
    }

    #[test]
    fn hotline_like_text_never_panics(text in hotline_like()) {
        let _ = nlu().understand(&text, today());
        let _ = dates::find_dates(&text, today());
        let words = &nlu().cues().numbers;
        let _ = numbers::find_numbers(&text, today(), words);
        let _ = digits::digit_runs(&text, 1, &words.digit_fillers);
        let asked_name = hotline::nlu::Context { pending: Some("applicant.name"), ..Default::default() };
        let _ = nlu().understand_in(&text, today(), &asked_name);
        let _ = facts::materials(&text, nlu().cues());
        let _ = gazetteer().find_in(&text);
        let _ = hotline::nlu::mask_id(&text);
        let _ = hotline::nlu::mask_phone(&text);
        let _ = hotline::nlu::mask_name(&text);
    }

    #[test]
    fn any_today_never_panics(text in hotline_like(), days in i32::MIN..i32::MAX) {
        // Up to the very ends of the calendar chrono can hold.
        let today = chrono::NaiveDate::from_num_days_from_ce_opt(days)
            .unwrap_or(if days < 0 { chrono::NaiveDate::MIN } else { chrono::NaiveDate::MAX });
        let _ = nlu().understand(&text, today);
    }
}
