//! Facts named in words: category, insurance, scheme, channel, materials
//! (with negation: 没有居住证), the caller's name, whether they act for
//! someone else, costs already incurred, and corrections.

use crate::rules::{Category, Channel, Insurance, Scheme};

/// Words that deny what follows them (没有居住证, 不是职工).
const NEGATIONS: [&str; 10] = [
    "没有", "没", "无", "不是", "不", "还没", "丢了", "未", "缺", "差",
];

/// Words after a material that deny having it (居住证没办, 房产证还没有).
const NEGATIONS_AFTER: [&str; 7] = ["没有", "没办", "还没", "没带", "丢了", "办不了", "也没"];

/// Whether the words just before `at` in the same clause deny it.
pub fn negated_before(text: &str, at: usize) -> bool {
    let clause = clause_before(text, at);
    // Only the last few characters count: 没有房子但是有居住证 keeps 居住证.
    let tail: String = {
        let chars: Vec<char> = clause.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    NEGATIONS.iter().any(|negation| tail.contains(negation)) && !tail.contains("没问题")
}

fn negated_after(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let head: String = rest.chars().take(4).collect();
    NEGATIONS_AFTER.iter().any(|negation| {
        head.starts_with(negation) || head.get(3..).is_some_and(|h| h.starts_with(negation))
    })
}

fn clause_before(text: &str, at: usize) -> &str {
    let before = &text[..at];
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| "，。,；;！!？?、 但".contains(*c))
        .map_or(0, |(index, c)| index + c.len_utf8());
    &before[start..]
}

/// Finds the first of `words` in `text` that is not negated.
fn affirmed(text: &str, words: &[&str]) -> bool {
    words.iter().any(|word| {
        text.match_indices(word)
            .any(|(at, _)| !negated_before(text, at))
    })
}

/// The national category the caller's words point to.
pub fn category(text: &str) -> Option<Category> {
    let has = |words: &[&str]| affirmed(text, words);
    if has(&["急诊", "抢救", "急救", "突发", "救护车", "出车祸", "摔伤了"]) {
        return Some(Category::Emergency);
    }
    // 医院说要转到北京: a hospital sending the patient on is a transfer
    // even when the caller never says 转院.
    let hospital_sends_on = text.contains("医院") && has(&["转到", "转去", "转往", "转过去"]);
    if has(&["转院", "转诊"]) || hospital_sends_on {
        let long_term = has(&[
            "长期",
            "常住",
            "一直住在",
            "一直在那边",
            "在那边工作",
            "定居",
            "已经备案",
        ]);
        return Some(if long_term {
            Category::LongTermTransfer
        } else {
            Category::Referral
        });
    }
    if has(&["退休"]) {
        return Some(Category::RetiredResettled);
    }
    if has(&[
        "派驻",
        "外派",
        "派我去",
        "派我到",
        "派到",
        "派过去",
        "常驻",
        "驻外",
        "公司派",
        "单位派",
    ]) {
        return Some(Category::PostedWorker);
    }
    if has(&["农民工", "打工", "务工", "打零工"]) {
        return Some(Category::MigrantWorker);
    }
    if has(&["创业", "做生意", "开店", "开公司", "自己干", "就业"]) {
        return Some(Category::Entrepreneur);
    }
    if has(&[
        "长期居住",
        "长住",
        "常住",
        "定居",
        "跟儿子",
        "跟女儿",
        "随子女",
        "投靠",
        "带孙",
        "带小孩",
        "长期在",
        "长期住",
        "常年在",
        "常年住",
        "住在那边",
        "在那边住",
        "在那边生活",
        "搬过去",
    ]) {
        return Some(Category::LongTermResident);
    }
    if has(&[
        "去外地看病",
        "到外地看病",
        "外地看病",
        "去外地治疗",
        "外地就医",
        "去外地做手术",
        "出差",
        "旅游",
        "探亲",
        "临时",
        "短期",
    ]) {
        return Some(Category::TemporaryOther);
    }
    None
}

