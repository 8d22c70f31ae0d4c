//! Short names derived from official names: 湖南省 → 湖南, 广西壮族自治区
//! → 广西, 黔西南布依族苗族自治州 → 黔西南, 岳麓区 → 岳麓.

/// Suffixes of province names, longest first.
const PROVINCE_SUFFIXES: [&str; 7] = [
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "省",
    "市",
];

/// Suffixes of city and county names, longest first.
const LOCAL_SUFFIXES: [&str; 12] = [
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "新区",
    "特区",
    "盟",
    "市",
    "区",
    "县",
    "旗",
];

/// The 55 ethnic minorities as they appear in autonomous-area names
/// (黔西南布依族苗族自治州): stripped from the end of a name after its
/// 自治州/自治县 suffix.
const ETHNIC_GROUPS: [&str; 55] = [
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
];

/// Short names for an official name, without the name itself. Names that
/// would shrink to one character (东区 → 东) are left out by the caller.
pub(super) fn short_names(full: &str, is_province: bool) -> Vec<String> {
    let suffixes: &[&str] = if is_province {
        &PROVINCE_SUFFIXES
    } else {
        &LOCAL_SUFFIXES
    };
    let Some(stem) = suffixes.iter().find_map(|suffix| full.strip_suffix(suffix)) else {
        return Vec::new();
    };
    let mut stem = stem;
    // Only autonomous areas carry ethnic names before their suffix.
    if full.contains("自治") {
        while let Some(shorter) = ETHNIC_GROUPS
            .iter()
            .find_map(|group| stem.strip_suffix(group))
        {
            stem = shorter;
        }
    }
    if stem.is_empty() || stem == full {
        return Vec::new();
    }
    vec![stem.to_string()]
}

#[cfg(test)]
mod tests {
    use super::short_names;

    #[test]
    fn strips_official_suffixes_and_ethnic_names() {
        assert_eq!(short_names("湖南省", true), ["湖南"]);
        assert_eq!(short_names("广西壮族自治区", true), ["广西"]);
        assert_eq!(short_names("内蒙古自治区", true), ["内蒙古"]);
        assert_eq!(short_names("新疆维吾尔自治区", true), ["新疆"]);
        assert_eq!(short_names("北京市", true), ["北京"]);
        assert_eq!(short_names("黔西南布依族苗族自治州", false), ["黔西南"]);
        assert_eq!(short_names("恩施土家族苗族自治州", false), ["恩施"]);
        assert_eq!(short_names("岳麓区", false), ["岳麓"]);
        assert_eq!(short_names("锡林郭勒盟", false), ["锡林郭勒"]);
        assert_eq!(short_names("大兴安岭地区", false), ["大兴安岭"]);
        assert!(short_names("香港", true).is_empty());
    }
}
