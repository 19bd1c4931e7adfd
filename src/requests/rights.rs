//! The request kinds the law grants for a policy (C-C1): not the ones a statement happens to
//! mention. A statement's `rights` section adds channels, a shorter term and wording; it never
//! takes a right away, and a kind it does not mention still works with the statutory term (one
//! month, Art. 12(3)).

use crate::prelude::*;

use super::kind::RequestKind;
use crate::policy::{statutory_kinds_for, Ground, Policy, RequestOffer};

/// One kind the law grants, with the statement's own offer of it when it makes one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GrantedRight<'p> {
    /// The request kind the law grants.
    pub kind: RequestKind,
    /// Why the law grants it for this policy.
    pub ground: Ground,
    /// The statement's offer (wording, a shorter term, consequences); `None` when the statement
    /// does not mention the kind: it works all the same, with the statutory term.
    pub offer: Option<&'p RequestOffer>,
}

/// The kinds the law grants under `policy`, each with the statement's offer if any (C-C1).
pub fn granted_rights(policy: &Policy) -> Vec<GrantedRight<'_>> {
    statutory_kinds_for(policy.purposes.iter().map(|p| (p.legal_basis, p.kind)))
        .into_iter()
        .map(|(kind, ground)| GrantedRight { kind, ground, offer: policy.request_offer(kind) })
        .collect()
}

/// The kinds the widget offers and the server accepts under `policy`: every kind the law
/// grants, whatever the statement mentions (C-C1).
pub fn offered_kinds(policy: &Policy) -> Vec<RequestKind> {
    granted_rights(policy).into_iter().map(|r| r.kind).collect()
}

/// Whether the law grants `kind` under `policy` (the server's check of a filed request).
pub fn is_granted(policy: &Policy, kind: RequestKind) -> bool {
    offered_kinds(policy).contains(&kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{LegalBasis, PurposeKind, REQUEST_KINDS_ALL};
    use LegalBasis as B;
    use PurposeKind as K;
    use RequestKind::*;

    fn kinds(pairs: &[(LegalBasis, PurposeKind)]) -> Vec<RequestKind> {
        statutory_kinds_for(pairs.iter().copied()).into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn c_c1_four_rights_always_even_without_purposes() {
        assert_eq!(kinds(&[]), vec![Access, Rectification, Erasure, Restriction]);
        assert_eq!(kinds(&[(B::LegalObligation, K::Legal)]), vec![Access, Rectification, Erasure, Restriction]);
    }

    #[test]
    fn c_c1_portability_on_consent_or_contract() {
        assert_eq!(kinds(&[(B::Contract, K::Service)]), vec![Access, Export, Rectification, Erasure, Restriction]);
        assert_eq!(kinds(&[(B::Consent, K::Analytics)]), vec![Access, Export, Rectification, Erasure, Restriction]);
    }

    #[test]
    fn c_c1_objection_on_legitimate_interest_or_direct_marketing() {
        assert_eq!(kinds(&[(B::LegitimateInterest, K::Security)]), vec![Access, Rectification, Erasure, Restriction, Objection]);
        // A newsletter on consent is direct marketing: both portability and objection.
        assert_eq!(kinds(&[(B::Consent, K::Newsletter)]), REQUEST_KINDS_ALL.to_vec());
        assert_eq!(kinds(&[(B::Consent, K::AudienceSharing)]), REQUEST_KINDS_ALL.to_vec());
    }

    #[test]
    fn c_c1_an_unstated_basis_gives_both() {
        let got = statutory_kinds_for([(B::Unspecified, K::Other)]);
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), REQUEST_KINDS_ALL.to_vec());
        assert!(got.contains(&(Export, Ground::ConsentOrContract)));
        assert!(got.contains(&(Objection, Ground::InterestOrMarketing)));
    }
}
