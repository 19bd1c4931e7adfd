//! First-party cookies: the `pw_consent` decision cookie, and clearing a withdrawn
//! purpose's cookies on the current host and its parent domains (C-A7).

use crate::prelude::*;

use crate::consent::record::{pieces, split_at_byte};
use crate::consent::{parent_domains, push_u64, wildcard_match, ConsentRecord, COOKIE_NAME, MAX_AGE_SECS};

fn document() -> Option<web_sys::Document> {
    super::js::window()?.document()
}

/// Every `name=value` pair in `document.cookie`.
pub fn all() -> Vec<(String, String)> {
    let Some(cookie) = document().and_then(|d| super::js::cookie(&d)) else { return Vec::new() };
    // Byte scans: `str::split(char)` would bring index panics (integer formatting) into the wasm.
    pieces(&cookie, b';')
        .filter_map(|pair| {
            let pair = pair.trim_ascii();
            if pair.is_empty() {
                return None;
            }
            let (name, value) = split_at_byte(pair, b'=').unwrap_or(("", pair));
            Some((name.trim_ascii().to_string(), value.trim_ascii().to_string()))
        })
        .collect()
}

/// The value of cookie `name`, if set.
pub fn get(name: &str) -> Option<String> {
    all().into_iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

fn write(line: &str) {
    if let Some(doc) = document() {
        super::js::set_cookie(&doc, line);
    }
}

/// The stored decision; a missing or malformed cookie is no decision.
pub fn read_decision() -> Option<ConsentRecord> {
    get(COOKIE_NAME).and_then(|v| ConsentRecord::decode(&v))
}

/// Stores the decision: `Path=/`, `SameSite=Lax`, 13 months, `Secure` on https, and
/// `Domain=` when the loader names a cookie domain.
pub fn write_decision(record: &ConsentRecord, domain: &str) {
    let mut line = String::from(COOKIE_NAME);
    line.push('=');
    line.push_str(&record.encode());
    line.push_str("; Path=/; SameSite=Lax; Max-Age=");
    push_u64(&mut line, MAX_AGE_SECS);
    if !domain.is_empty() {
        line.push_str("; Domain=");
        line.push_str(domain);
    }
    if super::env::is_https() {
        line.push_str("; Secure");
    }
    write(&line);
}

/// Forgets the decision (on this host and, if given, on the cookie domain).
pub fn forget_decision(domain: &str) {
    expire(COOKIE_NAME, None);
    if !domain.is_empty() {
        expire(COOKIE_NAME, Some(domain));
    }
}

fn expire(name: &str, domain: Option<&str>) {
    let mut line = String::from(name);
    line.push_str("=; Path=/; Max-Age=0");
    if let Some(d) = domain {
        line.push_str("; Domain=");
        line.push_str(d);
    }
    write(&line);
}

/// Deletes every cookie whose name matches one of `patterns` (`*` wildcards), host-only and
/// on every parent domain of the current host, `Path=/`. Returns how many names matched.
pub fn clear_matching(patterns: &[&str]) -> usize {
    let names: Vec<String> = all()
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n != COOKIE_NAME && patterns.iter().any(|p| wildcard_match(p, n)))
        .collect();
    let domains = parent_domains(&super::env::hostname());
    for name in &names {
        expire(name, None);
        for d in &domains {
            expire(name, Some(d));
        }
    }
    names.len()
}
