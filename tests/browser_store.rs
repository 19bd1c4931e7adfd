//! The "what we store" view in a real browser: every label of a fixture policy is shown, the
//! outside-EU recipient carries a textual mark, hostile strings stay text, and a bad policy
//! shows the neutral message (`cargo test --target wasm32-unknown-unknown --test browser_store`).
#![cfg(target_arch = "wasm32")]

use privacy_widget::policy::{parse_policy, Policy};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURE: &str = include_str!("fixtures/store-hostile.json");

fn container() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let element = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element
}

fn data_url(json: &str) -> String {
    let encoded: String = js_sys::encode_uri_component(json).into();
    format!("data:application/json,{encoded}")
}

fn options(policy_url: &str, lang: &str) -> JsValue {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"policy".into(), &policy_url.into()).unwrap();
    js_sys::Reflect::set(&o, &"lang".into(), &lang.into()).unwrap();
    js_sys::Reflect::set(&o, &"view".into(), &"store".into()).unwrap();
    o.into()
}

/// Waits until `selector` matches inside the host's shadow root.
async fn wait_for(host: &Element, selector: &str) -> Element {
    for _ in 0..200 {
        if let Some(root) = host.shadow_root() {
            if let Ok(Some(el)) = root.query_selector(selector) {
                return el;
            }
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    panic!("{selector} never appeared");
}

fn shadow_text(host: &Element) -> String {
    host.shadow_root().unwrap().text_content().unwrap_or_default()
}

fn label<'a>(policy: &'a Policy, text: &'a privacy_widget::policy::Text, lang: &str) -> &'a str {
    policy.text(text, lang)
}

async fn render(lang: &str) -> (Element, privacy_widget::Embed, Policy) {
    let policy = parse_policy(FIXTURE).expect("fixture is valid");
    let host = container();
    let embed = privacy_widget::mount(host.clone().into(), options(&data_url(FIXTURE), lang)).unwrap();
    wait_for(&host, ".pw-store").await;
    (host, embed, policy)
}

// C-C4: purposes, categories, recipients with third countries marked, retention, basis, rights.
#[wasm_bindgen_test]
async fn every_purpose_category_field_and_recipient_label_is_shown() {
    for lang in ["nl", "en"] {
        let (host, embed, policy) = render(lang).await;
        let text = shadow_text(&host);
        for p in &policy.purposes {
            assert!(text.contains(label(&policy, &p.label, lang)), "purpose {} missing", p.id);
        }
        for c in &policy.categories {
            assert!(text.contains(label(&policy, &c.label, lang)), "category {} missing", c.id);
            for f in &c.fields {
                assert!(text.contains(label(&policy, &f.label, lang)), "field {} missing", f.id);
            }
        }
        for r in &policy.recipients {
            assert!(text.contains(label(&policy, &r.name, lang)), "recipient {} missing", r.id);
        }
        assert!(text.contains(&policy.version));
        let expected = if lang == "nl" { "Wat we over u bewaren" } else { "What we store about you" };
        assert!(text.contains(expected));
        assert!(text.contains(if lang == "nl" { "5 werkdagen" } else { "5 working days" }));
        assert!(text.contains("Autoriteit Persoonsgegevens"));
        embed.destroy();
        host.remove();
    }
}

#[wasm_bindgen_test]
async fn recipients_outside_the_eu_or_not_stated_carry_a_text_mark() {
    let (host, embed, _policy) = render("nl").await;
    let root = host.shadow_root().unwrap();
    let google = root.query_selector(".pw-all-recipients [data-recipient=google]").unwrap().unwrap();
    let badge = google.query_selector(".pw-outside-eu").unwrap().expect("badge");
    assert_eq!(badge.text_content().as_deref(), Some("Buiten de EU"));
    let evil = root.query_selector(".pw-all-recipients [data-recipient=evil]").unwrap().unwrap();
    assert!(evil.query_selector(".pw-outside-eu").unwrap().is_none(), "an EU recipient has no badge");
    assert!(evil.query_selector(".pw-location-unknown").unwrap().is_none(), "an EU recipient has no location note");
    // A recipient whose location the policy does not state says so in text, without the badge.
    let registry = root.query_selector(".pw-all-recipients [data-recipient=registry]").unwrap().unwrap();
    assert!(registry.query_selector(".pw-outside-eu").unwrap().is_none(), "not stated is not outside");
    let note = registry.query_selector(".pw-location-unknown").unwrap().expect("location note");
    assert_eq!(note.text_content().as_deref(), Some("locatie niet vermeld"));
    // The summary of the analytics purpose shows the mark while collapsed.
    let analytics = root.query_selector("[data-purpose=analytics] summary .pw-outside-eu").unwrap();
    assert!(analytics.is_some());
    embed.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn hostile_strings_are_rendered_as_text() {
    let (host, embed, _policy) = render("nl").await;
    let root = host.shadow_root().unwrap();
    assert!(root.query_selector("img, script, b, i, u").unwrap().is_none(), "markup from the policy became elements");
    let text = shadow_text(&host);
    assert!(text.contains("<img src=x onerror=\"window.__pwned=1\">Evil B.V."));
    assert!(text.contains("<script>alert(1)</script>"));
    let pwned = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined());
    embed.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn english_ui_with_a_dutch_only_policy_marks_the_policy_texts_nl() {
    // A Dutch-only policy: plain strings everywhere.
    let mut json: serde_json::Value = serde_json::from_str(&strip_en(include_str!("fixtures/minimal.json"))).unwrap();
    json["languages"] = serde_json::json!(["nl"]);
    let nl_only = json.to_string();
    parse_policy(&nl_only).expect("nl-only fixture is valid");
    let host = container();
    let embed = privacy_widget::mount(host.clone().into(), options(&data_url(&nl_only), "en")).unwrap();
    wait_for(&host, ".pw-store").await;
    let root = host.shadow_root().unwrap();
    assert!(shadow_text(&host).contains("What we store about you"));
    let marked = root.query_selector("[lang=nl]").unwrap().expect("policy texts marked lang=nl");
    assert!(!marked.text_content().unwrap_or_default().is_empty());
    embed.destroy();
    host.remove();
}

/// Turns every `{"en": .., "nl": ..}` text map into its Dutch string.
fn strip_en(json: &str) -> String {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                if map.len() == 2 && map.contains_key("nl") && map.contains_key("en") {
                    *v = map["nl"].clone();
                    return;
                }
                map.values_mut().for_each(walk);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    walk(&mut v);
    v.to_string()
}

#[wasm_bindgen_test]
async fn an_invalid_policy_shows_the_neutral_message_and_the_host_page_is_untouched() {
    let host = container();
    host.set_attribute("lang", "nl").unwrap();
    let before = web_sys::window().unwrap().document().unwrap().body().unwrap().child_element_count();
    let embed = privacy_widget::mount(host.clone().into(), options(&data_url(r#"{"site": 1}"#), "nl")).unwrap();
    let msg = wait_for(&host, ".pw-unavailable").await;
    assert!(msg.text_content().unwrap().contains("niet beschikbaar"));
    let after = web_sys::window().unwrap().document().unwrap().body().unwrap().child_element_count();
    assert_eq!(before, after);
    embed.destroy();
    host.remove();
}

#[wasm_bindgen_test]
fn mounting_twice_or_on_a_missing_element_throws_a_clear_error() {
    let host = container();
    let url = data_url(FIXTURE);
    let first = privacy_widget::mount(host.clone().into(), options(&url, "nl")).unwrap();
    let err = privacy_widget::mount(host.clone().into(), options(&url, "nl")).err().expect("second mount refused");
    let message: String = js_sys::Error::from(err).message().into();
    assert!(message.contains("already has a widget"), "{message}");
    let err = privacy_widget::mount("#no-such-element".into(), options(&url, "nl")).err().expect("missing element");
    let message: String = js_sys::Error::from(err).message().into();
    assert!(message.contains("no element matches"), "{message}");
    first.destroy();
    // After destroy the element takes a widget again.
    let again = privacy_widget::mount(host.clone().into(), options(&url, "nl")).unwrap();
    again.destroy();
    host.remove();
}

#[wasm_bindgen_test]
fn mount_options_are_read_as_typed_options_and_a_wrong_one_is_named() {
    let host = container();
    let url = data_url(FIXTURE);
    let message = |options: JsValue| -> String {
        let err = privacy_widget::mount(host.clone().into(), options).err().expect("refused");
        js_sys::Error::from(err).message().into()
    };
    // An option of the wrong type is named, with why.
    let o = options(&url, "nl");
    js_sys::Reflect::set(&o, &"site".into(), &JsValue::from_f64(5.0)).unwrap();
    let m = message(o);
    assert!(m.starts_with("privacy-widget: options.site: invalid type"), "{m}");
    let o = options(&url, "nl");
    js_sys::Reflect::set(&o, &"view".into(), &"dashboard".into()).unwrap();
    assert!(message(o).contains("options.view must be"));
    assert!(message(js_sys::Object::new().into()).contains("options.policy"));
    assert!(message(JsValue::UNDEFINED).contains("options.policy"));
    // Members the options do not name, a function among them, are left alone.
    let o = options(&url, "nl");
    let f = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {});
    js_sys::Reflect::set(&o, &"token".into(), f.as_ref()).unwrap();
    js_sys::Reflect::set(&o, &"api".into(), &"  /api/v1/  ".into()).unwrap();
    let embed = privacy_widget::mount(host.clone().into(), o).expect("mounted");
    assert_eq!(embed.lang(), "nl");
    embed.destroy();
    host.remove();
}
