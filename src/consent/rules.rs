//! When the banner must ask (again): no decision, a new policy version or purpose (C-A9),
//! an old consent or an old refusal (C-A10); and which purposes GPC covers (C-B1).

use super::ConsentRecord;
use crate::policy::PurposeKind;

/// A consent is asked again after this long (13 months at the shortest, C-A10).
pub const CONSENT_MEMORY_SECS: u64 = 390 * 24 * 3600;

/// A refusal is kept at least this long (6 months at the longest, C-A10), then asked again.
pub const REFUSAL_MEMORY_SECS: u64 = 184 * 24 * 3600;

/// Whether the banner has a question for the visitor, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// The stored decision stands; no banner.
    Settled,
    /// No (readable) decision is stored.
    NoDecision,
    /// The decision was made on another policy version (C-A9).
    PolicyChanged,
    /// The policy has a browser-consent purpose the decision does not answer (C-A9).
    NewPurpose,
    /// Something was granted more than 13 months ago (C-A10).
    ConsentExpired,
    /// Everything was refused more than 6 months ago (C-A10).
    RefusalExpired,
}

impl Question {
    /// Whether the banner must be shown.
    pub fn is_open(self) -> bool {
        self != Question::Settled
    }
}

/// Decides whether to ask, given the stored decision, the policy's version and its
/// browser-consent purpose ids, and the time now (seconds since the epoch).
pub fn question(stored: Option<&ConsentRecord>, version: &str, purposes: &[&str], now: u64) -> Question {
    if purposes.is_empty() {
        return Question::Settled;
    }
    let Some(record) = stored else { return Question::NoDecision };
    if record.policy_version != version {
        return Question::PolicyChanged;
    }
    if purposes.iter().any(|p| !record.choices.iter().any(|(id, _)| id == p)) {
        return Question::NewPurpose;
    }
    let age = now.saturating_sub(record.decided_at);
    let any_granted = purposes.iter().any(|p| record.granted(p));
    if any_granted && age >= CONSENT_MEMORY_SECS {
        Question::ConsentExpired
    } else if !any_granted && age >= REFUSAL_MEMORY_SECS {
        Question::RefusalExpired
    } else {
        Question::Settled
    }
}

/// Whether Global Privacy Control keeps a purpose of this kind denied: advertising,
/// remarketing and data sharing (C-B1).
pub fn is_gpc_covered(kind: PurposeKind) -> bool {
    matches!(kind, PurposeKind::Advertising | PurposeKind::PersonalisedAds | PurposeKind::AudienceSharing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::Method;

    const DAY: u64 = 24 * 3600;
    const NOW: u64 = 1_800_000_000;

    fn record(version: &str, choices: &[(&str, bool)], age_days: u64) -> ConsentRecord {
        ConsentRecord {
            consent_id: "abc".into(),
            policy_version: version.into(),
            choices: choices.iter().map(|(p, on)| (p.to_string(), *on)).collect(),
            method: Method::Custom,
            lang: "nl".into(),
            decided_at: NOW - age_days * DAY,
            first_at: NOW - age_days * DAY,
        }
    }

    const PURPOSES: &[&str] = &["analytics", "advertising"];

    #[test]
    fn no_decision_asks() {
        assert_eq!(question(None, "2", PURPOSES, NOW), Question::NoDecision);
        assert!(Question::NoDecision.is_open());
    }

    #[test]
    fn nothing_to_ask_without_browser_purposes() {
        assert_eq!(question(None, "2", &[], NOW), Question::Settled);
    }

    // C-A9
    #[test]
    fn a_new_policy_version_asks_again() {
        let r = record("1", &[("analytics", true), ("advertising", false)], 1);
        assert_eq!(question(Some(&r), "1", PURPOSES, NOW), Question::Settled);
        assert_eq!(question(Some(&r), "2", PURPOSES, NOW), Question::PolicyChanged);
    }

    // C-A9
    #[test]
    fn a_purpose_the_decision_does_not_answer_asks_again_and_stays_off() {
        let r = record("1", &[("analytics", true)], 1);
        assert_eq!(question(Some(&r), "1", PURPOSES, NOW), Question::NewPurpose);
        assert!(!r.granted("advertising"));
    }

    // C-A10
    #[test]
    fn a_consent_is_asked_again_within_13_months() {
        let fresh = record("1", &[("analytics", true), ("advertising", false)], 389);
        let old = record("1", &[("analytics", true), ("advertising", false)], 390);
        assert_eq!(question(Some(&fresh), "1", PURPOSES, NOW), Question::Settled);
        assert_eq!(question(Some(&old), "1", PURPOSES, NOW), Question::ConsentExpired);
        // 13 calendar months are never shorter than 393 days.
        const { assert!(CONSENT_MEMORY_SECS <= 393 * DAY) };
    }

    // C-A10
    #[test]
    fn a_refusal_is_kept_at_least_6_months() {
        let kept = record("1", &[("analytics", false), ("advertising", false)], 183);
        let old = record("1", &[("analytics", false), ("advertising", false)], 184);
        assert_eq!(question(Some(&kept), "1", PURPOSES, NOW), Question::Settled);
        assert_eq!(question(Some(&old), "1", PURPOSES, NOW), Question::RefusalExpired);
        // 6 calendar months are never longer than 184 days.
        const { assert!(REFUSAL_MEMORY_SECS >= 184 * DAY) };
        // A refusal younger than the consent limit but older than 6 months is asked again,
        // a consent of the same age is not.
        let consent = record("1", &[("analytics", true), ("advertising", false)], 200);
        assert_eq!(question(Some(&consent), "1", PURPOSES, NOW), Question::Settled);
    }

    #[test]
    fn a_clock_in_the_past_does_not_expire_anything() {
        let mut r = record("1", &[("analytics", true), ("advertising", false)], 0);
        r.decided_at = NOW + 1000;
        assert_eq!(question(Some(&r), "1", PURPOSES, NOW), Question::Settled);
    }

    // C-B1
    #[test]
    fn gpc_covers_advertising_remarketing_and_sharing_only() {
        assert!(is_gpc_covered(PurposeKind::Advertising));
        assert!(is_gpc_covered(PurposeKind::PersonalisedAds));
        assert!(is_gpc_covered(PurposeKind::AudienceSharing));
        assert!(!is_gpc_covered(PurposeKind::Analytics));
        assert!(!is_gpc_covered(PurposeKind::Essential));
        assert!(!is_gpc_covered(PurposeKind::Newsletter));
    }
}
