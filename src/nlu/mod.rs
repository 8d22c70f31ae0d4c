//! Understanding callers: what they want (the intent, from examples in
//! `intents/`) and the facts they give (entities: dates, 身份证 and phone
//! numbers, places, category, insurance, materials…), including speech as
//! recognition writes it (no punctuation, digits read one by one,
//! homophones).
//!
//! Loading reads `intents/`; `understand` is pure and fast (no IO, no
//! clock: the caller passes `today`).

mod classifier;
pub mod cues;
pub mod data;
pub mod dates;
pub mod digits;
pub mod facts;
mod intent;
mod mask;
mod names;
pub mod numbers;
mod situation;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::corpus::LoadError;
use crate::places::{Gazetteer, Place, PlaceMention};
use crate::rules::{Category, Channel, Insurance, Scheme};
use crate::slot_table::{SlotKind, SlotTable};

pub use dates::{DateMention, DateRole};
pub use intent::{Intent, UnknownIntent};
pub use mask::{mask_id, mask_name, mask_phone};
pub use numbers::{IdMention, NumberKind, NumberTail, PhoneMention};
pub use situation::{OwnCategories, SeparatingQuestion};

use classifier::{Classifier, IntentModel};
use cues::Speech;

/// Below this score an utterance is not understood.
const THRESHOLD: f32 = 0.15;

const QUESTION_PENALTY: f32 = 0.2;
/// A statement that gives facts (没有居住证但是有房本) is information.
const FACT_BONUS: f32 = 0.15;

/// Confidence given to a short reply recognised as the answer to a yes/no
/// question.
const REPLY_CONFIDENCE: f32 = 0.9;

/// Whether the caller asks something: a question word, or a clause that
/// ends in 不/没 (能先备案不) or asks the Cantonese way (可唔可以), outside
/// what they only report not knowing.
fn asks(text: &str, speech: &Speech) -> bool {
    clauses(text, speech).iter().any(|clause| {
        let clause = speech
            .indefinite
            .iter()
            .fold(clause.clone(), |clause, word| {
                clause.replace(word.as_str(), "")
            });
        let asked = speech
            .not_knowing
            .iter()
            .filter_map(|word| clause.find(word.as_str()))
            .min()
            .map_or(clause.as_str(), |at| &clause[..at]);
        let bare = asked.trim_end_matches(speech.reply_particles.as_slice());
        speech
            .question_markers
            .iter()
            .any(|marker| asked.contains(marker.as_str()))
            || asked.contains('唔')
            || asked.contains('？')
            || asked.contains('?')
            || (bare.chars().count() >= 3 && bare.ends_with(['不', '没', '冇']))
    })
}

/// The longest utterance read, in characters (the HTTP API refuses longer
/// messages outright).
pub const MAX_UTTERANCE_CHARS: usize = 2000;

/// The understanding of callers, loaded once and shared.
pub struct Nlu {
    gazetteer: Arc<Gazetteer>,
    classifier: Classifier,
    descriptions: BTreeMap<Intent, String>,
    cues: cues::Cues,
    situations: situation::Situations,
    /// Short replies to a yes/no question, with the intent each means.
    replies: Vec<(String, Intent)>,
    /// Intents that lead over the others of their rank when the caller
    /// says certain words (问问 makes a question of 备案).
    leads: Vec<Lead>,
    names: names::Names,
    /// The Application's slots (`intents/slots.yaml`): which questions are
    /// answered yes or no.
    slots: SlotTable,
}

/// See [`data::Leads`]: words normalised like the text they are looked for in.
struct Lead {
    intent: Intent,
    when: Vec<String>,
    unless: Vec<String>,
}

/// What the call knows when an utterance comes: the understanding of a
/// short reply depends on the question it answers (中 answers 对吗, 王芳
/// answers 您叫什么名字), and a category on everything said so far.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The question just asked: an Application slot (`applicant.name`,
    /// `by_proxy`, `materials`…), `hukou_moved`, `category`, or `confirm`
    /// for the read-back.
    pub pending: Option<&'a str>,
    /// The facts about the caller's situation said in earlier turns
    /// ([`Entities::situation`] of each), oldest first.
    pub situation: &'a [String],
    /// The caller's region's own categories; `None` reads national ones.
    pub own_categories: Option<&'a OwnCategories>,
}

