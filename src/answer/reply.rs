//! Short replies in the clause's own words (contract §2.1 `answer`): one
//! sentence of at most [`PHONE_MAX_CHARS`] characters that an agent can
//! read aloud, and at most two sentences for the widget. The whole clause
//! stays in the Answer's `passages`; the reply only picks from it, so it
//! never says what the clause does not.

/// Longest phone reply, in characters, the offer to say more included.
pub const PHONE_MAX_CHARS: usize = 60;
/// Longest written (widget) reply, in characters.
const WRITTEN_MAX_CHARS: usize = 150;

/// A reply in two lengths.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Short {
    /// One sentence to say on the phone, with the offer to say more where
    /// more exists; at most [`PHONE_MAX_CHARS`].
    pub spoken: String,
    /// At most two sentences, for the widget.
    pub written: String,
    /// Whether the clauses hold more than the spoken reply says.
    pub more: bool,
}

/// The sentence of `text` that best covers the question's `words`
/// (weighted), then, for the widget, the sentence after it. `offer` is
/// said after the phone reply when the text holds more than it says.
pub fn shorten(text: &str, words: &[(String, f32)], offer: &str) -> Short {
    shorten_sentences(&sentences(text), words, offer)
}

/// [`shorten`] of a text already split by [`sentences`] (a passage's,
/// split once at load).
pub fn shorten_sentences(sentences: &[String], words: &[(String, f32)], offer: &str) -> Short {
    match best_sentence(sentences, words) {
        Some(best) => shorten_at(sentences, best, offer),
        None => Short::default(),
    }
}

/// [`shorten_sentences`] once it chose the sentence at `best`.
pub fn shorten_at(sentences: &[String], best: usize, offer: &str) -> Short {
    let written = written(&sentences[best..]);
    speakable(&sentences[best], sentences.len() > 1, offer).with_written(written)
}

/// The phone reply from one sentence, cut at a clause end to fit, and the
/// offer to say more when the text holds more than that.
fn speakable(sentence: &str, text_has_more: bool, offer: &str) -> Short {
    let sentence = without_references(sentence);
    if !text_has_more && fits(&closed(&sentence), PHONE_MAX_CHARS) {
        return Short {
            spoken: closed(&sentence),
            written: String::new(),
            more: false,
        };
    }
    let budget = PHONE_MAX_CHARS.saturating_sub(offer.chars().count() + 1);
    let said = fit_clauses(&sentence, budget);
    Short {
        spoken: format!("{}{offer}", closed(&said)),
        written: String::new(),
        more: true,
    }
}

impl Short {
    fn with_written(mut self, written: String) -> Short {
        self.written = written;
        self
    }
}

/// Up to two sentences, within [`WRITTEN_MAX_CHARS`].
fn written(sentences: &[String]) -> String {
    let mut text = String::new();
    for sentence in sentences.iter().take(2) {
        let sentence = closed(sentence);
        if !text.is_empty() && !fits(&format!("{text}{sentence}"), WRITTEN_MAX_CHARS) {
            break;
        }
        text.push_str(&sentence);
    }
    if fits(&text, WRITTEN_MAX_CHARS) {
        text
    } else {
        closed(&fit_clauses(&text, WRITTEN_MAX_CHARS - 1))
    }
}

fn fits(text: &str, max: usize) -> bool {
    text.chars().count() <= max
}

/// How much of the question's words `text` covers.
fn coverage(text: &str, words: &[(String, f32)]) -> f32 {
    words
        .iter()
        .filter(|(word, _)| text.contains(word.as_str()))
        .map(|(_, weight)| weight)
        .sum()
}

/// The index of the sentence sharing most of the question's words; the
/// first one when none shares any.
pub fn best_sentence(sentences: &[String], words: &[(String, f32)]) -> Option<usize> {
    let mut best: Option<(usize, f32)> = None;
    for (index, sentence) in sentences.iter().enumerate() {
        let this = coverage(sentence, words);
        if best.is_none_or(|(_, top)| this > top) {
            best = Some((index, this));
        }
    }
    best.map(|(index, _)| index)
}

