//! Browser tests of the marketing-page consent edges: tag gating (C-B3), cookie and storage
//! clearing on withdrawal (C-A7), the decision cookie, and the banner and dialog DOM
//! (C-A2, C-A3, C-B1, C-D1, C-D2). Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p privacy-widget --target wasm32-unknown-unknown --test browser_consent`.
#![cfg(target_arch = "wasm32")]

use privacy_widget::consent::{ConsentRecord, Method};
use privacy_widget::i18n::Lang;
use privacy_widget::consent::Notice;
use privacy_widget::policy::parse_policy;
use privacy_widget::testing::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Document, Element, HtmlInputElement, ShadowRootInit, ShadowRootMode};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn window_number(name: &str) -> f64 {
    js_sys::Reflect::get(&web_sys::window().unwrap(), &name.into()).unwrap().as_f64().unwrap_or(0.0)
}

fn pcextreme_in(lang: Lang) -> Notice {
    let policy = parse_policy(include_str!("../www/policies/pcextreme.json")).expect("the pcextreme policy parses");
    // Through its JSON, as the page gets it from the backend.
    Notice::read(&Notice::compile(&policy, lang).to_json()).expect("the compiled notice reads back")
}

fn pcextreme() -> Notice {
    pcextreme_in(Lang::Nl)
}

/// A fresh container element appended to the body.
fn container() -> Element {
    let el = doc().create_element("div").unwrap();
    doc().body().unwrap().append_child(&el).unwrap();
    el
}

fn gated_script(parent: &Element, purpose: &str, counter: &str) -> Element {
    let s = doc().create_element("script").unwrap();
    s.set_attribute("type", "text/plain").unwrap();
    s.set_attribute("data-purpose", purpose).unwrap();
    s.set_attribute("data-type", "text/javascript").unwrap();
    s.set_attribute("nonce", "n0nce").unwrap();
    s.set_attribute("data-extra", "kept").unwrap();
    s.set_text_content(Some(&format!("window.{counter} = (window.{counter} || 0) + 1;")));
    parent.append_child(&s).unwrap();
    s
}

// C-B3: `data-purpose="a b"` needs both purposes.
#[wasm_bindgen_test]
fn a_tag_of_several_purposes_runs_only_when_all_are_granted() {
    let box_ = container();
    gated_script(&box_, "ad_measurement remarketing", "__t_both");
    assert_eq!(activate(&doc(), &|p: &str| p == "remarketing"), 0, "one of two is not enough");
    assert_eq!(activate(&doc(), &|p: &str| p == "ad_measurement"), 0, "nor the other");
    assert_eq!(window_number("__t_both"), 0.0);
    assert_eq!(activate(&doc(), &|p: &str| p == "ad_measurement" || p == "remarketing"), 1);
    assert_eq!(window_number("__t_both"), 1.0);
    box_.remove();
}

async fn tick() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

// C-B3
#[wasm_bindgen_test]
fn gated_scripts_run_once_after_consent_keeping_their_attributes() {
    let box_ = container();
    gated_script(&box_, "analytics", "__t_analytics");
    gated_script(&box_, "ad_measurement", "__t_ads");
    assert_eq!(activate(&doc(), &|_: &str| false), 0, "nothing without consent");
    assert_eq!(window_number("__t_analytics"), 0.0);
    assert_eq!(activate(&doc(), &|p: &str| p == "analytics"), 1);
    assert_eq!(window_number("__t_analytics"), 1.0);
    assert_eq!(window_number("__t_ads"), 0.0, "another purpose stays inert");
    assert_eq!(activate(&doc(), &|p: &str| p == "analytics"), 0, "never twice");
    assert_eq!(window_number("__t_analytics"), 1.0);
    let live = box_.query_selector("script[data-purpose=analytics]:not([type='text/plain'])").unwrap().unwrap();
    assert_eq!(live.get_attribute("type").as_deref(), Some("text/javascript"));
    assert_eq!(live.get_attribute("data-extra").as_deref(), Some("kept"));
    assert_eq!(js_sys::Reflect::get(&live, &"nonce".into()).unwrap().as_string().as_deref(), Some("n0nce"));
    assert!(live.has_attribute(ACTIVATED_ATTR));
    box_.remove();
}

// C-B3
#[wasm_bindgen_test]
fn iframes_and_images_get_their_src_once() {
    let box_ = container();
    for tag in ["iframe", "img"] {
        let el = doc().create_element(tag).unwrap();
        el.set_attribute("data-src", "about:blank#x").unwrap();
        el.set_attribute("data-purpose", "remarketing").unwrap();
        el.set_attribute("title", "kept").unwrap();
        box_.append_child(&el).unwrap();
    }
    activate(&doc(), &|p: &str| p == "analytics");
    assert_eq!(box_.query_selector_all("[src]").unwrap().length(), 0);
    assert_eq!(activate(&doc(), &|p: &str| p == "remarketing"), 2);
    assert_eq!(box_.query_selector_all("[src='about:blank#x'][title=kept]").unwrap().length(), 2);
    assert_eq!(activate(&doc(), &|p: &str| p == "remarketing"), 0);
    box_.remove();
}

