//! The per-site settings that connect the server to the company's systems: outgoing webhooks
//! (`[[sites.webhooks]]`), the data provider (`[sites.data_provider]`) and the site's own admin
//! token; parsed and validated once on start, every problem named by its key.

use std::fmt;

use base64::Engine;
use serde::Deserialize;

/// Every event type the server emits, in the order the docs list them.
///
/// `consent.recorded` is high volume: only a pattern that names it (`consent.recorded`,
/// `consent.*`) subscribes to it; `*` and other wildcards leave it out.
pub const EVENT_TYPES: &[&str] = &[
    "request.created",
    "request.cancelled",
    "request.due_soon",
    "request.overdue",
    "request.completed",
    "request.refused",
    "preferences.changed",
    "consent.recorded",
];

/// The event that only an explicit pattern subscribes to.
const OPT_IN_ONLY: &str = "consent.recorded";

/// A Standard Webhooks secret (`whsec_<base64>`), decoded; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret {
    key: Vec<u8>,
}

impl WebhookSecret {
    /// Parses `whsec_<base64>`: the prefix is required and the key must not be empty (an empty
    /// HMAC key would sign with nothing). At least 16 bytes, at most 64.
    pub fn parse(text: &str) -> Result<WebhookSecret, &'static str> {
        let Some(encoded) = text.strip_prefix("whsec_") else {
            return Err("must start with whsec_ followed by the base64 key");
        };
        let key = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| "the part after whsec_ is not valid base64")?;
        match key.len() {
            0 => Err("must not be empty"),
            1..=15 => Err("the key must be at least 16 bytes (24 base64 characters)"),
            16..=64 => Ok(WebhookSecret { key }),
            _ => Err("the key must be at most 64 bytes"),
        }
    }

    /// The raw key bytes (the HMAC-SHA256 key).
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// The secret as written in the configuration (`whsec_<base64>`).
    pub fn to_whsec(&self) -> String {
        format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(&self.key))
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

/// Which event types an endpoint asked for: glob patterns (`request.*`, `*`, `preferences.changed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFilter {
    patterns: Vec<String>,
}

impl EventFilter {
    /// The filter of these patterns, each checked: characters `a-z`, `_`, `.` and `*` only, and
    /// matching at least one event type. Answers `(index, reason)` for the first bad one.
    pub fn parse(patterns: &[String]) -> Result<EventFilter, (usize, String)> {
        if patterns.is_empty() {
            return Err((0, "name at least one event type or pattern (\"request.*\")".into()));
        }
        for (i, p) in patterns.iter().enumerate() {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_lowercase() || matches!(b, b'_' | b'.' | b'*')) {
                return Err((i, format!("{p:?} may hold only a-z, _, . and *")));
            }
            if !EVENT_TYPES.iter().any(|t| pattern_matches(p, t)) {
                return Err((i, format!("{p:?} matches no event type (known: {})", EVENT_TYPES.join(", "))));
            }
        }
        Ok(EventFilter { patterns: patterns.to_vec() })
    }

    /// Whether `event_type` is wanted.
    pub fn matches(&self, event_type: &str) -> bool {
        self.patterns.iter().any(|p| pattern_matches(p, event_type))
    }

    /// The patterns as configured.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }
}

/// Whether `pattern` (with `*` matching any run of characters) matches `name`; the opt-in-only
/// event matches only a pattern that names its group (`consent.*`) or itself.
fn pattern_matches(pattern: &str, name: &str) -> bool {
    if name == OPT_IN_ONLY && !(pattern == OPT_IN_ONLY || pattern == "consent.*") {
        return false;
    }
    glob(pattern.as_bytes(), name.as_bytes())
}

/// `*`-only glob matching, iterative with one backtrack point (linear in practice).
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

/// One outgoing webhook endpoint of a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    /// Where events are POSTed.
    pub url: String,
    /// The Standard Webhooks signing secret.
    pub secret: WebhookSecret,
    /// The event types it receives.
    pub events: EventFilter,
}

/// The site's data provider: the URL the server asks for a customer's stored values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataProvider {
    /// Where `subject.data.requested` is POSTed.
    pub url: String,
    /// The Standard Webhooks signing secret of those calls.
    pub secret: WebhookSecret,
}

