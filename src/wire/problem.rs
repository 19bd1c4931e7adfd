//! The server's refusals: RFC 9457 problem details (`application/problem+json`) with a stable
//! `type`, every field at fault, and the extension members the panel acts on.

use serde::{Deserialize, Serialize};

/// One field at fault: a dotted path into the body (`details.value`, `preferences.newsletter`,
/// `Idempotency-Key`) and why, in English (for matching and the developers' console).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field.
    pub field: String,
    /// Why it was refused (`required`, `unknown field`, `longer than 1000 characters`, …).
    pub reason: String,
}

/// Why a visitor's code was not accepted (with `/problems/invalid-code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeState {
    /// Not the code that was mailed; `attempts_left` says how many tries remain.
    Wrong,
    /// The code's ten minutes are over.
    Expired,
    /// No attempts left.
    Exhausted,
}

/// A problem document (openapi `Problem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The stable type, `/problems/<slug>` (`/problems/validation`, …).
    #[serde(rename = "type")]
    pub type_uri: String,
    /// A short fixed summary of the type.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// This occurrence in English words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Every field at fault (validation problems).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// With `/problems/stale-policy-version`: the version to ask again with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_policy_version: Option<String>,
    /// With `/problems/invalid-code`: why the code was not accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_state: Option<CodeState>,
    /// With `/problems/invalid-code`: the attempts left for this code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
}

impl Problem {
    /// Whether the type is `/problems/<slug>`.
    pub fn is(&self, slug: &str) -> bool {
        self.type_uri.strip_prefix("/problems/") == Some(slug)
    }
}
