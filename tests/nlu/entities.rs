//! Entity extraction, one test per entity type, from utterances as
//! callers say them and as speech recognition writes them.

use chrono::NaiveDate;
use hotline::nlu::DateRole;

use super::{nlu, today};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn dates_absolute() {
    let cases = [
        ("2026年11月10日住的院", date(2026, 11, 10)),
        ("我是11月10号入院的", date(2026, 11, 10)),
        ("十一月十号住进去的", date(2026, 11, 10)),
        ("11.10那天", date(2026, 11, 10)),
        ("二〇二六年十一月十日", date(2026, 11, 10)),
        ("2026-11-10", date(2026, 11, 10)),
        ("去年十二月三号", date(2025, 12, 3)),
        ("十月二十五号", date(2026, 10, 25)),
    ];
    for (text, expected) in cases {
        let entities = nlu().entities(text, today());
        assert_eq!(entities.dates.len(), 1, "{text}: {:?}", entities.dates);
        assert_eq!(entities.dates[0].date, expected, "{text}");
        assert!(
            entities.problems.is_empty(),
            "{text}: {:?}",
            entities.problems
        );
    }
}

#[test]
fn dates_relative_to_today() {
    // today() is Monday 2026-11-23.
    let cases = [
        ("昨天住的院", date(2026, 11, 22)),
        ("前天", date(2026, 11, 21)),
        ("上周三入院", date(2026, 11, 18)),
        ("这周五", date(2026, 11, 27)),
        ("下个月三号", date(2026, 12, 3)),
        ("三天前住进去的", date(2026, 11, 20)),
        ("上个月底住的院", date(2026, 10, 31)),
        ("两个星期前", date(2026, 11, 9)),
        ("下周一转过去", date(2026, 11, 30)),
    ];
    for (text, expected) in cases {
        let entities = nlu().entities(text, today());
        assert_eq!(
            entities.dates.first().map(|d| d.date),
            Some(expected),
            "{text}: {:?}",
            entities.dates
        );
    }
}

#[test]
fn date_ranges_and_roles() {
    let entities = nlu().entities("11月10号到15号在那边住院", today());
    assert_eq!(entities.dates.len(), 1, "{:?}", entities.dates);
    assert_eq!(entities.dates[0].date, date(2026, 11, 10));
    assert_eq!(entities.dates[0].end, Some(date(2026, 11, 15)));

    let entities = nlu().entities("11月1号到11月20号", today());
    assert_eq!(
        entities.dates[0].end,
        Some(date(2026, 11, 20)),
        "{:?}",
        entities.dates
    );

    let entities = nlu().entities("我十一月十号入院，昨天医院让转院", today());
    assert_eq!(entities.dates.len(), 2, "{:?}", entities.dates);
    assert_eq!(entities.dates[0].role, Some(DateRole::Admission));
    assert_eq!(entities.dates[1].role, Some(DateRole::TransferStart));
    assert_eq!(entities.dates[1].date, date(2026, 11, 22));
}

#[test]
fn impossible_dates_are_problems_not_dates() {
    for text in ["2月30号住的院", "2026年13月1日", "二月三十号"] {
        let entities = nlu().entities(text, today());
        assert!(entities.dates.is_empty(), "{text}: {:?}", entities.dates);
        assert_eq!(
            entities.problems.len(),
            1,
            "{text}: {:?}",
            entities.problems
        );
    }
    let entities = nlu().entities("2月30号住的院", today());
    assert!(
        entities.problems[0].contains("2月没有30号"),
        "{:?}",
        entities.problems
    );
}

#[test]
fn numbers_that_are_not_dates_stay_out() {
    let entities = nlu().entities("我的电话是13800138000", today());
    assert!(entities.dates.is_empty(), "{:?}", entities.dates);
}

#[test]
fn id_numbers_written_and_spoken() {
    let entities = nlu().entities("四四洞三洞四 幺勾拐八幺两洞三 两洞幺两", today());
    assert_eq!(entities.id_numbers.len(), 1, "{:?}", entities);
    assert_eq!(entities.id_numbers[0].normalized, "440304197812032012");
    assert!(entities.id_numbers[0].valid);

    let entities = nlu().entities(
        "身份证号是四四洞三洞四，嗯，幺勾拐八幺两洞三，然后两洞幺两",
        today(),
    );
    assert_eq!(entities.id_numbers[0].normalized, "440304197812032012");

    let entities = nlu().entities("我身份证11010519491231002x", today());
    assert_eq!(entities.id_numbers[0].normalized, "11010519491231002X");
    assert!(entities.id_numbers[0].valid);

    let entities = nlu().entities("身份证幺幺洞幺洞五 幺九四九幺两三幺 洞洞两叉", today());
    assert_eq!(entities.id_numbers[0].normalized, "11010519491231002X");
    assert!(entities.id_numbers[0].valid, "{:?}", entities.id_numbers);
}

