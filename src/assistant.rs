//! The loaded product: corpus, search index, rule data and the dialogue's
//! understanding, built once at start-up and shared read-only by the CLI
//! and the server. Every entry point of the core goes through here.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::answer::from_rules::{self, RulesTopic};
use crate::answer::{self, Answer, AskError, Evidence, Question};
use crate::corpus::{Corpus, LoadError, Passage, Problem, Scheme};
use crate::dialogue::replies::Replies;
use crate::dialogue::{self, Session, SessionChannel, Turn};
use crate::nlu::{Nlu, Understanding};
use crate::places::Gazetteer;
use crate::rules::{Application, Channel, Decision, Policies, RulesInputError, Status};
use crate::search::{self, Scope, SearchIndex};
use crate::slot_table::SlotTable;

pub struct Assistant {
    pub corpus: Corpus,
    /// The passages of `corpus`, indexed for free-text questions.
    pub search: SearchIndex,
    /// Every region's rule data (`corpus/<region>/rules.yaml`).
    pub policies: Policies,
    /// Provinces and cities, for destinations and in/cross-province.
    pub gazetteer: Arc<Gazetteer>,
    /// Intents and entity extraction (`intents/`).
    pub nlu: Nlu,
    /// The Application's slots (`intents/slots.yaml`).
    pub slots: SlotTable,
    /// Every reply the dialogue speaks (`intents/templates.yaml`).
    pub replies: Replies,
    /// The topics the corpus does not cover, and what tells them.
    pub off_topic: answer::OffTopic,
    /// The cities not served, and what tells a question about them.
    pub other_regions: answer::OtherRegions,
    /// Every fixed sentence of an answer (`intents/answers.yaml`).
    pub wording: answer::Wording,
    /// Each passage's sentences, their replies and its citation, by corpus
    /// ordinal: a short reply picks from them.
    pub prepared: Vec<answer::Prepared>,
}

impl Assistant {
    /// Loads and validates `corpus_dir` and `intents_dir`; refuses to build
    /// on any problem, naming the file and line.
    pub fn load(corpus_dir: &Path, intents_dir: &Path) -> Result<Assistant, LoadError> {
        let corpus = Corpus::load(corpus_dir)?;
        let jieba = search::load_jieba(&corpus.lexicon);
        let search =
            SearchIndex::build(&corpus, Arc::clone(&jieba)).map_err(|error| LoadError {
                problems: vec![Problem::new(corpus_dir, 1, error.to_string())],
            })?;
        let mut policies = Policies::load(corpus_dir, &corpus)?;
        let slots = SlotTable::load(&intents_dir.join("slots.yaml"))?;
        policies.name_slots(
            slots
                .iter()
                .map(|slot| (slot.path.as_str(), slot.label.as_str())),
        );
        let gazetteer = Arc::new(Gazetteer::load(corpus_dir)?);
        let nlu =
            Nlu::load_with(intents_dir, Arc::clone(&gazetteer), jieba)?.with_apps(&corpus.apps);
        let replies = Replies::load(&intents_dir.join("templates.yaml"))?;
        let wording = answer::Wording::load(&intents_dir.join("answers.yaml"))?;
        Ok(Assistant {
            off_topic: answer::OffTopic::new(&corpus.lexicon),
            other_regions: answer::OtherRegions::new(&corpus.lexicon),
            prepared: corpus
                .passages
                .iter()
                .map(|passage| {
                    let region_name = corpus
                        .region(&passage.region)
                        .map_or(passage.region.as_str(), |region| region.name.as_str());
                    answer::Prepared::of(passage, region_name, &wording)
                })
                .collect(),
            corpus,
            search,
            policies,
            gazetteer,
            nlu,
            slots,
            replies,
            wording,
        })
    }

