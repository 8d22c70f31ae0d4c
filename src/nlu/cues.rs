//! Reading `intents/entities.yaml`: the words that name facts (insurance,
//! scheme, channel, materials, proxy, costs, corrections, which number is
//! which) and the words that deny them. Only the words are data; how they are used
//! (negation, precedence) stays in `facts.rs`. Every problem is reported
//! as `path:line: problem`.

use std::fmt;
use std::marker::PhantomData;
use std::path::Path;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

use crate::corpus::Problem;
use crate::rules::Channel;
use crate::rules::load::CONTRACT_MATERIALS;

/// The words of `entities.yaml`, checked.
#[derive(Debug, Clone)]
pub struct Cues {
    pub negations_before: Vec<String>,
    pub negations_after: Vec<String>,
    /// Words that deny a material said a few characters earlier in the
    /// same clause (户口本在老家没拿过来).
    pub negations_later: Vec<String>,
    /// 除了, 别的: a denial near them is about the other materials.
    pub negations_others: Vec<String>,
    /// 有, 没问题: the clause after a material says the caller has it.
    pub negations_kept: Vec<String>,
    pub resident: Vec<String>,
    pub employee: Vec<String>,
    /// 居民身份证: words that hold an insurance's word but name none.
    pub no_insurance: Vec<String>,
    pub maternity: Vec<String>,
    /// Channels in the order of the file.
    pub channels: Vec<(Channel, Vec<String>)>,
    /// `resident`, `employee`, `maternity`, `channels` and
    /// `negations_before`, each list found in one pass; built from them, so
    /// rebuilt whenever they change.
    pub fact_words: super::facts::FactWords,
    /// Material ids and their words, in the order of the file.
    pub materials: Vec<(String, Vec<String>)>,
    pub by_self: Vec<String>,
    /// 我自己, 本人: the whole answer to whether it is for oneself.
    pub self_answer: Vec<String>,
    /// 爸, 老伴, 女儿…: the people one acts for (`by_proxy.relatives`).
    pub relatives: Vec<String>,
    /// 帮我爸办, 代办, 是我老伴要去, 我是她女儿: acting for someone.
    pub proxy: regex::Regex,
    /// 俺爹要去…, 我妈身体不好: a relative is the one who travels…
    pub relative_travels: regex::Regex,
    /// 我妈帮我问过了: a relative who helps the caller is not the one
    /// concerned.
    pub relative_helps_caller: regex::Regex,
    /// …unless the caller goes too (我女儿在广州，我过去跟她住).
    pub caller_goes: Vec<String>,
    pub costs_not_yet: Vec<String>,
    pub costs_already: Vec<String>,
    pub correction: Vec<String>,
    /// 上次备案的, 去年办的那个备案: a registration made before this call.
    pub earlier_registration: Vec<String>,
    /// How callers ask, join and report.
    pub speech: Speech,
    /// Which number is which, and what comes between its digits.
    pub numbers: NumberWords,
    /// How the dialogue reads a turn as acts (`dialogue::acts`).
    pub acts: ActWords,
    /// What follows 户口 when it is the 户籍, not the 户口本 (户口没动).
    pub hukou_whereabouts: Vec<String>,
}

/// `speech:` in `entities.yaml`: the words that make a question, join two
/// requests, report not knowing, and place the caller relative to a place.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Speech {
    pub question_markers: Vec<String>,
    pub channel_question_words: Vec<String>,
    /// One character each (checked on load).
    #[serde(skip)]
    pub reply_particles: Vec<char>,
    #[serde(rename = "reply_particles")]
    particle_words: Vec<String>,
    pub clause_joiners: Vec<String>,
    pub not_knowing: Vec<String>,
    pub indefinite: Vec<String>,
    pub going: Vec<String>,
    pub being: Vec<String>,
    pub place_denied: Vec<String>,
    pub insured_here: Vec<String>,
    pub hukou: Vec<String>,
    pub list_joiners: Vec<String>,
}

/// `numbers:` in `entities.yaml`: the words before a number that say which
/// it is, and the fillers between its spoken groups of digits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberWords {
    /// 身份证, 证件号: the number after it is a 身份证 number.
    pub id_cues: Vec<String>,
    /// 电话, 手机: a phone number.
    pub phone_cues: Vec<String>,
    /// 社保卡号, 电脑号: a 社保卡 number.
    pub social_security_cues: Vec<String>,
    /// 然后, 嗯: said between two groups of one number.
    pub digit_fillers: Vec<String>,
    /// 后, 最后, 末尾: before a count and 位, the last digits of a number
    /// follow (后四位是1028).
    pub tail_positions: Vec<String>,
    /// 尾号: the last digits follow, as many as are said.
    pub tail_words: Vec<String>,
    /// 不是: the digits after it are the wrong ones (后四位不是5678，是1234).
    pub tail_negations: Vec<String>,
}