#[test]
fn invalid_id_numbers_are_reported_with_the_reason() {
    let cases = [
        ("440304197812032010", "校验位不对"),
        ("身份证440304197813322012", "出生日期不对"),
        ("身份证号44030419781203201", "位数不对"),
        ("990304197812032012", "地区代码不对"),
        ("身份证440304203012032012", "出生日期不对"),
    ];
    for (text, problem) in cases {
        let entities = nlu().entities(text, today());
        assert_eq!(entities.id_numbers.len(), 1, "{text}: {entities:?}");
        let id = &entities.id_numbers[0];
        assert!(!id.valid, "{text}");
        assert_eq!(id.problem.as_deref(), Some(problem), "{text}");
        assert!(
            entities.problems.iter().any(|p| p.contains(problem)),
            "{text}"
        );
    }
}

#[test]
fn the_last_digits_of_a_number_said_anew() {
    use hotline::nlu::NumberKind::{IdNumber, Phone};
    let cases = [
        ("后四位是1028，刚才说错了", None, "1028"),
        ("最后四位应该是洞幺两洞", None, "0120"),
        ("身份证后四位错了，是021X", Some(IdNumber), "021X"),
        ("身份证号码的最后4位是 2 0 3 9", Some(IdNumber), "2039"),
        ("手机尾号是5678，刚才那个说错了", Some(Phone), "5678"),
        ("电话后四位不是1234，是五六七八", Some(Phone), "5678"),
        ("后四位我再说一遍，是三零一二", None, "3012"),
        ("身份证后六位是幺两三四五六", Some(IdNumber), "123456"),
        ("最后一位是叉", None, "X"),
    ];
    for (text, of, digits) in cases {
        let entities = nlu().entities(text, today());
        assert_eq!(entities.number_tails.len(), 1, "{text}: {entities:?}");
        let tail = &entities.number_tails[0];
        assert_eq!((tail.of, tail.digits.as_str()), (of, digits), "{text}");
        // The tail's digits are no number of their own, and the document
        // named to say which number is no document at hand.
        assert!(entities.materials.is_empty(), "{text}: {entities:?}");
        // The tail's digits are no number of their own.
        assert!(
            entities.id_numbers.is_empty() && entities.phones.is_empty(),
            "{text}: {entities:?}"
        );
    }
    // A count that does not match what follows, or no count and no digits,
    // is no tail; neither is 以后 or 后来.
    for text in [
        "后四位是123",
        "后四位说错了",
        "以后四个月都在那边",
        "后来住了两年",
        "然后我再说一遍身份证",
    ] {
        let entities = nlu().entities(text, today());
        assert!(entities.number_tails.is_empty(), "{text}: {entities:?}");
    }
}

#[test]
fn social_security_numbers() {
    let entities = nlu().entities("社保卡号是幺两三四五六七八九", today());
    assert_eq!(entities.social_security_numbers, ["123456789"]);
    assert!(entities.phones.is_empty() && entities.id_numbers.is_empty());
}

#[test]
fn phones_mobile_and_landline() {
    let cases = [
        ("幺五洞 两拐幺八 勾勾六三", "15027189963"),
        ("我手机号13800138000", "13800138000"),
        ("电话是138 0013 8000", "13800138000"),
        ("座机0769-22334455", "0769-22334455"),
        ("0769 2233 4455", "0769-22334455"),
        ("电话洞两洞 幺两三四五六七八", "020-12345678"),
        ("号码一三八，嗯，洞洞一三，然后八洞洞洞", "13800138000"),
    ];
    for (text, expected) in cases {
        let entities = nlu().entities(text, today());
        assert_eq!(entities.phones.len(), 1, "{text}: {entities:?}");
        assert_eq!(entities.phones[0].normalized, expected, "{text}");
        assert!(entities.phones[0].valid, "{text}: {:?}", entities.phones);
    }
}

