//! The search vocabulary kept as data under `corpus/search/`:
//!
//! - `dictionary.txt`: domain words the segmenter must keep whole
//!   (`医保电子凭证 2000 n`: word, optional frequency, optional tag);
//! - `synonyms.txt`: how callers say things → the words the documents use
//!   (`老家 户口所在地 => 户籍地 定居地`);
//! - `stopwords.txt`: words that carry no meaning in a question (`怎么`);
//! - `out_of_scope.txt`: topics the corpus does not cover and how to name
//!   them to the caller (`公积金 提取公积金 => 住房公积金`);
//! - `topics.txt`: how a question asks about a topic → the topic, which
//!   documents tag their passages with (`要带什么 带什么 => materials`);
//! - `maternity_words.txt`: words that put a question under 生育保险
//!   (`怀孕 产检`);
//! - `other_places.txt`: cities the corpus has no policy for (`深圳 广州`),
//!   so that "深圳的报销比例" is refused rather than answered with 东莞's;
//! - `scope_cues.txt`: the words around such a city that tell whether it is
//!   where the caller goes (去深圳) or whose policy is asked about (深圳的,
//!   在中山交的医保), and the words that keep a question in scope (备案);
//! - `negations.txt`: words that negate the word after them (`不是 并非`);
//! - `scheme_names.txt`: the names of the maternity scheme (`生育保险`),
//!   which pick where to search rather than what for.
//!
//! Lines starting with `#` and blank lines are ignored everywhere.

use std::fs;
use std::path::Path;

use super::Problem;

/// The parsed search vocabulary.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// Words for the segmenter's user dictionary, with optional frequency.
    pub user_words: Vec<(String, Option<usize>)>,
    pub synonyms: Vec<Synonym>,
    pub stop_words: Vec<String>,
    /// Out-of-scope topics: `say` in a question → `means[0]` names it.
    pub out_of_scope: Vec<Synonym>,
    pub other_places: Vec<String>,
    pub maternity_words: Vec<String>,
    /// Words that negate the word after them in a question (不是, 并非).
    pub negations: Vec<String>,
    /// The names of the maternity scheme (生育保险, 生育).
    pub scheme_names: Vec<String>,
    /// Question phrasings (`say`) → the topic they ask about (`means[0]`).
    pub topics: Vec<Synonym>,
    /// The words around a city that tell what the question is about.
    pub scope_cues: ScopeCues,
}

/// `scope_cues.txt`: each kind's words (the file explains them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeCues {
    /// One character before a city: where the caller goes (去, 在).
    pub destination: Vec<String>,
    /// Right after a city that is no destination: its policy (的, 医保).
    pub policy: Vec<String>,
    /// Later in the city's clause: the caller is insured there (交的医保).
    pub insured: Vec<String>,
    /// Right before a city: the caller is insured there (医保在).
    pub insured_before: Vec<String>,
    /// Registering for care elsewhere, plainly (备案).
    pub anchor: Vec<String>,
    /// The time after registering (备案以后, 办完备案): it says when, not
    /// what, so it anchors nothing.
    pub setting: Vec<String>,
}

/// The kinds of `scope_cues.txt`, in the order the file gives them.
const CUE_KINDS: [&str; 6] = [
    "destination",
    "policy",
    "insured",
    "insured_before",
    "anchor",
    "setting",
];

