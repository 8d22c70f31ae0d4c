//! The national gazetteer: provinces, prefecture-level cities and their
//! districts and counties, by full name, derived short name (长沙, 广西,
//! 黔西南) and a few hand-written colloquial aliases (内蒙). Shared by the
//! understanding of callers (`nlu`) and the rules module.
//!
//! Data: `corpus/places/` (国家统计局 2023 division codes, see its
//! `PROVENANCE.md`). Loading reads files; every lookup afterwards is pure.

mod names;

use std::collections::HashMap;
use std::path::Path;

use aho_corasick::{AhoCorasick, MatchKind};
use pinyin::{ToPinyin, ToPinyinMulti};
use serde::{Deserialize, Serialize};

use crate::corpus::{LoadError, Problem};

/// A place a caller named: province and prefecture-level city, by their
/// official full names. For the four municipalities the city is the
/// municipality itself (北京市/北京市); a county-level city directly under
/// a province (仙桃市, 五指山市) stands as the city.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Place {
    pub province: String,
    pub city: Option<String>,
}

impl From<Place> for crate::rules::Destination {
    fn from(place: Place) -> Self {
        crate::rules::Destination {
            province: Some(place.province),
            city: place.city,
        }
    }
}

/// A place found in free text, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceMention {
    pub place: Place,
    /// The words as the caller said them (may be a homophone: 少关).
    pub text: String,
    /// Byte range of `text` in the utterance.
    pub start: usize,
    pub end: usize,
    /// Whether the mention was matched by sound rather than by writing.
    pub by_sound: bool,
}

/// How specific a name is. When two entries share a name, the broader one
/// wins (吉林 is the province; 吉林市 the city).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Province,
    City,
    District,
}

#[derive(Debug, Clone)]
struct Entry {
    level: Level,
    place: Place,
}

/// Provinces, cities and districts, indexed for exact lookup, for
/// scanning free text, and by sound for speech-recognition homophones.
pub struct Gazetteer {
    /// Every usable name (full, short, alias) → its place.
    by_name: HashMap<String, Entry>,
    /// The names of `by_name`, in the order of `matcher`'s patterns.
    patterns: Vec<String>,
    matcher: AhoCorasick,
    /// Toneless pinyin of province and city names ("shao-guan") → the
    /// written names with that sound.
    by_sound: HashMap<String, Vec<String>>,
    /// The sounds a speech recogniser confuses (zh/z, an/ang…), from
    /// `aliases.yaml`.
    sound_alike: SoundAlike,
    /// The same names by their sound with those confusions evened out
    /// ("sao-guan" for 韶关, 少关 and 韶光 alike).
    by_near_sound: HashMap<String, Vec<String>>,
    /// Full names of the provinces, in code order.
    provinces: Vec<String>,
    /// Two-digit province codes (the first digits of a 身份证 number).
    province_codes: HashMap<String, String>,
}

#[derive(Deserialize)]
struct RawProvince {
    code: String,
    name: String,
}

#[derive(Deserialize)]
struct RawCity {
    code: String,
    name: String,
    #[serde(rename = "provinceCode")]
    province_code: String,
}

