//! Outgoing signals: Google Consent Mode updates (C-B2), Meta and Microsoft consent calls,
//! the `dataLayer` event for tag managers, and the `privacy-widget:*` events on `window`.

use crate::consent::ConsentModeType;
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

fn window_prop(name: &str) -> Option<JsValue> {
    let w = crate::browser::js::window()?;
    Reflect::get(&w, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn state(on: bool) -> JsValue {
    JsValue::from_str(if on { "granted" } else { "denied" })
}

/// `gtag('consent','update', {...})` with the given types (C-B2). Uses the page's `gtag`
/// (the loader defines one when the page has none).
pub fn consent_mode_update(entries: &[(ConsentModeType, bool)]) {
    let update = Object::new();
    for (t, on) in entries {
        set(&update, t.name(), &state(*on));
    }
    if let Some(gtag) = window_prop("gtag").and_then(|g| g.dyn_into::<Function>().ok()) {
        let _ = gtag.call3(&JsValue::NULL, &"consent".into(), &"update".into(), &update);
    }
}

/// Meta: `fbq('consent', 'grant'|'revoke')` when the page has `fbq`.
pub fn meta_consent(granted: bool) {
    if let Some(fbq) = window_prop("fbq").and_then(|f| f.dyn_into::<Function>().ok()) {
        let word = if granted { "grant" } else { "revoke" };
        let _ = fbq.call2(&JsValue::NULL, &"consent".into(), &word.into());
    }
}

/// Microsoft UET: `uetq.push('consent', 'update', {ad_storage})`, creating `window.uetq` as
/// an array when absent so that the UET tag picks it up when it loads.
pub fn microsoft_consent(granted: bool) {
    let Some(w) = crate::browser::js::window() else { return };
    let queue = match window_prop("uetq") {
        Some(q) => q,
        None => {
            let q: JsValue = Array::new().into();
            let _ = Reflect::set(&w, &"uetq".into(), &q);
            q
        }
    };
    let args = Object::new();
    set(&args, "ad_storage", &state(granted));
    if let Some(push) = Reflect::get(&queue, &"push".into()).ok().and_then(|p| p.dyn_into::<Function>().ok()) {
        let _ = push.call3(&queue, &"consent".into(), &"update".into(), &args);
    }
}

/// Pushes `{event: 'privacy_widget_consent', ...detail, consent_mode: {...}}` onto `dataLayer`.
pub fn data_layer_event(detail: &JsValue, entries: &[(ConsentModeType, bool)]) {
    let Some(layer) = window_prop("dataLayer") else { return };
    let event = Object::new();
    set(&event, "event", &"privacy_widget_consent".into());
    let _ = Object::assign(&event, detail.unchecked_ref());
    let modes = Object::new();
    for (t, on) in entries {
        set(&modes, t.name(), &state(*on));
    }
    set(&event, "consent_mode", &modes);
    if let Some(push) = Reflect::get(&layer, &"push".into()).ok().and_then(|p| p.dyn_into::<Function>().ok()) {
        let _ = push.call1(&layer, &event);
    }
}

/// Dispatches `CustomEvent(name, {detail})` on `window`.
pub fn dispatch(name: &str, detail: &JsValue) {
    let Some(w) = crate::browser::js::window() else { return };
    // A plain `CustomEventInit` object (the dictionary type's setter would be an import).
    let init = Object::new();
    set(&init, "detail", detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, init.unchecked_ref()) {
        let _ = w.dispatch_event(&event);
    }
}
