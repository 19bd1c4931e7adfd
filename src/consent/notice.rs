//! The consent notice: what the banner and the preferences dialog show and what the consent
//! engine decides on. It is the browser-consent part of a policy in one language, every text
//! already rendered (retention sentences, cookie lifetimes, recipient lists per purpose).
//!
//! The backend compiles it from the site's validated policy ([`Notice::compile`], served at
//! `GET /api/v1/sites/{site}/notice?lang=nl`); the marketing-page module only reads it
//! ([`Notice::read`]). So the policy reader, its validation and the retention rules stay out
//! of the script tag's wasm, and a visitor's browser never parses a whole policy.

use crate::policy::{Location, PurposeKind, Vendor};

/// The notice format's version, the `notice` member of its JSON form.
pub const NOTICE_FORMAT: u32 = 1;

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
    /// The controller's e-mail address and website, where the policy gives them.
    pub contact: Vec<String>,
    /// The purposes the visitor is asked about (consent in the browser), in policy order.
    pub purposes: Vec<NoticePurpose>,
    /// The tracking services on the pages.
    pub services: Vec<NoticeService>,
}

/// A purpose the visitor is asked to consent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePurpose {
    pub id: String,
    /// Decides the Consent Mode signals and what Global Privacy Control covers.
    pub kind: PurposeKind,
    pub label: String,
    pub description: Option<String>,
    /// How long the data is kept, as a sentence.
    pub retention: String,
    /// Who receives the data: the purpose's recipients and those of its services.
    pub recipients: Vec<NoticeRecipient>,
}

/// A recipient of a purpose's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRecipient {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    pub location: Location,
}

/// A tracking service (pixel, analytics) and what it leaves in the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeService {
    pub id: String,
    pub name: String,
    pub vendor: Vendor,
    /// The purposes it serves; it may run only when all are granted.
    pub purposes: Vec<String>,
    pub cookies: Vec<NoticeCookie>,
    /// localStorage / sessionStorage keys (a trailing `*` is a wildcard).
    pub storage: Vec<String>,
}

/// A cookie and how long it lives, in words (`2 jaar`, `sessie`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeCookie {
    pub name: String,
    pub lifetime: String,
}

impl Notice {
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

/// The JSON names of [`Location`] in a notice.
pub const LOCATIONS: &[(&str, Location)] =
    &[("inside_eu", Location::InsideEu), ("outside_eu", Location::OutsideEu), ("unknown", Location::Unknown)];