/// What a policy question says of the asker's own case, for answering it
/// from the rules: each fact as [`Nlu::entities`] reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseInQuestion {
    /// The category the question's situation points to (national ids).
    pub category: Option<Category>,
    pub insurance: Option<Insurance>,
    pub submit_via: Option<Channel>,
}

/// What one utterance means.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Understanding {
    /// The main intent, or `unknown` below the threshold.
    pub intent: Intent,
    pub confidence: f32,
    /// Every intent found, best first; an utterance with two requests
    /// shows both.
    pub intents: Vec<(Intent, f32)>,
    pub entities: Entities,
    /// The caller only paused (嗯嗯，那个啥; 稍等我找找): the turn answers
    /// nothing and the intent is `unknown`, whatever a 嗯 in it resembles.
    pub hesitating: bool,
}

/// The facts an utterance gives. `None`/empty means "not said".
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Entities {
    /// The category the call points to (this utterance with the earlier
    /// situation), in the region's own categories when the context says.
    pub category: Option<Category>,
    /// When the call leaves exactly these categories open, the question
    /// between them is due; empty otherwise.
    pub category_options: Vec<Category>,
    /// Facts about the caller's situation (`retired`, `hukou_stayed`…): what
    /// this utterance states, and with [`Nlu::understand_in`] everything
    /// known after it, to carry into the next turn's [`Context`].
    pub situation: Vec<String>,
    pub insurance: Option<Insurance>,
    pub scheme: Option<Scheme>,
    pub submit_via: Option<Channel>,
    pub destination: Option<Place>,
    pub dates: Vec<DateMention>,
    pub id_numbers: Vec<IdMention>,
    pub social_security_numbers: Vec<String>,
    pub phones: Vec<PhoneMention>,
    /// The last digits of a number said anew (后四位是1028).
    pub number_tails: Vec<NumberTail>,
    /// Material ids (contract §2.2) the caller says they have.
    pub materials: Vec<String>,
    /// Material ids the caller says they do not have (没有居住证).
    pub negated_materials: Vec<String>,
    pub name: Option<String>,
    /// The name was read without anything saying it is one (no 我叫, no
    /// name question pending): check it with the caller before using it.
    pub name_unsure: bool,
    /// The surname alone, when that is all that was said (我姓王), or the
    /// name's; `None` beside a name whose surname is in no table (兴宁).
    pub surname: Option<String>,
    pub by_proxy: Option<bool>,
    /// Already saw a doctor or paid at the destination.
    pub incurred_costs: Option<bool>,
    /// 不对, 说错了, 改成…
    pub correction: bool,
    /// The caller speaks of a registration made before this call (上次备案的,
    /// 去年办的那个): changing it is no correction of this call's form.
    pub earlier_registration: bool,
    /// Whether the 户籍 has moved to the new place (异地安置 needs it).
    pub hukou_moved: Option<bool>,
    /// Things said that cannot be right (2月30号), in words for the caller.
    pub problems: Vec<String>,
}

impl Entities {
    /// Whether the utterance gives any fact at all.
    pub fn is_empty(&self) -> bool {
        self.category.is_none()
            && self.insurance.is_none()
            && self.scheme.is_none()
            && self.submit_via.is_none()
            && self.destination.is_none()
            && self.dates.is_empty()
            && self.id_numbers.is_empty()
            && self.social_security_numbers.is_empty()
            && self.phones.is_empty()
            && self.number_tails.is_empty()
            && self.materials.is_empty()
            && self.negated_materials.is_empty()
            && self.name.is_none()
            && self.surname.is_none()
            && self.by_proxy.is_none()
            && self.incurred_costs.is_none()
            && self.hukou_moved.is_none()
            && self.situation.is_empty()
    }
}

impl Nlu {
    /// Loads `intents_dir` (intents, entity words) and builds the
    /// classifier; every problem is reported as `path:line: problem`.
    pub fn load(intents_dir: &Path, gazetteer: Arc<Gazetteer>) -> Result<Nlu, LoadError> {
        Nlu::load_with(intents_dir, gazetteer, Arc::new(jieba_rs::Jieba::new()))
    }

