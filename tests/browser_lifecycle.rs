//! The marketing page's lifecycle through its public handle (`start()` → `ConsentWidget`), in a
//! real browser: `destroy()` before the consent notice arrives leaves no element, listener,
//! timer or observer behind and nothing happens when the notice comes later; `open()` and
//! `reset()` called before the page is ready run once it is; the "unavailable" message belongs
//! to the widget and goes with `destroy()`.
//!
//! The notice's fetch is held by a stand-in for `window.fetch` (only for the notice's URL), so
//! that each test decides when, and whether, the notice arrives. Live listeners, timers and
//! observers are counted by the widget in debug builds (`testing::live`).
//! `cargo test -p privacy-widget --target wasm32-unknown-unknown --test browser_lifecycle`.
#![cfg(target_arch = "wasm32")]

use privacy_widget::consent::{ConsentRecord, Method, Notice};
use privacy_widget::i18n::Lang;
use privacy_widget::policy::parse_policy;
use privacy_widget::testing::{clear_cookies, cookie, live, write_decision, Live};
use privacy_widget::{start, ConsentWidget};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
const held = [];
let original = null;
// Holds every fetch whose URL contains `marker` until `answer_held` or `fail_held`; other
// fetches go through.
export function hold_fetches(marker) {
  if (original === null) original = window.fetch;
  const real = original;
  window.fetch = function (request, init) {
    const url = typeof request === "string" ? request : request.url;
    if (!url.includes(marker)) return real.call(window, request, init);
    return new Promise((resolve, reject) => held.push({ resolve, reject }));
  };
}
export function answer_held(body) {
  const n = held.length;
  while (held.length) held.shift().resolve(new Response(body, { status: 200, headers: { "Content-Type": "application/json" } }));
  return n;
}
// As a browser fails a fetch that cannot reach the server.
export function fail_held() {
  const n = held.length;
  while (held.length) held.shift().reject(new TypeError("Failed to fetch"));
  return n;
}
export function restore_fetch() {
  if (original !== null) window.fetch = original;
  original = null;
  held.length = 0;
}
"#)]
extern "C" {
    fn hold_fetches(marker: &str);
    fn answer_held(body: &str) -> u32;
    fn fail_held() -> u32;
    fn restore_fetch();
}

const NOTICE_URL: &str = "/held/notice.json";

fn doc() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn notice() -> Notice {
    let policy = parse_policy(include_str!("../www/policies/pcextreme.json")).expect("the pcextreme policy parses");
    Notice::compile(&policy, Lang::Nl)
}

/// A widget started on the held notice URL, as the loader starts it.
fn start_widget() -> ConsentWidget {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"site".into(), &"pcextreme".into()).unwrap();
    js_sys::Reflect::set(&options, &"notice".into(), &NOTICE_URL.into()).unwrap();
    js_sys::Reflect::set(&options, &"lang".into(), &"nl".into()).unwrap();
    start(options.unchecked_into())
}

/// No decision, no outbox, the real `fetch`, nothing left by an earlier test (a failed test
/// stops where it fails): every test starts from a first visit.
fn first_visit() {
    restore_fetch();
    let leftovers = doc().query_selector_all(".pw-page-host, #privacy-widget-spacer").unwrap();
    for i in 0..leftovers.length() {
        leftovers.item(i).unwrap().unchecked_into::<Element>().remove();
    }
    clear_cookies(&["pw_consent"]);
    web_sys::window().unwrap().local_storage().unwrap().unwrap().remove_item("pw_outbox").unwrap();
}

fn host() -> Option<Element> {
    doc().get_element_by_id("privacy-widget-consent")
}

fn widget_elements() -> u32 {
    doc().query_selector_all(".pw-page-host, #privacy-widget-spacer").unwrap().length()
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Waits up to 2 s for `cond`.
async fn until(cond: impl Fn() -> bool) -> bool {
    for _ in 0..100 {
        if cond() {
            return true;
        }
        sleep(20).await;
    }
    cond()
}

/// Counts what the widget tells the host page: `privacy-widget:ready` / `:change` events on
/// `window` and `onChange` calls.
struct Heard {
    events: Rc<Cell<u32>>,
    changes: Rc<Cell<u32>>,
    _listener: Closure<dyn FnMut()>,
}

impl Heard {
    fn on(widget: &ConsentWidget) -> Heard {
        let events = Rc::new(Cell::new(0));
        let seen = events.clone();
        let listener = Closure::<dyn FnMut()>::new(move || seen.set(seen.get() + 1));
        let window = web_sys::window().unwrap();
        for kind in ["privacy-widget:ready", "privacy-widget:change"] {
            window.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref()).unwrap();
        }
        let changes = Rc::new(Cell::new(0));
        let seen = changes.clone();
        let on_change = Closure::<dyn FnMut(JsValue)>::new(move |_| seen.set(seen.get() + 1)).into_js_value();
        let _unsubscribe = widget.on_change(on_change.unchecked_into());
        Heard { events, changes, _listener: listener }
    }
}