/// 职工医保 or 城乡居民医保.
pub fn insurance(text: &str) -> Option<Insurance> {
    let has = |words: &[&str]| affirmed(text, words);
    // 城乡居民 first: 居民 must not be read as part of 职工.
    if has(&[
        "居民",
        "新农合",
        "城乡",
        "农村合作医疗",
        "合作医疗",
        "农保",
        "自己交的",
        "自己买的",
        "灵活就业",
    ]) {
        return Some(Insurance::Resident);
    }
    if has(&[
        "职工",
        "单位交",
        "单位缴",
        "单位给交",
        "单位买",
        "公司交",
        "公司缴",
        "公司买",
        "公司给交",
        "在职",
        "企业",
    ]) {
        return Some(Insurance::Employee);
    }
    None
}

/// 生育保险 when the caller speaks of pregnancy or birth.
pub fn scheme(text: &str) -> Option<Scheme> {
    affirmed(
        text,
        &[
            "生育",
            "怀孕",
            "产检",
            "分娩",
            "生孩子",
            "生小孩",
            "生娃",
            "待产",
            "坐月子",
            "孕",
            "顺产",
            "剖腹产",
            "剖宫产",
        ],
    )
    .then_some(Scheme::Maternity)
}

/// A submission channel the caller names (传真 → fax).
pub fn submit_via(text: &str) -> Option<Channel> {
    const CHANNELS: [(&[&str], Channel); 9] = [
        (&["传真", "发传真", "fax", "FAX"], Channel::Fax),
        (&["粤医保"], Channel::YueYibao),
        (&["粤省事"], Channel::YueShengShi),
        (&["鲁医保"], Channel::LuYibao),
        (
            &["国家医保", "医保服务平台", "医保APP", "医保app", "医保App"],
            Channel::NationalApp,
        ),
        (
            &["窗口", "现场办", "大厅", "柜台", "去现场"],
            Channel::Window,
        ),
        (&["网上办", "网站", "官网", "网页"], Channel::Website),
        (
            &["医院帮", "医院给办", "医院办", "医院代办"],
            Channel::Hospital,
        ),
        (
            &[
                "电话办",
                "电话里办",
                "电话备案",
                "打电话办",
                "电话上办",
                "电话里直接",
            ],
            Channel::Phone,
        ),
    ];
    CHANNELS
        .iter()
        .find(|(words, _)| affirmed(text, words))
        .map(|(_, channel)| *channel)
}

/// Material ids and the words callers use for them. Longer words first
/// where one contains another (居住证回执 before 居住证).
const MATERIALS: [(&str, &[&str]); 16] = [
    (
        "residence_permit_receipt",
        &[
            "居住证回执",
            "居住证受理回执",
            "居住证受理凭证",
            "居住证的回执",
        ],
    ),
    (
        "proxy_id",
        &["代办人身份证", "代办人的身份证", "代办人证件"],
    ),
    ("maternity_registration_form", &["生育备案表", "生育登记表"]),
    ("registration_form", &["备案表", "登记表", "登记备案表"]),
    (
        "household_register",
        &["户口本", "户口簿", "户口页", "户籍证明", "户口"],
    ),
    ("residence_permit", &["居住证"]),
    (
        "property_certificate",
        &["房产证", "房本", "不动产证", "不动产权证", "购房合同"],
    ),
    ("enrollment_proof", &["就读证明", "在读证明", "学籍证明"]),
    ("labor_contract", &["劳动合同", "工作合同", "用工合同"]),
    (
        "dispatch_certificate",
        &["派遣证明", "派驻证明", "派出证明", "外派证明", "派遣函"],
    ),
    (
        "employer_certificate",
        &["单位证明", "工作证明", "在职证明", "工作单位证明"],
    ),
    ("commitment_letter", &["承诺书", "保证书", "个人承诺"]),
    (
        "referral_certificate",
        &["转诊单", "转院单", "转诊证明", "转院证明", "转诊转院单"],
    ),
    (
        "e_voucher",
        &[
            "医保码",
            "医保电子凭证",
            "电子医保卡",
            "医保电子码",
            "电子凭证",
        ],
    ),
    ("social_security_card", &["社保卡", "医保卡", "社会保障卡"]),
    ("id_card", &["身份证"]),
];