    /// [`Nlu::load`] with a segmenter already loaded (the search's), so the
    /// product keeps one in memory.
    pub fn load_with(
        intents_dir: &Path,
        gazetteer: Arc<Gazetteer>,
        jieba: Arc<jieba_rs::Jieba>,
    ) -> Result<Nlu, LoadError> {
        let data = data::load(intents_dir, jieba)?;
        let slots = SlotTable::load(&intents_dir.join("slots.yaml"))?;
        let mut models = Vec::new();
        let mut examples = Vec::new();
        let mut descriptions = BTreeMap::new();
        let mut replies = Vec::new();
        let mut leads = Vec::new();
        for (index, (intent, file)) in data.intents.iter().enumerate() {
            replies.extend(
                file.replies
                    .iter()
                    .map(|reply| (normalize_cue(reply), *intent)),
            );
            models.push(IntentModel {
                intent: *intent,
                cues: file.cues.iter().map(|cue| normalize_cue(cue)).collect(),
                needs: file.needs.iter().map(|word| normalize_cue(word)).collect(),
                declined_by: file
                    .declined_by
                    .iter()
                    .map(|word| normalize_cue(word))
                    .collect(),
            });
            if !file.leads.when.is_empty() {
                leads.push(Lead {
                    intent: *intent,
                    when: file
                        .leads
                        .when
                        .iter()
                        .map(|word| normalize_cue(word))
                        .collect(),
                    unless: file
                        .leads
                        .unless
                        .iter()
                        .map(|word| normalize_cue(word))
                        .collect(),
                });
            }
            descriptions.insert(*intent, file.description.clone());
            for example in &file.examples {
                let fillers = &data.cues.numbers.digit_fillers;
                examples.push((index, normalize_for_intent(example, &gazetteer, fillers)));
            }
        }
        Ok(Nlu {
            classifier: Classifier::build(models, &examples),
            gazetteer,
            descriptions,
            cues: data.cues,
            situations: data.situations,
            replies,
            leads,
            names: data.names,
            slots,
        })
    }

    /// The intent(s) and facts of one utterance, dates read against `today`.
    /// Only the first [`MAX_UTTERANCE_CHARS`] characters are read: no caller
    /// says more in one turn, and some extractors grow faster than linearly
    /// with the length, so a pasted wall of text must not stall a turn.
    /// Hears the provincial apps of `corpus/regions.toml` as channels, each
    /// by its spoken name (粤医保 for 粤医保小程序), before the channels of
    /// `entities.yaml`, which names no app: an app is named in the corpus
    /// only.
    pub fn with_apps(mut self, apps: &[crate::corpus::App]) -> Nlu {
        let heard = apps.iter().map(|app| {
            (
                Channel::App(app.id.clone()),
                vec![app.spoken_name().to_string()],
            )
        });
        self.cues.channels.splice(0..0, heard);
        self.cues.fact_words = facts::FactWords::new(&self.cues);
        self
    }

    pub fn understand(&self, text: &str, today: NaiveDate) -> Understanding {
        self.understand_in(text, today, &Context::default())
    }