// C-B3: elements added later are handled while the gate lives, not after it is dropped.
#[wasm_bindgen_test]
async fn elements_added_later_are_activated_by_the_observer() {
    let box_ = container();
    let gate = Gate::watch(&doc());
    gate.grant(&doc(), vec!["late".to_string()]);
    gated_script(&box_, "late", "__t_late");
    tick().await;
    assert_eq!(window_number("__t_late"), 1.0);
    drop(gate);
    gated_script(&box_, "late", "__t_late");
    tick().await;
    assert_eq!(window_number("__t_late"), 1.0, "the observer is disconnected on drop");
    box_.remove();
}

fn set_cookie(line: &str) {
    doc().dyn_into::<web_sys::HtmlDocument>().unwrap().set_cookie(line).unwrap();
}

// C-A7: wildcards, other cookies untouched.
#[wasm_bindgen_test]
fn withdrawal_clears_matching_cookies_and_storage_keys() {
    for c in ["_ga=1", "_ga_ABC=2", "_gid=3", "keep=4"] {
        set_cookie(&format!("{c}; Path=/"));
    }
    assert_eq!(clear_cookies(&["_ga", "_ga_*", "_gid"]), 3);
    assert_eq!(cookie("_ga"), None);
    assert_eq!(cookie("_ga_ABC"), None);
    assert_eq!(cookie("keep").as_deref(), Some("4"));
    set_cookie("keep=; Max-Age=0; Path=/");
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.set_item("_uetsid_exp", "1").unwrap();
    storage.set_item("_uetvid_exp", "1").unwrap();
    storage.set_item("mine", "1").unwrap();
    let session = web_sys::window().unwrap().session_storage().unwrap().unwrap();
    session.set_item("_uetsid", "1").unwrap();
    assert_eq!(clear_storage(&["_uetsid*", "_uetvid*"]), 3);
    assert_eq!(storage.get_item("mine").unwrap().as_deref(), Some("1"));
    assert_eq!(storage.get_item("_uetsid_exp").unwrap(), None);
    storage.remove_item("mine").unwrap();
}

#[wasm_bindgen_test]
fn the_decision_cookie_round_trips_and_garbage_is_no_decision() {
    let record = ConsentRecord {
        consent_id: "0123456789abcdef0123456789abcdef".into(),
        policy_version: "2019-02-25".into(),
        choices: vec![("analytics".into(), true), ("remarketing".into(), false)],
        method: Method::Custom,
        lang: "nl".into(),
        decided_at: 1_800_000_000,
        first_at: 1_700_000_000,
    };
    write_decision(&record, "");
    assert_eq!(read_decision(), Some(record));
    set_cookie("pw_consent=%%garbage~~; Path=/");
    assert_eq!(read_decision(), None);
    set_cookie("pw_consent=; Max-Age=0; Path=/");
}

fn events() -> (Rc<RefCell<Vec<BannerEvent>>>, Rc<dyn Fn(BannerEvent)>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    (seen, Rc::new(move |e| s.borrow_mut().push(e)))
}

fn key_event(key: &str, shift: bool) -> web_sys::Event {
    let init = js_sys::Object::new();
    js_sys::Reflect::set(&init, &"key".into(), &key.into()).unwrap();
    js_sys::Reflect::set(&init, &"shiftKey".into(), &shift.into()).unwrap();
    js_sys::Reflect::set(&init, &"bubbles".into(), &true.into()).unwrap();
    js_sys::Reflect::set(&init, &"cancelable".into(), &true.into()).unwrap();
    let ctor: js_sys::Function =
        js_sys::Reflect::get(&web_sys::window().unwrap(), &"KeyboardEvent".into()).unwrap().unchecked_into();
    let args = js_sys::Array::of2(&"keydown".into(), &init);
    js_sys::Reflect::construct(&ctor, &args).unwrap().unchecked_into()
}

fn click(el: &Element) {
    el.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
}