/// Materials named, split into those the caller has and those they say
/// they do not have. A 身份证 followed by 号 is a number being given, not
/// a document being declared.
pub fn materials(text: &str) -> (Vec<String>, Vec<String>) {
    let mut have = Vec::new();
    let mut lack = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    for (id, words) in MATERIALS {
        for word in words {
            for (at, _) in text.match_indices(word) {
                let end = at + word.len();
                if taken.iter().any(|(s, e)| at < *e && end > *s) {
                    continue;
                }
                let rest = &text[end..];
                if matches!(id, "id_card" | "social_security_card")
                    && (rest.starts_with('号')
                        || rest.starts_with("的号")
                        || rest.starts_with("上的号"))
                {
                    continue;
                }
                taken.push((at, end));
                let list = if negated_before(text, at) || negated_after(text, end) {
                    &mut lack
                } else {
                    &mut have
                };
                if !list.iter().any(|known: &String| known == id) {
                    list.push(id.to_string());
                }
            }
        }
    }
    have.retain(|id| !lack.contains(id));
    (have, lack)
}

/// Common surnames, compound ones first, for reading names out of
/// 我叫…/姓….
const COMPOUND_SURNAMES: [&str; 8] = [
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容",
];
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝";

/// The end of a name: anything that is not part of it.
fn name_chars(text: &str, max: usize) -> String {
    text.chars()
        .take_while(|c| {
            is_han(*c) && !"的是啊呀呢吧嘛哈了，。我电话身份证号码手机今年".contains(*c)
        })
        .take(max)
        .collect()
}

pub fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

fn starts_with_surname(name: &str) -> bool {
    COMPOUND_SURNAMES.iter().any(|s| name.starts_with(s))
        || name.chars().next().is_some_and(|c| SURNAMES.contains(c))
}

/// The caller's full name and surname, from 我叫张建国, 名字是王芳,
/// 我姓王叫王芳, 姓王, or an utterance that is only a name (王芳).
pub fn name(text: &str) -> (Option<String>, Option<String>) {
    for cue in [
        "我叫",
        "名字叫",
        "名字是",
        "姓名是",
        "姓名",
        "叫做",
        "本人叫",
        "他叫",
        "她叫",
        "我爸叫",
        "我妈叫",
        "病人叫",
        "老人叫",
    ] {
        if let Some(at) = text.find(cue) {
            let candidate = name_chars(&text[at + cue.len()..], 4);
            if (2..=4).contains(&candidate.chars().count()) && starts_with_surname(&candidate) {
                let surname = surname_of(&candidate);
                return (Some(candidate), surname);
            }
        }
    }
    // 名字说错了，是陈美林: the name follows the last 是/叫 after 名字.
    if let Some(at) = text.find("名字") {
        let rest = &text[at..];
        if let Some((cue_at, cue)) = rest
            .char_indices()
            .filter(|(_, c)| *c == '是' || *c == '叫')
            .last()
        {
            let candidate = name_chars(&rest[cue_at + cue.len_utf8()..], 4);
            if (2..=4).contains(&candidate.chars().count()) && starts_with_surname(&candidate) {
                let surname = surname_of(&candidate);
                return (Some(candidate), surname);
            }
        }
    }
    if let Some(at) = text.find('姓') {
        let after = &text[at + '姓'.len_utf8()..];
        let surname: String = COMPOUND_SURNAMES
            .iter()
            .find(|s| after.starts_with(*s))
            .map(|s| s.to_string())
            .or_else(|| {
                after
                    .chars()
                    .next()
                    .filter(|c| SURNAMES.contains(*c))
                    .map(String::from)
            })
            .unwrap_or_default();
        if !surname.is_empty() {
            // 我姓王叫王建华, 姓王叫建华: the given name may follow.
            let rest = &after[surname.len()..];
            if let Some(at) = rest.find('叫') {
                let given = name_chars(&rest[at + '叫'.len_utf8()..], 4);
                let full = if given.starts_with(&surname) {
                    given
                } else {
                    format!("{surname}{given}")
                };
                if (2..=4).contains(&full.chars().count()) {
                    return (Some(full), Some(surname));
                }
            }
            return (None, Some(surname));
        }
    }
    // A bare name: the whole utterance is two to four Chinese characters
    // starting with a surname (王芳, 张建国).
    let bare = text.trim().trim_end_matches(['。', '，', '.', ',']);
    let count = bare.chars().count();
    let longest = if COMPOUND_SURNAMES.iter().any(|s| bare.starts_with(s)) {
        4
    } else {
        3
    };
    if (2..=longest).contains(&count)
        && bare.chars().all(is_han)
        && starts_with_surname(bare)
        && !NOT_NAMES.contains(&bare)
    {
        return (Some(bare.to_string()), surname_of(bare));
    }
    (None, None)
}