    /// [`Nlu::understand`] in the context of the call so far.
    pub fn understand_in(&self, text: &str, today: NaiveDate, context: &Context) -> Understanding {
        let text = match text.char_indices().nth(MAX_UTTERANCE_CHARS) {
            Some((cut, _)) => &text[..cut],
            None => text,
        };
        // The name check (您是说周国强对吗) expects a name said instead.
        let name_expected = matches!(context.pending, Some("applicant.name" | "name_check"));
        let mut entities = self.entities_expecting(text, today, name_expected);
        let (mut intent, mut confidence, mut intents) = self.classify(text, &entities);
        if context
            .pending
            .is_some_and(|pending| self.is_yes_no(pending))
            && let Some(reply) = self.short_reply(text, intent)
        {
            intent = reply;
            confidence = confidence.max(REPLY_CONFIDENCE);
            intents.retain(|(other, _)| *other != reply);
            intents.insert(0, (reply, confidence));
        }
        intent = self.answer_to(context.pending, text, intent, &entities);
        // 嗯嗯，那个啥 to the read-back is a pause, not a yes.
        let hesitating = self.hesitates(text);
        if hesitating {
            intent = Intent::Unknown;
            confidence = 0.0;
            intents.clear();
        }
        // A channel named in a question (大厅几点开门, 小程序能办吗) is the
        // question's topic, not the caller's choice.
        // A channel stated in a clause of its own (…怎么办，传真办吧) is.
        if intent.is_question() {
            entities.submit_via = text
                .split(['，', ',', '。', '；', ';', '？', '?', '！', '!'])
                .filter(|clause| {
                    !self
                        .cues
                        .speech
                        .channel_question_words
                        .iter()
                        .any(|word| clause.contains(word.as_str()))
                })
                .find_map(|clause| facts::submit_via(clause, &self.cues));
        }
        // 我自己 / 本人 answering whether it is for oneself.
        if context.pending == Some("by_proxy") && entities.by_proxy.is_none() {
            entities.by_proxy = facts::self_answer(text, &self.cues).then_some(false);
            if entities.by_proxy.is_some() && matches!(intent, Intent::Unknown | Intent::Affirm) {
                intent = Intent::ProvideInfo;
            }
        }
        // 是的 / 没有 answering whether the 户口 moved is that fact.
        if context.pending == Some("hukou_moved") && entities.hukou_moved.is_none() {
            let answer = match intent {
                Intent::Affirm => Some("hukou_moved"),
                Intent::Deny => Some("hukou_stayed"),
                _ => None,
            };
            if let Some(fact) = answer {
                entities.situation.push(fact.to_string());
                entities.hukou_moved = Some(fact == "hukou_moved");
            }
        }
        let known = self
            .situations
            .combine(context.situation, &entities.situation);
        let reading = self.situations.category(&known, context.own_categories);
        entities.category = reading.category;
        entities.category_options = reading.options;
        entities.situation = known;
        Understanding {
            intent,
            confidence,
            intents,
            entities,
            hesitating,
        }
    }

    /// Whether the turn only pauses: one hesitation at least (那个啥, 稍等,
    /// 我想想, a trailing 嗯……), and nothing but fillers, the words said
    /// around them, particles and punctuation (`acts:` and
    /// `speech.reply_particles` in `entities.yaml`).
    fn hesitates(&self, text: &str) -> bool {
        let acts = &self.cues.acts;
        let particles = &self.cues.speech.reply_particles;
        let mut rest = text.trim();
        let mut hesitated = false;
        while let Some(first) = rest.chars().next() {
            // The longest word that starts here (那个啥 over 那个), a
            // hesitation over a filler of the same words.
            let word = acts
                .hesitations
                .iter()
                .map(|word| (word, true))
                .chain(
                    acts.fillers
                        .iter()
                        .chain(&acts.around_hesitations)
                        .map(|word| (word, false)),
                )
                .filter(|(word, _)| !word.is_empty() && rest.starts_with(word.as_str()))
                .max_by_key(|(word, hesitation)| (word.len(), *hesitation));
            let skipped = match word {
                Some((word, hesitation)) => {
                    hesitated |= hesitation;
                    word.len()
                }
                None if first.is_whitespace()
                    || is_punctuation(first)
                    || particles.contains(&first) =>
                {
                    first.len_utf8()
                }
                None => return false,
            };
            rest = &rest[skipped..];
        }
        hesitated
    }

    /// An answer that gives what was asked for is information, whatever
    /// yes or no word comes with it and whatever it resembles: 冇啊，冇居住证
    /// to the materials question, 嗯，名字写上官婉清 to the name question,
    /// 我要传真办 to the channel question.
    fn answer_to(
        &self,
        pending: Option<&str>,
        text: &str,
        intent: Intent,
        entities: &Entities,
    ) -> Intent {
        let loose = matches!(
            intent,
            Intent::Affirm
                | Intent::Deny
                | Intent::AskMaterials
                | Intent::Register
                | Intent::RegisterMaternity
        );
        let given = match pending {
            Some("by_proxy") => entities.by_proxy.is_some(),
            Some("materials") => {
                !entities.materials.is_empty() || !entities.negated_materials.is_empty()
            }
            Some("applicant.name") => entities.name.is_some(),
            Some("applicant.id_number") => !entities.id_numbers.is_empty(),
            Some("applicant.phone") => !entities.phones.is_empty(),
            Some("insurance") => entities.insurance.is_some(),
            Some("scheme") => entities.scheme.is_some(),
            Some("submit_via") => entities.submit_via.is_some(),
            Some("destination" | "destination.province" | "destination.city") => {
                entities.destination.is_some()
            }
            Some("admission_date" | "transfer_start_date") => !entities.dates.is_empty(),
            _ => false,
        };
        if loose && given && !asks(text, &self.cues.speech) {
            Intent::ProvideInfo
        } else {
            intent
        }
    }

