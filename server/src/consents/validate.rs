//! Strict validation of a consent record against the site's loaded policy (C-A8, C-B1).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::field::invalid_field;
use crate::{
    field::FieldError,
    sites::{gpc_governed, Site, Sites},
};

/// Why a consent record is refused; the HTTP layer answers each with its problem type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The body is not a JSON object.
    #[error("expected a JSON object")]
    NotAnObject,
    /// Fields are missing or invalid, each named.
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    /// The decision was made under an earlier version of the site's policy: ask again.
    #[error("policy_version {given} is not the current version {current}; ask again")]
    StaleVersion {
        /// The version the record names.
        given: String,
        /// The site's current version.
        current: String,
    },
    /// A purpose governed by Global Privacy Control was granted while the signal is on (C-B1).
    #[error("Global Privacy Control is on, so advertising, remarketing and audience-sharing purposes must be denied")]
    GpcConflict(Vec<FieldError>),
}

/// The decision a record documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The visitor accepted every purpose.
    AcceptAll,
    /// The visitor refused every optional purpose.
    RejectAll,
    /// The visitor chose purpose by purpose.
    Custom,
    /// The GPC signal was applied without another choice.
    Gpc,
    /// The visitor withdrew an earlier consent.
    Withdraw,
}

impl Action {
    /// Every action, as spelled in JSON.
    pub const ALL: [Action; 5] = [Action::AcceptAll, Action::RejectAll, Action::Custom, Action::Gpc, Action::Withdraw];

    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::AcceptAll => "accept_all",
            Action::RejectAll => "reject_all",
            Action::Custom => "custom",
            Action::Gpc => "gpc",
            Action::Withdraw => "withdraw",
        }
    }

    /// The action for its JSON spelling.
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// A validated consent record, before the server stamps its time. Exactly the C-A8 fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsent {
    /// The site the decision was made on.
    pub site: String,
    /// The visitor's consent id.
    pub consent_id: String,
    /// The policy version the visitor saw.
    pub policy_version: String,
    /// The language the notice was shown in.
    pub language: String,
    /// What the visitor did.
    pub action: Action,
    /// The decision per purpose id.
    pub purposes: BTreeMap<String, bool>,
    /// The page origin the decision came from.
    pub origin: String,
    /// The widget version that sent it.
    pub widget_version: String,
    /// The body's `gpc` or the `Sec-GPC: 1` header.
    pub gpc: bool,
    /// The request itself carried `Sec-GPC: 1` (C-B1: the backend records that the browser's
    /// signal came with the decision).
    pub sec_gpc: bool,
}

const FIELDS: [&str; 9] =
    ["site", "consent_id", "policy_version", "language", "action", "purposes", "origin", "widget_version", "gpc"];

/// Checks a pseudonymous subject id: 16–64 characters of `[A-Za-z0-9_-]`.
pub fn consent_id_reason(v: &str) -> Option<&'static str> {
    if v.len() < 16 || v.len() > 64 {
        Some("must be 16 to 64 characters")
    } else if !token_chars(v) {
        Some("may contain only A-Z, a-z, 0-9, '_' and '-'")
    } else {
        None
    }
}

fn token_chars(v: &str) -> bool {
    v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Validates a body against the sites' policies; `header_gpc` is `Sec-GPC: 1`.
pub fn validate(body: &Value, sites: &Sites, header_gpc: bool) -> Result<NewConsent, Refusal> {
    let Some(obj) = body.as_object() else {
        return Err(Refusal::NotAnObject);
    };
    let mut errors = Vec::new();
    for key in obj.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
        errors.push(invalid_field(key.as_str(), "unknown field"));
    }
    let site_id = string(obj, "site", 1, 64, &mut errors);
    let consent_id = string(obj, "consent_id", 1, 64, &mut errors);
    if !consent_id.is_empty() {
        if let Some(reason) = consent_id_reason(&consent_id) {
            errors.push(invalid_field("consent_id", reason));
        }
    }
    let policy_version = string(obj, "policy_version", 1, 64, &mut errors);
    let language = string(obj, "language", 2, 16, &mut errors);
    let action_text = string(obj, "action", 1, 32, &mut errors);
    let action = Action::parse(&action_text);
    if action.is_none() && !action_text.is_empty() {
        errors.push(invalid_field("action", "must be one of accept_all, reject_all, custom, gpc, withdraw"));
    }
    let origin = string(obj, "origin", 1, 255, &mut errors);
    if !origin.is_empty() && !is_origin(&origin) {
        errors.push(invalid_field("origin", "must be an origin like https://www.example.nl"));
    }
    let widget_version = string(obj, "widget_version", 1, 32, &mut errors);
    if !widget_version.bytes().all(|b| b.is_ascii_alphanumeric() || b".+-_".contains(&b)) {
        errors.push(invalid_field("widget_version", "may contain only letters, digits, '.', '+', '-', '_'"));
    }
    let body_gpc = match obj.get("gpc") {
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.push(invalid_field("gpc", "must be a boolean"));
            false
        }
        None => {
            errors.push(invalid_field("gpc", "required"));
            false
        }
    };
    let gpc = body_gpc || header_gpc;
    let purposes = purposes(obj, &mut errors);

    let site = sites.get(&site_id);
    if site.is_none() && !site_id.is_empty() {
        errors.push(invalid_field("site", "unknown site"));
    }
    let mut stale = false;
    if let Some(site) = site {
        if !language.is_empty() && !site.languages.contains(&language) {
            errors.push(invalid_field("language", "not a language of the site's policy"));
        }
        if !policy_version.is_empty() && policy_version != site.version {
            if site_knows_version(site, &policy_version) {
                stale = true;
            } else {
                errors.push(invalid_field("policy_version", "unknown policy version"));
            }
        }
        if let Some(purposes) = &purposes {
            check_purposes(site, purposes, &mut errors);
            if let Some(action) = action {
                check_action(site, action, purposes, gpc, &mut errors);
            }
        }
    }
    if !errors.is_empty() {
        return Err(Refusal::Invalid(errors));
    }
    let (Some(site), Some(action), Some(purposes)) = (site, action, purposes) else {
        return Err(Refusal::Invalid(vec![invalid_field("(body)", "incomplete")]));
    };
    if stale {
        return Err(Refusal::StaleVersion { given: policy_version, current: site.version.clone() });
    }
    // C-B1: with the GPC signal on, advertising, remarketing and audience sharing stay denied.
    if gpc {
        let granted: Vec<FieldError> = site
            .browser_purposes()
            .filter(|(id, kind)| gpc_governed(*kind) && purposes.get(*id) == Some(&true))
            .map(|(id, _)| invalid_field(format!("purposes.{id}"), "must be false while Global Privacy Control is on"))
            .collect();
        if !granted.is_empty() {
            return Err(Refusal::GpcConflict(granted));
        }
    }
    Ok(NewConsent {
        site: site.id.clone(),
        consent_id,
        policy_version,
        language,
        action,
        purposes,
        origin,
        widget_version,
        gpc,
        sec_gpc: header_gpc,
    })
}

