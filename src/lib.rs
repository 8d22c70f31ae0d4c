//! hotline: the assistant behind the 12345 hotline for 异地就医备案
//! (off-site medical-insurance registration).
//!
//! Two flows run through the crate:
//! - `corpus → search → answer`: free-text questions answered from the
//!   policy texts, with the clause each answer rests on;
//! - `nlu → dialogue → rules → decision`: a caller guided through a phone
//!   or fax registration, decided by the one shared rules module.
//!
//! `store`, `server` and `cli` sit around them and are the only modules
//! that touch disk, network or clock (the corpus loader reads files too).

pub mod answer;
pub mod assistant;
pub mod calendar;
pub mod cli;
pub mod corpus;
pub mod dialogue;
pub mod nlu;
pub mod places;
pub mod rules;
pub mod search;
pub mod server;
pub mod slot_table;
pub mod store;
pub mod templates;

pub use assistant::Assistant;
