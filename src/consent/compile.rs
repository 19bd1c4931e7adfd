//! From a validated policy to its consent [`Notice`] in one language (run by the backend, and
//! natively in the tests; the marketing-page wasm never needs it). Every text the banner and
//! the dialog show is taken from the i18n catalog here and composed (banner sentence,
//! recipient and service lines), so the wasm only places strings.

use crate::prelude::*;

use super::notice::{Notice, NoticeLine, NoticePurpose, NoticeService, UiText, UI_NAMES};
use crate::i18n::{fill, t, Lang};
use crate::policy::{period_words, ConsentScope, Location, Policy, Purpose, TrackingService};

/// The catalog key of each [`UiText`], in [`UI_NAMES`] order.
const UI_KEYS: [&str; UI_NAMES.len()] = [
    "consent.banner.label",
    "consent.banner.title",
    "consent.banner.text",
    "consent.accept_all",
    "consent.reject_all",
    "consent.settings",
    "consent.close",
    "consent.gpc_note",
    "consent.gpc_locked",
    "consent.dialog.title",
    "consent.dialog.intro",
    "action.close",
    "consent.save",
    "consent.essential",
    "consent.essential.text",
    "consent.always_on",
    "consent.consent_cookie",
    "consent.controller",
    "consent.retention",
    "consent.recipients",
    "consent.services",
    "consent.saved",
    "consent.open_button",
];

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
        let controller = policy.text(&c.name, tag).to_string();
        let mut controller_line = controller.clone();
        for extra in [c.email.as_ref(), c.website.as_ref()].into_iter().flatten() {
            controller_line.push_str(" \u{b7} ");
            controller_line.push_str(extra);
        }
        let purposes: Vec<NoticePurpose> = policy
            .purposes
            .iter()
            .filter(|p| p.consent == ConsentScope::Browser)
            .map(|p| purpose(policy, p, lang))
            .collect();
        let labels: Vec<&str> = purposes.iter().map(|p| p.label.as_str()).collect();
        let ui = UI_KEYS
            .iter()
            .enumerate()
            .map(|(i, key)| match i {
                i if i == UiText::BannerText as usize => {
                    fill(t(lang, key), &[("controller", &controller), ("purposes", &labels.join(", "))])
                }
                i if i == UiText::ConsentCookie as usize => {
                    let months = if lang == Lang::Nl { "maanden)" } else { "months)" };
                    ["\u{20}\u{2014} ", t(lang, key), " (13 ", months].concat()
                }
                _ => t(lang, key).to_string(),
            })
            .collect();
        Notice {
            site: policy.site.clone(),
            version: policy.version.clone(),
            lang: tag.to_string(),
            controller,
            controller_line,
            ui,
            purposes,
            services: policy
                .tracking
                .iter()
                .map(|s| NoticeService {
                    id: s.id.clone(),
                    vendor: s.vendor,
                    purposes: s.purposes.clone(),
                    cookies: s.cookies.iter().map(|c| c.name.clone()).collect(),
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
            .map(|r| {
                let location = match r.outside_eu {
                    Location::OutsideEu => Some(t(lang, "consent.outside_eu")),
                    Location::Unknown => Some(t(lang, "consent.location_unknown")),
                    Location::InsideEu => None,
                };
                let notes: Vec<&str> = r.country.as_deref().into_iter().chain(location).collect();
                let mut text = policy.text(&r.name, tag).to_string();
                if !notes.is_empty() {
                    text = [text.as_str(), " (", &notes.join(", "), ")"].concat();
                }
                NoticeLine { id: r.id.clone(), text }
            })
            .collect(),
        services: policy.tracking_for(&p.id).map(|s| service_line(policy, s, lang)).collect(),
    }
}

/// `Google Analytics — Cookies: _ga (2 jaar), _gid (1 dag)`.
fn service_line(policy: &Policy, s: &TrackingService, lang: Lang) -> NoticeLine {
    let mut text = policy.text(&s.name, lang.tag()).to_string();
    if !s.cookies.is_empty() {
        text.push_str(" \u{2014} ");
        text.push_str(t(lang, "consent.cookies"));
        text.push_str(": ");
        for (i, c) in s.cookies.iter().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            text.push_str(&c.name);
            text.push_str(" (");
            match c.lifetime {
                Some(p) => text.push_str(&period_words(p, lang)),
                None => text.push_str(t(lang, "consent.session")),
            }
            text.push(')');
        }
    }
    NoticeLine { id: s.id.clone(), text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::fixture::policy;
    use crate::policy::parse_policy;
    use crate::policy::Vendor;

    fn seed(site: &str) -> Policy {
        let path = format!("{}/www/policies/{site}.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("seed policy");
        parse_policy(&text).expect("valid seed")
    }

    fn line<'a>(lines: &'a [NoticeLine], id: &str) -> &'a str {
        lines.iter().find(|l| l.id == id).map(|l| l.text.as_str()).unwrap_or_else(|| panic!("a line {id}"))
    }

    #[test]
    fn asks_only_about_browser_purposes_in_policy_order() {
        let n = Notice::compile(&policy(), Lang::Nl);
        let ids: Vec<_> = n.purposes.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["analytics", "advertising", "remarketing", "audiences"]);
        assert_eq!(n.services.len(), policy().tracking.len());
    }

    #[test]
    fn every_ui_text_is_the_catalog_text_in_the_notice_language() {
        assert_eq!(UI_KEYS.len(), UiText::OpenButton as usize + 1, "one key per UiText");
        for key in UI_KEYS {
            for lang in [Lang::Nl, Lang::En] {
                assert_ne!(t(lang, key), key, "{key} is in the {} catalog", lang.tag());
            }
        }
        let n = Notice::compile(&seed("pcextreme"), Lang::En);
        assert_eq!(n.ui.len(), UI_NAMES.len());
        assert_eq!(n.text(UiText::AcceptAll), "Accept all");
        assert_eq!(n.text(UiText::Close), "Close");
        assert_eq!(n.text(UiText::Dismiss), "Close without choosing (no consent)");
        assert_eq!(n.text(UiText::OpenButton), "Privacy settings");
        assert_eq!(n.text(UiText::ConsentCookie), " \u{2014} remembers your privacy choice (13 months)");
        let nl = Notice::compile(&seed("pcextreme"), Lang::Nl);
        assert_eq!(nl.text(UiText::ConsentCookie), " \u{2014} onthoudt je privacykeuze (13 maanden)");
        assert_eq!(nl.text(UiText::Saved), "Voorkeuren opgeslagen");
        let banner = nl.text(UiText::BannerText);
        let labels: Vec<&str> = nl.purposes.iter().map(|p| p.label.as_str()).collect();
        assert!(banner.starts_with(&format!("{} gebruikt alleen met jouw toestemming", nl.controller)), "{banner}");
        assert!(banner.contains(&format!(": {}. Zonder", labels.join(", "))), "{banner}");
    }

    #[test]
    fn pcextreme_in_dutch_and_english_composes_lifetimes_recipients_and_retention() {
        let p = seed("pcextreme");
        let nl = Notice::compile(&p, Lang::Nl);
        let en = Notice::compile(&p, Lang::En);
        assert_eq!((nl.lang.as_str(), en.lang.as_str()), ("nl", "en"));
        assert_eq!(nl.version, p.version);
        let ga = nl.services.iter().find(|s| s.cookies.iter().any(|c| c == "_ga")).expect("a service sets _ga");
        assert_eq!(ga.vendor, Vendor::Google);
        let analytics = |n: &Notice| line(&n.purposes[0].services, &ga.id).to_string();
        assert!(analytics(&nl).contains(" \u{2014} Cookies: _ga (2 jaar)"), "{}", analytics(&nl));
        assert!(analytics(&en).contains(" \u{2014} Cookies: _ga (2 years)"), "{}", analytics(&en));
        // Every purpose names its services' recipients too, once each, and lists its services.
        for purpose in &nl.purposes {
            let serving: Vec<&str> = nl.services_for(&purpose.id).map(|s| s.id.as_str()).collect();
            let listed: Vec<&str> = purpose.services.iter().map(|s| s.id.as_str()).collect();
            assert_eq!(listed, serving, "{}", purpose.id);
            for s in nl.services_for(&purpose.id) {
                if let Some(r) = p.tracking_service(&s.id).and_then(|t| t.recipient.as_deref()) {
                    assert_eq!(purpose.recipients.iter().filter(|x| x.id == r).count(), 1, "{} lists {r} once", purpose.id);
                }
            }
            assert!(!purpose.retention.is_empty(), "{} has a retention sentence", purpose.id);
        }
        assert!(nl.purposes.iter().flat_map(|p| &p.recipients).any(|r| r.text.ends_with(", buiten de EU)")));
        assert!(en.purposes.iter().flat_map(|p| &p.recipients).any(|r| r.text.ends_with(", outside the EU)")));
        assert!(nl.controller_line.starts_with(&nl.controller));
        assert!(nl.controller_line.contains(" \u{b7} "), "{}", nl.controller_line);
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
