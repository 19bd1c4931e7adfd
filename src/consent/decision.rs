//! Decisions from the visitor's actions: accept all, reject all, a custom choice, with Global
//! Privacy Control applied (C-B1), and which purposes a new decision withdraws (C-A7).

use crate::prelude::*;

use super::{is_gpc_covered, Choice, ConsentRecord, Method};
use super::notice::Notice;

/// What the visitor did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// "Alles accepteren".
    AcceptAll,
    /// "Alles weigeren".
    RejectAll,
    /// "Keuze opslaan" with these switches (purposes not listed are off).
    Custom(Vec<Choice>),
}

/// A decision to store, signal and record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Every browser-consent purpose of the policy, in policy order.
    pub choices: Vec<Choice>,
    /// How the decision was made (the record's `action`, C-A8).
    pub method: Method,
}

impl Decision {
    /// Whether `purpose` is granted.
    pub fn granted(&self, purpose: &str) -> bool {
        self.choices.iter().any(|(id, on)| id == purpose && *on)
    }
}

/// Turns an action into a decision. Every purpose starts off (C-A2); with `gpc` the
/// advertising, remarketing and sharing purposes stay off, and a decision that GPC narrowed
/// is recorded as `gpc` (C-B1). Saving that only turns purposes off is a `withdraw` (C-A7).
pub fn decide(notice: &Notice, action: &Action, gpc: bool, previous: Option<&ConsentRecord>) -> Decision {
    let mut narrowed = false;
    let choices: Vec<Choice> = notice
        .purposes
        .iter()
        .map(|p| {
            let asked = match action {
                Action::AcceptAll => true,
                Action::RejectAll => false,
                Action::Custom(choices) => choices.iter().any(|(id, on)| *id == p.id && *on),
            };
            let blocked = gpc && is_gpc_covered(p.kind);
            narrowed |= asked && blocked;
            (p.id.clone(), asked && !blocked)
        })
        .collect();
    let method = if narrowed {
        Method::Gpc
    } else {
        match action {
            Action::AcceptAll => Method::AcceptAll,
            Action::RejectAll => Method::RejectAll,
            Action::Custom(_) => match previous {
                Some(prev) if prev.policy_version == notice.version && only_withdraws(prev, &choices) => {
                    Method::Withdraw
                }
                _ => Method::Custom,
            },
        }
    };
    Decision { choices, method }
}

/// With GPC on, a stored decision that grants a covered purpose is narrowed at start
/// (`Some` new decision, method `gpc`); `None` when it already complies (C-B1).
pub fn gpc_narrowing(notice: &Notice, stored: &ConsentRecord) -> Option<Decision> {
    let covered_granted = notice.purposes.iter().any(|p| is_gpc_covered(p.kind) && stored.granted(&p.id));
    if !covered_granted {
        return None;
    }
    let keep: Vec<Choice> = stored.choices.clone();
    let decision = decide(notice, &Action::Custom(keep), true, Some(stored));
    Some(Decision { method: Method::Gpc, ..decision })
}

/// Purposes granted in `previous` that `next` no longer grants (their cookies are cleared).
pub fn withdrawn(previous: Option<&ConsentRecord>, next: &Decision) -> Vec<String> {
    let Some(prev) = previous else { return Vec::new() };
    prev.choices.iter().filter(|(id, on)| *on && !next.granted(id)).map(|(id, _)| id.clone()).collect()
}