impl Drop for Heard {
    fn drop(&mut self) {
        let window = web_sys::window().unwrap();
        for kind in ["privacy-widget:ready", "privacy-widget:change"] {
            let _ = window.remove_event_listener_with_callback(kind, self._listener.as_ref().unchecked_ref());
        }
    }
}

#[wasm_bindgen_test]
async fn destroy_before_the_notice_arrives_leaves_nothing_behind_even_when_it_arrives_later() {
    first_visit();
    hold_fetches("/held/");
    let before: Live = live();
    let widget = start_widget();
    let heard = Heard::on(&widget);
    assert!(live().timers > before.timers, "loading: the outbox courier and the fetch's timeout run");
    widget.destroy();
    sleep(20).await;
    assert_eq!(answer_held(&notice().to_json()), 1, "the notice's fetch was held");
    sleep(200).await;
    assert_eq!(widget_elements(), 0, "no host element and no spacer after the notice arrived");
    assert_eq!((heard.events.get(), heard.changes.get()), (0, 0), "no ready or change event, no onChange call");
    assert_eq!(live(), before, "no listener, timer or observer left");
    restore_fetch();
}

#[wasm_bindgen_test]
async fn destroy_before_the_notice_fails_shows_nothing_when_it_fails_later() {
    first_visit();
    hold_fetches("/held/");
    let before = live();
    let widget = start_widget();
    let heard = Heard::on(&widget);
    widget.open();
    widget.destroy();
    sleep(20).await;
    assert_eq!(live().timers, before.timers + 1, "only the fetch's own timeout runs until the fetch ends");
    assert_eq!(fail_held(), 1, "the notice's fetch was held");
    sleep(200).await;
    assert_eq!(widget_elements(), 0, "no \"unavailable\" message for a destroyed widget, no dialog for the queued open()");
    assert_eq!((heard.events.get(), heard.changes.get()), (0, 0));
    assert_eq!(live(), before, "the fetch's timeout went with the fetch");
    restore_fetch();
}

#[wasm_bindgen_test]
async fn open_called_before_the_notice_arrives_opens_the_dialog_once_ready() {
    first_visit();
    hold_fetches("/held/");
    let before = live();
    let widget = start_widget();
    widget.open();
    sleep(20).await;
    assert!(host().is_none(), "nothing shown before the notice arrives");
    answer_held(&notice().to_json());
    assert!(until(|| host().is_some()).await, "the widget mounts when the notice arrives");
    let root = host().unwrap().shadow_root().expect("an open shadow root");
    let dialogs = root.query_selector_all("dialog").unwrap();
    assert_eq!(dialogs.length(), 1, "one dialog");
    let dialog: Element = dialogs.item(0).unwrap().unchecked_into();
    assert!(dialog.matches(":modal").unwrap(), "the queued open() opened it");
    assert!(root.query_selector("[data-pw=accept-all]").unwrap().is_some(), "the banner is up as well (no decision yet)");
    widget.destroy();
    sleep(20).await;
    assert_eq!(widget_elements(), 0, "destroy removes the mounted widget");
    assert_eq!(live(), before, "and everything it listened to or timed");
    restore_fetch();
}

#[wasm_bindgen_test]
async fn reset_called_before_the_notice_arrives_asks_again_once_ready() {
    first_visit();
    let notice = notice();
    let now = (js_sys::Date::now() / 1000.0) as u64;
    let record = ConsentRecord {
        consent_id: "0123456789abcdef0123456789abcdef".into(),
        policy_version: notice.version.clone(),
        choices: notice.purposes.iter().map(|p| (p.id.clone(), false)).collect(),
        method: Method::RejectAll,
        lang: "nl".into(),
        decided_at: now,
        first_at: now,
    };
    write_decision(&record, "");
    hold_fetches("/held/");
    let widget = start_widget();
    widget.reset();
    answer_held(&notice.to_json());
    assert!(until(|| host().is_some()).await, "the widget mounts when the notice arrives");
    let root = host().unwrap().shadow_root().unwrap();
    assert!(until(|| root.query_selector("[data-pw=accept-all]").unwrap().is_some()).await, "the queued reset() shows the banner");
    assert_eq!(cookie("pw_consent"), None, "and forgot the stored decision");
    assert!(widget.consent().is_null());
    widget.destroy();
    restore_fetch();
}

#[wasm_bindgen_test]
async fn the_unavailable_message_belongs_to_the_widget_and_goes_with_destroy() {
    first_visit();
    hold_fetches("/held/");
    let before = live();
    let widget = start_widget();
    widget.open();
    answer_held("{\"site\":\"pcextreme\"}");
    assert!(until(|| host().is_some()).await, "the unavailable message is shown");
    let root = host().unwrap().shadow_root().unwrap();
    assert!(root.query_selector(".pw-unavailable").unwrap().is_some());
    assert!(root.query_selector("dialog").unwrap().is_none(), "no notice: nothing to open");
    widget.destroy();
    assert_eq!(widget_elements(), 0, "the message goes with the widget");
    sleep(20).await;
    assert_eq!(live(), before);
    restore_fetch();
}
