//! The gazetteer on the real 国家统计局 data.

use hotline::places::{Gazetteer, Place};

use super::gazetteer;

fn place(province: &str, city: Option<&str>) -> Option<Place> {
    Some(Place {
        province: province.to_string(),
        city: city.map(str::to_string),
    })
}

/// Each case's text through `read` (named `how` in a failure) gives its
/// expected place.
fn check(how: &str, read: fn(&Gazetteer, &str) -> Option<Place>, cases: &[(&str, Option<Place>)]) {
    let g = gazetteer();
    for (text, expected) in cases {
        assert_eq!(&read(&g, text), expected, "{how}({text})");
    }
}

#[test]
fn resolves_full_and_short_names() {
    let cases = [
        ("长沙", place("湖南省", Some("长沙市"))),
        ("长沙市", place("湖南省", Some("长沙市"))),
        ("湖南", place("湖南省", None)),
        ("湖南省", place("湖南省", None)),
        ("广西", place("广西壮族自治区", None)),
        ("广西壮族自治区", place("广西壮族自治区", None)),
        ("内蒙", place("内蒙古自治区", None)),
        ("内蒙古", place("内蒙古自治区", None)),
        ("新疆兵团", place("新疆维吾尔自治区", None)),
        ("岳麓区", place("湖南省", Some("长沙市"))),
        ("三亚", place("海南省", Some("三亚市"))),
        ("黔西南", place("贵州省", Some("黔西南布依族苗族自治州"))),
        ("北京", place("北京市", Some("北京市"))),
        ("朝阳区", None), // in Beijing and in Changchun: ambiguous
        ("海淀区", place("北京市", Some("北京市"))),
        ("吉林", place("吉林省", None)),
        ("吉林市", place("吉林省", Some("吉林市"))),
        ("仙桃", place("湖北省", Some("仙桃市"))),
        ("昆山", place("江苏省", Some("苏州市"))),
        ("湖南长沙", place("湖南省", Some("长沙市"))),
        ("湖南省长沙市", place("湖南省", Some("长沙市"))),
        ("东莞", place("广东省", Some("东莞市"))),
        ("济宁", place("山东省", Some("济宁市"))),
        ("火星", None),
        ("", None),
    ];
    check("resolve", Gazetteer::resolve, &cases);
}

#[test]
fn finds_the_first_place_in_free_text() {
    let cases = [
        ("我退休了要回湖南老家养老", place("湖南省", None)),
        ("我要去湖南长沙那边住", place("湖南省", Some("长沙市"))),
        ("我女儿在岳麓区上班", place("湖南省", Some("长沙市"))),
        ("想去海南三亚过冬", place("海南省", Some("三亚市"))),
        ("我在少关那边看病", place("广东省", Some("韶关市"))),
        ("要去占江住院", place("广东省", Some("湛江市"))),
        // A province said right and its city misheard.
        (
            "退秀了，去广西难宁",
            place("广西壮族自治区", Some("南宁市")),
        ),
        ("去湖南张沙看病", place("湖南省", Some("长沙市"))),
        ("要去江苏难京住院", place("江苏省", Some("南京市"))),
        ("去广西玩几天", place("广西壮族自治区", None)),
        ("我老婆是孕妇要产检", None),
        ("我想问一下医保报销比例", None),
        ("公安局开的证明行不行", None),
        ("回内蒙老家", place("内蒙古自治区", None)),
    ];
    check("find_in", Gazetteer::find_in, &cases);
}