    /// Answers a free-text question (contract §2.1): from the rules
    /// module when it asks what the rules decide for the caller's case (or
    /// the category it names), from search otherwise.
    pub fn ask(&self, question: &Question) -> Result<Answer, AskError> {
        let valid = answer::validate(question, &self.corpus.regions)?;
        // Read with its sound-alike slips mended (登计 → 登记), and
        // analysed for search; the Answer keeps the question as asked.
        let (mended, terms) = self.search.read(&valid.text);
        let text = mended.as_deref().unwrap_or(&valid.text);
        // A region the caller chose filters. Without one, a region the
        // question names (东莞的…) filters too: the caller said which city.
        let region = valid
            .region
            .as_deref()
            .or_else(|| self.region_named_in(text));
        // The caller's category as the question tells it (退休回老家定居,
        // 单位派驻 …), and the insurance and channel it names.
        let reading = self.nlu.case_in_question(text);
        let scheme = self.scheme_of(text);
        // Passages are tagged with the region's own categories: a category
        // it files under another (东莞's 外出农民工 → 异地长期居住人员) is
        // looked for as that one.
        let category = reading
            .category
            .map(|category| match (region, question.today) {
                (Some(region), Some(today)) => {
                    crate::nlu::OwnCategories::of(&self.policies, region, today).own(category)
                }
                _ => category,
            });
        let scope = Scope {
            region,
            scheme: Some(scheme),
            scheme_named: scheme == Scheme::Maternity
                && search::names_scheme(text, &self.corpus.lexicon),
            category: category.map(|category| category.id()),
        };
        let hits = self.search.search_terms(&terms, scope, valid.top);
        let evidence: Vec<Evidence<'_>> = hits
            .iter()
            .filter_map(|hit| self.evidence(hit.passage, hit.score))
            .collect();
        let served: Vec<&str> = self
            .corpus
            .regions
            .iter()
            .map(|region| answer::short_name(&region.name))
            .collect();
        let off_topic = self.off_topic.topic(text);
        let elsewhere = self.other_regions.place(text, &served);
        let familiarity = self.search.familiarity(&terms);
        if off_topic.is_none() && elsewhere.is_none() {
            let asked = Asked {
                question,
                region,
                reading: &reading,
                scheme,
                topics: &terms.topics,
            };
            if let Some((short, cited)) = self.decided(&asked) {
                return Ok(answer::decided(
                    &valid.text,
                    short,
                    &cited,
                    &evidence,
                    valid.top,
                    familiarity,
                    &self.wording,
                ));
            }
        }
        let verdict = match elsewhere {
            Some(place) => answer::out_of_region(&place, &served, &self.wording),
            None => {
                // A caller's own situation told (the NLU read a category) is
                // the texts' ground, however many other words come with it.
                let ground = if reading.category.is_some() {
                    familiarity.max(answer::ANSWER_THRESHOLD)
                } else {
                    familiarity
                };
                answer::judge(!evidence.is_empty(), ground, off_topic.as_deref())
            }
        };
        Ok(answer::compose(
            &valid.text,
            &evidence,
            &terms.words,
            familiarity,
            &verdict,
            &self.wording,
        ))
    }