/// Parses `scope_cues.txt` (`words => kind`); every kind must be given.
pub fn parse_scope_cues(path: &Path, text: &str, problems: &mut Vec<Problem>) -> ScopeCues {
    let mut cues = ScopeCues::default();
    let before = problems.len();
    let lines: Vec<(usize, &str)> = data_lines(text).collect();
    for (line_number, line) in &lines {
        let kind = line.split_once("=>").map(|(_, kind)| kind.trim());
        let parsed = parse_synonyms(path, line, &mut Vec::new());
        let (Some(kind), [cue]) = (kind, parsed.as_slice()) else {
            problems.push(Problem::new(path, *line_number, "expected `words => kind`"));
            continue;
        };
        let list = match kind {
            "destination" => &mut cues.destination,
            "policy" => &mut cues.policy,
            "insured" => &mut cues.insured,
            "insured_before" => &mut cues.insured_before,
            "anchor" => &mut cues.anchor,
            "setting" => &mut cues.setting,
            other => {
                problems.push(Problem::new(
                    path,
                    *line_number,
                    format!(
                        "unknown kind `{other}`; the kinds are {}",
                        CUE_KINDS.join(", ")
                    ),
                ));
                continue;
            }
        };
        list.extend(cue.say.iter().cloned());
    }
    if problems.len() == before {
        for (kind, list) in CUE_KINDS.iter().zip([
            &cues.destination,
            &cues.policy,
            &cues.insured,
            &cues.insured_before,
            &cues.anchor,
            &cues.setting,
        ]) {
            if list.is_empty() {
                let last = lines.last().map_or(1, |(number, _)| *number);
                problems.push(Problem::new(
                    path,
                    last,
                    format!("no words of kind `{kind}`"),
                ));
            }
        }
    }
    cues
}

impl Lexicon {
    /// The topic names `topics.txt` defines, each once.
    pub fn topic_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for topic in &self.topics {
            for name in &topic.means {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
        }
        names
    }
}

/// One line of `synonyms.txt`: any of `say` in a question also means `means`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synonym {
    pub say: Vec<String>,
    pub means: Vec<String>,
}

/// Reads the files in `dir`; a missing file is a problem.
pub fn load(dir: &Path, problems: &mut Vec<Problem>) -> Lexicon {
    let mut read = |name: &str| {
        let path = dir.join(name);
        match fs::read_to_string(&path) {
            Ok(text) => Some((path, text)),
            Err(error) => {
                problems.push(Problem::new(&path, 1, format!("cannot read: {error}")));
                None
            }
        }
    };
    let dictionary = read("dictionary.txt");
    let synonyms = read("synonyms.txt");
    let stop_words = read("stopwords.txt");
    let out_of_scope = read("out_of_scope.txt");
    let other_places = read("other_places.txt");
    let maternity_words = read("maternity_words.txt");
    let topics = read("topics.txt");
    let scope_cues = read("scope_cues.txt");
    let negations = required_words(&dir.join("negations.txt"), problems);
    let scheme_names = required_words(&dir.join("scheme_names.txt"), problems);
    Lexicon {
        user_words: dictionary
            .map(|(path, text)| parse_dictionary(&path, &text, problems))
            .unwrap_or_default(),
        synonyms: synonyms
            .map(|(path, text)| parse_synonyms(&path, &text, problems))
            .unwrap_or_default(),
        stop_words: stop_words
            .map(|(_, text)| word_list(&text))
            .unwrap_or_default(),
        out_of_scope: out_of_scope
            .map(|(path, text)| parse_synonyms(&path, &text, problems))
            .unwrap_or_default(),
        other_places: other_places
            .map(|(_, text)| word_list(&text))
            .unwrap_or_default(),
        topics: topics
            .map(|(path, text)| parse_synonyms(&path, &text, problems))
            .unwrap_or_default(),
        maternity_words: maternity_words
            .map(|(_, text)| word_list(&text))
            .unwrap_or_default(),
        scope_cues: scope_cues
            .map(|(path, text)| parse_scope_cues(&path, &text, problems))
            .unwrap_or_default(),
        negations,
        scheme_names,
    }
}

/// [`word_list`] of the file at `path`, which must name at least one word.
fn required_words(path: &Path, problems: &mut Vec<Problem>) -> Vec<String> {
    let words = match fs::read_to_string(path) {
        Ok(text) => word_list(&text),
        Err(error) => {
            problems.push(Problem::new(path, 1, format!("cannot read: {error}")));
            return Vec::new();
        }
    };
    if words.is_empty() {
        problems.push(Problem::new(path, 1, "no words: at least one is needed"));
    }
    words
}

/// Non-blank, non-comment lines with their 1-based numbers.
fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
}

