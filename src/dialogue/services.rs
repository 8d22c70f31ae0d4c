//! What the dialogue needs from the rest of the product, as a trait, so the
//! state machine stays pure and can be driven by fakes in unit tests.

use chrono::NaiveDate;

use crate::answer::from_rules::RulesTopic;
use crate::answer::{Answer, AskError, Question};
use crate::dialogue::context::CallContext;
use crate::dialogue::replies::Replies;
use crate::nlu::Understanding;
use crate::nlu::cues::ActWords;
use crate::rules::RulesInputError;
use crate::rules::{Application, Category, Channel, Decision};
use crate::slot_table::SlotTable;

pub trait Services {
    /// Intent and entities of one utterance, dates read against `today`.
    fn understand(&self, text: &str, today: NaiveDate) -> Understanding;
    /// [`Services::understand`] in the call's context (pending question,
    /// facts said earlier, region).
    fn understand_in(&self, text: &str, today: NaiveDate, _call: &CallContext) -> Understanding {
        self.understand(text, today)
    }
    /// The question that separates two categories still open, with the
    /// answers to offer.
    fn separating_question(&self, _options: &[Category]) -> Option<(String, Vec<String>)> {
        None
    }
    /// The shared rules module.
    fn evaluate(
        &self,
        application: &Application,
        today: NaiveDate,
    ) -> Result<Decision, RulesInputError>;
    /// Free-text questions, answered from the policy texts.
    fn ask(&self, question: &Question) -> Result<Answer, AskError>;
    /// What the rules decide about `topic` for `case` on `today` (whether
    /// and when a registration can be changed or cancelled …), said
    /// briefly with the clause it rests on; `None` when the Decision does
    /// not settle it.
    fn rules_answer(
        &self,
        topic: RulesTopic,
        case: &Application,
        today: NaiveDate,
    ) -> Option<Answer>;
    /// The Application's slots: labels, prompts, read-backs.
    fn slots(&self) -> &SlotTable;
    /// Every reply the dialogue speaks (`intents/templates.yaml`).
    fn replies(&self) -> &Replies;
    /// The words a turn's acts are read by (`acts:` in
    /// `intents/entities.yaml`): a person or a stop asked for, a number
    /// declined, a question, a pause filled.
    fn act_words(&self) -> &ActWords;
    /// How a caller names a material id (户口簿, 居住证 …).
    fn material_label(&self, region: &str, material: &str) -> String;
    /// How a channel is named to a caller (a provincial app by its name in
    /// the corpus).
    fn channel_label(&self, channel: &Channel) -> String;
    /// Where a caller gets the number to fax to: the agency's phone as
    /// the region's texts give it (they give no fax number).
    fn contact(&self, region: &str) -> Option<String>;
    /// The label of the clause of `decision` that holds what `topic` (a
    /// tag of `corpus/search/topics.txt`: ratio, change_cancel…) is about,
    /// for the caller's case.
    fn clause(&self, _decision: &Decision, _topic: &str, _case: &Application) -> Option<String> {
        None
    }
    /// The category as the region's own documents name it.
    fn category_name(&self, region: &str, category: Category) -> String {
        let _ = region;
        category.label().to_string()
    }
}