    /// The passage at `ordinal` in the corpus, with what answering from it
    /// and citing it take.
    fn evidence(&self, ordinal: usize, score: f32) -> Option<Evidence<'_>> {
        Some(Evidence {
            passage: self.corpus.passages.get(ordinal)?,
            score,
            prepared: self.prepared.get(ordinal)?,
        })
    }

    /// 生育保险 when the question speaks of pregnancy or birth, else the
    /// general scheme.
    fn scheme_of(&self, text: &str) -> Scheme {
        let maternity = &self.corpus.lexicon.maternity_words;
        if maternity.iter().any(|word| text.contains(word.as_str())) {
            Scheme::Maternity
        } else {
            Scheme::General
        }
    }

    /// The id of a corpus region the question names (东莞, 济宁市 …).
    fn region_named_in(&self, text: &str) -> Option<&str> {
        self.corpus
            .regions
            .iter()
            .find(|region| text.contains(answer::short_name(&region.name)))
            .map(|region| region.id.as_str())
    }

    /// Decides an Application on `today` (contract §2.2). Province names
    /// are normalised through the gazetteer (湖南 → 湖南省) first.
    pub fn evaluate(
        &self,
        application: &Application,
        today: NaiveDate,
    ) -> Result<Decision, RulesInputError> {
        let normalise = |name: &str| self.gazetteer.normalize_province(name);
        crate::rules::evaluate_with(&self.policies, application, today, &normalise)
    }

    /// Opens a dialogue session and returns its greeting turn. An unknown
    /// region falls back to the first one; the server checks it first.
    pub fn start_session(
        &self,
        channel: SessionChannel,
        region: Option<&str>,
        today: NaiveDate,
    ) -> (Session, Turn) {
        let known = &self.corpus.regions;
        let region = region
            .filter(|region| self.corpus.region(region).is_some())
            .or_else(|| known.first().map(|region| region.id.as_str()))
            .unwrap_or_default();
        dialogue::start(self, channel, region, today)
    }

    /// Takes one caller utterance; updates `session` and returns the reply.
    pub fn turn(&self, session: &mut Session, text: &str) -> Turn {
        dialogue::step(self, session, text)
    }

    /// [`Assistant::turn`], and the answers to the policy questions the
    /// caller asked in it, so that the server keeps the refused and unsure
    /// ones for editors as it does `/v1/ask`'s.
    pub fn turn_asking(&self, session: &mut Session, text: &str) -> (Turn, Vec<Answer>) {
        dialogue::step_asking(self, session, text)
    }

    /// An agent sets one slot from the assistant screen (`None` clears it).
    /// The reply reads the changed value back (see `dialogue::handoff`).
    pub fn edit_slot(
        &self,
        session: &mut Session,
        slot: &str,
        value: serde_json::Value,
    ) -> Result<Turn, RulesInputError> {
        let value = match value {
            serde_json::Value::Null => None,
            value => Some(checked_number(slot, value, session.today)?),
        };
        dialogue::handoff::agent_edit(self, session, slot, value).map_err(|message| {
            // The slot is named once, as the field.
            let prefix = format!("{slot}: ");
            RulesInputError {
                field: slot.to_string(),
                message: message
                    .strip_prefix(&prefix)
                    .map_or(message.clone(), str::to_string),
            }
        })
    }
}

/// An ID number or phone an agent types is checked by the constructor a
/// caller's goes through (`IdNumber::parse_on`, `Phone::parse`), so a typo
/// is refused with its reason instead of being read back and printed on
/// the form. The value is kept in its normal form (`X` upper-case,
/// `0769-22334455`).
fn checked_number(
    slot: &str,
    value: serde_json::Value,
    today: NaiveDate,
) -> Result<serde_json::Value, RulesInputError> {
    use crate::rules::{IdNumber, Phone};
    let checked = match (slot, value.as_str()) {
        ("applicant.id_number", Some(text)) => IdNumber::parse_on(text, today).map(String::from),
        ("applicant.phone", Some(text)) => Phone::parse(text).map(String::from),
        _ => return Ok(value),
    };
    checked
        .map(serde_json::Value::String)
        .map_err(|error| RulesInputError {
            field: slot.to_string(),
            message: format!("{error}，请核对后再保存"),
        })
}

impl dialogue::Services for Assistant {
    fn understand(&self, text: &str, today: NaiveDate) -> Understanding {
        self.nlu.understand(text, today)
    }

