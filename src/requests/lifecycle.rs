//! The life of a request: its status, the steps that move it on, and which steps are allowed.
//!
//! received → verified → in_progress → (extended →) completed | refused; a pending request
//! (received or verified) can be cancelled by the subject; a verified one can be refused
//! straight away. Anything else is an error (C-C2, C-C3).

use crate::prelude::*;

use super::RequestError;

/// Longest reason for an extension or refusal, in characters.
pub const MAX_REASON_CHARS: usize = 2000;

/// Where a request stands. Its JSON names ([`REQUEST_STATUSES`], serde) are snake_case.
///
/// serde only where the wire module is built (natively, the panel): in the marketing page's
/// no_std module the derive alone, unused, cost 531 bytes of its wasm (a second copy of the
/// Vec growth code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    any(not(target_arch = "wasm32"), feature = "panel"),
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum RequestStatus {
    /// Filed by a visitor who is not logged in; counts only once verified (C-C3).
    Received,
    /// The subject is known: logged in, or the e-mail code was entered.
    Verified,
    /// The company is working on it.
    InProgress,
    /// Deadline extended by two months, with a reason (C-C2).
    Extended,
    /// Answered.
    Completed,
    /// Refused, with a reason and the right to complain (C-C2).
    Refused,
    /// Withdrawn by the subject while pending.
    Cancelled,
}

/// Every status with its wire name.
pub const REQUEST_STATUSES: &[(&str, RequestStatus)] = &[
    ("received", RequestStatus::Received),
    ("verified", RequestStatus::Verified),
    ("in_progress", RequestStatus::InProgress),
    ("extended", RequestStatus::Extended),
    ("completed", RequestStatus::Completed),
    ("refused", RequestStatus::Refused),
    ("cancelled", RequestStatus::Cancelled),
];

impl RequestStatus {
    /// The wire name (`"in_progress"`).
    pub fn name(self) -> &'static str {
        REQUEST_STATUSES.iter().find(|(_, s)| *s == self).map_or("", |(n, _)| n)
    }

    /// Reads a wire name.
    pub fn from_name(name: &str) -> Option<RequestStatus> {
        REQUEST_STATUSES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }

    /// Whether the subject may still cancel it.
    pub fn is_pending(self) -> bool {
        matches!(self, RequestStatus::Received | RequestStatus::Verified)
    }

    /// Whether nothing can happen to it any more.
    pub fn is_final(self) -> bool {
        matches!(self, RequestStatus::Completed | RequestStatus::Refused | RequestStatus::Cancelled)
    }

    /// Whether the company still owes an answer (the due date matters).
    pub fn is_open(self) -> bool {
        matches!(self, RequestStatus::Verified | RequestStatus::InProgress | RequestStatus::Extended)
    }
}

/// A step that moves a request on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestStep {
    /// The subject proved control of the e-mail address.
    Verify,
    /// The company starts working on it.
    Start,
    /// The company extends the deadline by two months; the reason is required (C-C2).
    Extend {
        /// Why more time is needed, as the subject is told.
        reason: String,
    },
    /// The company answers.
    Complete,
    /// The company refuses; the reason is required (C-C2).
    Refuse {
        /// Why the request is refused, as the subject is told.
        reason: String,
    },
    /// The subject withdraws it.
    Cancel,
}

impl RequestStep {
    /// The status the step leads to.
    pub fn target(&self) -> RequestStatus {
        match self {
            RequestStep::Verify => RequestStatus::Verified,
            RequestStep::Start => RequestStatus::InProgress,
            RequestStep::Extend { .. } => RequestStatus::Extended,
            RequestStep::Complete => RequestStatus::Completed,
            RequestStep::Refuse { .. } => RequestStatus::Refused,
            RequestStep::Cancel => RequestStatus::Cancelled,
        }
    }

    /// The reason carried by an extension or refusal.
    pub fn reason(&self) -> Option<&str> {
        match self {
            RequestStep::Extend { reason } | RequestStep::Refuse { reason } => Some(reason),
            _ => None,
        }
    }
}

