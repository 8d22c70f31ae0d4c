//! The loaded product: corpus, search index, rule data and the dialogue's
//! understanding, built once at start-up and shared read-only by the CLI
//! and the server. Every entry point of the core goes through here.

use std::path::Path;

use chrono::NaiveDate;

use crate::answer::{self, Answer, AskError, Evidence, Question};
use crate::corpus::{Corpus, LoadError, Problem, Scheme};
use crate::dialogue::{DialogueState, Session, SessionChannel, Turn};
use crate::rules::{Application, Decision, Policies};
use crate::search::{self, Scope, SearchIndex};

pub struct Assistant {
    pub corpus: Corpus,
    /// The passages of `corpus`, indexed for free-text questions.
    pub search: SearchIndex,
    /// Every region's rule data (`corpus/<region>/rules.yaml`).
    pub policies: Policies,
}

/// Why the rules module refused an Application (bad input, never a panic).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct RulesInputError {
    /// The Application field at fault, e.g. `category` or `admission_date`.
    pub field: String,
    pub message: String,
}

impl Assistant {
    /// Loads and validates `corpus_dir` and `intents_dir`; refuses to build
    /// on any problem, naming the file and line.
    pub fn load(corpus_dir: &Path, _intents_dir: &Path) -> Result<Assistant, LoadError> {
        let corpus = Corpus::load(corpus_dir)?;
        let policies = Policies::load(corpus_dir, &corpus)?;
        let jieba = search::load_jieba(&corpus.lexicon);
        let search = SearchIndex::build(&corpus, jieba).map_err(|error| LoadError {
            problems: vec![Problem::new(corpus_dir, 1, error.to_string())],
        })?;
        Ok(Assistant {
            corpus,
            search,
            policies,
        })
    }

    /// Answers a free-text question (contract §2.1).
    pub fn ask(&self, question: &Question) -> Result<Answer, AskError> {
        let question = answer::validate(question, &self.corpus.regions)?;
        // A region the caller chose filters. Without one, a region the
        // question names (东莞的…) filters too: the caller said which city.
        let named_region = self.region_named_in(&question.text);
        let scope = Scope {
            region: question.region.as_deref().or(named_region),
            scheme: Some(self.scheme_of(&question.text)),
        };
        let terms = self.search.analyzer().analyze(&question.text);
        let hits = self.search.search_terms(&terms, scope, question.top);
        let evidence: Vec<Evidence<'_>> = hits
            .iter()
            .filter_map(|hit| {
                let passage = self.corpus.passages.get(hit.passage)?;
                let region_name = self
                    .corpus
                    .region(&passage.region)
                    .map_or(passage.region.as_str(), |region| region.name.as_str());
                Some(Evidence {
                    passage,
                    score: hit.score,
                    region_name,
                })
            })
            .collect();
        let off_topic = answer::off_topic(&question.text, &self.corpus.lexicon);
        let familiarity = self.search.familiarity(&terms);
        let verdict = answer::judge(!evidence.is_empty(), familiarity, off_topic.as_deref());
        Ok(answer::compose(
            &question.text,
            &evidence,
            familiarity,
            &verdict,
        ))
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

    /// Decides an Application on `today` (contract §2.2).
    pub fn evaluate(
        &self,
        application: &Application,
        today: NaiveDate,
    ) -> Result<Decision, RulesInputError> {
        // The national gazetteer's province normaliser plugs in here.
        crate::rules::evaluate(&self.policies, application, today)
    }

    /// Opens a dialogue session and returns its greeting turn.
    pub fn start_session(
        &self,
        channel: SessionChannel,
        region: Option<&str>,
        today: NaiveDate,
    ) -> (Session, Turn) {
        let session = Session {
            channel,
            today,
            state: DialogueState::Idle,
            slots: Application {
                region: region.unwrap_or("dongguan").to_string(),
                ..Application::default()
            },
            decision: None,
            pending: None,
            failures: 0,
        };
        let turn = Turn {
            reply: "您好，这里是医保异地就医备案服务，请问有什么可以帮您？".into(),
            intent: "greet".into(),
            state: session.state,
            slots: session.slots.clone(),
            missing: Vec::new(),
            decision: None,
            passages: None,
            suggestions: None,
            slot_changes: Vec::new(),
            completed: None,
        };
        (session, turn)
    }

    /// Takes one caller utterance; updates `session` and returns the reply.
    pub fn turn(&self, session: &mut Session, text: &str) -> Turn {
        Turn {
            reply: format!("收到：{text}"),
            intent: "out_of_scope".into(),
            state: session.state,
            slots: session.slots.clone(),
            missing: Vec::new(),
            decision: session.decision.clone(),
            passages: None,
            suggestions: None,
            slot_changes: Vec::new(),
            completed: None,
        }
    }

    /// An agent sets one slot on the screen (dotted name, e.g.
    /// `applicant.phone`). The value is checked against the Application's
    /// types; the change is recorded with source `agent`.
    pub fn edit_slot(
        &self,
        session: &mut Session,
        slot: &str,
        value: serde_json::Value,
    ) -> Result<Turn, RulesInputError> {
        let refuse = |message: String| RulesInputError {
            field: slot.to_string(),
            message,
        };
        let path: Vec<&str> = slot.split('.').collect();
        if slot.is_empty() || path.iter().any(|part| part.is_empty()) {
            return Err(refuse("not a slot name".into()));
        }
        let mut slots = serde_json::to_value(&session.slots).map_err(|e| refuse(e.to_string()))?;
        let mut cursor = &mut slots;
        for part in &path[..path.len() - 1] {
            let object = cursor
                .as_object_mut()
                .ok_or_else(|| refuse("not a slot name".into()))?;
            cursor = object
                .entry(part.to_string())
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
        }
        let object = cursor
            .as_object_mut()
            .ok_or_else(|| refuse("not a slot name".into()))?;
        let last = path[path.len() - 1].to_string();
        let old = object.get(&last).cloned();
        if value.is_null() {
            object.remove(&last);
        } else {
            object.insert(last, value.clone());
        }
        session.slots = serde_json::from_value(slots).map_err(|e| refuse(e.to_string()))?;
        if let Ok(decision) = self.evaluate(&session.slots, session.today) {
            session.decision = Some(decision);
        }
        Ok(Turn {
            reply: format!("已更新 {slot}。"),
            intent: "agent_edit".into(),
            state: session.state,
            slots: session.slots.clone(),
            missing: Vec::new(),
            decision: session.decision.clone(),
            passages: None,
            suggestions: None,
            slot_changes: vec![crate::dialogue::SlotChange {
                slot: slot.to_string(),
                old,
                new: (!value.is_null()).then_some(value),
                source: "agent".into(),
            }],
            completed: None,
        })
    }
}