    fn understand_in(
        &self,
        text: &str,
        today: NaiveDate,
        call: &dialogue::context::CallContext,
    ) -> Understanding {
        // The slot keeps the category as the caller's situation says it
        // (外出农民工), the rules map it onto the region's own; only two
        // categories the region treats alike need no question between them.
        let context = crate::nlu::Context {
            pending: call.pending,
            situation: call.situation,
            own_categories: None,
        };
        let mut understanding = self.nlu.understand_in(text, today, &context);
        let own = crate::nlu::OwnCategories::of(&self.policies, call.region, today);
        let entities = &mut understanding.entities;
        if let [first, second] = entities.category_options[..]
            && own.own(first) == own.own(second)
        {
            entities.category = Some(own.own(first));
            entities.category_options.clear();
        }
        understanding
    }

    fn separating_question(
        &self,
        options: &[crate::rules::Category],
    ) -> Option<(String, Vec<String>)> {
        let question = self.nlu.separating_question(options)?;
        Some((question.ask.clone(), question.options.clone()))
    }

    fn evaluate(
        &self,
        application: &Application,
        today: NaiveDate,
    ) -> Result<Decision, RulesInputError> {
        Assistant::evaluate(self, application, today)
    }

    fn ask(&self, question: &Question) -> Result<Answer, AskError> {
        Assistant::ask(self, question)
    }

    fn rules_answer(
        &self,
        topic: RulesTopic,
        case: &Application,
        today: NaiveDate,
    ) -> Option<Answer> {
        let (short, cited) = self.topic_decided(topic, case.clone(), None, today)?;
        Some(answer::decided(
            topic.tag(),
            short,
            &cited,
            &[],
            answer::DEFAULT_TOP,
            1.0,
            &self.wording,
        ))
    }

    fn slots(&self) -> &SlotTable {
        &self.slots
    }

    fn replies(&self) -> &Replies {
        &self.replies
    }

    fn act_words(&self) -> &crate::nlu::cues::ActWords {
        &self.nlu.cues().acts
    }

    fn material_label(&self, region: &str, material: &str) -> String {
        // A form is named by its title in regions.toml: each region has its own.
        let form = self
            .corpus
            .region(region)
            .and_then(|region| match material {
                "registration_form" => region.form.as_ref(),
                "maternity_registration_form" => region.maternity_form.as_ref(),
                _ => None,
            });
        self.policies
            .regions
            .get(region)
            .and_then(|policy| policy.materials.get(material).cloned())
            .or_else(|| form.map(|title| format!("《{title}》")))
            .or_else(|| crate::rules::material_label(material).map(str::to_string))
            .unwrap_or_else(|| material.to_string())
    }

    fn channel_label(&self, channel: &crate::rules::Channel) -> String {
        self.policies.channel_label(channel)
    }

    fn clause(&self, decision: &Decision, topic: &str, case: &Application) -> Option<String> {
        self.cited(decision, topic, case, None)
            .map(|passage| passage.clause.clone())
    }

    fn category_name(&self, region: &str, category: crate::rules::Category) -> String {
        self.policies.category_name(region, category)
    }

    fn contact(&self, region: &str) -> Option<String> {
        let policy = self.policies.regions.get(region)?;
        // No region's documents give a fax number, only a phone for
        // questions: the caller asks there for the number to fax to.
        let agency = ("agency", policy.name.as_str());
        let Some(phone) = policy.phone.as_ref().and_then(|p| p.versions().first()) else {
            // The region's documents give no number: the hotline puts callers through.
            return Some(self.replies.fax_number_by_hotline.said(&[agency]));
        };
        Some(
            self.replies
                .fax_number_by_phone
                .said(&[agency, ("phone", &phone.value)]),
        )
    }
}

impl Assistant {
    /// The region ids of `corpus/regions.toml`, in its order.
    pub fn regions(&self) -> Vec<String> {
        self.corpus
            .regions
            .iter()
            .map(|region| region.id.clone())
            .collect()
    }
}

/// A question as the rules-backed answer reads it.
struct Asked<'a> {
    question: &'a Question,
    /// The region chosen or named.
    region: Option<&'a str>,
    reading: &'a crate::nlu::CaseInQuestion,
    scheme: Scheme,
    /// What the question asks about (`topics.txt`).
    topics: &'a [String],
}