#[test]
fn phones_with_the_wrong_length_are_reported() {
    let entities = nlu().entities("我电话是1380013800", today());
    assert_eq!(entities.phones.len(), 1, "{entities:?}");
    assert!(!entities.phones[0].valid);
    assert!(
        entities.phones[0]
            .problem
            .as_deref()
            .unwrap()
            .contains("位数不对")
    );
}

#[test]
fn a_phone_and_an_id_in_one_breath() {
    let entities = nlu().entities("电话13800138000身份证440304197812032012", today());
    assert_eq!(entities.phones[0].normalized, "13800138000");
    assert_eq!(entities.id_numbers[0].normalized, "440304197812032012");
    let entities = nlu().entities(
        "幺三八洞洞幺三八洞洞洞 四四洞三洞四幺勾拐八幺两洞三两洞幺两",
        today(),
    );
    assert_eq!(entities.phones.len(), 1, "{entities:?}");
    assert_eq!(entities.id_numbers.len(), 1, "{entities:?}");
}

/// A cue names the first number after it: the mobile said after the ID
/// number with no cue of its own is a phone, not a second (wrong) ID.
#[test]
fn a_cue_names_only_the_first_number_after_it() {
    for (text, id, phone) in [
        (
            "身份证号四四幺勾零洞幺九八三洞拐一三五三八X，一勾二 二两二七 九八幺九",
            "44190019830713538X",
            "19222279819",
        ),
        (
            "身份证 441900196504121236 13926881234",
            "441900196504121236",
            "13926881234",
        ),
        (
            "我的身份证是440304197812032012，另外一个是15027189963",
            "440304197812032012",
            "15027189963",
        ),
    ] {
        let entities = nlu().entities(text, today());
        assert_eq!(entities.id_numbers.len(), 1, "{text}: {entities:?}");
        assert_eq!(entities.id_numbers[0].normalized, id, "{text}");
        assert_eq!(entities.phones.len(), 1, "{text}: {entities:?}");
        assert_eq!(entities.phones[0].normalized, phone, "{text}");
    }
}

#[test]
fn places_as_destinations() {
    let cases = [
        ("我退休了要回湖南老家养老", "湖南省", None),
        ("我在东莞参保，要去海南三亚住", "海南省", Some("三亚市")),
        ("去岳麓区我女儿那", "湖南省", Some("长沙市")),
        ("我要去少关", "广东省", Some("韶关市")),
        ("占江那边", "广东省", Some("湛江市")),
        (
            "说错了，不是长沙，是广西南宁",
            "广西壮族自治区",
            Some("南宁市"),
        ),
    ];
    for (text, province, city) in cases {
        let place = nlu()
            .entities(text, today())
            .destination
            .unwrap_or_else(|| panic!("{text}: no place"));
        assert_eq!(place.province, province, "{text}");
        assert_eq!(place.city.as_deref(), city, "{text}");
    }
}

/// Where the 户口 stays is not where the caller goes; where it moves to is.
#[test]
fn the_place_of_the_hukou_is_not_the_destination() {
    for text in [
        "没迁，户口还在东莞",
        "户口在湛江没动",
        "我户籍还是济宁的",
        "户口本还在韶关老家",
    ] {
        let destination = nlu().entities(text, today()).destination;
        assert!(destination.is_none(), "{text}: {destination:?}");
    }
    let moved = nlu()
        .entities("户口迁到三亚了", today())
        .destination
        .expect("户口迁到三亚: a destination");
    assert_eq!(moved.city.as_deref(), Some("三亚市"));
    let both = nlu()
        .entities("户口在东莞，人要去三亚住", today())
        .destination
        .expect("two places: the one gone to");
    assert_eq!(both.city.as_deref(), Some("三亚市"));
}