    /// Whether the question `pending` asks is answered yes or no: the
    /// read-back, a yes/no slot, whether the 户口 moved, "您有吗".
    fn is_yes_no(&self, pending: &str) -> bool {
        matches!(
            pending,
            "confirm" | "hukou_moved" | "materials" | "name_check"
        ) || self
            .slots
            .get(pending)
            .is_some_and(|slot| slot.kind == SlotKind::Boolean)
    }

    /// The intent of a short reply (中, 要得, 不中) said alone or before the
    /// rest of the turn (中，就这么着吧). A correction, a cancellation or a
    /// request for a person said after it still wins (对，但是电话错了).
    fn short_reply(&self, text: &str, classified: Intent) -> Option<Intent> {
        let clauses = clauses(text, &self.cues.speech);
        if clauses.len() > 1
            && matches!(
                classified,
                Intent::Correct | Intent::CancelDialogue | Intent::Handoff
            )
        {
            return None;
        }
        let first = clauses.into_iter().next()?;
        let first =
            normalize_cue(first.trim_end_matches(self.cues.speech.reply_particles.as_slice()));
        let first = collapse_repeats(&first.chars().collect::<Vec<_>>());
        self.replies
            .iter()
            .find(|(reply, _)| *reply == first)
            .map(|(_, intent)| *intent)
    }

    /// The question that separates two categories left open, with the
    /// answers to offer (from `situations.yaml`).
    pub fn separating_question(&self, options: &[Category]) -> Option<&SeparatingQuestion> {
        self.situations.question(options)
    }

    /// The words that name facts, as read from `entities.yaml`.
    pub fn cues(&self) -> &cues::Cues {
        &self.cues
    }

    /// The facts of a policy question that its answer uses: the part of
    /// [`Nlu::entities`] that reads the situation, the insurance and the
    /// channel. Numbers, dates, names, places and materials, most of the
    /// cost of a full reading, are left unread.
    pub fn case_in_question(&self, text: &str) -> CaseInQuestion {
        let situation = self.situations.facts_in(text, &self.cues);
        CaseInQuestion {
            category: self.situations.category(&situation, None).category,
            insurance: self.insurance_in(text),
            submit_via: facts::submit_via(text, &self.cues),
        }
    }

    /// The name a question holds, as [`Nlu::entities`] reads it: the name
    /// (never a place's) and whether nothing said it was one
    /// (`name_unsure`). Only the name is read, for masking a question.
    pub fn name_in(&self, text: &str) -> (Option<String>, bool) {
        let reading = self.names.read(text, false, &self.gazetteer);
        (self.not_a_place(&reading), reading.unsure())
    }

    /// A name read, unless it is a place's (a city said alone); a name
    /// said plainly as one (我叫高平, 高平 a county too) stays a name.
    fn not_a_place(&self, reading: &names::NameReading) -> Option<String> {
        reading
            .name
            .clone()
            .filter(|name| reading.cued || self.gazetteer.resolve(name).is_none())
    }

    /// 职工医保 or 城乡居民医保; the 居民 of 居民身份证 names no insurance
    /// (`insurance.naming_none` in `entities.yaml`).
    fn insurance_in(&self, text: &str) -> Option<Insurance> {
        let mut text = std::borrow::Cow::Borrowed(text);
        for word in &self.cues.no_insurance {
            if text.contains(word.as_str()) {
                text = text.replace(word.as_str(), "").into();
            }
        }
        facts::insurance(&text, &self.cues)
    }

    /// Only the facts of an utterance.
    pub fn entities(&self, text: &str, today: NaiveDate) -> Entities {
        self.entities_expecting(text, today, false)
    }

