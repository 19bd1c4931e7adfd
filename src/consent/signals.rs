//! Signal mapping: Google Consent Mode v2 (C-B2), the vendor consent calls (Meta, Microsoft),
//! and the wildcard and domain rules used to clear a withdrawn purpose's cookies (C-A7).

use crate::prelude::*;

use super::notice::Notice;
use super::record::{pieces, split_at_byte};
use crate::policy::{PurposeKind, Vendor};

/// The seven Consent Mode v2 types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentModeType {
    /// `ad_storage`: cookies for advertising.
    AdStorage,
    /// `ad_user_data`: sending user data to the vendor for advertising.
    AdUserData,
    /// `ad_personalization`: personalised advertising (remarketing).
    AdPersonalization,
    /// `analytics_storage`: cookies for analytics, such as visit duration.
    AnalyticsStorage,
    /// `functionality_storage`: storage that supports the site's functions, such as language settings.
    FunctionalityStorage,
    /// `personalization_storage`: storage for personalisation, such as recommendations.
    PersonalizationStorage,
    /// `security_storage`: storage for security, such as authentication and fraud prevention.
    SecurityStorage,
}

impl ConsentModeType {
    /// The key used in `gtag('consent', …)`.
    pub fn name(self) -> &'static str {
        match self {
            ConsentModeType::AdStorage => "ad_storage",
            ConsentModeType::AdUserData => "ad_user_data",
            ConsentModeType::AdPersonalization => "ad_personalization",
            ConsentModeType::AnalyticsStorage => "analytics_storage",
            ConsentModeType::FunctionalityStorage => "functionality_storage",
            ConsentModeType::PersonalizationStorage => "personalization_storage",
            ConsentModeType::SecurityStorage => "security_storage",
        }
    }
}

/// The default the loader pushes before any tag runs (C-B2): every advertising and analytics
/// type denied, functionality (essential) and security granted, personalisation denied.
pub const CONSENT_MODE_DEFAULT: &[(ConsentModeType, bool)] = &[
    (ConsentModeType::AdStorage, false),
    (ConsentModeType::AdUserData, false),
    (ConsentModeType::AdPersonalization, false),
    (ConsentModeType::AnalyticsStorage, false),
    (ConsentModeType::FunctionalityStorage, true),
    (ConsentModeType::PersonalizationStorage, false),
    (ConsentModeType::SecurityStorage, true),
];

/// The `gtag('consent','update', …)` entries for a decision (C-B2): analytics →
/// `analytics_storage`; advertising → `ad_storage` + `ad_user_data`; personalised ads →
/// `ad_personalization`. A type is granted only when the policy has a browser purpose of its
/// kind and every such purpose is granted.
pub fn consent_mode_update(notice: &Notice, granted: &dyn Fn(&str) -> bool) -> [(ConsentModeType, bool); 4] {
    let kind_granted = |kind: PurposeKind| {
        let mut any = false;
        for p in notice.purposes.iter().filter(|p| p.kind == kind) {
            if !granted(&p.id) {
                return false;
            }
            any = true;
        }
        any
    };
    let analytics = kind_granted(PurposeKind::Analytics);
    let ads = kind_granted(PurposeKind::Advertising);
    let personalised = kind_granted(PurposeKind::PersonalisedAds);
    [
        (ConsentModeType::AnalyticsStorage, analytics),
        (ConsentModeType::AdStorage, ads),
        (ConsentModeType::AdUserData, ads),
        (ConsentModeType::AdPersonalization, personalised),
    ]
}

/// Whether a vendor's consent call should say "granted": `None` when the policy lists no
/// service of that vendor, else whether every one of its services' purposes is granted.
pub fn vendor_granted(notice: &Notice, vendor: Vendor, granted: &dyn Fn(&str) -> bool) -> Option<bool> {
    let mut services = notice.services.iter().filter(|s| s.vendor == vendor).peekable();
    services.peek()?;
    Some(services.all(|s| s.may_run(granted)))
}

