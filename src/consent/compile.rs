//! From a validated policy to its consent [`Notice`] in one language (run by the backend, and
//! natively in the tests; the marketing-page wasm never needs it).

use super::notice::{Notice, NoticeCookie, NoticePurpose, NoticeRecipient, NoticeService};
use crate::i18n::{t, Lang};
use crate::policy::{period_words, ConsentScope, Policy, Purpose};

impl Notice {
    /// The language a notice for `requested` (a tag such as `en-GB`, or empty) is given in:
    /// the requested one when the widget speaks it and the policy has texts in it, else the
    /// policy's default language when the widget speaks that, else Dutch.
    pub fn language_for(policy: &Policy, requested: &str) -> Lang {
        let requested = Lang::from_tag(requested).filter(|l| policy.languages.iter().any(|p| p == l.tag()));
        requested.or_else(|| Lang::from_tag(policy.default_language())).unwrap_or(Lang::Nl)
    }

    /// The browser-consent part of `policy`, every text in `lang` (falling back to the
    /// policy's default language where a text lacks it).
    pub fn compile(policy: &Policy, lang: Lang) -> Notice {
        let tag = lang.tag();
        let c = &policy.controller;
        Notice {
            site: policy.site.clone(),
            version: policy.version.clone(),
            lang: tag.to_string(),
            controller: policy.text(&c.name, tag).to_string(),
            contact: [c.email.as_ref(), c.website.as_ref()].into_iter().flatten().cloned().collect(),
            purposes: policy
                .purposes
                .iter()
                .filter(|p| p.consent == ConsentScope::Browser)
                .map(|p| purpose(policy, p, lang))
                .collect(),
            services: policy
                .tracking
                .iter()
                .map(|s| NoticeService {
                    id: s.id.clone(),
                    name: policy.text(&s.name, tag).to_string(),
                    vendor: s.vendor,
                    purposes: s.purposes.clone(),
                    cookies: s
                        .cookies
                        .iter()
                        .map(|c| NoticeCookie {
                            name: c.name.clone(),
                            lifetime: match c.lifetime {
                                Some(p) => period_words(p, lang),
                                None => t(lang, "consent.session").to_string(),
                            },
                        })
                        .collect(),
                    storage: s.storage.clone(),
                })
                .collect(),
        }
    }
}

fn purpose(policy: &Policy, p: &Purpose, lang: Lang) -> NoticePurpose {
    let tag = lang.tag();
    let mut ids: Vec<&str> = p.recipients.iter().map(String::as_str).collect();
    for s in policy.tracking_for(&p.id) {
        if let Some(r) = s.recipient.as_deref() {
            if !ids.contains(&r) {
                ids.push(r);
            }
        }
    }
    NoticePurpose {
        id: p.id.clone(),
        kind: p.kind,
        label: policy.text(&p.label, tag).to_string(),
        description: p.description.as_ref().map(|d| policy.text(d, tag).to_string()),
        retention: p.retention.sentence(lang, policy),
        recipients: ids
            .into_iter()
            .filter_map(|id| policy.recipient(id))
            .map(|r| NoticeRecipient {
                id: r.id.clone(),
                name: policy.text(&r.name, tag).to_string(),
                country: r.country.clone(),
                location: r.outside_eu,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::fixture::policy;
    use crate::policy::{parse_policy, Location, Vendor};

    fn seed(site: &str) -> Policy {
        let path = format!("{}/www/policies/{site}.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("seed policy");
        parse_policy(&text).expect("valid seed")
    }

    #[test]
    fn asks_only_about_browser_purposes_in_policy_order() {
        let n = Notice::compile(&policy(), Lang::Nl);
        let ids: Vec<_> = n.purposes.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["analytics", "advertising", "remarketing", "audiences"]);
        assert_eq!(n.services.len(), policy().tracking.len());
    }

    #[test]
    fn pcextreme_in_dutch_and_english_renders_lifetimes_recipients_and_retention() {
        let p = seed("pcextreme");
        let nl = Notice::compile(&p, Lang::Nl);
        let en = Notice::compile(&p, Lang::En);
        assert_eq!((nl.lang.as_str(), en.lang.as_str()), ("nl", "en"));
        assert_eq!(nl.version, p.version);
        let ga_nl = nl.services.iter().find(|s| s.cookies.iter().any(|c| c.name == "_ga")).expect("a service sets _ga");
        let ga_en = en.services.iter().find(|s| s.id == ga_nl.id).expect("same service in en");
        assert_eq!(ga_nl.vendor, Vendor::Google);
        let lifetime = |s: &NoticeService| s.cookies.iter().find(|c| c.name == "_ga").map(|c| c.lifetime.clone());
        assert_eq!(lifetime(ga_nl).as_deref(), Some("2 jaar"));
        assert_eq!(lifetime(ga_en).as_deref(), Some("2 years"));
        // Every purpose names its services' recipients too, once each.
        for purpose in &nl.purposes {
            for s in nl.services_for(&purpose.id) {
                if let Some(r) = p.tracking_service(&s.id).and_then(|t| t.recipient.as_deref()) {
                    assert_eq!(purpose.recipients.iter().filter(|x| x.id == r).count(), 1, "{} lists {r} once", purpose.id);
                }
            }
            assert!(!purpose.retention.is_empty(), "{} has a retention sentence", purpose.id);
        }
        assert!(nl.purposes.iter().flat_map(|p| &p.recipients).any(|r| r.location == Location::OutsideEu));
    }

    #[test]
    fn the_language_is_the_requested_one_only_when_the_policy_has_it() {
        let pcx = seed("pcextreme");
        let webhost = seed("webhost");
        assert_eq!(Notice::language_for(&pcx, "en-GB"), Lang::En);
        assert_eq!(Notice::language_for(&pcx, ""), Lang::Nl);
        assert_eq!(Notice::language_for(&pcx, "fr"), Lang::Nl);
        assert_eq!(Notice::language_for(&webhost, "en"), Lang::Nl, "webhost's policy is Dutch only");
    }

    #[test]
    fn every_seed_compiles_and_reads_back_unchanged() {
        for site in ["host-tracker", "webhost", "pcextreme", "webanizr", "manetti"] {
            let p = seed(site);
            for lang in [Lang::Nl, Lang::En] {
                let n = Notice::compile(&p, Notice::language_for(&p, lang.tag()));
                assert_eq!(Notice::read(&n.to_json()), Ok(n.clone()), "{site} {}", lang.tag());
            }
        }
    }
}