/// The text as sentences: lines joined, list numbers (`2.`, `（一）`, `一、`)
/// dropped, each ending at 。；！？ with its mark.
pub fn sentences(text: &str) -> Vec<String> {
    let mut sentences = Vec::new();
    let mut current = String::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        for c in without_list_number(line).chars() {
            current.push(c);
            if "。；！？;".contains(c) {
                push_sentence(&mut sentences, &mut current);
            }
        }
        // A line without its own end (a heading, one item of a list)
        // ends there; a lead-in (…的资料：) runs on into what it leads to.
        if !current.trim_end().ends_with(['：', ':']) {
            push_sentence(&mut sentences, &mut current);
        }
    }
    push_sentence(&mut sentences, &mut current);
    sentences
}

fn push_sentence(sentences: &mut Vec<String>, current: &mut String) {
    let sentence = current.trim();
    if sentence.chars().any(|c| !"。；！？;，、：: ".contains(c)) {
        sentences.push(without_list_number(sentence).to_string());
    }
    current.clear();
}

/// `2.长期…` → `长期…`, `（一）异地…` → `异地…`, `一、…` → `…`.
fn without_list_number(line: &str) -> &str {
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix('（')
        && let Some((number, rest)) = rest.split_once('）')
        && !number.is_empty()
        && number.chars().all(is_numeral)
        // （四）类人员 names a category, it is not a list number.
        && !rest.starts_with('类')
    {
        return rest.trim_start();
    }
    let digits = line.find(|c: char| !is_numeral(c)).unwrap_or(line.len());
    if digits > 0 {
        let rest = &line[digits..];
        for mark in ['.', '、', '．', '，'] {
            if let Some(rest) = rest.strip_prefix(mark) {
                return rest.trim_start();
            }
        }
    }
    line
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "一二三四五六七八九十".contains(c)
}