fn only_withdraws(prev: &ConsentRecord, next: &[Choice]) -> bool {
    let gains = next.iter().any(|(id, on)| *on && !prev.granted(id));
    let losses = next.iter().any(|(id, on)| !*on && prev.granted(id));
    losses && !gains
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::fixture::notice as policy;

    fn on(d: &Decision) -> Vec<&str> {
        d.choices.iter().filter(|(_, on)| *on).map(|(id, _)| id.as_str()).collect()
    }

    fn stored(d: &Decision) -> ConsentRecord {
        ConsentRecord {
            consent_id: "x".into(),
            policy_version: "2".into(),
            choices: d.choices.clone(),
            method: d.method,
            lang: "nl".into(),
            decided_at: 10,
            first_at: 10,
        }
    }

    #[test]
    fn only_browser_purposes_are_asked() {
        let p = policy();
        let ids: Vec<_> = p.purposes.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["analytics", "advertising", "remarketing", "audiences"]);
    }

    #[test]
    fn accept_all_grants_every_browser_purpose() {
        let d = decide(&policy(), &Action::AcceptAll, false, None);
        assert_eq!(on(&d), ["analytics", "advertising", "remarketing", "audiences"]);
        assert_eq!(d.method, Method::AcceptAll);
    }

    // C-A3: refusing is one action, like accepting.
    #[test]
    fn reject_all_grants_nothing() {
        let d = decide(&policy(), &Action::RejectAll, false, None);
        assert!(on(&d).is_empty());
        assert_eq!(d.choices.len(), 4);
        assert_eq!(d.method, Method::RejectAll);
    }

    // C-A2, C-A5: off by default; only what was switched on is granted.
    #[test]
    fn custom_grants_exactly_what_was_switched_on() {
        let d = decide(&policy(), &Action::Custom(vec![("analytics".into(), true), ("bogus".into(), true)]), false, None);
        assert_eq!(on(&d), ["analytics"]);
        assert_eq!(d.method, Method::Custom);
        let none = decide(&policy(), &Action::Custom(vec![]), false, None);
        assert!(on(&none).is_empty());
    }

    // C-B1
    #[test]
    fn gpc_keeps_advertising_remarketing_and_sharing_denied_and_says_so() {
        let d = decide(&policy(), &Action::AcceptAll, true, None);
        assert_eq!(on(&d), ["analytics"]);
        assert_eq!(d.method, Method::Gpc);
        let r = decide(&policy(), &Action::RejectAll, true, None);
        assert_eq!(r.method, Method::RejectAll);
        let c = decide(&policy(), &Action::Custom(vec![("analytics".into(), true)]), true, None);
        assert_eq!(c.method, Method::Custom);
        let forced = decide(&policy(), &Action::Custom(vec![("advertising".into(), true)]), true, None);
        assert!(on(&forced).is_empty());
        assert_eq!(forced.method, Method::Gpc);
    }

    // C-B1: a decision stored before GPC was switched on is narrowed at start.
    #[test]
    fn gpc_narrows_a_stored_grant() {
        let p = policy();
        let all = stored(&decide(&p, &Action::AcceptAll, false, None));
        let narrowed = gpc_narrowing(&p, &all).expect("narrowed");
        assert_eq!(on(&narrowed), ["analytics"]);
        assert_eq!(narrowed.method, Method::Gpc);
        let analytics_only = stored(&decide(&p, &Action::Custom(vec![("analytics".into(), true)]), false, None));
        assert_eq!(gpc_narrowing(&p, &analytics_only), None);
    }

    // C-A7
    #[test]
    fn turning_purposes_off_is_a_withdrawal_of_exactly_those() {
        let p = policy();
        let all = stored(&decide(&p, &Action::AcceptAll, false, None));
        let next = decide(&p, &Action::Custom(vec![("analytics".into(), true)]), false, Some(&all));
        assert_eq!(next.method, Method::Withdraw);
        assert_eq!(withdrawn(Some(&all), &next), ["advertising", "remarketing", "audiences"]);
        let swap = stored(&next);
        let other = decide(&p, &Action::Custom(vec![("advertising".into(), true)]), false, Some(&swap));
        assert_eq!(other.method, Method::Custom);
        assert_eq!(withdrawn(Some(&swap), &other), ["analytics"]);
        assert!(withdrawn(None, &other).is_empty());
        let rejected = decide(&p, &Action::RejectAll, false, Some(&all));
        assert_eq!(rejected.method, Method::RejectAll);
        assert_eq!(withdrawn(Some(&all), &rejected).len(), 4);
    }
}
