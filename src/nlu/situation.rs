//! The caller's situation and the category it points to. Callers rarely
//! name a category (异地长期居住人员); they say 退休了要去儿子那住, 在中山买了
//! 房子, 医院开了转诊. `intents/situations.yaml` lists such facts in callers'
//! words and the categories they point to; the understanding collects the
//! facts over the whole call and reads the category in the caller's region,
//! or the two categories still open and the question that separates them.

use std::path::Path;

use aho_corasick::AhoCorasick;
use chrono::NaiveDate;
use serde::Deserialize;

use super::cues::Cues;
use super::facts::negated_before;
use crate::corpus::Problem;
use crate::places::line_of;
use crate::rules::{Category, Policies};

/// One fact about the caller's situation (`retired`, `hukou_stayed`…).
#[derive(Debug, Clone)]
struct Fact {
    id: String,
    /// The fact a later mention of this one overrides (户口没迁 after 户口迁了).
    replaces: Option<String>,
    cues: Vec<String>,
}

/// What a rule concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Category(Category),
    Ask(Category, Category),
}

#[derive(Debug, Clone)]
struct Rule {
    when: Vec<String>,
    reading: Reading,
}

/// The question that tells two categories apart, with the answers to offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeparatingQuestion {
    pub between: [Category; 2],
    pub ask: String,
    pub options: Vec<String>,
}

/// `situations.yaml`, checked.
#[derive(Debug, Clone)]
pub struct Situations {
    facts: Vec<Fact>,
    rules: Vec<Rule>,
    questions: Vec<SeparatingQuestion>,
    /// The first part of every cue (`医院` of `医院…转到`), each once, found
    /// in one pass over an utterance instead of one search per cue.
    cue_starts: AhoCorasick,
    /// For each pattern of `cue_starts`: the facts whose cues start with
    /// it, each with the cue's later parts.
    cues_starting: Vec<Vec<(usize, Vec<String>)>>,
}

/// The category a call points to: decided, or two left open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryReading {
    pub category: Option<Category>,
    /// When the situation leaves exactly these open (the region's own
    /// categories, never one it treats as another).
    pub options: Vec<Category>,
}

/// A region's own categories: each national category the region has no rule
/// of its own for, mapped onto the one it uses instead (its rules.yaml
/// `maps_to`, e.g. Dongguan's migrant_worker → long_term_resident).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnCategories(Vec<(Category, Category)>);

impl OwnCategories {
    /// The mapping of `region`'s general scheme in force on `today`; empty
    /// for an unknown region.
    pub fn of(policies: &Policies, region: &str, today: NaiveDate) -> OwnCategories {
        let Some(scheme) = policies
            .regions
            .get(region)
            .and_then(|policy| policy.schemes.get("general"))
        else {
            return OwnCategories::default();
        };
        let mapped = Category::ALL.into_iter().filter_map(|category| {
            let target = scheme
                .categories
                .get(category.id())?
                .maps_to
                .as_ref()?
                .at(today)?;
            let own = Category::ALL
                .into_iter()
                .find(|other| other.id() == target.value)?;
            Some((category, own))
        });
        OwnCategories(mapped.collect())
    }

    /// The category the region uses for `category`.
    pub fn own(&self, category: Category) -> Category {
        self.0
            .iter()
            .find(|(national, _)| *national == category)
            .map_or(category, |(_, own)| *own)
    }
}

