//! Request kinds (C-C1) and which of them count as direct marketing for objections (C-A11).

use crate::prelude::*;

use crate::policy::{Policy, PurposeKind, RequestKindName, RequestOffer};

/// What a data subject asks for (GDPR Art. 15-21, C-C1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RequestKind {
    /// A copy of the data and the facts about its processing (Art. 15, C-C4).
    Access,
    /// The data the subject provided, machine-readable (Art. 20, C-C5).
    Export,
    /// Correcting one field (Art. 16, C-C7).
    Rectification,
    /// Deleting everything that may be deleted (Art. 17, C-C6).
    Erasure,
    /// Keeping the data but no longer using it (Art. 18).
    Restriction,
    /// Stopping processing for a purpose, or all direct marketing (Art. 21).
    Objection,
}

/// Every kind in the order the widget lists them.
pub const REQUEST_KINDS_ALL: [RequestKind; 6] = [
    RequestKind::Access,
    RequestKind::Export,
    RequestKind::Rectification,
    RequestKind::Erasure,
    RequestKind::Restriction,
    RequestKind::Objection,
];

impl RequestKind {
    /// The wire name (`"erasure"`), the same as the policy's `rights.requests[].kind`.
    pub fn name(self) -> &'static str {
        RequestKindName::from(self).name()
    }

    /// Reads a wire name.
    pub fn from_name(name: &str) -> Option<RequestKind> {
        REQUEST_KINDS_ALL.into_iter().find(|k| k.name() == name)
    }

    /// The policy's offer of this kind, if the site offers it.
    pub fn offer(self, policy: &Policy) -> Option<&RequestOffer> {
        let wanted = RequestKindName::from(self);
        policy.rights.requests.iter().find(|o| o.kind == wanted)
    }

    /// Whether completing a request of this kind hands the subject a data package.
    pub fn yields_package(self) -> bool {
        matches!(self, RequestKind::Access | RequestKind::Export)
    }
}

impl From<RequestKindName> for RequestKind {
    fn from(name: RequestKindName) -> RequestKind {
        match name {
            RequestKindName::Access => RequestKind::Access,
            RequestKindName::Export => RequestKind::Export,
            RequestKindName::Rectification => RequestKind::Rectification,
            RequestKindName::Erasure => RequestKind::Erasure,
            RequestKindName::Restriction => RequestKind::Restriction,
            RequestKindName::Objection => RequestKind::Objection,
        }
    }
}

impl From<RequestKind> for RequestKindName {
    fn from(kind: RequestKind) -> RequestKindName {
        match kind {
            RequestKind::Access => RequestKindName::Access,
            RequestKind::Export => RequestKindName::Export,
            RequestKind::Rectification => RequestKindName::Rectification,
            RequestKind::Erasure => RequestKindName::Erasure,
            RequestKind::Restriction => RequestKindName::Restriction,
            RequestKind::Objection => RequestKindName::Objection,
        }
    }
}

/// The kinds the site's policy offers, in the policy's order.
pub fn offered_kinds(policy: &Policy) -> Vec<RequestKind> {
    policy.rights.requests.iter().map(|o| RequestKind::from(o.kind)).collect()
}

/// The objection target meaning "all direct marketing" (Art. 21(2)-(3), C-A11).
pub const DIRECT_MARKETING: &str = "direct_marketing";

/// Whether a purpose of this kind is direct marketing: an objection to direct marketing
/// switches every account opt-in of these kinds off at once (C-A11).
pub fn is_direct_marketing(kind: PurposeKind) -> bool {
    matches!(kind, PurposeKind::Newsletter | PurposeKind::ProductMail | PurposeKind::AudienceSharing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_the_policy_names() {
        // C-C1: all six kinds exist.
        for kind in REQUEST_KINDS_ALL {
            assert_eq!(RequestKind::from_name(kind.name()), Some(kind));
            assert_eq!(RequestKind::from(RequestKindName::from(kind)), kind);
        }
        assert_eq!(RequestKind::from_name("delete"), None);
        assert_eq!(RequestKind::Erasure.name(), "erasure");
    }

    #[test]
    fn direct_marketing_kinds() {
        assert!(is_direct_marketing(PurposeKind::Newsletter));
        assert!(is_direct_marketing(PurposeKind::ProductMail));
        assert!(is_direct_marketing(PurposeKind::AudienceSharing));
        assert!(!is_direct_marketing(PurposeKind::SupportAccess));
        assert!(!is_direct_marketing(PurposeKind::Billing));
    }
}
