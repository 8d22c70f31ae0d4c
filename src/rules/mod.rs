//! The shared rules module: `evaluate(&Application, today) -> Decision`.
//! Pure: no IO and no clock; the caller passes `today`.

pub mod application;

pub use application::*;
