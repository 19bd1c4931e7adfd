//! A small policy for the consent tests: essential, analytics, advertising, remarketing and
//! audience sharing on the browser, a newsletter on the account, and four tracking services.

use crate::policy::*;

fn text(s: &str) -> Text {
    Text::Plain(s.to_string())
}

fn purpose(id: &str, kind: PurposeKind, consent: ConsentScope) -> Purpose {
    Purpose {
        id: id.into(),
        kind,
        label: text(id),
        description: None,
        legitimate_interest: None,
        legal_basis: if consent == ConsentScope::None { LegalBasis::Contract } else { LegalBasis::Consent },
        categories: vec![],
        recipients: vec![],
        retention: RetentionRule::Unspecified { note: text("-") },
        consent,
        eligible_plans: vec![],
    }
}

fn service(id: &str, purpose: &str, vendor: Vendor, cookies: &[&str]) -> TrackingService {
    TrackingService {
        id: id.into(),
        name: text(id),
        purposes: vec![purpose.into()],
        recipient: None,
        vendor,
        domains: vec![],
        pages: vec![],
        cookies: cookies
            .iter()
            .map(|c| CookieSpec { name: c.to_string(), lifetime: None, description: None })
            .collect(),
        storage: vec![],
        description: None,
    }
}

pub fn policy() -> Policy {
    Policy {
        site: "demo".into(),
        version: "2".into(),
        date: Date { year: 2025, month: 1, day: 1 },
        languages: vec!["nl".into()],
        controller: Controller {
            name: text("Demo BV"),
            address: None,
            email: None,
            phone: None,
            website: None,
            registration: None,
            supervisory_authority: Authority { name: text("AP"), website: None },
        },
        plans: vec![],
        categories: vec![],
        recipients: vec![],
        purposes: vec![
            purpose("essential", PurposeKind::Essential, ConsentScope::None),
            purpose("analytics", PurposeKind::Analytics, ConsentScope::Browser),
            purpose("advertising", PurposeKind::Advertising, ConsentScope::Browser),
            purpose("remarketing", PurposeKind::PersonalisedAds, ConsentScope::Browser),
            purpose("audiences", PurposeKind::AudienceSharing, ConsentScope::Browser),
            purpose("newsletter", PurposeKind::Newsletter, ConsentScope::Account),
        ],
        tracking: vec![
            service("ga", "analytics", Vendor::Google, &["_ga", "_ga_*"]),
            service("gads", "advertising", Vendor::Google, &["_gcl_au"]),
            service("bing", "advertising", Vendor::Microsoft, &["_uetsid", "_uetvid"]),
            service("fb", "remarketing", Vendor::Meta, &["_fbp"]),
        ],
        rights: Rights { requests: vec![], how: None, breach_notification: None, processor_agreement: None },
        notes: vec![],
        disclosures: Default::default(),
    }
}

/// The fixture policy's consent notice (Dutch).
pub fn notice() -> super::Notice {
    super::Notice::compile(&policy(), crate::i18n::Lang::Nl)
}
