//! The policy document: its model, parsing with every error at once, validation, retention rules.

mod date;
mod disclosures;
mod error;
mod lookup;
mod names;
mod parse;
mod period;
mod read;
mod retention;
mod retention_parse;
mod sentence;
mod statutory;
mod validate;
mod validate_ctx;
mod validate_rules;

/// The policy lint (C-E1); native only, never in the wasm builds.
#[cfg(not(target_arch = "wasm32"))]
pub mod lint;

#[cfg(test)]
mod tests;

pub mod model;

pub use date::{days_in_month, is_leap_year, Weekday};
pub use error::{push_u64, PolicyError, PolicyErrors};
pub use model::*;
pub use names::*;
pub use parse::{parse_policy, MAX_DOCUMENT_BYTES};
pub use period::UNIT_NAMES;
pub use retention::RetentionEnd;
pub use sentence::period_words;
pub use statutory::{is_direct_marketing, statutory_kinds_for, Ground};
pub use validate::{validate, Limits, LIMITS};