/// Document numbers and titles in brackets (（东医保〔2022〕63号）) are
/// for reading, not for saying.
fn without_references(sentence: &str) -> String {
    let mut out = String::new();
    let mut rest = sentence;
    while let Some(start) = rest.find('（') {
        let Some(length) = rest[start..].find('）') else {
            break;
        };
        let inside = &rest[start..start + length];
        out.push_str(&rest[..start]);
        if !inside.contains('〔') && !inside.contains('《') {
            out.push_str(&rest[start..start + length + '）'.len_utf8()]);
        }
        rest = &rest[start + length + '）'.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// The leading clauses (up to a ， or ：) that fit in `budget` characters,
/// the first clause cut short if even it does not fit. A long lead-in
/// (…确需回本市住院就医的：) is skipped for what it leads to.
fn fit_clauses(sentence: &str, budget: usize) -> String {
    let sentence = sentence.trim_end_matches(['。', '；', ';', '！', '？']);
    if fits(sentence, budget) {
        return sentence.to_string();
    }
    let sentence = match sentence.split_once('：') {
        Some((lead_in, rest)) if lead_in.chars().count() > budget / 2 && !rest.is_empty() => rest,
        _ => sentence,
    };
    let mut said = String::new();
    for clause in sentence.split_inclusive(['，', '：', ',', ':']) {
        let trimmed = clause.trim_end_matches(['，', '：', ',', ':']);
        if !fits(&format!("{said}{trimmed}"), budget) {
            break;
        }
        said.push_str(clause);
    }
    let said = said.trim_end_matches(['，', '：', ',', ':']);
    if said.is_empty() {
        sentence.chars().take(budget).collect()
    } else {
        said.to_string()
    }
}

/// The sentence ending in a full stop.
fn closed(sentence: &str) -> String {
    let sentence = sentence
        .trim()
        .trim_end_matches(['；', ';', '，', '、', '：', ':']);
    if sentence.ends_with(['。', '！', '？']) {
        sentence.to_string()
    } else {
        format!("{sentence}。")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "（要听全文请说“详细”）";

    fn words(list: &[&str]) -> Vec<(String, f32)> {
        list.iter().map(|word| (word.to_string(), 1.0)).collect()
    }

    #[test]
    fn the_sentence_on_the_question_is_said_without_its_list_number() {
        let text = "2.长期异地就医人员备案后长期有效，备案后6个月内原则上不可变更或取消；\n3.临时外出就医人员备案有效期6个月。";
        let short = shorten(text, &words(&["有效期", "临时"]), OFFER);
        assert_eq!(
            short.spoken,
            format!("临时外出就医人员备案有效期6个月。{OFFER}")
        );
        assert!(short.more);
        assert_eq!(short.written, "临时外出就医人员备案有效期6个月。");
    }

    #[test]
    fn a_whole_short_clause_needs_no_offer() {
        let short = shorten(
            "（二）异地长期居住人员：指长期在参保地以外居住生活的人员；",
            &[],
            OFFER,
        );
        assert_eq!(
            short.spoken,
            "异地长期居住人员：指长期在参保地以外居住生活的人员。"
        );
        assert!(!short.more);
    }

    #[test]
    fn phone_replies_fit_and_are_cut_at_a_clause_end() {
        let text = "参保人员在备案有效期内，可在就医地多次就诊并享受直接结算服务，备案有效期内办理了入院手续的，无论是否跨有效期，均可在就医地直接结算，出院结算后再次入院的须重新确认备案有效期。";
        let short = shorten(text, &words(&["结算"]), OFFER);
        assert!(
            short.spoken.chars().count() <= PHONE_MAX_CHARS,
            "{}",
            short.spoken
        );
        assert!(
            short
                .spoken
                .starts_with("参保人员在备案有效期内，可在就医地多次就诊"),
            "{}",
            short.spoken
        );
        assert!(short.spoken.ends_with(OFFER));
        assert!(!short.spoken.contains("，。"));
    }

    #[test]
    fn a_lead_in_runs_on_and_a_category_number_stays() {
        let text = "一、异地安置退休人员申请提供的资料：\n（一）《广东省异地就医登记备案表》；\n（二）参保人户口簿首页；";
        assert_eq!(
            sentences(text),
            [
                "异地安置退休人员申请提供的资料：《广东省异地就医登记备案表》；",
                "参保人户口簿首页；"
            ]
        );
        assert_eq!(
            sentences("（四）类异地就医备案手续于转院开始日期生效，有效期为6个月。"),
            ["（四）类异地就医备案手续于转院开始日期生效，有效期为6个月。"]
        );
    }

    #[test]
    fn the_clauses_said_are_those_on_the_question() {
        let text = "第（一）（二）（三）类异地就医备案人员在备案有效期内确需回本市定点医疗机构住院就医的：以个人承诺方式办理的在补齐相关备案材料前，支付比例在本市同级定点医疗机构基础上降低20个百分点。";
        let short = shorten(text, &words(&["支付比例", "降低"]), OFFER);
        assert!(short.spoken.contains("降低20个百分点"), "{}", short.spoken);
    }

    #[test]
    fn document_numbers_are_not_spoken() {
        let short = shorten(
            "根据《东莞市医疗保障办法》（东府〔2023〕60号）办理。",
            &[],
            OFFER,
        );
        assert_eq!(short.spoken, "根据《东莞市医疗保障办法》办理。");
    }

    #[test]
    fn widget_replies_are_two_sentences_at_most() {
        let text = "甲类人员备案后有效。乙类人员备案后有效。丙类人员备案后有效。";
        let short = shorten(text, &[], OFFER);
        assert_eq!(short.written, "甲类人员备案后有效。乙类人员备案后有效。");
    }
}
