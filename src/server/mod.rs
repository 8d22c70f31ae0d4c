//! (to be written)

pub mod pages;
