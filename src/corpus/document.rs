//! Parsing one document file: TOML front matter between `+++` lines, then
//! passages opened by `## <citation label> {#anchor}` headings.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use super::{Document, Passage, Problem, Region, Scheme};

/// Longest passage text accepted, in characters. Passages are clauses, and
/// an answer quotes a whole passage, so a longer one should be split.
pub const MAX_PASSAGE_CHARS: usize = 600;

/// A parsed document and its passages.
#[derive(Debug, Clone)]
pub struct ParsedDocument {
    pub document: Document,
    pub passages: Vec<Passage>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    doc_id: String,
    title: String,
    issuer: String,
    #[serde(default)]
    doc_numbers: Vec<String>,
    region: String,
    scheme: Scheme,
    status: Option<String>,
    published: Option<toml::value::Datetime>,
    effective: Option<toml::value::Datetime>,
    expiry: Option<toml::value::Datetime>,
    #[serde(default)]
    replaces: Vec<String>,
    notes: Option<String>,
    source: String,
    /// What each passage is about, by anchor (see [`PassageTags`]).
    #[serde(default)]
    tags: BTreeMap<String, PassageTags>,
}

/// A passage's entry under `[tags]`: the topics it answers (names from
/// `search/topics.txt`, checked once the vocabulary is loaded) and the
/// categories it applies to (contract ids; none means everyone).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PassageTags {
    topics: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
}

/// Parses `text`, the contents of `path`. Problems are pushed onto
/// `problems`; `None` when the file is too broken to yield a document.
pub fn parse(
    path: &Path,
    text: &str,
    regions: &[Region],
    problems: &mut Vec<Problem>,
) -> Option<ParsedDocument> {
    let lines: Vec<&str> = text.lines().collect();
    if lines.first().map(|line| line.trim()) != Some("+++") {
        problems.push(Problem::new(
            path,
            1,
            "missing front matter: the file must start with a `+++` line",
        ));
        return None;
    }
    let Some(close) = lines.iter().skip(1).position(|line| line.trim() == "+++") else {
        problems.push(Problem::new(
            path,
            1,
            "front matter is not closed by a `+++` line",
        ));
        return None;
    };
    // Front matter is lines[1..=close]; `close` counts from line index 1.
    let front_lines = &lines[1..=close];
    let front_text = front_lines.join("\n");
    let body_start = close + 2; // index of the first body line

    let front: FrontMatter = match toml::from_str(&front_text) {
        Ok(front) => front,
        Err(error) => {
            let line = error
                .span()
                .map(|span| {
                    2 + front_text[..span.start.min(front_text.len())]
                        .matches('\n')
                        .count()
                })
                .unwrap_or(1);
            let message = error.message().trim().to_string();
            problems.push(Problem::new(path, line, format!("front matter: {message}")));
            return None;
        }
    };
    let key_line = |key: &str| {
        front_lines
            .iter()
            .position(|line| line.trim_start().starts_with(key))
            .map(|index| index + 2)
            .unwrap_or(1)
    };

    let before = problems.len();
    check_front_matter(path, &front, regions, &key_line, problems);
    let document = Document {
        doc_id: front.doc_id.clone(),
        title: front.title.clone(),
        issuer: front.issuer,
        doc_numbers: front.doc_numbers,
        region: front.region.clone(),
        scheme: front.scheme,
        status: front.status,
        published: date(path, "published", front.published, &key_line, problems),
        effective: date(path, "effective", front.effective, &key_line, problems),
        expiry: date(path, "expiry", front.expiry, &key_line, problems),
        replaces: front.replaces,
        notes: front.notes,
        source: front.source,
        path: path.to_path_buf(),
    };
    let mut passages = parse_passages(path, &lines, body_start, &document, problems);
    apply_tags(path, front.tags, front_lines, &mut passages, problems);
    (problems.len() == before).then_some(ParsedDocument { document, passages })
}