/// Matches a cookie or storage key against a pattern where `*` stands for any run of characters.
/// (Byte-wise with backtracking to the last `*`: no slicing, so no panic paths in the wasm.)
pub fn wildcard_match(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    let (mut pi, mut ni) = (0, 0);
    // Where the last `*` was and the name position it matched up to.
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = n.get(ni) {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&want) if want == c => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p.iter().skip(pi).all(|&c| c == b'*')
}

/// The domains a cookie of `host` may have been set on: the host itself and each parent
/// domain (`www.shop.example.nl` → itself, `shop.example.nl`, `example.nl`). An IP address or
/// a single-label host gives just itself.
pub fn parent_domains(host: &str) -> Vec<String> {
    let host = super::record::trim_end_byte(host, b'.').to_ascii_lowercase();
    // Byte scans (`pieces`, `split_at_byte`): `str::contains(char)` brings in the whole
    // substring searcher, `str::split(char)` and `Vec::insert` index panics (and so integer
    // formatting) into the wasm.
    let is_ip = host.as_bytes().contains(&b':') || pieces(&host, b'.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()));
    if is_ip || !host.as_bytes().contains(&b'.') {
        return vec![host];
    }
    // The host, then what follows each dot while that still has a dot.
    let mut out = vec![host.clone()];
    let mut rest = host.as_str();
    while let Some((_, tail)) = split_at_byte(rest, b'.') {
        if !tail.as_bytes().contains(&b'.') {
            break;
        }
        out.push(tail.to_string());
        rest = tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::fixture::{notice, policy};
    use crate::consent::Notice;
    use crate::i18n::Lang;

    fn granted_set(ids: &'static [&'static str]) -> impl Fn(&str) -> bool {
        move |p: &str| ids.contains(&p)
    }

    fn update(ids: &'static [&'static str]) -> Vec<(&'static str, bool)> {
        consent_mode_update(&notice(), &granted_set(ids)).iter().map(|(t, on)| (t.name(), *on)).collect()
    }

    // C-B2
    #[test]
    fn default_has_all_seven_types_with_ads_and_analytics_denied() {
        let names: Vec<_> = CONSENT_MODE_DEFAULT.iter().map(|(t, _)| t.name()).collect();
        assert_eq!(names.len(), 7);
        for (t, on) in CONSENT_MODE_DEFAULT {
            let expect = matches!(t, ConsentModeType::SecurityStorage | ConsentModeType::FunctionalityStorage);
            assert_eq!(*on, expect, "{}", t.name());
        }
    }

    // C-B2: the loader pushes exactly this default.
    #[test]
    fn the_loader_pushes_the_same_default() {
        let loader = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/js/loader.js")).expect("js/loader.js");
        for (t, on) in CONSENT_MODE_DEFAULT {
            let mut expect = String::from(t.name());
            expect.push_str(if *on { ":G" } else { ":D" });
            assert!(loader.contains(&expect), "loader.js lacks {expect}");
        }
        assert!(loader.contains("wait_for_update"));
    }

    // C-B2
    #[test]
    fn consent_mode_maps_purpose_kinds_to_types() {
        assert_eq!(
            update(&["analytics"]),
            [("analytics_storage", true), ("ad_storage", false), ("ad_user_data", false), ("ad_personalization", false)]
        );
        assert_eq!(
            update(&["advertising"]),
            [("analytics_storage", false), ("ad_storage", true), ("ad_user_data", true), ("ad_personalization", false)]
        );
        assert_eq!(
            update(&["remarketing"]),
            [("analytics_storage", false), ("ad_storage", false), ("ad_user_data", false), ("ad_personalization", true)]
        );
        assert!(update(&[]).iter().all(|(_, on)| !on));
        assert!(update(&["analytics", "advertising", "remarketing", "audiences"]).iter().all(|(_, on)| *on));
    }

    // C-B2: a kind the policy does not have is never granted.
    #[test]
    fn missing_kinds_stay_denied() {
        let mut p = policy();
        p.purposes.retain(|p| p.kind != PurposeKind::PersonalisedAds);
        let all = |_: &str| true;
        let u = consent_mode_update(&Notice::compile(&p, Lang::Nl), &all);
        assert_eq!(u[3], (ConsentModeType::AdPersonalization, false));
        assert_eq!(u[0], (ConsentModeType::AnalyticsStorage, true));
    }

    // C-A7: Meta and Microsoft follow their services' purposes.
    #[test]
    fn vendor_signals_follow_their_services() {
        let p = notice();
        assert_eq!(vendor_granted(&p, Vendor::Meta, &granted_set(&["remarketing"])), Some(true));
        assert_eq!(vendor_granted(&p, Vendor::Meta, &granted_set(&["analytics"])), Some(false));
        assert_eq!(vendor_granted(&p, Vendor::Microsoft, &granted_set(&["advertising"])), Some(true));
        assert_eq!(vendor_granted(&p, Vendor::Google, &granted_set(&["advertising"])), Some(false));
        assert_eq!(vendor_granted(&p, Vendor::Other, &granted_set(&["advertising"])), None);
    }

    #[test]
    fn a_service_of_several_purposes_needs_every_one() {
        let mut p = policy();
        let fb = p.tracking.iter_mut().find(|s| s.id == "fb").unwrap();
        fb.purposes = vec!["advertising".into(), "remarketing".into()];
        let p = Notice::compile(&p, Lang::Nl);
        let fb = p.services.iter().find(|s| s.id == "fb").unwrap();
        assert!(fb.serves("advertising") && fb.serves("remarketing"));
        assert_eq!(p.services_for("advertising").filter(|s| s.id == "fb").count(), 1, "listed under each purpose");
        assert_eq!(vendor_granted(&p, Vendor::Meta, &granted_set(&["remarketing"])), Some(false));
        assert_eq!(vendor_granted(&p, Vendor::Meta, &granted_set(&["advertising"])), Some(false));
        assert_eq!(vendor_granted(&p, Vendor::Meta, &granted_set(&["advertising", "remarketing"])), Some(true));
    }

    #[test]
    fn wildcards_match_cookie_names() {
        assert!(wildcard_match("_ga", "_ga"));
        assert!(!wildcard_match("_ga", "_gat"));
        assert!(wildcard_match("_ga_*", "_ga_ABC123"));
        assert!(!wildcard_match("_ga_*", "_ga"));
        assert!(wildcard_match("*", "anything"));
        assert!(wildcard_match("_hj*Session*", "_hjSessionUser_1"));
        assert!(!wildcard_match("a*b*c", "acb"));
        assert!(wildcard_match("a*a", "aa"));
        assert!(!wildcard_match("ab*ba", "aba"));
    }

    #[test]
    fn parent_domains_cover_the_host_and_its_parents() {
        assert_eq!(parent_domains("www.pcextreme.nl"), ["www.pcextreme.nl", "pcextreme.nl"]);
        assert_eq!(parent_domains("a.b.example.co.uk").len(), 4);
        assert_eq!(parent_domains("localhost"), ["localhost"]);
        assert_eq!(parent_domains("127.0.0.1"), ["127.0.0.1"]);
        assert_eq!(parent_domains("[::1]"), ["[::1]"]);
        assert_eq!(parent_domains("Shop.Example.NL."), ["shop.example.nl", "example.nl"]);
        assert_eq!(parent_domains("a..b.nl"), ["a..b.nl", ".b.nl", "b.nl"]);
        assert_eq!(parent_domains("1.2.3.4.nl"), ["1.2.3.4.nl", "2.3.4.nl", "3.4.nl", "4.nl"]);
        assert_eq!(parent_domains("1..2"), ["1..2", ".2"]);
        assert_eq!(parent_domains(""), [""]);
    }
}