impl Situations {
    /// The facts `text` states, in the order of the file. A cue right after
    /// a negation does not count (没有转诊 is not a referral).
    pub fn facts_in(&self, text: &str, cues: &Cues) -> Vec<String> {
        // The facts stated, by index. An utterance holds a few cues, so
        // these short lists cost less than one entry per fact or cue.
        let mut stated: Vec<usize> = Vec::new();
        // A cue's first part is tried where `str::match_indices` finds it:
        // left to right, each occurrence after the end of the one before.
        // (pattern, where its next occurrence may start)
        let mut free_from: Vec<(usize, usize)> = Vec::new();
        for found in self.cue_starts.find_overlapping_iter(text) {
            let pattern = found.pattern().as_usize();
            let Some(starting) = self.cues_starting.get(pattern) else {
                continue;
            };
            match free_from.iter_mut().find(|(seen, _)| *seen == pattern) {
                Some((_, free)) if found.start() < *free => continue,
                Some((_, free)) => *free = found.end(),
                None => free_from.push((pattern, found.end())),
            }
            for (fact, rest) in starting {
                if !stated.contains(fact)
                    && parts_follow(text, found.end(), rest)
                    && !negated_before(text, found.start(), cues)
                {
                    stated.push(*fact);
                }
            }
        }
        stated.sort_unstable();
        stated
            .into_iter()
            .filter_map(|fact| Some(self.facts.get(fact)?.id.clone()))
            .collect()
    }

    /// The facts known after this turn: the earlier ones, less those a
    /// fact of this turn replaces, and this turn's.
    pub fn combine(&self, earlier: &[String], now: &[String]) -> Vec<String> {
        let replaced: Vec<&str> = now
            .iter()
            .filter_map(|id| self.fact(id)?.replaces.as_deref())
            .collect();
        let mut known: Vec<String> = earlier
            .iter()
            .filter(|id| !replaced.contains(&id.as_str()) && !now.contains(id))
            .cloned()
            .collect();
        known.extend(now.iter().cloned());
        known
    }

    /// The category `known` facts point to in a region with `own`
    /// categories: the first rule whose facts are all known.
    pub fn category(&self, known: &[String], own: Option<&OwnCategories>) -> CategoryReading {
        let own = |category: Category| own.map_or(category, |own| own.own(category));
        let Some(rule) = self
            .rules
            .iter()
            .find(|rule| rule.when.iter().all(|id| known.contains(id)))
        else {
            return CategoryReading::default();
        };
        match rule.reading {
            Reading::Category(category) => CategoryReading {
                category: Some(own(category)),
                options: Vec::new(),
            },
            Reading::Ask(first, second) if own(first) == own(second) => CategoryReading {
                category: Some(own(first)),
                options: Vec::new(),
            },
            Reading::Ask(first, second) => CategoryReading {
                category: None,
                options: vec![own(first), own(second)],
            },
        }
    }

    /// The question separating two categories, if the file has one.
    pub fn question(&self, between: &[Category]) -> Option<&SeparatingQuestion> {
        self.questions.iter().find(|question| {
            between.len() == 2 && question.between.iter().all(|c| between.contains(c))
        })
    }

    fn fact(&self, id: &str) -> Option<&Fact> {
        self.facts.iter().find(|fact| fact.id == id)
    }
}

/// Whether the facts say the 户籍 moved to the new place: `Some(false)` for
/// 户口没迁, `Some(true)` for 户口迁过去了, `None` when not said.
pub fn hukou_moved(facts: &[String]) -> Option<bool> {
    if facts.iter().any(|fact| fact == "hukou_stayed") {
        Some(false)
    } else if facts.iter().any(|fact| fact == "hukou_moved") {
        Some(true)
    } else {
        None
    }
}

/// Whether `parts` follow one another in `text` from `from` on, anything
/// between: the later parts of a cue such as `医院…转到`.
fn parts_follow(text: &str, mut from: usize, parts: &[String]) -> bool {
    for part in parts {
        match text[from..].find(part.as_str()) {
            Some(found) => from += found + part.len(),
            None => return false,
        }
    }
    true
}

