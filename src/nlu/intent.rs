//! What a caller wants, as a closed set. The dialogue acts on these
//! variants, and `intents/examples/` holds exactly one file per variant
//! (checked at load), so a misspelt intent in the data is a load error
//! instead of an intent that silently never matches.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One intent. Serialised as its snake_case name (`register_maternity`),
/// the file name of its examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Intent {
    Affirm,
    AskMaterials,
    AskPolicy,
    AskProgress,
    AskValidity,
    /// Stop this call's registration (算了不办了).
    CancelDialogue,
    /// Cancel or change a registration made before (备案想换个城市).
    CancelOrChange,
    Correct,
    Deny,
    Goodbye,
    Greet,
    Handoff,
    OutOfScope,
    ProvideInfo,
    Register,
    RegisterMaternity,
    /// Nothing scored above the threshold; it has no examples.
    Unknown,
}

impl Intent {
    /// Every intent, in the order of their names.
    pub const ALL: [Intent; 17] = [
        Intent::Affirm,
        Intent::AskMaterials,
        Intent::AskPolicy,
        Intent::AskProgress,
        Intent::AskValidity,
        Intent::CancelDialogue,
        Intent::CancelOrChange,
        Intent::Correct,
        Intent::Deny,
        Intent::Goodbye,
        Intent::Greet,
        Intent::Handoff,
        Intent::OutOfScope,
        Intent::ProvideInfo,
        Intent::Register,
        Intent::RegisterMaternity,
        Intent::Unknown,
    ];

    /// The name used in `intents/examples/<name>.yaml`, Turns and scripts.
    pub fn name(self) -> &'static str {
        match self {
            Intent::Affirm => "affirm",
            Intent::AskMaterials => "ask_materials",
            Intent::AskPolicy => "ask_policy",
            Intent::AskProgress => "ask_progress",
            Intent::AskValidity => "ask_validity",
            Intent::CancelDialogue => "cancel_dialogue",
            Intent::CancelOrChange => "cancel_or_change",
            Intent::Correct => "correct",
            Intent::Deny => "deny",
            Intent::Goodbye => "goodbye",
            Intent::Greet => "greet",
            Intent::Handoff => "handoff",
            Intent::OutOfScope => "out_of_scope",
            Intent::ProvideInfo => "provide_info",
            Intent::Register => "register",
            Intent::RegisterMaternity => "register_maternity",
            Intent::Unknown => "unknown",
        }
    }

    /// Whether the classifier learns it from examples: all but `unknown`.
    pub fn has_examples(self) -> bool {
        self != Intent::Unknown
    }

    /// A question the dialogue answers from the policy texts.
    pub fn is_question(self) -> bool {
        matches!(
            self,
            Intent::AskPolicy | Intent::AskMaterials | Intent::AskValidity | Intent::AskProgress
        )
    }

    /// Intents that state rather than ask: a question (…吗, 怎么…) is
    /// unlikely to be one of them.
    pub fn is_statement(self) -> bool {
        matches!(
            self,
            Intent::ProvideInfo | Intent::Affirm | Intent::Deny | Intent::Greet
        )
    }

    /// Which intent leads when an utterance holds several: asking for a
    /// person first, then the caller's task (the frame of the call), then
    /// facts and questions, then the rest; 好的/你好 last.
    pub fn precedence(self) -> u8 {
        match self {
            Intent::Handoff => 4,
            Intent::Register
            | Intent::RegisterMaternity
            | Intent::CancelOrChange
            | Intent::CancelDialogue
            | Intent::Correct => 3,
            Intent::ProvideInfo => 2,
            intent if intent.is_question() => 2,
            Intent::Goodbye | Intent::OutOfScope => 1,
            _ => 0,
        }
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An intent name that is not one of [`Intent::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown intent {0}; the intents are {names}", names = known_names())]
pub struct UnknownIntent(pub String);

fn known_names() -> String {
    Intent::ALL.map(Intent::name).join(", ")
}

impl FromStr for Intent {
    type Err = UnknownIntent;

    fn from_str(name: &str) -> Result<Intent, UnknownIntent> {
        Intent::ALL
            .into_iter()
            .find(|intent| intent.name() == name)
            .ok_or_else(|| UnknownIntent(name.to_string()))
    }
}

impl TryFrom<String> for Intent {
    type Error = UnknownIntent;

    fn try_from(name: String) -> Result<Intent, UnknownIntent> {
        name.parse()
    }
}

impl From<Intent> for &'static str {
    fn from(intent: Intent) -> &'static str {
        intent.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_json() {
        for intent in Intent::ALL {
            assert_eq!(intent.name().parse::<Intent>(), Ok(intent));
            let json = serde_json::to_string(&intent).unwrap();
            assert_eq!(json, format!("\"{}\"", intent.name()));
            assert_eq!(serde_json::from_str::<Intent>(&json).unwrap(), intent);
        }
        let error = "regster".parse::<Intent>().unwrap_err().to_string();
        assert!(error.starts_with("unknown intent regster; the intents are affirm, "));
    }
}
