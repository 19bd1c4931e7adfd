//! The outbox: writes that must reach the backend exactly once (proof of consent, C-A8; data
//! requests). Each entry `{kind, url, body, key, attempts, next_try}` waits in localStorage
//! under one key; entries are sent in order with their `Idempotency-Key`, and removed only on
//! a 2xx or a non-transient 4xx. Transient failures back off (1 s doubling to 60 s) and are
//! retried on the next flush: on start, on `online`, and on a timer.

use crate::prelude::*;

use super::{send_json_then, ApiError};
use crate::browser::events::Listener;
use crate::browser::events::Interval;
use crate::browser::js;
use js_sys::Object;
use wasm_bindgen::JsValue;
use core::sync::atomic::{AtomicBool, Ordering};

/// The localStorage key holding the queue.
pub const STORAGE_KEY: &str = "pw_outbox";

/// How often waiting entries are looked at.
const TICK_MS: u32 = 2_000;
const MAX_BACKOFF_MS: f64 = 60_000.0;
/// An entry is given up after this many attempts (about a week of retrying when the page is open).
const MAX_ATTEMPTS: u32 = 10_000;

/// One write waiting to be acknowledged.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What it is (`consent`, `request`), for the UI and the console.
    pub kind: String,
    pub url: String,
    /// JSON text of the body.
    pub body: String,
    /// The `Idempotency-Key` header, fixed when the entry is made.
    pub key: String,
    pub attempts: u32,
    /// Earliest time of the next attempt, ms since the epoch.
    pub next_try: f64,
}

impl Entry {
    /// The stored form; members in key order, as before.
    fn to_js(&self) -> JsValue {
        let o = Object::new();
        js::set(&o, "attempts", &JsValue::from_f64(f64::from(self.attempts)));
        js::set_str(&o, "body", &self.body);
        js::set_str(&o, "key", &self.key);
        js::set_str(&o, "kind", &self.kind);
        js::set(&o, "next_try", &JsValue::from_f64(self.next_try as i64 as f64));
        js::set_str(&o, "url", &self.url);
        o.into()
    }

    fn from_js(v: &JsValue) -> Option<Entry> {
        let text = |key| js::get(v, key)?.as_string();
        let attempts = js::get(v, "attempts")?.as_f64()?;
        if !(0.0..=f64::from(u32::MAX)).contains(&attempts) || f64::from(attempts as u32) != attempts {
            return None;
        }
        Some(Entry {
            kind: text("kind")?,
            url: text("url")?,
            body: text("body")?,
            key: text("key")?,
            attempts: attempts as u32,
            next_try: js::get(v, "next_try")?.as_f64()?,
        })
    }
}

/// Reads the queue; unreadable content is an empty queue.
pub fn load() -> Vec<Entry> {
    let Some(list) = crate::browser::storage::get(STORAGE_KEY).and_then(|text| js::parse(&text).ok()) else {
        return Vec::new();
    };
    if !js_sys::Array::is_array(&list) {
        return Vec::new();
    }
    js_sys::Array::from(&list).iter().filter_map(|v| Entry::from_js(&v)).collect()
}

fn save(entries: &[Entry]) -> bool {
    if entries.is_empty() {
        crate::browser::storage::remove(STORAGE_KEY);
        true
    } else {
        let list: js_sys::Array = entries.iter().map(Entry::to_js).collect();
        js::stringify(&list).is_some_and(|text| crate::browser::storage::set(STORAGE_KEY, &text))
    }
}

/// Appends an entry (due now). Where localStorage is blocked or full the write is sent once
/// right away instead (it cannot wait for a later page).
pub fn enqueue(kind: &str, url: &str, body: &str, key: &str) {
    let mut entries = load();
    if entries.iter().any(|e| e.key == key) {
        return;
    }
    entries.push(Entry {
        kind: kind.to_string(),
        url: url.to_string(),
        body: body.to_string(),
        key: key.to_string(),
        attempts: 0,
        next_try: 0.0,
    });
    if !save(&entries) {
        send_json_then("POST", url, body, Some(key), Box::new(|_| {}));
    }
}

/// Removes the entry with this key.
fn remove(key: &str) {
    let mut entries = load();
    let before = entries.len();
    entries.retain(|e| e.key != key);
    if entries.len() != before {
        let _ = save(&entries);
    }
}

/// Counts a failed attempt of the entry with this key; its next try is `wait` ms away.
fn back_off(key: &str, wait: f64) {
    let mut entries = load();
    if let Some(e) = entries.iter_mut().find(|e| e.key == key) {
        e.attempts += 1;
        e.next_try = js_sys::Date::now() + wait;
        let _ = save(&entries);
    }
}

/// Whether a flush is under way (one at a time per page).
static FLUSHING: AtomicBool = AtomicBool::new(false);

/// Sends due entries in order until one fails transiently; `force` ignores the backoff (a
/// new entry, the page coming back online). One flush at a time per page.
pub fn flush(force: bool) {
    if FLUSHING.swap(true, Ordering::Relaxed) {
        return;
    }
    send_next(force);
}

/// Sends the first entry if it is due, and on success or a final refusal the next one.
fn send_next(force: bool) {
    let now = js_sys::Date::now();
    let Some(entry) = load().into_iter().next().filter(|e| force || e.next_try <= now) else {
        FLUSHING.store(false, Ordering::Relaxed);
        return;
    };
    let (url, body, key) = (entry.url.clone(), entry.body.clone(), entry.key.clone());
    send_json_then("POST", &url, &body, Some(&key), Box::new(move |result| {
        let go_on = match result {
            Ok(_) => {
                remove(&entry.key);
                true
            }
            Err(e) if e.is_transient() && entry.attempts < MAX_ATTEMPTS => {
                back_off(&entry.key, (1000.0 * f64::from(1u32 << entry.attempts.min(16))).min(MAX_BACKOFF_MS));
                false
            }
            Err(e) => {
                report_dropped(&entry, &e);
                remove(&entry.key);
                true
            }
        };
        if go_on {
            send_next(force);
        } else {
            FLUSHING.store(false, Ordering::Relaxed);
        }
    }));
}

fn report_dropped(entry: &Entry, error: &ApiError) {
    let mut msg = String::from("privacy-widget: the server refused a stored ");
    msg.push_str(&entry.kind);
    msg.push_str(" record: ");
    msg.push_str(error.message());
    if let ApiError::Rejected(_, body) = error {
        msg.push(' ');
        msg.push_str(body);
    }
    web_sys::console::error_1(&msg.into());
}

/// Starts a flush (it goes on in the background), ignoring the backoff.
pub fn kick() {
    flush(true);
}

fn kick_due() {
    flush(false);
}

/// Keeps the outbox moving while the page is open: a flush now, on `online`, and on a timer.
/// Dropping it stops the timer and the listener.
pub struct Courier {
    _online: Option<Listener>,
    _timer: Interval,
}

impl Courier {
    /// Starts the courier.
    pub fn start() -> Courier {
        kick();
        let online = crate::browser::js::window().map(|w| Listener::new(&w, "online", |_| kick()));
        let timer = Interval::new(TICK_MS, || {
            let due = load().first().is_some_and(|e| e.next_try <= js_sys::Date::now());
            if due {
                kick_due();
            }
        });
        Courier { _online: online, _timer: timer }
    }
}