/// `acts:` in `entities.yaml`: the words the dialogue reads a turn's acts
/// by (`dialogue::acts`), before anything acts on it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActWords {
    /// 转人工, 人工客服: a person asked for outright.
    pub person: Vec<String>,
    /// 人工, 客服: a person named, turned down after a negator.
    pub person_named: Vec<String>,
    /// 不用, 别: negate what follows in the clause.
    pub negators: Vec<String>,
    /// 就不用, 算了: negate what comes before them.
    pub negated_after: Vec<String>,
    /// 算了, 不办: stop the call.
    pub stop: Vec<String>,
    /// 还是, 继续: after a stop word, take it back.
    pub go_on: Vec<String>,
    /// 吗, 怎么, ？: make a clause a question.
    pub question_marks: Vec<String>,
    /// 不想, 不方便: reluctance to give a number.
    pub reluctant: Vec<String>,
    /// 号码: a number named, the one asked.
    pub number_named: Vec<String>,
    /// 身份证号: the ID number named.
    pub id_number_named: Vec<String>,
    /// 手机号, 联系电话: the phone named.
    pub phone_number_named: Vec<String>,
    /// 不知道, 说不清: the caller cannot answer.
    pub cannot_answer: Vec<String>,
    /// 再办, 也登记: another registration after a finished one.
    pub another_registration: Vec<String>,
    /// 嗯, 那个: the sounds a pause is filled with.
    pub fillers: Vec<String>,
    /// 等一下, 稍等, 那个啥: a turn of these only pauses.
    pub hesitations: Vec<String>,
    /// 你, 让, 一下: said around a hesitation (你等我一下).
    pub around_hesitations: Vec<String>,
    /// 有, 带着: the whole answer to 您有吗, yes.
    pub have: Vec<String>,
    /// 没有, 没带: the whole answer to 您有吗, no.
    pub have_not: Vec<String>,
    /// 嗯, 都, 的: said around a bare 有 or 没有 (嗯，有啊; 都有的).
    pub bare_answer_padding: Vec<String>,
    /// What a reply to the name question may say before the name (我叫,
    /// 名字是, 是): the cues and `reply_openers` of `names.yaml`, longest
    /// first, filled in when both files are loaded.
    #[serde(skip)]
    pub name_cues: Vec<String>,
}

/// A map read in the order it is written.
pub(crate) struct Ordered<V>(pub(crate) Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Entries<V> {
            type Value = Ordered<V>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a map of id: [words]")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(Entries(PhantomData))
    }
}