    /// The facts of an utterance; `name_expected` when the name question
    /// is pending.
    fn entities_expecting(&self, text: &str, today: NaiveDate, name_expected: bool) -> Entities {
        let numbers = numbers::find_numbers(text, today, &self.cues.numbers);
        let dates = dates::find_dates(text, today);
        let (materials, negated_materials) =
            facts::materials(&without_tail_cues(text, &numbers.tails), &self.cues);
        let name = self.names.read(text, name_expected, &self.gazetteer);
        let situation = self.situations.facts_in(text, &self.cues);
        let reading = self.situations.category(&situation, None);
        let mut problems = dates.problems;
        problems.extend(
            numbers
                .ids
                .iter()
                .filter_map(|id| id.problem.as_ref().map(|p| format!("身份证号{p}"))),
        );
        problems.extend(
            numbers
                .phones
                .iter()
                .filter_map(|phone| phone.problem.as_ref().map(|p| format!("电话号码{p}"))),
        );
        Entities {
            category: reading.category,
            category_options: reading.options,
            hukou_moved: situation::hukou_moved(&situation),
            situation,
            insurance: self.insurance_in(text),
            scheme: facts::scheme(text, &self.cues),
            submit_via: facts::submit_via(text, &self.cues),
            destination: destination(
                &places_outside(self.gazetteer.mentions_in(text), text, &name),
                text,
                &self.cues.speech,
            ),
            dates: dates.mentions,
            id_numbers: numbers.ids,
            social_security_numbers: numbers.social_security_numbers,
            phones: numbers.phones,
            number_tails: numbers.tails,
            materials,
            negated_materials,
            name_unsure: name.unsure(),
            name: self.not_a_place(&name),
            surname: name.surname,
            by_proxy: facts::by_proxy(text, &self.cues),
            incurred_costs: facts::incurred_costs(text, &self.cues),
            correction: facts::correction(text, &self.cues),
            earlier_registration: facts::earlier_registration(text, &self.cues),
            problems,
        }
    }

    /// Ranks intents on the whole utterance and on each of its clauses,
    /// so that two requests in one sentence both show. The main intent is
    /// the whole utterance's best, unless that is a minor one (好的) and a
    /// clause asks for more.
    fn classify(&self, text: &str, entities: &Entities) -> (Intent, f32, Vec<(Intent, f32)>) {
        let whole = self.intent_scores(text, entities);
        let mut found: Vec<(usize, f32)> = Vec::new();
        let mut note = |index: usize, score: f32| {
            if score < THRESHOLD {
                return;
            }
            match found.iter_mut().find(|(known, _)| *known == index) {
                Some(known) => known.1 = known.1.max(score),
                None => found.push((index, score)),
            }
        };
        if let Some((index, score)) = top_of(&whole) {
            note(index, score);
        }
        // An intent the caller's words make lead is in the running when
        // the whole utterance reads like it, even if not best.
        for (index, score) in whole.iter().enumerate() {
            let intent = self.classifier.intent(index);
            if self.leads_in(text).contains(&intent) {
                note(index, *score);
            }
        }
        let clauses = clauses(text, &self.cues.speech);
        if clauses.len() > 1 {
            for clause in clauses {
                if let Some((index, score)) = top_of(&self.intent_scores(&clause, entities)) {
                    note(index, score);
                }
            }
        }
        let mut ranked: Vec<(Intent, f32)> = found
            .iter()
            .map(|(index, score)| (self.classifier.intent(*index), *score))
            .collect();
        let led = self.leads_in(text);
        // A led intent ranks with the caller's task, ahead of it.
        // Facts given to ask about them (在深圳上班，看病要怎么弄) make a
        // question: it leads over the facts' own reading. A side question
        // (对了, 顺便问一下) leaves the facts leading.
        let speech = &self.cues.speech;
        let asked = asks(text, speech)
            && !speech
                .clause_joiners
                .iter()
                .any(|joiner| text.contains(joiner.as_str()));
        let rank = |intent: Intent| {
            let leads = led.contains(&intent);
            let precedence = if leads {
                intent.precedence().max(3)
            } else {
                intent.precedence()
            };
            (precedence, leads, asked && intent.is_question())
        };
        ranked.sort_by(|a, b| rank(b.0).cmp(&rank(a.0)).then(b.1.total_cmp(&a.1)));
        if ranked.is_empty() && !entities.is_empty() {
            // A bare fact (a number, a place) is information given, even
            // when it reads like none of the examples.
            ranked.push((Intent::ProvideInfo, THRESHOLD));
        }
        // 生孩子 + 备案 is the maternity registration, whatever the words;
        // and only a maternity word makes one: the examples' 爱人, 老婆 and
        // 帮她 bring a registration for a relative near them, which is not
        // one (帮我爱人办 is any registration).
        if let Some(first) = ranked.first_mut() {
            let maternity = entities.scheme == Some(Scheme::Maternity);
            match first.0 {
                Intent::Register if maternity => first.0 = Intent::RegisterMaternity,
                Intent::RegisterMaternity if !maternity => first.0 = Intent::Register,
                _ => {}
            }
        }
        match ranked.first() {
            Some((intent, confidence)) => (*intent, *confidence, ranked.clone()),
            None => {
                let confidence = whole.iter().copied().fold(0.0, f32::max);
                (Intent::Unknown, confidence, ranked)
            }
        }
    }