// C-A3, C-D3, C-A2, C-B1
#[wasm_bindgen_test]
fn the_banner_is_a_region_with_three_equal_choices_and_escape_records_nothing() {
    let (seen, on) = events();
    let banner = Banner::new(&pcextreme(), false, on).unwrap();
    let el = &banner.el;
    assert_eq!(el.get_attribute("role").as_deref(), Some("region"));
    assert!(el.get_attribute("aria-label").is_some_and(|l| !l.is_empty()));
    assert!(el.text_content().unwrap().contains("PCextreme"));
    let q = |name: &str| el.query_selector(&format!("[data-pw={name}]")).unwrap().unwrap();
    let classes: Vec<_> = ["accept-all", "reject-all", "settings"].iter().map(|n| q(n).get_attribute("class")).collect();
    assert!(classes.iter().all(|c| *c == classes[0]), "same style: {classes:?}");
    assert_eq!(q("accept-all").text_content().as_deref(), Some("Alles accepteren"));
    assert_eq!(q("reject-all").text_content().as_deref(), Some("Alles weigeren"));
    assert_eq!(q("settings").text_content().as_deref(), Some("Instellingen"));
    assert!(el.query_selector("[data-pw=gpc]").unwrap().is_none());
    click(&q("reject-all"));
    click(&q("accept-all"));
    click(&q("settings"));
    q("accept-all").dispatch_event(&key_event("Escape", false)).unwrap();
    assert_eq!(
        *seen.borrow(),
        [BannerEvent::RejectAll, BannerEvent::AcceptAll, BannerEvent::Settings, BannerEvent::Dismiss]
    );
    let (_, on) = events();
    let with_gpc = Banner::new(&pcextreme_in(Lang::En), true, on).unwrap();
    let note = with_gpc.el.query_selector("[data-pw=gpc]").unwrap().unwrap();
    assert!(note.text_content().unwrap().contains("Global Privacy Control"));
    let accept = with_gpc.el.query_selector("[data-pw=accept-all]").unwrap().unwrap();
    assert_eq!(accept.text_content().as_deref(), Some("Accept all"), "the texts are the notice's language");
}

// C-D1, C-D2, C-A2, C-A5, C-B1
#[wasm_bindgen_test]
fn the_dialog_is_modal_starts_off_locks_gpc_purposes_and_wraps_tab() {
    let host = container();
    let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).unwrap();
    let frame = doc().create_element("div").unwrap();
    frame.set_class_name("pw-root");
    root.append_child(&frame).unwrap();
    let saved: Rc<RefCell<Vec<DialogEvent>>> = Rc::new(RefCell::new(Vec::new()));
    let s = saved.clone();
    let dialog = Dialog::new(&pcextreme(), true, &|_: &str| true, Rc::new(move |e| s.borrow_mut().push(e))).unwrap();
    dialog.open(&root);
    let el = &dialog.el;
    assert_eq!(el.tag_name(), "DIALOG");
    assert!(el.matches(":modal").unwrap(), "opened with showModal");
    assert_eq!(el.get_attribute("aria-modal").as_deref(), Some("true"));
    let title = root.get_element_by_id(&el.get_attribute("aria-labelledby").unwrap()).unwrap();
    assert_eq!(title.text_content().as_deref(), Some("Privacy-instellingen"));
    let ga = el.query_selector("[data-purpose=analytics] [data-service]").unwrap().unwrap();
    assert!(ga.text_content().unwrap().contains("_ga (2 jaar)"), "service lines with cookie lifetimes");
    let recipient = el.query_selector("[data-purpose=analytics] [data-recipient]").unwrap().unwrap();
    assert!(!recipient.text_content().unwrap().is_empty(), "recipient lines");
    let switches = el.query_selector_all("[data-pw=switch]").unwrap();
    let states: Vec<(String, bool, bool)> = (0..switches.length())
        .map(|i| switches.item(i).unwrap().dyn_into::<HtmlInputElement>().unwrap())
        .map(|i| (i.name(), i.checked(), i.disabled()))
        .collect();
    assert_eq!(
        states,
        [
            ("analytics".to_string(), true, false),
            ("ad_measurement".to_string(), false, true),
            ("remarketing".to_string(), false, true)
        ],
        "granted shows on; GPC keeps ads off and locked"
    );
    let first = el.query_selector("[data-pw=close]").unwrap().unwrap();
    let last = el.query_selector("[data-pw=reject-all]").unwrap().unwrap();
    assert_eq!(root.active_element().as_ref(), Some(&first), "focus moved in");
    let tab = key_event("Tab", true);
    el.dispatch_event(&tab).unwrap();
    assert!(tab.default_prevented());
    assert_eq!(root.active_element().as_ref(), Some(&last), "Shift+Tab wraps");
    el.dispatch_event(&key_event("Tab", false)).unwrap();
    assert_eq!(root.active_element().as_ref(), Some(&first), "Tab wraps");
    click(&el.query_selector("[data-pw=save]").unwrap().unwrap());
    assert_eq!(
        *saved.borrow(),
        [DialogEvent::Save(vec![
            ("analytics".into(), true),
            ("ad_measurement".into(), false),
            ("remarketing".into(), false)
        ])]
    );
    click(&first);
    assert_eq!(saved.borrow().last(), Some(&DialogEvent::Closed));
    assert!(!el.matches(":modal").unwrap());
    let _ = JsValue::NULL;
    host.remove();
}