impl Assistant {
    /// The rules' reply to a question about the caller's case and the
    /// passage it rests on; `None` when the rules do not settle it.
    fn decided(&self, asked: &Asked<'_>) -> Option<(answer::reply::Short, Evidence<'_>)> {
        let today = asked.question.today?;
        let topic = RulesTopic::of(asked.topics)?;
        let reading = asked.reading;
        // A channel named inside a question is no choice of channel to the
        // dialogue, but it is what the question asks about.
        let asked_channel = reading.submit_via.clone().or_else(|| {
            [Channel::Phone, Channel::Fax, Channel::Window]
                .into_iter()
                .find(|channel| {
                    asked
                        .question
                        .text
                        .contains(&self.policies.channel_label(channel))
                })
        });
        // A session's case as it stands; else what the question says, as
        // if the caller went on to register through the hotline today.
        let mut case = match &asked.question.case {
            Some(case) => case.clone(),
            None => Application {
                region: asked.region?.to_string(),
                submit_via: Some(asked_channel.clone().unwrap_or(Channel::Phone)),
                apply_date: Some(today),
                ..Application::default()
            },
        };
        case.category = case.category.or(reading.category);
        case.insurance = case.insurance.or(reading.insurance);
        if asked.scheme == Scheme::Maternity {
            case.scheme = Some(crate::rules::Scheme::Maternity);
        }
        self.topic_decided(topic, case, asked_channel, today)
    }

    /// What the Decision on `case` says about `topic`, briefly, and the
    /// passage it rests on; `None` when the rules do not settle it (the
    /// category is not known, the case is not eligible, the Decision
    /// holds no figure for it).
    fn topic_decided(
        &self,
        topic: RulesTopic,
        mut case: Application,
        asked_channel: Option<Channel>,
        today: NaiveDate,
    ) -> Option<(answer::reply::Short, Evidence<'_>)> {
        let mut decision = self.evaluate(&case, today).ok()?;
        if decision.status == Status::ChannelUnavailable {
            // Which channels work does not depend on the one tried.
            case.submit_via = None;
            decision = self.evaluate(&case, today).ok()?;
        }
        if decision.status == Status::NotEligible
            || decision.missing_facts.iter().any(|fact| fact == "category")
        {
            return None;
        }
        // The category as the region names it: Dongguan's 外来就业创业人员
        // registers as its 异地长期居住人员, Jining's as its merged ones.
        let who = match (case.scheme, case.category) {
            (Some(scheme @ crate::rules::Scheme::Maternity), _) => scheme.label().to_string(),
            (_, Some(category)) => self.policies.category_name(&case.region, category),
            (_, None) => return None,
        };
        let processing_days = match topic {
            RulesTopic::Deadline => self.processing_days(&case, &decision, today),
            _ => Vec::new(),
        };
        // 来得及吗 / 补办: read from the same case admitted a month ago,
        // whose Decision also cites the clause on late registration.
        let late = (topic == RulesTopic::LateRegistration
            && decision.registration_required == Some(true))
        .then(|| self.backdating(&case, today))
        .flatten();
        let backdating = late.as_ref().map(|(back, _)| *back);
        let citing = late.as_ref().map_or(&decision, |(_, probe)| probe);
        let cited = self.cited(citing, topic.tag(), &case, asked_channel.clone());
        let topic_words = self.topic_words(topic);
        let region = case.region.clone();
        let material_label = |id: &str| dialogue::Services::material_label(self, &region, id);
        let short = from_rules::reply(&from_rules::Case {
            topic,
            decision: &decision,
            who: &who,
            asked_channel,
            processing_days: &processing_days,
            material_label: &material_label,
            channel_label: &|channel: &Channel| self.policies.channel_label(channel),
            backdating,
            clause: cited.map(|passage| (passage.text.as_str(), topic_words.as_slice())),
            wording: &self.wording,
        })?;
        let cited = cited?;
        let ordinal = self
            .corpus
            .passages
            .iter()
            .position(|passage| passage.id == cited.id)?;
        Some((short, self.evidence(ordinal, 0.0)?))
    }