type Words = Vec<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Negations {
    before: Words,
    after: Words,
    later: Words,
    others: Words,
    kept: Words,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InsuranceWords {
    resident: Words,
    employee: Words,
    naming_none: Words,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemeWords {
    maternity: Words,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProxyWords {
    #[serde(rename = "self")]
    by_self: Words,
    self_answer: Words,
    relatives: Words,
    mine: Words,
    verbs: Words,
    helping: Words,
    caller: Words,
    asides: Words,
    rank: Words,
    on_behalf: Words,
    being: Words,
    caller_being: Words,
    concerned: Words,
    subject_verbs: Words,
    openers: Words,
    caller_goes: Words,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CostWords {
    not_yet: Words,
    already: Words,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntitiesFile {
    negations: Negations,
    insurance: InsuranceWords,
    scheme: SchemeWords,
    submit_via: Ordered<Words>,
    materials: Ordered<Words>,
    by_proxy: ProxyWords,
    incurred_costs: CostWords,
    correction: Words,
    earlier_registration: Words,
    speech: Speech,
    numbers: NumberWords,
    acts: ActWords,
    hukou_whereabouts: Words,
}

/// The line where `key:` is written, or 1.
fn key_line(text: &str, key: &str) -> usize {
    let needle = format!("{key}:");
    text.lines()
        .position(|line| line.trim_start().starts_with(&needle))
        .map_or(1, |index| index + 1)
}

/// An id that names nothing the product knows.
fn unknown_id(path: &Path, text: &str, kind: &str, key: &str, known: &str) -> Problem {
    Problem::new(
        path,
        key_line(text, key),
        format!("unknown {kind} id {key}; known: {known}"),
    )
}

/// Reads and checks `path`; problems are pushed onto `problems`.
pub fn load(path: &Path, problems: &mut Vec<Problem>) -> Option<Cues> {
    let (file, text) = super::data::read_yaml_file::<EntitiesFile>(path, problems)?;
    let before = problems.len();
    let mut check = |key: &str, words: &Words| {
        if words.is_empty() {
            problems.push(Problem::new(
                path,
                key_line(&text, key),
                format!("{key}: empty list"),
            ));
        }
        if words.iter().any(|word| word.trim().is_empty()) {
            problems.push(Problem::new(
                path,
                key_line(&text, key),
                format!("{key}: empty word"),
            ));
        }
    };
    check("before", &file.negations.before);
    check("after", &file.negations.after);
    check("later", &file.negations.later);
    check("others", &file.negations.others);
    check("self_answer", &file.by_proxy.self_answer);
    check("resident", &file.insurance.resident);
    check("employee", &file.insurance.employee);
    check("naming_none", &file.insurance.naming_none);
    check("maternity", &file.scheme.maternity);
    check("self", &file.by_proxy.by_self);
    check("relatives", &file.by_proxy.relatives);
    check("openers", &file.by_proxy.openers);
    check("helping", &file.by_proxy.helping);
    check("caller", &file.by_proxy.caller);
    check("asides", &file.by_proxy.asides);
    check("rank", &file.by_proxy.rank);
    check("on_behalf", &file.by_proxy.on_behalf);
    check("concerned", &file.by_proxy.concerned);
    check("being", &file.by_proxy.being);
    check("caller_being", &file.by_proxy.caller_being);
    check("not_yet", &file.incurred_costs.not_yet);
    check("already", &file.incurred_costs.already);
    check("correction", &file.correction);
    check("earlier_registration", &file.earlier_registration);
    check("hukou_whereabouts", &file.hukou_whereabouts);
    let speech = &file.speech;
    for (key, words) in [
        ("question_markers", &speech.question_markers),
        ("channel_question_words", &speech.channel_question_words),
        ("clause_joiners", &speech.clause_joiners),
        ("not_knowing", &speech.not_knowing),
        ("indefinite", &speech.indefinite),
        ("going", &speech.going),
        ("being", &speech.being),
        ("place_denied", &speech.place_denied),
        ("insured_here", &speech.insured_here),
        ("hukou", &speech.hukou),
        ("list_joiners", &speech.list_joiners),
    ] {
        check(key, words);
    }
    let numbers = &file.numbers;
    for (key, words) in [
        ("id_cues", &numbers.id_cues),
        ("phone_cues", &numbers.phone_cues),
        ("social_security_cues", &numbers.social_security_cues),
        ("digit_fillers", &numbers.digit_fillers),
        ("tail_positions", &numbers.tail_positions),
        ("tail_words", &numbers.tail_words),
        ("tail_negations", &numbers.tail_negations),
    ] {
        check(key, words);
    }
    let acts = &file.acts;
    for (key, words) in [
        ("person", &acts.person),
        ("person_named", &acts.person_named),
        ("negators", &acts.negators),
        ("negated_after", &acts.negated_after),
        ("stop", &acts.stop),
        ("go_on", &acts.go_on),
        ("question_marks", &acts.question_marks),
        ("reluctant", &acts.reluctant),
        ("number_named", &acts.number_named),
        ("id_number_named", &acts.id_number_named),
        ("phone_number_named", &acts.phone_number_named),
        ("cannot_answer", &acts.cannot_answer),
        ("another_registration", &acts.another_registration),
        ("fillers", &acts.fillers),
        ("hesitations", &acts.hesitations),
        ("around_hesitations", &acts.around_hesitations),
        ("have", &acts.have),
        ("have_not", &acts.have_not),
        ("bare_answer_padding", &acts.bare_answer_padding),
    ] {
        check(key, words);
    }
    for (key, words) in file.submit_via.0.iter().chain(&file.materials.0) {
        check(key, words);
    }
    let mut speech = file.speech;
    check("reply_particles", &speech.particle_words);
    for word in &speech.particle_words {
        let mut chars = word.chars();
        match (chars.next(), chars.next()) {
            (Some(particle), None) => speech.reply_particles.push(particle),
            _ => problems.push(Problem::new(
                path,
                key_line(&text, "reply_particles"),
                format!("reply_particles: {word:?} is not one character"),
            )),
        }
    }

    let mut channels = Vec::new();
    for (key, words) in file.submit_via.0 {
        // A provincial app is heard by its name in corpus/regions.toml
        // (`Nlu::with_apps`): naming it here too would be a second place.
        match Channel::try_from(key.clone()) {
            Ok(Channel::App(id)) => problems.push(Problem::new(
                path,
                key_line(&text, &key),
                format!("`{id}`: a provincial app is named in corpus/regions.toml, not here"),
            )),
            Ok(channel) => channels.push((channel, words)),
            Err(_) => {
                let known = Channel::COMMON.map(|c| c.id().to_string()).join(", ");
                problems.push(unknown_id(path, &text, "channel", &key, &known));
            }
        }
    }
    for (key, _) in &file.materials.0 {
        if !CONTRACT_MATERIALS.contains(&key.as_str()) {
            let known = CONTRACT_MATERIALS.join(", ");
            problems.push(unknown_id(path, &text, "material", key, &known));
        }
    }

    let alternatives = |words: &Words| {
        words
            .iter()
            .map(|word| regex::escape(word))
            .collect::<Vec<_>>()
            .join("|")
    };
    let words = &file.by_proxy;
    let (relatives, mine) = (alternatives(&words.relatives), alternatives(&words.mine));
    let (helping, verbs) = (alternatives(&words.helping), alternatives(&words.verbs));
    let (caller, asides) = (alternatives(&words.caller), alternatives(&words.asides));
    let particles = alternatives(&speech.particle_words);
    let (rank, on_behalf) = (alternatives(&words.rank), alternatives(&words.on_behalf));
    let concerned = alternatives(&words.concerned);
    let (being, caller_being) = (
        alternatives(&words.being),
        alternatives(&words.caller_being),
    );
    // Where a clause ends: what is done for someone is said in one clause.
    const CLAUSE_END: &str = "，。,；;！!？?";
    // 帮我爸办, 替俺爹打的; or 帮/替 + the relative, an aside about them, and
    // what is done early in a later clause (我帮我岳父，他在海南住了好几年了，
    // 办一下备案).
    let patterns = [
        (
            "relatives",
            format!(
                "({helping})({mine})?的?([^{CLAUSE_END}\\s]{{0,6}}的老?)?({rank})?({relatives})[^{CLAUSE_END}]{{0,8}}({verbs})|{on_behalf}\
                 |({being})({mine})的?({relatives})|({caller_being})({concerned})的?({relatives})\
                 |({helping})({mine})?的?({rank})?({relatives})[^{CLAUSE_END}\\s]{{0,2}}[{CLAUSE_END}](.*[{CLAUSE_END}\\s])?[^{CLAUSE_END}\\s你您]{{0,3}}?({verbs})\
                 |({helping})({mine})?的?({rank})?({relatives})({particles})?({asides})[^{CLAUSE_END}\\s你您]{{0,16}}?({verbs})"
            ),
        ),
        (
            "subject_verbs",
            // The relative goes or is ill (俺爹要去…), or is named first and
            // helped a clause or more later, early in a clause of its own
            // and not by the one spoken to (我父亲住院了，我这边帮着办一下;
            // not 我朋友说了，你们能给办吗).
            format!(
                "(^|[{CLAUSE_END}\\s])({})?({mine})的?({relatives})[^{CLAUSE_END}\\s]{{0,6}}?({})\
                 |(({mine})的?|(^|[{CLAUSE_END}\\s]))({relatives})[^{CLAUSE_END}]*[{CLAUSE_END}](.*[{CLAUSE_END}\\s])?[^{CLAUSE_END}\\s你您]{{0,6}}?({helping})({verbs})\
                 |({mine})的?({relatives})[^{CLAUSE_END}]{{4,30}}?({caller})[^{CLAUSE_END}\\s你您]{{0,3}}?({helping})({verbs})",
                alternatives(&words.openers),
                alternatives(&words.subject_verbs)
            ),
        ),
        (
            "caller",
            // 我妈帮我问过了: the relative helps the caller, who is the one
            // concerned.
            format!("({mine})的?({relatives})({helping})({caller})"),
        ),
    ];
    let mut built = Vec::new();
    for (key, pattern) in patterns {
        match regex::Regex::new(&pattern) {
            Ok(regex) => built.push(regex),
            Err(error) => {
                problems.push(Problem::new(
                    path,
                    key_line(&text, key),
                    format!("{key}: {error}"),
                ));
                return None;
            }
        }
    }
    let relative_helps_caller = built.pop()?;
    let relative_travels = built.pop()?;
    let proxy = built.pop()?;
    if problems.len() > before {
        return None;
    }
    let mut cues = Cues {
        fact_words: super::facts::FactWords::none(),
        negations_before: file.negations.before,
        negations_after: file.negations.after,
        negations_later: file.negations.later,
        negations_others: file.negations.others,
        negations_kept: file.negations.kept,
        resident: file.insurance.resident,
        employee: file.insurance.employee,
        no_insurance: file.insurance.naming_none,
        maternity: file.scheme.maternity,
        channels,
        materials: file.materials.0,
        by_self: file.by_proxy.by_self,
        self_answer: file.by_proxy.self_answer,
        relatives: file.by_proxy.relatives,
        proxy,
        relative_travels,
        relative_helps_caller,
        caller_goes: file.by_proxy.caller_goes,
        costs_not_yet: file.incurred_costs.not_yet,
        costs_already: file.incurred_costs.already,
        correction: file.correction,
        earlier_registration: file.earlier_registration,
        speech,
        numbers: file.numbers,
        acts: file.acts,
        hukou_whereabouts: file.hukou_whereabouts,
    };
    cues.fact_words = super::facts::FactWords::new(&cues);
    Some(cues)
}