/// Puts each `[tags]` entry on its passage. An entry for no passage, or
/// naming an unknown category, is a problem at its line.
fn apply_tags(
    path: &Path,
    tags: BTreeMap<String, PassageTags>,
    front_lines: &[&str],
    passages: &mut [Passage],
    problems: &mut Vec<Problem>,
) {
    let known: Vec<&str> = crate::rules::Category::ALL
        .iter()
        .map(|category| category.id())
        .collect();
    for (anchor, tags) in tags {
        // The entry's own line: `anchor = { … }`, after the `[tags]` header.
        let line = front_lines
            .iter()
            .position(|line| {
                line.trim_start()
                    .strip_prefix(anchor.as_str())
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map_or(1, |index| index + 2);
        let Some(passage) = passages
            .iter_mut()
            .find(|passage| passage.id.rsplit_once('#').map(|(_, a)| a) == Some(anchor.as_str()))
        else {
            problems.push(Problem::new(
                path,
                line,
                format!("tags for `{anchor}`, which is no passage of this document"),
            ));
            continue;
        };
        for category in &tags.categories {
            if !known.contains(&category.as_str()) {
                problems.push(Problem::new(
                    path,
                    line,
                    format!(
                        "unknown category `{category}`; categories are: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        passage.topics = tags.topics;
        passage.categories = tags.categories;
        passage.tags_line = Some(line);
    }
}

fn check_front_matter(
    path: &Path,
    front: &FrontMatter,
    regions: &[Region],
    key_line: &dyn Fn(&str) -> usize,
    problems: &mut Vec<Problem>,
) {
    if !is_identifier(&front.doc_id) {
        problems.push(Problem::new(
            path,
            key_line("doc_id"),
            format!(
                "doc_id `{}` must be lowercase ASCII letters, digits and `-`",
                front.doc_id
            ),
        ));
    }
    let stem = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or("");
    if stem != front.doc_id {
        problems.push(Problem::new(
            path,
            key_line("doc_id"),
            format!(
                "doc_id `{}` must match the file name `{stem}.md`",
                front.doc_id
            ),
        ));
    }
    for (key, value) in [
        ("title", &front.title),
        ("issuer", &front.issuer),
        ("source", &front.source),
    ] {
        if value.trim().is_empty() {
            problems.push(Problem::new(path, key_line(key), format!("{key} is empty")));
        }
    }
    if !regions.iter().any(|region| region.id == front.region) {
        let valid: Vec<&str> = regions.iter().map(|region| region.id.as_str()).collect();
        problems.push(Problem::new(
            path,
            key_line("region"),
            format!(
                "unknown region `{}`; regions.toml lists: {}",
                front.region,
                valid.join(", ")
            ),
        ));
    }
    let folder = path
        .parent()
        .and_then(|parent| parent.file_name())
        .and_then(|name| name.to_str())
        .unwrap_or("");
    if folder != front.region {
        problems.push(Problem::new(
            path,
            key_line("region"),
            format!(
                "region `{}` does not match the folder `{folder}/`",
                front.region
            ),
        ));
    }
}

/// Converts a TOML date (`2025-06-01`) to a calendar date.
fn date(
    path: &Path,
    key: &str,
    value: Option<toml::value::Datetime>,
    key_line: &dyn Fn(&str) -> usize,
    problems: &mut Vec<Problem>,
) -> Option<NaiveDate> {
    let value = value?;
    let converted = match (value.date, value.time) {
        (Some(date), None) => NaiveDate::from_ymd_opt(
            i32::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        ),
        _ => None,
    };
    if converted.is_none() {
        problems.push(Problem::new(
            path,
            key_line(key),
            format!("{key} must be a plain date like 2025-06-01, not `{value}`"),
        ));
    }
    converted
}

/// Splits the body into passages at `## label {#anchor}` headings.
fn parse_passages(
    path: &Path,
    lines: &[&str],
    body_start: usize,
    document: &Document,
    problems: &mut Vec<Problem>,
) -> Vec<Passage> {
    let mut passages: Vec<Passage> = Vec::new();
    let mut current: Option<(Passage, Vec<&str>)> = None;
    // After a broken heading its body is skipped, not reported line by line.
    let mut skipping_body = false;
    let mut headings = 0;

    for (index, line) in lines.iter().enumerate().skip(body_start) {
        let line_number = index + 1;
        if let Some(heading) = line.strip_prefix("## ") {
            headings += 1;
            if let Some(done) = current.take() {
                finish(path, done, &mut passages, problems);
            }
            match parse_heading(heading) {
                Ok((clause, anchor)) => {
                    let passage = Passage {
                        id: format!("{}#{anchor}", document.doc_id),
                        doc_id: document.doc_id.clone(),
                        region: document.region.clone(),
                        scheme: document.scheme,
                        title: document.title.clone(),
                        clause,
                        text: String::new(),
                        line: line_number,
                        ..Passage::default()
                    };
                    current = Some((passage, Vec::new()));
                    skipping_body = false;
                }
                Err(message) => {
                    problems.push(Problem::new(path, line_number, message));
                    skipping_body = true;
                }
            }
        } else if line.starts_with('#') {
            problems.push(Problem::new(
                path,
                line_number,
                "only `## <label> {#anchor}` headings are allowed in a document",
            ));
        } else if let Some((_, body)) = current.as_mut() {
            body.push(line);
        } else if !skipping_body && !line.trim().is_empty() {
            problems.push(Problem::new(
                path,
                line_number,
                "text outside any passage: start it with a `## <label> {#anchor}` heading",
            ));
        }
    }
    if let Some(done) = current.take() {
        finish(path, done, &mut passages, problems);
    }
    if headings == 0 {
        problems.push(Problem::new(
            path,
            body_start.max(1),
            "the document has no passages",
        ));
    }
    passages
}

fn finish(
    path: &Path,
    (mut passage, body): (Passage, Vec<&str>),
    passages: &mut Vec<Passage>,
    problems: &mut Vec<Problem>,
) {
    passage.text = body
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    if passage.text.is_empty() {
        problems.push(Problem::new(
            path,
            passage.line,
            format!("passage `{}` is empty", passage.id),
        ));
        return;
    }
    let length = passage.text.chars().count();
    if length > MAX_PASSAGE_CHARS {
        problems.push(Problem::new(
            path,
            passage.line,
            format!(
                "passage `{}` has {length} characters; split it (at most {MAX_PASSAGE_CHARS})",
                passage.id
            ),
        ));
    }
    if let Some(first) = passages.iter().find(|earlier| earlier.id == passage.id) {
        problems.push(Problem::new(
            path,
            passage.line,
            format!(
                "duplicate passage id `{}` (first at line {})",
                passage.id, first.line
            ),
        ));
        return;
    }
    passages.push(passage);
}

/// `label {#anchor}` → (label, anchor).
fn parse_heading(heading: &str) -> Result<(String, String), String> {
    let heading = heading.trim();
    let Some(open) = heading.rfind("{#") else {
        return Err("heading has no `{#anchor}` at its end".into());
    };
    let Some(anchor) = heading[open + 2..].strip_suffix('}') else {
        return Err("heading must end with `{#anchor}`".into());
    };
    let label = heading[..open].trim();
    if label.is_empty() {
        return Err("heading has no citation label before `{#anchor}`".into());
    }
    if !is_identifier(anchor) {
        return Err(format!(
            "bad anchor `{anchor}`: use lowercase ASCII letters, digits and `-`"
        ));
    }
    Ok((label.to_string(), anchor.to_string()))
}

/// Lowercase ASCII letters, digits and inner `-`: safe in ids and URLs.
fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('-')
        && !text.ends_with('-')
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> Vec<Region> {
        crate::corpus::regions::dongguan_only()
    }

    fn check(file: &str, text: &str) -> (Option<ParsedDocument>, Vec<String>) {
        let mut problems = Vec::new();
        let parsed = parse(Path::new(file), text, &regions(), &mut problems);
        (parsed, problems.iter().map(ToString::to_string).collect())
    }

    const FRONT: &str = "+++\ndoc_id = \"x\"\ntitle = \"t\"\nissuer = \"i\"\nregion = \"dongguan\"\nscheme = \"general\"\nsource = \"s.txt\"\n+++\n";

    #[test]
    fn parses_passages_with_labels_and_ids() {
        let text = format!(
            "{FRONT}\n## 申请条件 {{#conditions}}\n第一行\n第二行\n\n## 温馨提示 2 {{#tips-2}}\n提示\n"
        );
        let (parsed, problems) = check("c/dongguan/x.md", &text);
        assert_eq!(problems, Vec::<String>::new());
        let parsed = parsed.unwrap();
        assert_eq!(parsed.passages.len(), 2);
        assert_eq!(parsed.passages[0].id, "x#conditions");
        assert_eq!(parsed.passages[0].clause, "申请条件");
        assert_eq!(parsed.passages[0].text, "第一行\n第二行");
        assert_eq!(parsed.passages[0].line, 10);
        assert_eq!(parsed.passages[1].clause, "温馨提示 2");
    }

    #[test]
    fn reports_every_problem_with_its_line() {
        let text = format!(
            "{FRONT}stray text\n## 条件 {{#a}}\n\n## 条件 {{#a}}\n正文\n## 没有锚点\n正文\n## 坏锚点 {{#Bad_A}}\n正文\n"
        );
        let (parsed, problems) = check("c/dongguan/x.md", &text);
        assert!(parsed.is_none());
        assert_eq!(
            problems,
            vec![
                "c/dongguan/x.md:9: text outside any passage: start it with a `## <label> {#anchor}` heading",
                "c/dongguan/x.md:10: passage `x#a` is empty",
                "c/dongguan/x.md:14: heading has no `{#anchor}` at its end",
                "c/dongguan/x.md:16: bad anchor `Bad_A`: use lowercase ASCII letters, digits and `-`",
            ]
        );
    }

    #[test]
    fn duplicate_passage_ids_name_the_first() {
        let text = format!("{FRONT}## 一 {{#a}}\n正文\n## 二 {{#a}}\n正文\n");
        let (_, problems) = check("c/dongguan/x.md", &text);
        assert_eq!(
            problems,
            vec!["c/dongguan/x.md:11: duplicate passage id `x#a` (first at line 9)"]
        );
    }

    #[test]
    fn front_matter_errors_point_at_the_key() {
        let text =
            FRONT.replace("region = \"dongguan\"", "region = \"shenzhen\"") + "## 一 {#a}\n正文\n";
        let (_, problems) = check("c/dongguan/x.md", &text);
        assert_eq!(
            problems,
            vec![
                "c/dongguan/x.md:5: unknown region `shenzhen`; regions.toml lists: dongguan",
                "c/dongguan/x.md:5: region `shenzhen` does not match the folder `dongguan/`",
            ]
        );

        let missing = FRONT.replace("title = \"t\"\n", "");
        let (_, problems) = check("c/dongguan/x.md", &missing);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].contains("missing field `title`"),
            "{problems:?}"
        );

        let malformed = FRONT.replace("scheme = \"general\"", "scheme = general");
        let (_, problems) = check("c/dongguan/x.md", &malformed);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("c/dongguan/x.md:6: front matter:"),
            "{problems:?}"
        );

        let (_, problems) = check("c/dongguan/x.md", "## 一 {#a}\n正文\n");
        assert_eq!(
            problems,
            vec!["c/dongguan/x.md:1: missing front matter: the file must start with a `+++` line"]
        );
    }

    #[test]
    fn doc_id_must_match_the_file_name() {
        let (_, problems) = check("c/dongguan/y.md", &format!("{FRONT}## 一 {{#a}}\n正文\n"));
        assert_eq!(
            problems,
            vec!["c/dongguan/y.md:2: doc_id `x` must match the file name `y.md`"]
        );
    }

    #[test]
    fn dates_are_read_from_toml_dates() {
        let text = FRONT.replace(
            "source = \"s.txt\"\n",
            "source = \"s.txt\"\neffective = 2025-06-01\n",
        ) + "## 一 {#a}\n正文\n";
        let (parsed, problems) = check("c/dongguan/x.md", &text);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(
            parsed.unwrap().document.effective,
            NaiveDate::from_ymd_opt(2025, 6, 1)
        );
    }
}