/// Speech recognition on a poor line or a southern accent: front and back
/// nasals (深证, 韶光), n/l (兰宁), f/h (胡建), zh/z (资阳 is no 枝阳…), and
/// characters read two ways (厦门 xia, 成都 du). A near sound counts only
/// with a written character in common, and never for two places.
#[test]
fn places_misheard_by_near_sounds() {
    let cases = [
        ("我要去深证", place("广东省", Some("深圳市"))),
        ("我儿子在深证上班", place("广东省", Some("深圳市"))),
        ("退休了想去兰宁住", place("广西壮族自治区", Some("南宁市"))),
        ("去广西兰宁", place("广西壮族自治区", Some("南宁市"))),
        ("要去广洲住院", place("广东省", Some("广州市"))),
        ("去福洲看病", place("福建省", Some("福州市"))),
        ("我女儿在韶光", place("广东省", Some("韶关市"))),
        ("我退休了回胡建老家", place("福建省", None)),
        ("去重亲我儿子那", place("重庆市", Some("重庆市"))),
        ("去成督看病", place("四川省", Some("成都市"))),
        ("在夏门买了房", place("福建省", Some("厦门市"))),
        ("要去杭洲", place("浙江省", Some("杭州市"))),
        // Near sounds with nothing written in common, and plain words.
        ("伤害很大", None),
        ("附件要带吗", None),
        ("您知道吗", None),
        ("我住三栋二楼", None),
        ("我们都去", None),
        ("重新办一下", None),
        ("还得去一趟", None),
        ("荷兰", None),
    ];
    check("find_in", Gazetteer::find_in, &cases);
}

/// A corpus folder holding the real gazetteer with `aliases` as its
/// `places/aliases.yaml`, and that `places` folder: a test breaks one file
/// of it and loads.
fn places_with_aliases(aliases: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let places = dir.path().join("places");
    std::fs::create_dir(&places).unwrap();
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/places");
    for file in ["provinces.json", "cities.json", "areas.json"] {
        std::fs::copy(real.join(file), places.join(file)).unwrap();
    }
    std::fs::write(places.join("aliases.yaml"), aliases).unwrap();
    (dir, places)
}

/// A sound pair that is not pinyin letters stops the load at its line.
#[test]
fn a_bad_sound_pair_is_reported_with_its_line() {
    let (dir, _) = places_with_aliases(
        "aliases:\n  内蒙: 内蒙古自治区\nsound_alike:\n  initials: [[zh, z]]\n  finals: [[ang, 安]]\n",
    );
    let message = Gazetteer::load(dir.path()).err().unwrap().to_string();
    assert!(message.contains("aliases.yaml:5:"), "{message}");
}

#[test]
fn normalizes_province_names_only() {
    let g = gazetteer();
    assert_eq!(g.normalize_province("湖南").as_deref(), Some("湖南省"));
    assert_eq!(g.normalize_province("湖南省").as_deref(), Some("湖南省"));
    assert_eq!(
        g.normalize_province("宁夏").as_deref(),
        Some("宁夏回族自治区")
    );
    assert_eq!(g.normalize_province("长沙"), None);
    assert_eq!(g.provinces().len(), 31);
    assert_eq!(g.province_of_code("44"), Some("广东省"));
}

#[test]
fn a_bad_alias_is_reported_with_its_line() {
    let (dir, places) = places_with_aliases("aliases:\n  内蒙: 内蒙古自治区\n  火星: 火星省\n");
    let error = Gazetteer::load(dir.path())
        .err()
        .expect("火星省 is unknown");
    let message = error.to_string();
    assert!(message.contains("aliases.yaml:3:"), "{message}");

    std::fs::write(places.join("aliases.yaml"), "aliases: [\n").unwrap();
    let message = Gazetteer::load(dir.path()).err().unwrap().to_string();
    assert!(message.contains("aliases.yaml:"), "{message}");

    std::fs::write(places.join("cities.json"), "[\n{\"code\": 1}\n]").unwrap();
    let message = Gazetteer::load(dir.path()).err().unwrap().to_string();
    assert!(message.contains("cities.json:2:"), "{message}");
}

#[test]
fn ordinary_hotline_sentences_name_no_place() {
    // The intent examples write places as `@`: any place found in the
    // others is a false alarm (a common word read as a place name).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("intents/examples");
    let g = gazetteer();
    let mut false_alarms = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for example in text
            .lines()
            .filter_map(|line| line.trim().strip_prefix("- "))
        {
            if !example.contains('@')
                && let Some(place) = g.find_in(example)
            {
                false_alarms.push(format!("{example} → {place:?}"));
            }
        }
    }
    assert!(false_alarms.is_empty(), "{}", false_alarms.join("\n"));
}
