//! Facts named in words: insurance, scheme, channel, materials
//! (with negation: 没有居住证), the caller's name, whether they act for
//! someone else, costs already incurred, and corrections. The words come
//! from `intents/entities.yaml` ([`Cues`]); how they are weighed is here.

use super::cues::Cues;
use crate::rules::{Channel, Insurance, Scheme};

/// Whether the words just before `at` in the same clause deny it.
pub fn negated_before(text: &str, at: usize, cues: &Cues) -> bool {
    let clause = clause_before(text, at);
    // Only the last few characters count: 没有房子但是有居住证 keeps 居住证.
    let tail: String = {
        let chars: Vec<char> = clause.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    cues.negations_before
        .iter()
        .any(|negation| tail.contains(negation.as_str()))
        && !tail.contains("没问题")
}

fn negated_after(text: &str, end: usize, cues: &Cues) -> bool {
    let rest = &text[end..];
    let head: String = rest.chars().take(4).collect();
    cues.negations_after.iter().any(|negation| {
        head.starts_with(negation.as_str())
            || head
                .get(3..)
                .is_some_and(|h| h.starts_with(negation.as_str()))
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

/// Whether one of `words` is in `text` and not negated.
fn affirmed(text: &str, words: &[String], cues: &Cues) -> bool {
    words.iter().any(|word| {
        text.match_indices(word.as_str())
            .any(|(at, _)| !negated_before(text, at, cues))
    })
}

/// Whether one of `words` is in `text`, negated or not.
fn contains_any(text: &str, words: &[String]) -> bool {
    words.iter().any(|word| text.contains(word.as_str()))
}

/// 职工医保 or 城乡居民医保.
pub fn insurance(text: &str, cues: &Cues) -> Option<Insurance> {
    // 城乡居民 first: 居民 must not be read as part of 职工.
    if affirmed(text, &cues.resident, cues) {
        return Some(Insurance::Resident);
    }
    if affirmed(text, &cues.employee, cues) {
        return Some(Insurance::Employee);
    }
    None
}

/// 生育保险 when the caller speaks of pregnancy or birth.
pub fn scheme(text: &str, cues: &Cues) -> Option<Scheme> {
    affirmed(text, &cues.maternity, cues).then_some(Scheme::Maternity)
}

/// A submission channel the caller names (传真 → fax), the first in the
/// order of the data file.
pub fn submit_via(text: &str, cues: &Cues) -> Option<Channel> {
    cues.channels
        .iter()
        .find(|(_, words)| affirmed(text, words, cues))
        .map(|(channel, _)| *channel)
}

/// Materials named, split into those the caller has and those they say
/// they do not have. A 身份证 followed by 号 is a number being given, not
/// a document being declared. Materials are tried in the order of the data
/// file, so a longer word listed first (居住证回执) takes its text before
/// a shorter one (居住证).
pub fn materials(text: &str, cues: &Cues) -> (Vec<String>, Vec<String>) {
    let mut have = Vec::new();
    let mut lack = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    for (id, words) in &cues.materials {
        for word in words {
            for (at, _) in text.match_indices(word.as_str()) {
                let end = at + word.len();
                if taken.iter().any(|(s, e)| at < *e && end > *s) {
                    continue;
                }
                let rest = &text[end..];
                if matches!(id.as_str(), "id_card" | "social_security_card")
                    && (rest.starts_with('号')
                        || rest.starts_with("的号")
                        || rest.starts_with("上的号"))
                {
                    continue;
                }
                taken.push((at, end));
                let list = if negated_before(text, at, cues) || negated_after(text, end, cues) {
                    &mut lack
                } else {
                    &mut have
                };
                if !list.iter().any(|known: &String| known == id) {
                    list.push(id.clone());
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
        if let Some((cue_at, cue)) = rest.char_indices().rfind(|(_, c)| *c == '是' || *c == '叫')
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

/// Short utterances that start like a surname but are words, among them
/// the thanks a caller says at the end (谢谢 is not Mr 谢).
const NOT_NAMES: &[&str] = &[
    "何时",
    "于是",
    "关于",
    "和平",
    "安全",
    "成功",
    "高兴",
    "明白",
    "明天",
    "时间",
    "文件",
    "方便",
    "全部",
    "常住",
    "金额",
    "黄色",
    "白天",
    "江西",
    "湖南",
    "安徽",
    "贵州",
    "云南",
    "宁夏",
    "吉林",
    "谢谢",
    "谢谢你",
    "谢谢您",
    "谢了",
    "谢啦",
    "辛苦",
    "辛苦了",
    "辛苦你",
    "辛苦您",
    "麻烦了",
    "麻烦你",
    "麻烦您",
    "费心了",
    "明白了",
    "应该",
    "应该是",
    "安心",
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
pub fn by_proxy(text: &str, cues: &Cues) -> Option<bool> {
    if contains_any(text, &cues.by_self) {
        return Some(false);
    }
    cues.proxy.is_match(text).then_some(true)
}

/// Whether the caller already saw a doctor or paid at the destination
/// (Jining locks changes once costs are incurred).
pub fn incurred_costs(text: &str, cues: &Cues) -> Option<bool> {
    if contains_any(text, &cues.costs_not_yet) {
        return Some(false);
    }
    contains_any(text, &cues.costs_already).then_some(true)
}

/// 不对, 说错了, 改成…: the caller corrects something said before.
pub fn correction(text: &str, cues: &Cues) -> bool {
    contains_any(text, &cues.correction)
}