#[test]
fn categories() {
    use hotline::rules::Category::*;
    let cases = [
        ("我退休了户口迁过去了", RetiredResettled),
        ("公司派我去上海常驻", PostedWorker),
        ("我是派驻到北京的", PostedWorker),
        ("医院让我转院到广州", Referral),
        ("我长期住在长沙，现在那边医院要转院", LongTermTransfer),
        (
            "我长期住在长沙，那边医院说要转到北京去治疗",
            LongTermTransfer,
        ),
        ("本地医院说要把我转到广州去", Referral),
        ("我在上海长期住", LongTermResident),
        ("我退休了去三亚住，户口没迁", LongTermResident),
        ("退休了回老家，户口还在东莞", LongTermResident),
        ("我常年在杭州生活", LongTermResident),
        ("出去旅游突然急诊抢救", Emergency),
        ("我自己去外地看病", TemporaryOther),
        ("我在深圳打工没有居住证", MigrantWorker),
        ("跟女儿在那边长期居住", LongTermResident),
    ];
    for (text, expected) in cases {
        assert_eq!(
            nlu().entities(text, today()).category,
            Some(expected),
            "{text}"
        );
    }
    assert_eq!(nlu().entities("我想问一下", today()).category, None);
}

#[test]
fn insurance_and_scheme() {
    use hotline::rules::{Insurance, Scheme};
    let cases = [
        ("我是职工医保", Some(Insurance::Employee)),
        ("单位交的", Some(Insurance::Employee)),
        ("城乡居民医保", Some(Insurance::Resident)),
        ("我们是新农合", Some(Insurance::Resident)),
        ("不是职工是城乡的", Some(Insurance::Resident)),
        ("带上居民身份证", None),
        // Documents and bodies whose official names hold 居民.
        ("居民户口簿和身份证都带了", None),
        ("我有居民户口本", None),
        ("居民委员会开了证明", None),
        (
            "居委会开了证明，我是城乡居民医保",
            Some(Insurance::Resident),
        ),
        ("带了居民身份证，我是职工医保", Some(Insurance::Employee)),
    ];
    for (text, expected) in cases {
        assert_eq!(nlu().entities(text, today()).insurance, expected, "{text}");
    }
    for text in ["我怀孕了", "要去产检", "回老家分娩", "生育保险"] {
        assert_eq!(
            nlu().entities(text, today()).scheme,
            Some(Scheme::Maternity),
            "{text}"
        );
    }
    assert_eq!(nlu().entities("我退休了", today()).scheme, None);
}

#[test]
fn channel_named_by_the_caller() {
    use hotline::rules::Channel;
    assert_eq!(
        nlu().entities("我用传真发过去", today()).submit_via,
        Some(Channel::Fax)
    );
    assert_eq!(
        nlu().entities("粤医保小程序能办吗", today()).submit_via,
        Some(Channel::App("yue_yibao".into()))
    );
    assert_eq!(
        nlu().entities("我电话是13800138000", today()).submit_via,
        None
    );
}

#[test]
fn materials_with_negation() {
    let cases: [(&str, &[&str], &[&str]); 10] = [
        (
            "我有户口本和居住证",
            &["household_register", "residence_permit"],
            &[],
        ),
        ("没有居住证", &[], &["residence_permit"]),
        (
            "没有居住证但是有房本",
            &["property_certificate"],
            &["residence_permit"],
        ),
        (
            "劳动合同和派遣证明都有",
            &["labor_contract", "dispatch_certificate"],
            &[],
        ),
        (
            "可以写承诺书吗我有医保码",
            &["commitment_letter", "e_voucher"],
            &[],
        ),
        (
            "医院开了转诊单，还有社保卡",
            &["referral_certificate", "social_security_card"],
            &[],
        ),
        ("房产证还没办下来", &[], &["property_certificate"]),
        (
            "只带了医保卡，劳动合同跟单位证明都没带",
            &["social_security_card"],
            &["labor_contract", "employer_certificate"],
        ),
        (
            "没有户口本、居住证，有身份证",
            &["id_card"],
            &["household_register", "residence_permit"],
        ),
        ("没有单位开的派遣证明", &[], &["dispatch_certificate"]),
    ];
    for (text, have, lack) in cases {
        let entities = nlu().entities(text, today());
        let mut got = entities.materials.clone();
        got.sort();
        let mut want: Vec<String> = have.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "{text}");
        let mut lacking = entities.negated_materials.clone();
        lacking.sort();
        let mut lack: Vec<&str> = lack.to_vec();
        lack.sort();
        assert_eq!(lacking, lack, "{text}");
    }
    // A number being given is not a document declared.
    assert!(
        nlu()
            .entities("身份证号是440304197812032012", today())
            .materials
            .is_empty()
    );
}