#[derive(Deserialize)]
struct RawArea {
    name: String,
    #[serde(rename = "cityCode")]
    city_code: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAliases {
    #[serde(default)]
    aliases: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    not_places: Vec<String>,
    #[serde(default)]
    sound_alike: RawSoundAlike,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSoundAlike {
    #[serde(default)]
    initials: Vec<(String, String)>,
    #[serde(default)]
    finals: Vec<(String, String)>,
    #[serde(default)]
    after: Vec<String>,
}

/// Parts of a syllable a speech recogniser hears one for the other (深证
/// for 深圳: zheng for zhen), each pair read as its second part.
#[derive(Debug, Clone, Default)]
struct SoundAlike {
    initials: Vec<(String, String)>,
    finals: Vec<(String, String)>,
    /// Words after which a place is expected (去, 在, 回…).
    after: Vec<String>,
}

impl SoundAlike {
    /// `syllable` with its initial and final evened out ("zheng" → "zen").
    fn even_out(&self, syllable: &str) -> String {
        let mut sound = syllable.to_string();
        if let Some((heard, as_)) = self
            .initials
            .iter()
            .find(|(heard, _)| sound.starts_with(heard.as_str()))
        {
            sound = format!("{as_}{}", &sound[heard.len()..]);
        }
        if let Some((heard, as_)) = self
            .finals
            .iter()
            .find(|(heard, _)| sound.ends_with(heard.as_str()))
        {
            sound = format!("{}{as_}", &sound[..sound.len() - heard.len()]);
        }
        sound
    }

    /// A whole sound key ("shen-zheng") evened out.
    fn key(&self, key: &str) -> String {
        key.split('-')
            .map(|syllable| self.even_out(syllable))
            .collect::<Vec<_>>()
            .join("-")
    }
}

/// City names that stand for "the province's own districts" or "counties
/// directly under the province" rather than for a city.
const MUNICIPAL_DISTRICTS: &str = "市辖区";
const DIRECTLY_ADMINISTERED: [&str; 2] = ["省直辖县级行政区划", "自治区直辖县级行政区划"];

impl Gazetteer {
    /// Reads `corpus_dir/places/{provinces,cities,areas}.json` and
    /// `aliases.yaml`, reporting every problem as `path:line: problem`.
    pub fn load(corpus_dir: &Path) -> Result<Gazetteer, LoadError> {
        let dir = corpus_dir.join("places");
        let provinces: Vec<RawProvince> = read_json(&dir.join("provinces.json"))?;
        let cities: Vec<RawCity> = read_json(&dir.join("cities.json"))?;
        let areas: Vec<RawArea> = read_json(&dir.join("areas.json"))?;
        let aliases_path = dir.join("aliases.yaml");
        let aliases_text = read_text(&aliases_path)?;
        let aliases: RawAliases = yaml_serde::from_str(&aliases_text).map_err(|error| {
            let line = error.location().map_or(1, |location| location.line());
            single_problem(&aliases_path, line, error.to_string())
        })?;
        let mut gazetteer = Gazetteer::build(&provinces, &cities, &areas, &aliases.not_places);
        gazetteer.sound_alike = sound_alike(aliases.sound_alike, &aliases_path, &aliases_text)?;
        gazetteer.by_near_sound =
            gazetteer
                .by_sound
                .iter()
                .fold(HashMap::new(), |mut near, (sound, names)| {
                    let near_names: &mut Vec<String> =
                        near.entry(gazetteer.sound_alike.key(sound)).or_default();
                    near_names.extend(names.iter().cloned());
                    near
                });
        gazetteer.with_aliases(&aliases.aliases, &aliases_path, &aliases_text)
    }

    fn build(
        provinces: &[RawProvince],
        cities: &[RawCity],
        areas: &[RawArea],
        not_places: &[String],
    ) -> Gazetteer {
        let province_names: HashMap<&str, &str> = provinces
            .iter()
            .map(|province| (province.code.as_str(), province.name.as_str()))
            .collect();
        let municipal: Vec<&str> = cities
            .iter()
            .filter(|city| city.name == MUNICIPAL_DISTRICTS)
            .map(|city| city.province_code.as_str())
            .collect();
        let mut candidates = Candidates::default();
        for province in provinces {
            let city = municipal
                .contains(&province.code.as_str())
                .then(|| province.name.clone());
            let place = Place {
                province: province.name.clone(),
                city,
            };
            candidates.add_with_short_names(&province.name, Level::Province, &place);
        }
        // City code → (place a district in it belongs to, whether its
        // areas are themselves cities).
        let mut city_places: HashMap<&str, (Place, bool)> = HashMap::new();
        for city in cities {
            let Some(province) = province_names.get(city.province_code.as_str()) else {
                continue;
            };
            if city.name == MUNICIPAL_DISTRICTS {
                let place = Place {
                    province: province.to_string(),
                    city: Some(province.to_string()),
                };
                city_places.insert(&city.code, (place, false));
            } else if DIRECTLY_ADMINISTERED.contains(&city.name.as_str()) {
                let place = Place {
                    province: province.to_string(),
                    city: None,
                };
                city_places.insert(&city.code, (place, true));
            } else {
                let place = Place {
                    province: province.to_string(),
                    city: Some(city.name.clone()),
                };
                candidates.add_with_short_names(&city.name, Level::City, &place);
                city_places.insert(&city.code, (place, false));
            }
        }
        for area in areas {
            let Some((place, areas_are_cities)) = city_places.get(area.city_code.as_str()) else {
                continue;
            };
            if *areas_are_cities {
                let place = Place {
                    province: place.province.clone(),
                    city: Some(area.name.clone()),
                };
                candidates.add_with_short_names(&area.name, Level::City, &place);
            } else {
                candidates.add_with_short_names(&area.name, Level::District, place);
            }
        }
        let by_name = candidates.settle(not_places);
        let by_sound = sound_index(&by_name);
        let mut patterns: Vec<String> = by_name.keys().cloned().collect();
        patterns.sort();
        let matcher = build_matcher(&patterns);
        Gazetteer {
            by_name,
            patterns,
            matcher,
            by_sound,
            sound_alike: SoundAlike::default(),
            by_near_sound: HashMap::new(),
            provinces: provinces.iter().map(|p| p.name.clone()).collect(),
            province_codes: provinces
                .iter()
                .map(|p| (p.code.clone(), p.name.clone()))
                .collect(),
        }
    }

    /// Adds the hand-written aliases; each must name a province or city
    /// the gazetteer knows.
    fn with_aliases(
        mut self,
        aliases: &std::collections::BTreeMap<String, String>,
        path: &Path,
        text: &str,
    ) -> Result<Gazetteer, LoadError> {
        let mut problems = Vec::new();
        for (alias, target) in aliases {
            match self.by_name.get(target.as_str()) {
                Some(entry) if entry.level != Level::District => {
                    let entry = entry.clone();
                    self.by_name.insert(alias.clone(), entry);
                }
                _ => problems.push(Problem {
                    path: path.to_path_buf(),
                    line: line_of(text, alias),
                    message: format!("alias {alias}: {target} is not a province or city"),
                }),
            }
        }
        if !problems.is_empty() {
            return Err(LoadError { problems });
        }
        let mut patterns: Vec<String> = self.by_name.keys().cloned().collect();
        patterns.sort();
        self.matcher = build_matcher(&patterns);
        self.patterns = patterns;
        Ok(self)
    }

    /// The place an exact name stands for: a full name, a short name, an
    /// alias or a district (岳麓区 → 湖南省长沙市). A province followed by
    /// one of its cities (湖南长沙, 湖南省长沙市) resolves to the city.
    pub fn resolve(&self, text: &str) -> Option<Place> {
        let text = text
            .trim()
            .trim_matches(|c: char| c.is_ascii_punctuation() || "，。！？、 ".contains(c));
        if let Some(entry) = self.by_name.get(text) {
            return Some(entry.place.clone());
        }
        // A province and a city written together must cover the text.
        let mentions = self.written_mentions(text);
        let covered: usize = mentions.iter().map(|m| m.end - m.start).sum();
        if mentions.len() == 2 && covered == text.len() {
            return combine(&mentions).map(|mention| mention.place);
        }
        None
    }

    /// The first place mentioned in free text, with a province and a city
    /// of it mentioned together merged (去湖南长沙 → 湖南省长沙市). Falls
    /// back to matching by sound (少关 → 韶关市) when nothing is written
    /// as a known name.
    pub fn find_in(&self, utterance: &str) -> Option<Place> {
        self.mentions_in(utterance)
            .into_iter()
            .next()
            .map(|m| m.place)
    }

    /// Every place mentioned in free text, in order, a province followed by
    /// one of its cities merged into one mention.
    pub fn mentions_in(&self, utterance: &str) -> Vec<PlaceMention> {
        let mut written = self.written_mentions(utterance);
        if written.is_empty() {
            return self.sound_mentions(utterance, false);
        }
        // A province said right, its city misheard (广西难宁): the city is
        // looked for by sound just after the province.
        let misheard: Vec<PlaceMention> = written
            .iter()
            .enumerate()
            .filter(|(index, mention)| {
                mention.place.city.is_none()
                    && written
                        .get(index + 1)
                        .is_none_or(|next| next.place.province != mention.place.province)
            })
            .filter_map(|(_, province)| {
                let after: String = utterance[province.end..].chars().take(6).collect();
                let city = self.sound_mentions(&after, true).into_iter().next()?;
                (city.place.province == province.place.province).then(|| PlaceMention {
                    start: province.end + city.start,
                    end: province.end + city.end,
                    ..city
                })
            })
            .collect();
        // A place written and another misheard (不是南宁，是去成督): the
        // text between the written names is heard by sound too.
        let mut covered: Vec<(usize, usize)> = written
            .iter()
            .chain(&misheard)
            .map(|mention| (mention.start, mention.end))
            .collect();
        covered.sort_unstable();
        let mut gaps = Vec::new();
        let mut from = 0;
        for (start, end) in covered {
            gaps.push((from, start));
            from = from.max(end);
        }
        gaps.push((from, utterance.len()));
        let heard: Vec<PlaceMention> = gaps
            .into_iter()
            .filter(|(start, end)| start < end)
            .flat_map(|(start, end)| {
                self.sound_mentions(&utterance[start..end], false)
                    .into_iter()
                    .map(move |mention| PlaceMention {
                        start: start + mention.start,
                        end: start + mention.end,
                        ..mention
                    })
            })
            .collect();
        if !misheard.is_empty() || !heard.is_empty() {
            written.extend(misheard);
            written.extend(heard);
            written.sort_by_key(|mention| mention.start);
        }
        let mut merged = Vec::new();
        let mut index = 0;
        while index < written.len() {
            if index + 1 < written.len()
                && let Some(mention) = combine(&written[index..index + 2])
            {
                merged.push(mention);
                index += 2;
                continue;
            }
            merged.push(written[index].clone());
            index += 1;
        }
        merged
    }

    /// "湖南"/"湖南省"/"湘"-free short or full province name → "湖南省".
    /// Only names of provinces are accepted.
    pub fn normalize_province(&self, text: &str) -> Option<String> {
        let text = text.trim();
        let entry = self.by_name.get(text)?;
        (entry.level == Level::Province).then(|| entry.place.province.clone())
    }

    /// The full names of all provinces, in official code order.
    pub fn provinces(&self) -> &[String] {
        &self.provinces
    }

    /// The province a two-digit 身份证 prefix belongs to (`44` → 广东省).
    pub fn province_of_code(&self, code: &str) -> Option<&str> {
        self.province_codes.get(code).map(String::as_str)
    }

    fn written_mentions(&self, utterance: &str) -> Vec<PlaceMention> {
        self.matcher
            .find_iter(utterance)
            .filter_map(|found| {
                let name = &self.patterns[found.pattern().as_usize()];
                let entry = self.by_name.get(name)?;
                Some(PlaceMention {
                    place: entry.place.clone(),
                    text: name.clone(),
                    start: found.start(),
                    end: found.end(),
                    by_sound: false,
                })
            })
            .collect()
    }

    /// Windows of two to four Chinese characters whose toneless pinyin is
    /// that of a province or city, sharing at least one written character
    /// with it (so that 孕妇 is never read as 云浮). A near sound (深证)
    /// counts only where a place is expected: after a word that leads to
    /// one (去, 在…) or, with `after_province`, right at the start.
    fn sound_mentions(&self, utterance: &str, after_province: bool) -> Vec<PlaceMention> {
        let chars: Vec<(usize, char, Option<&'static str>)> = utterance
            .char_indices()
            .map(|(at, c)| (at, c, c.to_pinyin().map(|p| p.plain())))
            .collect();
        let mut key = String::new();
        let mut found = Vec::new();
        let mut start = 0;
        'outer: while start < chars.len() {
            for length in (2..=4).rev() {
                let Some(window) = chars.get(start..start + length) else {
                    continue;
                };
                if !sound_key(window, &mut key) {
                    continue;
                }
                let place_expected = (after_province && start == 0)
                    || self
                        .sound_alike
                        .after
                        .iter()
                        .any(|word| utterance[..window[0].0].ends_with(word.as_str()));
                let heard = self.sounding(self.by_sound.get(&key), window).or_else(|| {
                    let near = self.by_near_sound.get(&self.sound_alike.key(&key));
                    place_expected.then(|| self.sounding(near, window))?
                });
                if let Some(entry) = heard {
                    let begin = window[0].0;
                    let last = window[length - 1];
                    let end = last.0 + last.1.len_utf8();
                    found.push(PlaceMention {
                        place: entry.place.clone(),
                        text: utterance[begin..end].to_string(),
                        start: begin,
                        end,
                        by_sound: true,
                    });
                    start += length;
                    continue 'outer;
                }
            }
            start += 1;
        }
        found
    }
}

impl Gazetteer {
    /// The one place among `names` (all of one sound) that shares a
    /// written character, in the same position, with `window`; none when
    /// no name or names of two places do.
    fn sounding(
        &self,
        names: Option<&Vec<String>>,
        window: &[(usize, char, Option<&'static str>)],
    ) -> Option<&Entry> {
        let mut found: Option<&Entry> = None;
        for name in names? {
            if !name.chars().zip(window).any(|(a, (_, b, _))| a == *b) {
                continue;
            }
            let entry = self.by_name.get(name)?;
            match found {
                Some(earlier) if earlier.place != entry.place => return None,
                _ => found = Some(entry),
            }
        }
        found
    }
}

/// Reads the sound confusions, refusing a part that is not pinyin letters.
fn sound_alike(raw: RawSoundAlike, path: &Path, text: &str) -> Result<SoundAlike, LoadError> {
    let mut problems = Vec::new();
    for (heard, as_) in raw.initials.iter().chain(&raw.finals) {
        for part in [heard, as_] {
            if part.is_empty() || !part.chars().all(|c| c.is_ascii_lowercase()) {
                problems.push(Problem {
                    path: path.to_path_buf(),
                    line: line_of(text, &format!("[{heard}, {as_}]")),
                    message: format!("sound_alike: {part:?} is not toneless pinyin letters"),
                });
            }
        }
    }
    if !problems.is_empty() {
        return Err(LoadError { problems });
    }
    Ok(SoundAlike {
        initials: raw.initials,
        finals: raw.finals,
        after: raw.after,
    })
}

/// A province mention followed directly (or after a few characters) by a
/// city mention of the same province becomes one mention.
fn combine(pair: &[PlaceMention]) -> Option<PlaceMention> {
    let [first, second] = pair else { return None };
    let first_is_province_only = first.place.city.is_none()
        || first.place.city.as_deref() == Some(first.place.province.as_str());
    if !first_is_province_only
        || second.place.province != first.place.province
        || second.place.city.is_none()
        || second.start - first.end > 6
    {
        return None;
    }
    Some(PlaceMention {
        place: second.place.clone(),
        text: format!("{}{}", first.text, second.text),
        start: first.start,
        end: second.end,
        by_sound: false,
    })
}

/// Writes the toneless pinyin of `window` into `key` ("shao-guan");
/// false if a character has no pinyin.
fn sound_key(window: &[(usize, char, Option<&'static str>)], key: &mut String) -> bool {
    key.clear();
    for (_, _, sound) in window {
        let Some(sound) = sound else { return false };
        if !key.is_empty() {
            key.push('-');
        }
        key.push_str(sound);
    }
    true
}

fn build_matcher(patterns: &[String]) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(patterns)
        .expect("place names are plain strings")
}

/// Names collected before conflicts are settled.
#[derive(Default)]
struct Candidates {
    by_name: HashMap<String, Vec<Entry>>,
}

impl Candidates {
    fn add_with_short_names(&mut self, full: &str, level: Level, place: &Place) {
        let entry = Entry {
            level,
            place: place.clone(),
        };
        // A district or county goes by its full name only (岳麓区), except
        // a county-level city (昆山市 → 昆山): short district names are
        // too often given names or words (建华, 新华).
        let short_names = if level == Level::District && !full.ends_with('市') {
            Vec::new()
        } else {
            names::short_names(full, level == Level::Province)
        };
        for name in std::iter::once(full.to_string()).chain(short_names) {
            if name.chars().count() >= 2 {
                self.by_name.entry(name).or_default().push(entry.clone());
            }
        }
    }

    /// Keeps, for each name, the broadest level; drops names that still
    /// stand for two different places (朝阳区 is in Beijing and in
    /// Changchun) and the common words of `not_places`.
    fn settle(self, not_places: &[String]) -> HashMap<String, Entry> {
        let mut settled = HashMap::new();
        for (name, mut entries) in self.by_name {
            if not_places.contains(&name) {
                continue;
            }
            let broadest = entries.iter().map(|e| e.level).min().expect("non-empty");
            entries.retain(|e| e.level == broadest);
            if entries.iter().all(|e| e.place == entries[0].place) {
                settled.insert(name, entries.swap_remove(0));
            }
        }
        settled
    }
}

/// Toneless pinyin of province and city names → the names with that sound
/// (山西 and 陕西 sound alike: the written character tells them apart).
fn sound_index(by_name: &HashMap<String, Entry>) -> HashMap<String, Vec<String>> {
    let mut sounds: HashMap<String, Vec<&String>> = HashMap::new();
    for (name, entry) in by_name {
        let length = name.chars().count();
        if entry.level == Level::District || !(2..=4).contains(&length) {
            continue;
        }
        // Every reading of a character read more than one way (厦门 is
        // xia-men, 成都 cheng-du): the caller's homophone has one of them.
        for sound in readings(name) {
            sounds.entry(sound).or_default().push(name);
        }
    }
    sounds
        .into_iter()
        .map(|(sound, names)| {
            let mut names: Vec<String> = names.into_iter().cloned().collect();
            names.sort();
            (sound, names)
        })
        .collect()
}

/// The toneless pinyin keys of `name`, one per combination of its
/// characters' readings (at most [`MAX_READINGS`]); none if a character
/// has no pinyin.
fn readings(name: &str) -> Vec<String> {
    let mut keys = vec![String::new()];
    for c in name.chars() {
        let Some(multi) = c.to_pinyin_multi() else {
            return Vec::new();
        };
        let mut sounds: Vec<&str> = multi.into_iter().map(|p| p.plain()).collect();
        sounds.dedup();
        keys = keys
            .iter()
            .flat_map(|key| {
                sounds.iter().map(move |sound| match key.is_empty() {
                    true => sound.to_string(),
                    false => format!("{key}-{sound}"),
                })
            })
            .take(MAX_READINGS)
            .collect();
    }
    keys
}

/// Readings kept per name: place names have few characters read two ways.
const MAX_READINGS: usize = 16;

fn read_text(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path)
        .map_err(|error| single_problem(path, 1, format!("cannot read: {error}")))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, LoadError> {
    let text = read_text(path)?;
    serde_json::from_str(&text)
        .map_err(|error| single_problem(path, error.line().max(1), error.to_string()))
}

fn single_problem(path: &Path, line: usize, message: String) -> LoadError {
    LoadError {
        problems: vec![Problem {
            path: path.to_path_buf(),
            line,
            message,
        }],
    }
}

/// The first line of `text` that contains `needle`, 1-based (1 if none).
pub(crate) fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.contains(needle))
        .map_or(1, |index| index + 1)
}
