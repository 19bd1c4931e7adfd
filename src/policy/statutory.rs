//! The request kinds the law grants for the purposes a policy declares (GDPR Art. 15-21, C-C1),
//! as a rule on (legal basis, purpose kind) pairs: the request rules apply it to a read policy
//! (`crate::requests::granted_rights`), the policy lint to a document the strict reader refused.

use crate::prelude::*;

use super::model::{LegalBasis, PurposeKind, RequestKind, REQUEST_KINDS_ALL};

/// Why the law grants a kind for a policy (GDPR Art. 15-21).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ground {
    /// Access, rectification, erasure and restriction: always (Art. 15, 16, 17, 18).
    Always,
    /// Portability: some purpose rests on consent or contract, or its basis is not stated (Art. 20(1)(a)).
    ConsentOrContract,
    /// Objection: some purpose rests on legitimate interest or public task, is direct marketing,
    /// or its basis is not stated (Art. 21(1)-(2)).
    InterestOrMarketing,
}

/// Whether a purpose of this kind is direct marketing: an objection to direct marketing
/// switches every account opt-in of these kinds off at once (C-A11).
pub fn is_direct_marketing(kind: PurposeKind) -> bool {
    matches!(kind, PurposeKind::Newsletter | PurposeKind::ProductMail | PurposeKind::AudienceSharing)
}

/// The kinds the law grants when a policy's purposes have these (legal basis, kind) pairs, in
/// the widget's order ([`REQUEST_KINDS_ALL`]). Works on bare pairs so that the policy lint can
/// apply the very same rule to a document the strict reader refused.
pub fn statutory_kinds_for(purposes: impl IntoIterator<Item = (LegalBasis, PurposeKind)>) -> Vec<(RequestKind, Ground)> {
    let (mut portable, mut objectable) = (false, false);
    for (basis, kind) in purposes {
        let unstated = basis == LegalBasis::Unspecified;
        portable |= unstated || matches!(basis, LegalBasis::Consent | LegalBasis::Contract);
        // The model has no public-task basis (no seed company is a public body); legitimate
        // interest and direct marketing cover the private sector's Art. 21 cases.
        objectable |= unstated || basis == LegalBasis::LegitimateInterest || is_direct_marketing(kind);
    }
    REQUEST_KINDS_ALL
        .into_iter()
        .filter_map(|kind| {
            let ground = match kind {
                RequestKind::Export if portable => Ground::ConsentOrContract,
                RequestKind::Objection if objectable => Ground::InterestOrMarketing,
                RequestKind::Export | RequestKind::Objection => return None,
                _ => Ground::Always,
            };
            Some((kind, ground))
        })
        .collect()
}
