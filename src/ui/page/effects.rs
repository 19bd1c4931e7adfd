//! What a decision does outside the widget: the vendor signals (C-B2), clearing a withdrawn
//! purpose's cookies and storage keys (C-A7), the proof-of-consent record (C-A8), and the
//! decision as the host page sees it (events, `consent()`, `onChange`).

use crate::prelude::*;

use super::{PageOptions, WIDGET_VERSION};
use crate::api::outbox;
use crate::browser::{cookies, env, js, signals, storage};
use crate::consent::{self, ConsentRecord, Notice};
use js_sys::Object;
use wasm_bindgen::JsValue;
use crate::policy::Vendor;

/// Consent Mode update, Meta and Microsoft consent calls and the dataLayer event for `record`.
pub(super) fn push_signals(notice: &Notice, record: &ConsentRecord) {
    let granted = |id: &str| record.granted(id);
    let update = consent::consent_mode_update(notice, &granted);
    signals::consent_mode_update(&update);
    if let Some(on) = consent::vendor_granted(notice, Vendor::Meta, &granted) {
        signals::meta_consent(on);
    }
    if let Some(on) = consent::vendor_granted(notice, Vendor::Microsoft, &granted) {
        signals::microsoft_consent(on);
    }
    let detail = decision_value(record);
    signals::data_layer_event(&detail, &update);
}

/// A decision as the host page sees it: `{purposes, method, policyVersion, decidedAt}`.
pub(super) fn decision_value(record: &ConsentRecord) -> JsValue {
    let purposes = Object::new();
    for (id, on) in &record.choices {
        js::set(&purposes, id, &JsValue::from_bool(*on));
    }
    let out = Object::new();
    js::set(&out, "purposes", &purposes);
    js::set_str(&out, "method", record.method.name());
    js::set_str(&out, "policyVersion", &record.policy_version);
    let date = js_sys::Date::new(&JsValue::from_f64(record.decided_at as f64 * 1000.0));
    js::set(&out, "decidedAt", &date.to_iso_string());
    out.into()
}

/// Everything denied (after `reset()`).
pub(super) fn push_denied(notice: &Notice) {
    let denied = |_: &str| false;
    signals::consent_mode_update(&consent::consent_mode_update(notice, &denied));
    if consent::vendor_granted(notice, Vendor::Meta, &denied).is_some() {
        signals::meta_consent(false);
    }
    if consent::vendor_granted(notice, Vendor::Microsoft, &denied).is_some() {
        signals::microsoft_consent(false);
    }
}

/// Clears the cookies and storage keys of the tracking services that serve any of `purposes`
/// (a service needs all of its purposes, so withdrawing one stops it) (C-A7).
pub(super) fn clear_purposes(notice: &Notice, purposes: &[String]) {
    if purposes.is_empty() {
        return;
    }
    let mut cookie_names: Vec<&str> = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    for s in notice.services.iter().filter(|s| purposes.iter().any(|p| s.serves(p))) {
        cookie_names.extend(s.cookies.iter().map(String::as_str));
        keys.extend(s.storage.iter().map(String::as_str));
    }
    cookies::clear_matching(&cookie_names);
    storage::clear_matching(&keys);
}

/// Puts the proof-of-consent record in the outbox (C-A8) and starts sending it. The members
/// are set in key order, as the backend has always received them.
pub(super) fn record_proof(opts: &PageOptions, record: &ConsentRecord, gpc: bool) {
    let purposes = Object::new();
    for (id, on) in &record.choices {
        js::set(&purposes, id, &JsValue::from_bool(*on));
    }
    let body = Object::new();
    js::set_str(&body, "action", record.method.name());
    js::set_str(&body, "consent_id", &record.consent_id);
    js::set(&body, "gpc", &JsValue::from_bool(gpc));
    js::set_str(&body, "language", &record.lang);
    js::set_str(&body, "origin", &env::origin());
    js::set_str(&body, "policy_version", &record.policy_version);
    js::set(&body, "purposes", &purposes);
    js::set_str(&body, "site", &opts.site);
    js::set_str(&body, "widget_version", WIDGET_VERSION);
    let mut url = crate::consent::trim_end_byte(&opts.api, b'/').to_string();
    url.push_str("/consents");
    outbox::enqueue("consent", &url, &js::stringify(&body).unwrap_or_default(), &env::random_id());
    outbox::kick();
}
