//! The browser's environment: Global Privacy Control, the clock, randomness, the location.

use crate::prelude::*;

use wasm_bindgen::{JsCast, JsValue};

/// Whether `navigator.globalPrivacyControl` is `true` (C-B1).
pub fn gpc() -> bool {
    let Some(window) = crate::browser::js::window() else { return false };
    js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("globalPrivacyControl"))
        .map(|v| v.as_bool() == Some(true))
        .unwrap_or(false)
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// 16 bytes from `crypto.getRandomValues`; falls back to `Math.random` only where the Web
/// Crypto API is missing (the id is pseudonymous, not a secret).
pub fn random_bytes() -> [u8; 16] {
    let mut out = [0u8; 16];
    let array = js_sys::Uint8Array::new_with_length(16);
    let filled = crate::browser::js::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("crypto")).ok())
        .filter(|c| !c.is_undefined())
        .and_then(|crypto| {
            let f = js_sys::Reflect::get(&crypto, &JsValue::from_str("getRandomValues")).ok()?;
            f.dyn_into::<js_sys::Function>().ok()?.call1(&crypto, &array).ok()
        })
        .is_some();
    for (i, b) in (0u32..).zip(out.iter_mut()) {
        *b = if filled { array.get_index(i) } else { (js_sys::Math::random() * 256.0) as u8 };
    }
    out
}

/// A fresh random id (32 hex digits): consent ids and idempotency keys.
pub fn random_id() -> String {
    crate::consent::consent_id_from(&random_bytes())
}

/// `location.hostname`, empty when unknown.
pub fn hostname() -> String {
    crate::browser::js::window().and_then(|w| w.location().hostname().ok()).unwrap_or_default()
}

/// `location.origin`, empty when unknown.
pub fn origin() -> String {
    crate::browser::js::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Takes `name`'s value from the address's fragment (`#name=value`) and removes the fragment
/// from the address bar with `history.replaceState`, so that it is neither kept in the history
/// nor shared by copying the address. `None` when the fragment does not name it. Only the
/// panel's visitor view reads a fragment, so the marketing-page build leaves this out.
#[cfg(feature = "panel")]
pub fn take_fragment(name: &str) -> Option<String> {
    let window = crate::browser::js::window()?;
    let location = window.location();
    let hash = location.hash().ok()?;
    let value = hash.strip_prefix('#')?.strip_prefix(name)?.strip_prefix('=')?;
    let value = value.split('&').next().unwrap_or_default().to_owned();
    let mut clean = location.pathname().unwrap_or_default();
    clean.push_str(&location.search().unwrap_or_default());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&clean));
    }
    Some(value)
}

/// Whether the page is served over https (cookies then get `Secure`).
pub fn is_https() -> bool {
    crate::browser::js::window().and_then(|w| w.location().protocol().ok()).is_some_and(|p| p == "https:")
}
