//! The policy document: its model, parsing with every error at once, validation, retention rules.

pub mod model;

pub use model::*;