/// `[[sites.webhooks]]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWebhook {
    pub url: Option<String>,
    pub secret: Option<String>,
    pub events: Option<Vec<String>>,
}

/// `[sites.data_provider]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDataProvider {
    pub url: Option<String>,
    pub secret: Option<String>,
}

/// Why `url` cannot be called: an absolute `http`/`https` URL with a host, no credentials
/// and no fragment.
pub fn endpoint_url_reason(text: &str) -> Option<&'static str> {
    let Ok(url) = url::Url::parse(text) else {
        return Some("is not an absolute URL (https://panel.example.nl/privacy/hook)");
    };
    if url.scheme() != "https" && url.scheme() != "http" {
        return Some("the scheme must be http or https");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Some("must name a host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Some("must not carry a user name or password (the signature authenticates the call)");
    }
    if url.fragment().is_some() {
        return Some("must not have a #fragment");
    }
    None
}

/// Validates one site's webhooks, naming `sites[i].webhooks[j].<key>`.
pub(crate) fn webhooks(site: usize, raw: Vec<RawWebhook>, errors: &mut Vec<String>) -> Vec<WebhookEndpoint> {
    let mut out = Vec::with_capacity(raw.len());
    for (j, hook) in raw.into_iter().enumerate() {
        let key = format!("sites[{site}].webhooks[{j}]");
        let url = required_url(&key, hook.url, errors);
        let secret = required_secret(&key, hook.secret, errors);
        let events = match EventFilter::parse(&hook.events.unwrap_or_default()) {
            Ok(filter) => Some(filter),
            Err((k, reason)) => {
                errors.push(format!("{key}.events[{k}]: {reason}"));
                None
            }
        };
        if let (Some(url), Some(secret), Some(events)) = (url, secret, events) {
            out.push(WebhookEndpoint { url, secret, events });
        }
    }
    out
}

/// Validates one site's data provider, naming `sites[i].data_provider.<key>`.
pub(crate) fn data_provider(site: usize, raw: Option<RawDataProvider>, errors: &mut Vec<String>) -> Option<DataProvider> {
    let raw = raw?;
    let key = format!("sites[{site}].data_provider");
    let url = required_url(&key, raw.url, errors);
    let secret = required_secret(&key, raw.secret, errors);
    Some(DataProvider { url: url?, secret: secret? })
}

/// An admin token as the server keeps it: its SHA-256 only, made when the configuration is read,
/// so that the token itself is never held in memory nor printed (`Debug` shows nothing of it).
#[derive(Clone, PartialEq, Eq)]
pub struct AdminTokenHash([u8; 32]);

impl AdminTokenHash {
    /// The hash of `token`.
    pub fn of(token: &str) -> AdminTokenHash {
        use sha2::{Digest, Sha256};
        AdminTokenHash(Sha256::digest(token.as_bytes()).into())
    }

    /// Whether `other` is the same hash, compared in constant time.
    pub fn matches(&self, other: &AdminTokenHash) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.0.ct_eq(&other.0))
    }
}

impl fmt::Debug for AdminTokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminTokenHash(…)")
    }
}

/// Checks an admin token (`admin_token` or `sites[i].admin_token`) and keeps only its hash; the
/// reason is pushed as `key: reason`.
pub(crate) fn admin_token(key: &str, token: Option<String>, errors: &mut Vec<String>) -> Option<AdminTokenHash> {
    let token = token?;
    match admin_token_reason(&token) {
        Some(reason) => {
            errors.push(format!("{key}: {reason}"));
            None
        }
        None => Some(AdminTokenHash::of(&token)),
    }
}

/// Checks an admin token (`admin_token` or `sites[i].admin_token`): at least 32 printable ASCII characters.
fn admin_token_reason(token: &str) -> Option<&'static str> {
    if token.chars().count() < 32 {
        Some("must be at least 32 characters (e.g. `openssl rand -hex 32`)")
    } else if !token.bytes().all(|b| b.is_ascii_graphic()) {
        Some("only printable ASCII without spaces")
    } else {
        None
    }
}

