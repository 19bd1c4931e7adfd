//! Checks of meaning on a read policy: references that resolve, unique ids, texts in every
//! declared language, consent scope that fits the legal basis, and sane sizes. The rules are in
//! `validate_rules`, what they share in `validate_ctx`.

use crate::prelude::*;

use super::error::PolicyError;
use super::model::*;
use super::validate_rules as rules;
use super::validate_ctx::Ctx;
pub use super::validate_ctx::{Limits, LIMITS};

/// Checks the meaning of a policy (for one built in code; `parse_policy` runs this itself).
pub fn validate(policy: &Policy) -> Vec<PolicyError> {
    check(policy, &[], &[])
}

/// Checks meaning, quietly skipping what depends on a part that already failed to read.
pub(super) fn check(policy: &Policy, shape_errors: &[PolicyError], suspects: &[String]) -> Vec<PolicyError> {
    let mut c = Ctx::new(shape_errors, suspects);
    // Texts are checked against the languages only when that list is sound.
    c.languages_ok = !c.touched("languages")
        && !policy.languages.is_empty()
        && policy.languages.iter().all(|l| rules::is_language_tag(l));
    rules::policy(&mut c, policy);
    c.into_errors()
}
