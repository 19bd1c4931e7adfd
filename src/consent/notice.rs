//! The consent notice: what the banner and the preferences dialog show and what the consent
//! engine decides on. It is the browser-consent part of a policy in one language, every text
//! already rendered and composed: the banner's and dialog's own texts, the banner sentence,
//! each purpose's retention sentence, its recipient lines (countries, outside the EU) and its
//! service lines (cookies and lifetimes), the controller line.
//!
//! The backend compiles it from the site's validated policy ([`Notice::compile`], served at
//! `GET /api/v1/sites/{site}/notice?lang=nl`); the marketing-page module only reads it
//! ([`Notice::read`]) and places its strings. So the policy reader, its validation, the
//! retention rules and the consent texts of both languages stay out of the script tag's wasm,
//! and a visitor's browser never parses a whole policy.

use crate::prelude::*;

use crate::policy::{PurposeKind, Vendor};

/// The notice format's version, the `notice` member of its JSON form.
pub const NOTICE_FORMAT: u32 = 2;

/// The browser-consent part of one site's policy, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Site id (`pcextreme`).
    pub site: String,
    /// The policy version a decision is made on (C-A9).
    pub version: String,
    /// The language of the texts (`nl`, `en`).
    pub lang: String,
    /// The controller's name.
    pub controller: String,
    /// The controller with its e-mail address and website, where the policy gives them
    /// (`PCextreme B.V. · privacy@pcextreme.nl · https://pcextreme.nl`).
    pub controller_line: String,
    /// The banner's and dialog's texts, in [`UI_NAMES`] order (see [`Notice::text`]).
    pub ui: Vec<String>,
    /// The purposes the visitor is asked about (consent in the browser), in policy order.
    pub purposes: Vec<NoticePurpose>,
    /// The tracking services on the pages.
    pub services: Vec<NoticeService>,
}

/// A purpose the visitor is asked to consent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePurpose {
    /// The purpose's id in the policy, as the consent record names it.
    pub id: String,
    /// Decides the Consent Mode signals and what Global Privacy Control covers.
    pub kind: PurposeKind,
    /// The switch's label, in the notice's language.
    pub label: String,
    /// What the purpose is for, in a sentence, if the policy says.
    pub description: Option<String>,
    /// How long the data is kept, as a sentence.
    pub retention: String,
    /// Who receives the data: the purpose's recipients and those of its services, one line
    /// each (`Google (VS, buiten de EU)`).
    pub recipients: Vec<NoticeLine>,
    /// The services that serve the purpose, one line each
    /// (`Google Analytics — Cookies: _ga (2 jaar)`).
    pub services: Vec<NoticeLine>,
}

/// A composed line about a recipient or a service, with its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeLine {
    /// The recipient's or service's id in the policy.
    pub id: String,
    /// The composed line, ready to show.
    pub text: String,
}

/// A tracking service (pixel, analytics) and what it leaves in the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeService {
    /// The service's id in the policy.
    pub id: String,
    /// Whose consent API to drive when a decision changes.
    pub vendor: Vendor,
    /// The purposes it serves; it may run only when all are granted.
    pub purposes: Vec<String>,
    /// The names of its cookies.
    pub cookies: Vec<String>,
    /// localStorage / sessionStorage keys (a trailing `*` is a wildcard).
    pub storage: Vec<String>,
}

/// A text of the banner, the dialog, the floating button or the live region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiText {
    /// The banner region's accessible name.
    BannerLabel,
    /// The banner's heading.
    BannerTitle,
    /// The banner's sentence, naming the controller and the purposes.
    BannerText,
    /// The banner's button that grants every purpose.
    AcceptAll,
    /// The banner's button that refuses every purpose.
    RejectAll,
    /// The banner's button that opens the settings dialog.
    Settings,
    /// The banner's close button's accessible name (closing is no consent).
    Dismiss,
    /// Shown when the browser sends Global Privacy Control.
    GpcNote,
    /// The badge of a switch Global Privacy Control keeps off.
    GpcLocked,
    /// The settings dialog's heading.
    DialogTitle,
    /// The sentence under the dialog's heading.
    DialogIntro,
    /// The dialog's close button's accessible name.
    Close,
    /// The dialog's button that saves the switches as they are.
    Save,
    /// The heading of the essential cookies, which need no consent.
    Essential,
    /// What the essential cookies do.
    EssentialText,
    /// The badge of the essential cookies' switch, which cannot be turned off.
    AlwaysOn,
    /// What the decision cookie is for and how long it lives, after its name
    /// (` — onthoudt je privacykeuze (13 maanden)`).
    ConsentCookie,
    /// The label of the controller line in a purpose's details.
    Controller,
    /// The label of the retention line in a purpose's details.
    Retention,
    /// The label of the recipients list in a purpose's details.
    Recipients,
    /// The label of the services list in a purpose's details.
    Services,
    /// Announced when a decision is saved.
    Saved,
    /// The floating button.
    OpenButton,
}

/// The JSON names of the `ui` texts, in [`UiText`] order.
pub const UI_NAMES: [&str; 23] = [
    "banner_label",
    "banner_title",
    "banner_text",
    "accept_all",
    "reject_all",
    "settings",
    "dismiss",
    "gpc_note",
    "gpc_locked",
    "dialog_title",
    "dialog_intro",
    "close",
    "save",
    "essential",
    "essential_text",
    "always_on",
    "consent_cookie",
    "controller",
    "retention",
    "recipients",
    "services",
    "saved",
    "open_button",
];

impl Notice {
    /// A text of the banner or dialog (empty if the notice lacks it, which reading refuses).
    pub fn text(&self, which: UiText) -> &str {
        self.ui.get(which as usize).map_or("", String::as_str)
    }

    /// The purpose with this id.
    pub fn purpose(&self, id: &str) -> Option<&NoticePurpose> {
        self.purposes.iter().find(|p| p.id == id)
    }

    /// The services that serve a purpose (among others, maybe).
    pub fn services_for<'a>(&'a self, purpose: &'a str) -> impl Iterator<Item = &'a NoticeService> + 'a {
        self.services.iter().filter(move |s| s.serves(purpose))
    }
}

impl NoticeService {
    /// Whether the service serves this purpose (among its others).
    pub fn serves(&self, purpose: &str) -> bool {
        self.purposes.iter().any(|p| p == purpose)
    }

    /// Whether the service may run: every one of its purposes is granted.
    pub fn may_run(&self, granted: &dyn Fn(&str) -> bool) -> bool {
        !self.purposes.is_empty() && self.purposes.iter().all(|p| granted(p))
    }
}