/// The first parts of the facts' cues as one automaton, and for each of
/// its patterns the facts and later parts of the cues it starts.
fn cue_starts(facts: &[Fact]) -> (AhoCorasick, Vec<Vec<(usize, Vec<String>)>>) {
    let mut starts: Vec<&str> = Vec::new();
    let mut cues_starting: Vec<Vec<(usize, Vec<String>)>> = Vec::new();
    for (index, fact) in facts.iter().enumerate() {
        for cue in &fact.cues {
            let mut parts = cue.split('…');
            let first = parts.next().unwrap_or_default();
            let rest = parts.map(str::to_string).collect();
            let pattern = match starts.iter().position(|start| *start == first) {
                Some(pattern) => pattern,
                None => {
                    starts.push(first);
                    cues_starting.push(Vec::new());
                    starts.len() - 1
                }
            };
            cues_starting[pattern].push((index, rest));
        }
    }
    let automaton =
        AhoCorasick::new(&starts).expect("a few hundred short cues always build an automaton");
    (automaton, cues_starting)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactEntry {
    #[serde(default)]
    replaces: Option<String>,
    cues: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    when: Vec<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    ask: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionEntry {
    between: Vec<String>,
    ask: String,
    options: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SituationsFile {
    facts: super::cues::Ordered<FactEntry>,
    categories: Vec<RuleEntry>,
    questions: Vec<QuestionEntry>,
}

/// Reads and checks `path`: every fact a rule or `replaces` names exists,
/// every category is a category, every `ask` pair has its question.
pub fn load(path: &Path, problems: &mut Vec<Problem>) -> Option<Situations> {
    let (file, text) = super::data::read_yaml_file::<SituationsFile>(path, problems)?;
    let before = problems.len();
    let mut problem = |needle: &str, message: String| {
        problems.push(Problem::new(path, line_of(&text, needle), message));
    };
    let facts: Vec<Fact> = file
        .facts
        .0
        .into_iter()
        .map(|(id, entry)| Fact {
            id,
            replaces: entry.replaces,
            cues: entry.cues,
        })
        .collect();
    let known_fact = |id: &str| facts.iter().any(|fact| fact.id == id);
    for fact in &facts {
        if fact
            .cues
            .iter()
            .any(|cue| cue.split('…').any(str::is_empty))
            || fact.cues.is_empty()
        {
            problem(
                &format!("{}:", fact.id),
                format!("fact {}: empty cue or no cues", fact.id),
            );
        }
        if let Some(replaced) = &fact.replaces
            && !known_fact(replaced)
        {
            problem(
                &format!("replaces: {replaced}"),
                format!("fact {}: replaces unknown fact {replaced}", fact.id),
            );
        }
    }
    let category = |id: &str| Category::ALL.into_iter().find(|c| c.id() == id);
    let mut rules = Vec::new();
    for entry in file.categories {
        let needle = format!("when: [{}]", entry.when.join(", "));
        for id in entry.when.iter().filter(|id| !known_fact(id)) {
            problem(&needle, format!("unknown fact {id}"));
        }
        let reading = match (&entry.category, &entry.ask) {
            (Some(id), None) => category(id).map(Reading::Category),
            (None, Some(pair)) if pair.len() == 2 => match (category(&pair[0]), category(&pair[1]))
            {
                (Some(first), Some(second)) => Some(Reading::Ask(first, second)),
                _ => None,
            },
            _ => None,
        };
        match reading {
            Some(reading) => rules.push(Rule {
                when: entry.when,
                reading,
            }),
            None => problem(
                &needle,
                "a rule needs `category: <id>` or `ask: [<id>, <id>]` with known categories".into(),
            ),
        }
    }
    let mut questions = Vec::new();
    for entry in file.questions {
        let pair: Vec<Category> = entry.between.iter().filter_map(|id| category(id)).collect();
        if pair.len() != 2 || entry.between.len() != 2 {
            problem(&entry.ask, "between: needs two known categories".into());
            continue;
        }
        questions.push(SeparatingQuestion {
            between: [pair[0], pair[1]],
            ask: entry.ask,
            options: entry.options,
        });
    }
    let (cue_starts, cues_starting) = cue_starts(&facts);
    let situations = Situations {
        facts,
        rules,
        questions,
        cue_starts,
        cues_starting,
    };
    for rule in &situations.rules {
        if let Reading::Ask(first, second) = rule.reading
            && situations.question(&[first, second]).is_none()
        {
            problems.push(Problem::new(
                path,
                1,
                format!("no question between {} and {}", first.id(), second.id()),
            ));
        }
    }
    (problems.len() == before).then_some(situations)
}
