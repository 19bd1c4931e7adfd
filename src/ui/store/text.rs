//! Turning policy values into display text for the store view: policy texts in the right
//! language (marked with `lang` when they differ from the UI), dates, labels of enum values.

use crate::i18n::{fill, t, Lang};
use crate::policy::{
    Date, LegalBasis, Location, Period, Policy, Recipient, RecipientRole, RequestKind, RetentionRule, Source,
    Text,
};
use crate::ui::dom::{push_u32, El};
use crate::ui::UiError;

/// What every renderer needs: the policy, the UI language, and the language policy texts come out in.
pub struct Ctx<'a> {
    pub policy: &'a Policy,
    pub lang: Lang,
    /// The policy's language used for its texts: the UI language when the policy declares it,
    /// else the policy's default language.
    pub text_lang: &'a str,
}

impl<'a> Ctx<'a> {
    /// A context for `policy` shown in `lang`.
    pub fn new(policy: &'a Policy, lang: Lang) -> Ctx<'a> {
        let text_lang = policy
            .languages
            .iter()
            .find(|l| Lang::from_tag(l) == Some(lang))
            .map_or(policy.default_language(), String::as_str);
        Ctx { policy, lang, text_lang }
    }

    /// A policy text in the shown language.
    pub fn text(&self, text: &'a Text) -> &'a str {
        text.get(self.text_lang, self.policy.default_language())
    }

    /// An element holding a policy text, with a `lang` attribute when the text's language is
    /// not the UI's (WCAG 3.1.2).
    pub fn el(&self, tag: &'static str, text: &Text) -> Result<El, UiError> {
        let el = El::new(tag)?.text(text.get(self.text_lang, self.policy.default_language()));
        Ok(self.mark_lang(el))
    }

    /// Adds `lang` to an element that holds policy text in another language than the UI's.
    pub fn mark_lang(&self, el: El) -> El {
        if Lang::from_tag(self.text_lang) == Some(self.lang) {
            el
        } else {
            el.attr("lang", self.text_lang)
        }
    }

    /// A retention rule as a sentence in the UI language.
    pub fn retention(&self, rule: &RetentionRule) -> String {
        let mut sentence = rule.sentence(self.lang, self.policy);
        if sentence.is_empty() {
            sentence.push('—');
        }
        sentence
    }

    /// A period in words ("5 werkdagen", "72 hours").
    pub fn period(&self, period: Period) -> String {
        crate::policy::period_words(period, self.lang)
    }
}

/// A date as "5 januari 2026" / "5 January 2026".
pub fn date(lang: Lang, d: Date) -> String {
    let mut out = String::new();
    push_u32(&mut out, u32::from(d.day));
    out.push(' ');
    out.push_str(month(lang, d.month));
    out.push(' ');
    if d.year >= 0 {
        push_u32(&mut out, d.year.unsigned_abs());
    }
    out
}

fn month(lang: Lang, m: u8) -> &'static str {
    match m {
        1 => t(lang, "month.1"),
        2 => t(lang, "month.2"),
        3 => t(lang, "month.3"),
        4 => t(lang, "month.4"),
        5 => t(lang, "month.5"),
        6 => t(lang, "month.6"),
        7 => t(lang, "month.7"),
        8 => t(lang, "month.8"),
        9 => t(lang, "month.9"),
        10 => t(lang, "month.10"),
        11 => t(lang, "month.11"),
        _ => t(lang, "month.12"),
    }
}

/// The label of a legal basis.
pub fn basis(lang: Lang, b: LegalBasis) -> &'static str {
    match b {
        LegalBasis::Consent => t(lang, "basis.consent"),
        LegalBasis::Contract => t(lang, "basis.contract"),
        LegalBasis::LegalObligation => t(lang, "basis.legal_obligation"),
        LegalBasis::LegitimateInterest => t(lang, "basis.legitimate_interest"),
        LegalBasis::Unspecified => t(lang, "basis.unspecified"),
    }
}

/// The label of a data source.
pub fn source(lang: Lang, s: Source) -> &'static str {
    match s {
        Source::Subject => t(lang, "source.subject"),
        Source::Observed => t(lang, "source.observed"),
        Source::ThirdParty => t(lang, "source.third_party"),
        Source::Derived => t(lang, "source.derived"),
    }
}

/// The label of a recipient role.
pub fn role(lang: Lang, r: RecipientRole) -> &'static str {
    match r {
        RecipientRole::Processor => t(lang, "role.processor"),
        RecipientRole::Controller => t(lang, "role.controller"),
        RecipientRole::JointController => t(lang, "role.joint_controller"),
        RecipientRole::Authority => t(lang, "role.authority"),
    }
}

/// The label of a request kind.
pub fn request_kind(lang: Lang, k: RequestKind) -> &'static str {
    match k {
        RequestKind::Access => t(lang, "request.access"),
        RequestKind::Export => t(lang, "request.export"),
        RequestKind::Rectification => t(lang, "request.rectification"),
        RequestKind::Erasure => t(lang, "request.erasure"),
        RequestKind::Restriction => t(lang, "request.restriction"),
        RequestKind::Objection => t(lang, "request.objection"),
    }
}

/// "Label: value" as a catalog template filled in.
pub fn labelled(label: &str, value: &str) -> String {
    fill("{label}: {value}", &[("label", label), ("value", value)])
}

/// A `<dl>` row pair appended to `dl`.
pub fn row(dl: El, term: &str, value: El) -> Result<El, UiError> {
    Ok(dl.child(El::new("dt")?.text(term)).child(El::new("dd")?.child(value)))
}

/// A link when `url` is an http(s) address, else plain text (no `javascript:` links from a policy).
pub fn link(url: &str) -> Result<El, UiError> {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Ok(El::new("a")?.attr("href", url).attr("rel", "noopener noreferrer").text(url))
    } else {
        Ok(El::new("span")?.text(url))
    }
}

/// The textual location mark of a recipient: the "Buiten de EU" badge (text and a border, never
/// colour alone), "locatie niet vermeld" when the policy does not say, nothing inside the EU.
pub fn location_mark(lang: Lang, r: &Recipient) -> Result<Option<El>, UiError> {
    Ok(match r.outside_eu {
        Location::OutsideEu => Some(outside_badge(lang)?),
        Location::Unknown => Some(El::new("span")?.class("pw-muted pw-location-unknown").text(t(lang, "store.location_unknown"))),
        Location::InsideEu => None,
    })
}

/// The "Buiten de EU" badge: text and a border, never colour alone.
pub fn outside_badge(lang: Lang) -> Result<El, UiError> {
    Ok(El::new("span")?.class("pw-badge pw-badge-warn pw-outside-eu").text(t(lang, "store.outside_eu")))
}