/// Validates one site's system ids (`sites[i].systems[j]`): 1-64 of a-z, 0-9, - and _, each once.
pub(crate) fn systems(site: usize, raw: Vec<String>, errors: &mut Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for (j, id) in raw.into_iter().enumerate() {
        if !is_system_id(&id) {
            errors.push(format!("sites[{site}].systems[{j}]: {id:?} must be 1-64 of a-z, 0-9, - and _"));
        } else if out.contains(&id) {
            errors.push(format!("sites[{site}].systems[{j}]: {id:?} is listed twice"));
        } else {
            out.push(id);
        }
    }
    out
}

/// Whether `id` can name a system: 1-64 of a-z, 0-9, - and _.
pub fn is_system_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn required_url(key: &str, url: Option<String>, errors: &mut Vec<String>) -> Option<String> {
    let Some(url) = url else {
        errors.push(format!("{key}.url: required"));
        return None;
    };
    match endpoint_url_reason(&url) {
        Some(reason) => {
            errors.push(format!("{key}.url: {url:?} {reason}"));
            None
        }
        None => Some(url),
    }
}

fn required_secret(key: &str, secret: Option<String>, errors: &mut Vec<String>) -> Option<WebhookSecret> {
    let Some(secret) = secret else {
        errors.push(format!("{key}.secret: required (whsec_ followed by a base64 key of 16-64 bytes)"));
        return None;
    };
    match WebhookSecret::parse(&secret) {
        Ok(s) => Some(s),
        Err(reason) => {
            errors.push(format!("{key}.secret: {reason}"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(p: &[&str]) -> EventFilter {
        EventFilter::parse(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn globs_match_event_types() {
        let f = filter(&["request.*"]);
        assert!(f.matches("request.created") && f.matches("request.overdue"));
        assert!(!f.matches("preferences.changed"));
        let f = filter(&["*"]);
        assert!(f.matches("preferences.changed") && f.matches("request.refused"));
        let f = filter(&["request.c*d", "preferences.changed"]);
        assert!(f.matches("request.created") && f.matches("request.cancelled") && f.matches("request.completed"));
        assert!(!f.matches("request.refused"));
        assert!(f.matches("preferences.changed"));
        assert!(filter(&["*.*"]).matches("request.due_soon"));
    }

    #[test]
    fn consent_recorded_only_when_asked_for() {
        assert!(!filter(&["*"]).matches("consent.recorded"));
        assert!(filter(&["consent.*"]).matches("consent.recorded"));
        assert!(filter(&["consent.recorded"]).matches("consent.recorded"));
    }

    #[test]
    fn bad_patterns_are_named() {
        let bad = |p: &[&str]| EventFilter::parse(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap_err();
        assert_eq!(bad(&["request.*", "requets.*"]).0, 1);
        assert!(bad(&["requets.*"]).1.contains("matches no event type"));
        assert!(bad(&["Request.*"]).1.contains("a-z"));
        assert!(bad(&[]).1.contains("at least one"));
        assert!(bad(&["*.recorded"]).1.contains("matches no event type"));
    }

    #[test]
    fn secrets_need_the_prefix_and_a_real_key() {
        assert!(WebhookSecret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").is_ok());
        assert_eq!(WebhookSecret::parse("whsec_").unwrap_err(), "must not be empty");
        assert!(WebhookSecret::parse("C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap_err().contains("whsec_"));
        assert!(WebhookSecret::parse("whsec_!!!").unwrap_err().contains("base64"));
        assert!(WebhookSecret::parse("whsec_YWJj").unwrap_err().contains("16 bytes"));
        let s = WebhookSecret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        assert_eq!(s.to_whsec(), "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");
        assert!(!format!("{s:?}").contains("C2FV"));
    }

    #[test]
    fn urls_must_be_callable() {
        assert_eq!(endpoint_url_reason("https://panel.example.nl/hook"), None);
        assert_eq!(endpoint_url_reason("http://127.0.0.1:9000/hook"), None);
        assert!(endpoint_url_reason("panel.example.nl/hook").is_some());
        assert!(endpoint_url_reason("ftp://panel.example.nl/").unwrap().contains("scheme"));
        assert!(endpoint_url_reason("https://u:p@panel.example.nl/").unwrap().contains("password"));
        assert!(endpoint_url_reason("https://panel.example.nl/#x").unwrap().contains("fragment"));
    }
}
