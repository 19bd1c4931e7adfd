//! A named invalid field (`purposes.analytics: unknown purpose`): what the domain's validation
//! reports, and what a problem+json answer lists in its `errors` member.

use serde::Serialize;

/// One invalid field: a JSON-pointer-like path (`purposes.analytics`) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Where: `consent_id`, `purposes.ads`, `Idempotency-Key`.
    pub field: String,
    /// Why, in a few words.
    pub reason: String,
}

impl FieldError {
    /// A field error.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), reason: reason.into() }
    }
}