    /// The intents the caller's words make lead (see [`data::Leads`]).
    fn leads_in(&self, text: &str) -> Vec<Intent> {
        // Repeats kept: 问问 is a word here, not a stammer.
        let plain: String = normalize_cue(text)
            .chars()
            .filter(|c| !is_punctuation(*c))
            .collect();
        self.leads
            .iter()
            .filter(|lead| {
                lead.when.iter().any(|word| plain.contains(word.as_str()))
                    && !lead.unless.iter().any(|word| plain.contains(word.as_str()))
            })
            .map(|lead| lead.intent)
            .collect()
    }

    /// Each intent's score for one piece of text, statements lowered when
    /// the text asks a question.
    fn intent_scores(&self, text: &str, entities: &Entities) -> Vec<f32> {
        let mut scores = self.classifier.scores(&normalize_for_intent(
            text,
            &self.gazetteer,
            &self.cues.numbers.digit_fillers,
        ));
        let question = asks(text, &self.cues.speech);
        for (index, score) in scores.iter_mut().enumerate() {
            let intent = self.classifier.intent(index);
            if question && intent.is_statement() {
                *score -= QUESTION_PENALTY;
            }
            if !question && !entities.is_empty() && intent == Intent::ProvideInfo {
                *score += FACT_BONUS;
            }
        }
        scores
    }

    /// An intent's description from its file.
    pub fn intent_description(&self, intent: Intent) -> Option<&str> {
        self.descriptions.get(&intent).map(String::as_str)
    }

    /// The shared gazetteer.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }
}

/// `text` with the words that said which number a tail belongs to blanked
/// out (身份证后四位是1028 names the number, not the document at hand), each
/// byte kept in place.
fn without_tail_cues<'a>(text: &'a str, tails: &[NumberTail]) -> std::borrow::Cow<'a, str> {
    let mut blanked = std::borrow::Cow::Borrowed(text);
    for range in tails.iter().filter_map(|tail| tail.named_at.clone()) {
        let blank = " ".repeat(range.len());
        blanked.to_mut().replace_range(range, &blank);
    }
    blanked
}

/// The places mentioned outside the caller's name: 我叫朱海涛 names no
/// 珠海, 我叫常德胜 no 常德.
fn places_outside(
    mut mentions: Vec<PlaceMention>,
    text: &str,
    name: &names::NameReading,
) -> Vec<PlaceMention> {
    if let Some((at, name)) = name
        .name
        .as_ref()
        .and_then(|name| Some((text.find(name.as_str())?, name)))
    {
        mentions.retain(|mention| mention.end <= at || mention.start >= at + name.len());
    }
    mentions
}