fn site_knows_version(site: &Site, version: &str) -> bool {
    site.earlier_versions.iter().any(|v| v == version)
}

fn string(obj: &Map<String, Value>, key: &str, min: usize, max: usize, errors: &mut Vec<FieldError>) -> String {
    match obj.get(key) {
        Some(Value::String(s)) if s.chars().count() >= min && s.chars().count() <= max => s.clone(),
        Some(Value::String(_)) => {
            errors.push(invalid_field(key, format!("must be {min} to {max} characters")));
            String::new()
        }
        Some(_) => {
            errors.push(invalid_field(key, "must be a string"));
            String::new()
        }
        None => {
            errors.push(invalid_field(key, "required"));
            String::new()
        }
    }
}

fn purposes(obj: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<BTreeMap<String, bool>> {
    let Some(value) = obj.get("purposes") else {
        errors.push(invalid_field("purposes", "required"));
        return None;
    };
    let Some(map) = value.as_object() else {
        errors.push(invalid_field("purposes", "must be an object of purpose id to boolean"));
        return None;
    };
    let mut out = BTreeMap::new();
    for (id, v) in map {
        match v {
            Value::Bool(b) => {
                out.insert(id.clone(), *b);
            }
            _ => errors.push(invalid_field(format!("purposes.{id}"), "must be a boolean")),
        }
    }
    Some(out)
}

/// Every purpose named exists and is asked in the banner; every banner purpose is named.
fn check_purposes(site: &Site, purposes: &BTreeMap<String, bool>, errors: &mut Vec<FieldError>) {
    for id in purposes.keys() {
        match site.purposes.get(id) {
            None => errors.push(invalid_field(format!("purposes.{id}"), "unknown purpose")),
            Some((_, scope)) if *scope != privacy_widget::policy::ConsentScope::Browser => {
                errors.push(invalid_field(format!("purposes.{id}"), "not a browser-consent purpose"))
            }
            Some(_) => {}
        }
    }
    for (id, _) in site.browser_purposes() {
        if !purposes.contains_key(id) {
            errors.push(invalid_field(format!("purposes.{id}"), "missing: every browser-consent purpose must be given"));
        }
    }
}

/// The choices must fit the action: `reject_all` denies everything; `accept_all` grants
/// everything (except what GPC keeps denied); `gpc` needs the GPC signal.
fn check_action(site: &Site, action: Action, purposes: &BTreeMap<String, bool>, gpc: bool, errors: &mut Vec<FieldError>) {
    match action {
        Action::RejectAll => {
            for (id, _) in purposes.iter().filter(|(_, granted)| **granted) {
                errors.push(invalid_field(format!("purposes.{id}"), "must be false for reject_all"));
            }
        }
        Action::AcceptAll => {
            for (id, kind) in site.browser_purposes() {
                if purposes.get(id) == Some(&false) && !(gpc && gpc_governed(kind)) {
                    errors.push(invalid_field(format!("purposes.{id}"), "must be true for accept_all"));
                }
            }
        }
        Action::Gpc if !gpc => errors.push(invalid_field("action", "gpc needs the GPC signal (gpc: true or Sec-GPC: 1)")),
        _ => {}
    }
}

/// `scheme://host[:port]` with scheme http or https and nothing after.
fn is_origin(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(host) => {
            !host.is_empty()
                && host.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        }
        None => false,
    }
}