/// All whitespace-separated words of the data lines.
fn word_list(text: &str) -> Vec<String> {
    data_lines(text)
        .flat_map(|(_, line)| line.split_whitespace())
        .map(String::from)
        .collect()
}

/// Parses `dictionary.txt` (`word [frequency] [tag]`).
pub fn parse_dictionary(
    path: &Path,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Vec<(String, Option<usize>)> {
    let mut words = Vec::new();
    for (line_number, line) in data_lines(text) {
        let mut fields = line.split_whitespace();
        let word = fields.next().unwrap_or_default().to_string();
        let frequency = match fields.next() {
            None => None,
            Some(field) => match field.parse::<usize>() {
                Ok(frequency) => Some(frequency),
                Err(_) => {
                    problems.push(Problem::new(
                        path,
                        line_number,
                        format!("frequency `{field}` is not a whole number"),
                    ));
                    continue;
                }
            },
        };
        if fields.nth(1).is_some() {
            problems.push(Problem::new(
                path,
                line_number,
                "expected `word [frequency] [tag]`",
            ));
            continue;
        }
        words.push((word, frequency));
    }
    words
}

/// Parses `synonyms.txt` (`said words => official words`).
pub fn parse_synonyms(path: &Path, text: &str, problems: &mut Vec<Problem>) -> Vec<Synonym> {
    let mut synonyms = Vec::new();
    for (line_number, line) in data_lines(text) {
        let Some((left, right)) = line.split_once("=>") else {
            problems.push(Problem::new(
                path,
                line_number,
                "expected `said words => official words`",
            ));
            continue;
        };
        let words = |side: &str| {
            side.split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
        };
        let (say, means) = (words(left), words(right));
        if say.is_empty() || means.is_empty() || right.contains("=>") {
            problems.push(Problem::new(
                path,
                line_number,
                "both sides of `=>` need at least one word",
            ));
            continue;
        }
        synonyms.push(Synonym { say, means });
    }
    synonyms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_parse_and_report_bad_lines() {
        let mut problems = Vec::new();
        let text = "# comment\n老家 户口所在地 => 户籍地 定居地\n\n老家\n => 退休\n";
        let synonyms = parse_synonyms(Path::new("s.txt"), text, &mut problems);
        assert_eq!(
            synonyms,
            vec![Synonym {
                say: vec!["老家".into(), "户口所在地".into()],
                means: vec!["户籍地".into(), "定居地".into()],
            }]
        );
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            vec![
                "s.txt:4: expected `said words => official words`",
                "s.txt:5: both sides of `=>` need at least one word",
            ]
        );
    }

    #[test]
    fn scope_cues_name_their_kind() {
        let mut problems = Vec::new();
        let text = "去 在 => destination\n的 => policy\n参保 => insured\n医保在 => insured_before\n备案 => anchor\n备案以后 => setting\n";
        let cues = parse_scope_cues(Path::new("c.txt"), text, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(cues.destination, ["去", "在"]);
        assert_eq!(cues.insured_before, ["医保在"]);
        let text = "去 => destination\n的 => politics\n参保\n";
        parse_scope_cues(Path::new("c.txt"), text, &mut problems);
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            vec![
                "c.txt:2: unknown kind `politics`; the kinds are destination, policy, insured, insured_before, anchor, setting",
                "c.txt:3: expected `words => kind`",
            ]
        );
        let mut problems = Vec::new();
        parse_scope_cues(Path::new("c.txt"), "去 => destination\n", &mut problems);
        assert_eq!(
            problems[0].to_string(),
            "c.txt:1: no words of kind `policy`"
        );
    }

    #[test]
    fn dictionary_frequency_must_be_a_number() {
        let mut problems = Vec::new();
        let words = parse_dictionary(
            Path::new("d.txt"),
            "医保电子凭证 2000 n\n门特 lots\n备案\n",
            &mut problems,
        );
        assert_eq!(
            words,
            vec![
                ("医保电子凭证".to_string(), Some(2000)),
                ("备案".to_string(), None)
            ]
        );
        assert_eq!(
            problems[0].to_string(),
            "d.txt:2: frequency `lots` is not a whole number"
        );
    }
}