/// The destination among the places mentioned: one the caller goes to
/// (去/到/回…) before one they are in (在/住), before any other; never the
/// place they are insured in (东莞参保) nor where their 户口 stays (户口还在东莞).
fn destination(mentions: &[PlaceMention], text: &str, speech: &Speech) -> Option<Place> {
    let said_before =
        |words: &[String], before: &str| words.iter().any(|word| before.contains(word.as_str()));
    // Where the 户口 stays: never the destination, even when alone.
    const HUKOU: i32 = i32::MIN;
    let rank = |mention: &PlaceMention| -> i32 {
        let before: String = {
            let chars: Vec<char> = text[..mention.start].chars().collect();
            chars[chars.len().saturating_sub(3)..].iter().collect()
        };
        let after = &text[mention.end..];
        // 不是长沙，是广西南宁: the place denied is not where they go.
        if said_before(&speech.place_denied, &before) {
            return -2;
        }
        if speech
            .insured_here
            .iter()
            .any(|word| after.starts_with(word.as_str()))
        {
            return -1;
        }
        // 户口还在东莞 names where the 户口 is; 户口迁到三亚 names where it goes.
        let near: String = {
            let chars: Vec<char> = text[..mention.start].chars().collect();
            chars[chars.len().saturating_sub(6)..].iter().collect()
        };
        let after_hukou = speech
            .hukou
            .iter()
            .filter_map(|word| near.rfind(word.as_str()).map(|at| &near[at..]))
            .next();
        if after_hukou.is_some_and(|rest| !said_before(&speech.going, rest)) {
            return HUKOU;
        }
        if said_before(&speech.going, &before) {
            2
        } else if said_before(&speech.being, &before) {
            1
        } else {
            0
        }
    };
    let mut best: Option<(&PlaceMention, i32)> = None;
    for mention in mentions {
        let score = rank(mention);
        if score == HUKOU {
            continue;
        }
        if best.is_none_or(|(_, best_score)| score > best_score) {
            best = Some((mention, score));
        }
    }
    best.map(|(mention, _)| mention.place.clone())
}

/// Text as the classifier sees it: no punctuation or spaces, lower case,
/// numbers as `#` and places as `@`, so that 我去三亚 and 我去长沙 read
/// alike.
fn normalize_for_intent(text: &str, gazetteer: &Gazetteer, fillers: &[String]) -> String {
    let mut marked = String::with_capacity(text.len());
    let mut last = 0;
    for mention in gazetteer.mentions_in(text) {
        if mention.start >= last {
            marked.push_str(&text[last..mention.start]);
            marked.push('@');
            last = mention.end;
        }
    }
    marked.push_str(&text[last..]);
    let mut numbered = String::with_capacity(marked.len());
    let mut last = 0;
    for run in digits::digit_runs(&marked, 5, fillers) {
        numbered.push_str(&marked[last..run.start]);
        numbered.push('#');
        last = run.end;
    }
    numbered.push_str(&marked[last..]);
    let plain: Vec<char> = numbered
        .chars()
        .filter(|c| !c.is_whitespace() && !is_punctuation(*c))
        .flat_map(char::to_lowercase)
        .collect();
    collapse_repeats(&plain)
}

/// 没有没有 → 没有, 对对对 → 对: callers repeat short words, and the
/// repetition says nothing more.
fn collapse_repeats(chars: &[char]) -> String {
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut index = 0;
    'next: while index < chars.len() {
        for length in 1..=3 {
            if out.len() >= length
                && index + length <= chars.len()
                && chars[index..index + length] == out[out.len() - length..]
            {
                index += length;
                continue 'next;
            }
        }
        out.push(chars[index]);
        index += 1;
    }
    out.into_iter().collect()
}

fn normalize_cue(cue: &str) -> String {
    cue.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() && c != '#' && c != '@' || "，。！？、；：“”‘’（）《》…—～".contains(c)
}

/// Splits an utterance at punctuation and at the words that join two
/// requests (对了, 还有).
fn clauses(text: &str, speech: &Speech) -> Vec<String> {
    let mut parts: Vec<String> = text
        .split(|c: char| c.is_whitespace() || "，。,；;！!？?".contains(c))
        .map(str::to_string)
        .collect();
    for joiner in &speech.clause_joiners {
        parts = parts
            .iter()
            .flat_map(|part| {
                part.split(joiner.as_str())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
    }
    parts.retain(|part| !part.trim().is_empty());
    parts
}

fn top_of(scores: &[f32]) -> Option<(usize, f32)> {
    scores
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(index, score)| (index, *score))
}