/// The status after `step`, or why the step is not allowed from `from`.
/// The extension's time limit is checked by [`super::due::extended_due`].
pub fn advance(from: RequestStatus, step: &RequestStep) -> Result<RequestStatus, RequestError> {
    use RequestStatus as S;
    if let Some(reason) = step.reason() {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(RequestError::ReasonRequired);
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(RequestError::ReasonTooLong);
        }
    }
    let allowed = match step {
        RequestStep::Verify => from == S::Received,
        RequestStep::Start => from == S::Verified,
        RequestStep::Extend { .. } => matches!(from, S::Verified | S::InProgress),
        RequestStep::Complete => matches!(from, S::InProgress | S::Extended),
        RequestStep::Refuse { .. } => matches!(from, S::Verified | S::InProgress | S::Extended),
        RequestStep::Cancel => from.is_pending(),
    };
    if allowed {
        Ok(step.target())
    } else {
        Err(RequestError::Transition { from, to: step.target() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestStatus as S;

    fn reason() -> String {
        "complex request".to_owned()
    }

    #[test]
    fn the_happy_paths() {
        let mut s = S::Received;
        for step in [RequestStep::Verify, RequestStep::Start, RequestStep::Extend { reason: reason() }, RequestStep::Complete] {
            s = advance(s, &step).unwrap();
        }
        assert_eq!(s, S::Completed);
        assert_eq!(advance(S::InProgress, &RequestStep::Refuse { reason: reason() }).unwrap(), S::Refused);
        assert_eq!(advance(S::Verified, &RequestStep::Refuse { reason: reason() }).unwrap(), S::Refused);
    }

    #[test]
    fn cancel_only_while_pending() {
        assert_eq!(advance(S::Received, &RequestStep::Cancel).unwrap(), S::Cancelled);
        assert_eq!(advance(S::Verified, &RequestStep::Cancel).unwrap(), S::Cancelled);
        for from in [S::InProgress, S::Extended, S::Completed, S::Refused, S::Cancelled] {
            assert!(advance(from, &RequestStep::Cancel).is_err(), "{from:?}");
        }
    }

    #[test]
    fn invalid_transitions_are_errors() {
        assert_eq!(
            advance(S::Received, &RequestStep::Start),
            Err(RequestError::Transition { from: S::Received, to: S::InProgress })
        );
        assert!(advance(S::Received, &RequestStep::Complete).is_err());
        assert!(advance(S::Verified, &RequestStep::Complete).is_err());
        assert!(advance(S::Extended, &RequestStep::Extend { reason: reason() }).is_err(), "extend once");
        assert!(advance(S::Completed, &RequestStep::Refuse { reason: reason() }).is_err());
        assert!(advance(S::Verified, &RequestStep::Verify).is_err());
        for from in [S::Completed, S::Refused, S::Cancelled] {
            assert!(from.is_final());
            for step in [RequestStep::Verify, RequestStep::Start, RequestStep::Complete] {
                assert!(advance(from, &step).is_err());
            }
        }
    }

    #[test]
    fn extension_and_refusal_need_a_reason() {
        // C-C2: an extension and a refusal give reasons.
        assert_eq!(advance(S::InProgress, &RequestStep::Extend { reason: "  ".into() }), Err(RequestError::ReasonRequired));
        assert_eq!(advance(S::InProgress, &RequestStep::Refuse { reason: String::new() }), Err(RequestError::ReasonRequired));
        let long = "x".repeat(MAX_REASON_CHARS + 1);
        assert_eq!(advance(S::InProgress, &RequestStep::Refuse { reason: long }), Err(RequestError::ReasonTooLong));
    }

    #[test]
    fn status_names_round_trip() {
        for (name, status) in REQUEST_STATUSES {
            assert_eq!(status.name(), *name);
            assert_eq!(RequestStatus::from_name(name), Some(*status));
            // serde writes and reads the same names (the wire bodies use it).
            let json = serde_json::to_string(status).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<RequestStatus>(&json).unwrap(), *status);
        }
        assert_eq!(RequestStatus::from_name("done"), None);
    }
}
