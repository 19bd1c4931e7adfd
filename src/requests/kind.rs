//! Request kinds (C-C1) and which of them count as direct marketing for objections (C-A11).

/// The request kinds live with the policy (the lower layer: its `rights.requests[].kind` names
/// them); the request rules use the same type. Which of them the law grants under a policy:
/// [`super::offered_kinds`] (C-C1).
pub use crate::policy::{is_direct_marketing, RequestKind, REQUEST_KINDS_ALL};

/// The objection target meaning "all direct marketing" (Art. 21(2)-(3), C-A11).
pub const DIRECT_MARKETING: &str = "direct_marketing";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PurposeKind;

    #[test]
    fn names_round_trip_and_match_the_policy_names() {
        // C-C1: all six kinds exist.
        for kind in REQUEST_KINDS_ALL {
            assert_eq!(RequestKind::from_name(kind.name()), Some(kind));
            // serde writes and reads the same names.
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
            assert_eq!(serde_json::from_str::<RequestKind>(&json).unwrap(), kind);
        }
        assert!(serde_json::from_str::<RequestKind>("\"delete\"").is_err());
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