/// Short utterances that start like a surname but are words.
const NOT_NAMES: [&str; 24] = [
    "何时", "于是", "关于", "和平", "安全", "成功", "高兴", "明白", "明天", "时间", "文件", "方便",
    "全部", "常住", "金额", "黄色", "白天", "江西", "湖南", "安徽", "贵州", "云南", "宁夏", "吉林",
];

fn surname_of(name: &str) -> Option<String> {
    COMPOUND_SURNAMES
        .iter()
        .find(|s| name.starts_with(*s))
        .map(|s| s.to_string())
        .or_else(|| name.chars().next().map(String::from))
}

/// Whether the caller registers for someone else (帮我爸办) or for
/// themselves (我自己办).
pub fn by_proxy(text: &str) -> Option<bool> {
    const SELF: [&str; 6] = [
        "我自己办",
        "本人办",
        "给自己办",
        "我本人",
        "自己来办",
        "是我自己",
    ];
    if SELF.iter().any(|word| text.contains(word)) {
        return Some(false);
    }
    const RELATIVES: &str = "(爸|妈|父亲|母亲|老公|老婆|爱人|丈夫|妻子|媳妇|儿子|女儿|家人|家里人|亲戚|朋友|老人|老爷子|老太太|爷爷|奶奶|外公|外婆|公公|婆婆|岳父|岳母|哥|姐|弟|妹|同事|员工|他|她)";
    static PROXY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(&format!(
            "(帮|替|给|为)(我|我们家|我家)?的?{RELATIVES}.{{0,6}}(办|备案|申请|登记|弄|问)|代办|代为办理|代他|代她|帮人办"
        ))
        .expect("valid pattern")
    });
    PROXY.is_match(text).then_some(true)
}

/// Whether the caller already saw a doctor or paid at the destination
/// (Jining locks changes once costs are incurred).
pub fn incurred_costs(text: &str) -> Option<bool> {
    const NOT_YET: [&str; 8] = [
        "还没看",
        "没看过病",
        "没花钱",
        "没花过钱",
        "还没去",
        "没有看过",
        "没有花",
        "还没有看",
    ];
    if NOT_YET.iter().any(|word| text.contains(word)) {
        return Some(false);
    }
    const ALREADY: [&str; 12] = [
        "看过病",
        "看了病",
        "花过钱",
        "花了钱",
        "花了不少钱",
        "住过院",
        "垫付",
        "自费了",
        "产生了费用",
        "发生了费用",
        "结算过",
        "已经看病了",
    ];
    ALREADY
        .iter()
        .any(|word| text.contains(word))
        .then_some(true)
}

/// 不对, 说错了, 改成…: the caller corrects something said before.
pub fn correction(text: &str) -> bool {
    const WORDS: [&str; 10] = [
        "不对",
        "说错",
        "错了",
        "改成",
        "改为",
        "改一下",
        "更正",
        "应该是",
        "搞错",
        "弄错",
    ];
    WORDS.iter().any(|word| text.contains(word))
}