#[test]
fn names() {
    let cases = [
        ("我叫张建国", Some("张建国")),
        ("名字是王芳", Some("王芳")),
        ("王芳", Some("王芳")),
        ("我姓王叫王建华", Some("王建华")),
        ("名字说错了，是陈美林", Some("陈美林")),
        ("欧阳娜娜", Some("欧阳娜娜")),
        ("湖南", None),
        ("好的", None),
        ("谢谢", None),
        ("谢谢您", None),
        ("辛苦了", None),
        ("谢芳", Some("谢芳")),
        ("俺叫亓玉山", Some("亓玉山")),
        ("我是东莞参保的，冼国栋，电话等下说", Some("冼国栋")),
        ("我妈让我打的，叫佘桂香，她腿脚不好", Some("佘桂香")),
        ("名字慕容晓峰", Some("慕容晓峰")),
        ("弓长张，海洋的海，波浪的波", Some("张海波")),
        ("单位派的", None),
        ("常州", None),
        ("明白了", None),
        ("是的", None),
    ];
    for (text, expected) in cases {
        assert_eq!(
            nlu().entities(text, today()).name.as_deref(),
            expected,
            "{text}"
        );
    }
    // Read without a cue, a name is to be checked with the caller; after
    // 我叫 it is not.
    assert!(nlu().entities("冼国栋，电话等下说", today()).name_unsure);
    assert!(!nlu().entities("我叫冼国栋", today()).name_unsure);
    let entities = nlu().entities("我姓王", today());
    assert_eq!(
        (entities.name, entities.surname.as_deref()),
        (None, Some("王"))
    );
}

#[test]
fn proxy_costs_and_corrections() {
    let e = |text: &str| nlu().entities(text, today());
    assert_eq!(e("帮我爸办的").by_proxy, Some(true));
    assert_eq!(e("我替我妈备案").by_proxy, Some(true));
    assert_eq!(e("我自己办").by_proxy, Some(false));
    assert_eq!(e("我要办备案").by_proxy, None);
    assert_eq!(e("俺替俺娘打的电话").by_proxy, Some(true));
    assert_eq!(e("我是病人的女儿").by_proxy, Some(true));
    assert_eq!(e("我老公要去杭州做手术").by_proxy, Some(true));
    assert_eq!(e("我女儿在杭州，我过去跟她住").by_proxy, None);
    assert_eq!(e("已经在那边看过病了").incurred_costs, Some(true));
    assert_eq!(e("在那边花了钱").incurred_costs, Some(true));
    assert_eq!(e("还没看过病").incurred_costs, Some(false));
    assert!(e("不对，我说错了").correction);
    assert!(e("改成长沙").correction);
    assert!(!e("对的").correction);
}

#[test]
fn whether_the_hukou_has_moved() {
    let cases = [
        ("我退休了，户口已经迁过去了", Some(true)),
        ("户籍迁到三亚了", Some(true)),
        ("户口没迁，还在东莞", Some(false)),
        ("迁过去了", Some(true)),
        ("我退休了去三亚住", None),
    ];
    for (text, expected) in cases {
        assert_eq!(
            nlu().entities(text, today()).hukou_moved,
            expected,
            "{text}"
        );
    }
}

/// The partial readings (a policy question's case, a question's name for
/// masking) read exactly what the full reading does, on every caller
/// question of the question set and every turn of the tuning cases.
#[test]
fn partial_readings_agree_with_the_full_one() {
    #[derive(serde::Deserialize)]
    struct Said {
        #[serde(alias = "q")]
        text: String,
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let said = |file: &str| -> Vec<Said> {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        yaml_serde::from_str(&text).unwrap()
    };
    let texts: Vec<Said> = [
        said("tests/qa/questions.yaml"),
        said("tests/nlu/tuning.yaml"),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(texts.len() > 500, "{} texts", texts.len());
    let (mut categories, mut names) = (0, 0);
    for Said { text } in &texts {
        let full = nlu().entities(text, today());
        let case = nlu().case_in_question(text);
        assert_eq!(case.category, full.category, "{text}");
        assert_eq!(case.insurance, full.insurance, "{text}");
        assert_eq!(case.submit_via, full.submit_via, "{text}");
        let (name, unsure) = nlu().name_in(text);
        assert_eq!((&name, unsure), (&full.name, full.name_unsure), "{text}");
        categories += usize::from(case.category.is_some());
        names += usize::from(name.is_some());
    }
    // Both readings find something often enough for the comparison to count.
    assert!(
        categories > 50 && names > 20,
        "{categories} categories, {names} names"
    );
}
