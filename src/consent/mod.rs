//! Consent decisions: the stored record and its encoding, re-consent, and signal mapping.
//!
//! Pure Rust (no web dependencies): the browser edges in `crate::browser` and the marketing-page
//! controller in `crate::ui::page` call into these functions, and the server can reuse them.

use crate::prelude::*;

mod compile;
mod decision;
#[cfg(test)]
mod fixture;
pub mod notice;
mod notice_json;
pub mod record;
mod rules;
mod signals;

pub use decision::{decide, gpc_narrowing, withdrawn, Action, Decision};
pub use notice::{Notice, NoticeLine, NoticePurpose, NoticeService, UiText};
pub use notice_json::{NoticeError, NoticeSource};
pub use crate::policy::push_u64;
pub use record::{consent_id_from, trim_end_byte, ConsentRecord, COOKIE_NAME, MAX_AGE_SECS};
pub use rules::{is_gpc_covered, question, Question, CONSENT_MEMORY_SECS, REFUSAL_MEMORY_SECS};
pub use signals::{
    consent_mode_update, parent_domains, vendor_granted, wildcard_match, ConsentModeType,
    CONSENT_MODE_DEFAULT,
};

/// How a decision was made; the `action` of a proof-of-consent record (C-A8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `accept_all`: "Alles accepteren".
    AcceptAll,
    /// `reject_all`: "Alles weigeren".
    RejectAll,
    /// `custom`: "Keuze opslaan" with a choice per purpose.
    Custom,
    /// `gpc`: Global Privacy Control narrowed what the visitor asked for (C-B1).
    Gpc,
    /// `withdraw`: a purpose that was granted is withdrawn, nothing new granted (C-A7).
    Withdraw,
}

impl Method {
    /// The backend's name: `accept_all`, `reject_all`, `custom`, `gpc`, `withdraw`.
    pub fn name(self) -> &'static str {
        match self {
            Method::AcceptAll => "accept_all",
            Method::RejectAll => "reject_all",
            Method::Custom => "custom",
            Method::Gpc => "gpc",
            Method::Withdraw => "withdraw",
        }
    }

    /// The one-letter code used in the cookie.
    pub(crate) fn code(self) -> char {
        match self {
            Method::AcceptAll => 'a',
            Method::RejectAll => 'r',
            Method::Custom => 'c',
            Method::Gpc => 'g',
            Method::Withdraw => 'w',
        }
    }

    pub(crate) fn from_code(code: &str) -> Option<Method> {
        Some(match code {
            "a" => Method::AcceptAll,
            "r" => Method::RejectAll,
            "c" => Method::Custom,
            "g" => Method::Gpc,
            "w" => Method::Withdraw,
            _ => return None,
        })
    }
}

/// A purpose's answer: its id and whether it was granted.
pub type Choice = (String, bool);