    /// How callers ask about `topic` (its phrases in `topics.txt`), as
    /// words to pick a clause's sentence by.
    fn topic_words(&self, topic: RulesTopic) -> Vec<(String, f32)> {
        self.corpus
            .lexicon
            .topics
            .iter()
            .filter(|line| line.means.first().is_some_and(|tag| tag == topic.tag()))
            .flat_map(|line| line.say.iter().map(|said| (said.clone(), 1.0)))
            .collect()
    }

    /// The clause of the Decision that holds the parameter asked about: of
    /// the cited passages tagged with its topic, the one for the caller's
    /// category, then the one naming the channel asked about, then the
    /// first cited; for an exemption, the first that is not a document's
    /// name or basis. From the Decision alone, so a question asked in other
    /// words cites the same clause.
    fn cited(
        &self,
        decision: &Decision,
        tag: &str,
        case: &Application,
        asked_channel: Option<Channel>,
    ) -> Option<&Passage> {
        let cited = || {
            decision
                .citations
                .iter()
                .filter_map(|citation| self.corpus.passage(&citation.passage_id))
        };
        let fit = |passage: &Passage| {
            let other_category = !case
                .category
                .is_some_and(|category| passage.categories.iter().any(|c| c == category.id()));
            let other_channel = !asked_channel.as_ref().is_some_and(|channel| {
                passage.text.contains(&self.policies.channel_label(channel))
            });
            (other_category, other_channel)
        };
        let tagged = cited()
            .enumerate()
            .filter(|(_, passage)| passage.topics.iter().any(|topic| topic == tag))
            .min_by_key(|(order, passage)| (fit(passage), *order));
        tagged.map(|(_, passage)| passage).or_else(|| {
            (decision.status == Status::NotRequired).then(|| {
                cited().find(|passage| !passage.topics.iter().all(|tag| tag == "documents"))
            })?
        })
    }

    /// How far back a late registration of `case` reaches, from the
    /// Decision of the same case admitted 30 days before it applies:
    /// `None` (inner) to the admission day, else the days allowed; with
    /// that Decision. `None` when a late registration does not reach back.
    fn backdating(&self, case: &Application, today: NaiveDate) -> Option<(Option<u32>, Decision)> {
        let applied = case.apply_date.unwrap_or(today);
        let admitted = applied.checked_sub_days(chrono::Days::new(30))?;
        let mut probe = case.clone();
        probe.apply_date = Some(applied);
        probe.admission_date = Some(admitted);
        let decision = self.evaluate(&probe, today).ok()?;
        let start = decision.validity.start?;
        if start >= applied {
            return None;
        }
        let capped = (start > admitted)
            .then(|| u32::try_from((applied - start).num_days()).ok())
            .flatten();
        Some((capped, decision))
    }

    /// Working days from application to decision for each channel that
    /// works (the hospital's own registration has no time of its own).
    fn processing_days(
        &self,
        case: &Application,
        decision: &Decision,
        today: NaiveDate,
    ) -> Vec<(Channel, u32)> {
        let start = case.apply_date.unwrap_or(today);
        decision
            .channels
            .iter()
            .filter(|channel| **channel != Channel::Hospital)
            .filter_map(|channel| {
                let mut via = case.clone();
                via.submit_via = Some(channel.clone());
                let deadline = self.evaluate(&via, today).ok()?.processing_deadline?;
                let calendar = &self.policies.calendar;
                let days = start
                    .iter_days()
                    .skip(1)
                    .take_while(|day| *day <= deadline)
                    .filter(|day| calendar.is_working_day(*day).0)
                    .count();
                Some((channel.clone(), u32::try_from(days).ok()?))
            })
            .collect()
    }
}
