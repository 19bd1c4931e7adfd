//! Tag gating (C-B3): `<script type="text/plain" data-purpose>` and `iframe`/`img` with
//! `data-src` + `data-purpose` (one purpose id, or several space-separated ones that must all be
//! granted) are activated once their purposes are granted, exactly once,
//! keeping every other attribute (nonce included). A `MutationObserver` (owned by [`Gate`],
//! disconnected on drop) handles elements added later.

use crate::prelude::*;

use crate::browser::cell::PageCell;
use alloc::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, MutationObserver};

/// Marks an element the widget has activated (value `1`), so it never runs twice.
pub const ACTIVATED_ATTR: &str = "data-privacy-activated";

const SELECTOR: &str = "script[type=\"text/plain\"][data-purpose],iframe[data-src][data-purpose],img[data-src][data-purpose]";

/// Activates every gated element under `doc` whose purpose `granted` accepts; returns how many.
pub fn activate(doc: &Document, granted: &dyn Fn(&str) -> bool) -> usize {
    let Ok(list) = doc.query_selector_all(SELECTOR) else { return 0 };
    let mut n = 0;
    for i in 0..list.length() {
        // A selector matches elements only: no type check.
        if let Some(el) = list.item(i).map(JsCast::unchecked_into::<Element>) {
            if activate_one(doc, &el, granted) {
                n += 1;
            }
        }
    }
    n
}

/// Activates one element if it is gated, not yet activated, and its purpose is granted.
fn activate_one(doc: &Document, el: &Element, granted: &dyn Fn(&str) -> bool) -> bool {
    if el.has_attribute(ACTIVATED_ATTR) {
        return false;
    }
    let Some(purposes) = el.get_attribute("data-purpose") else { return false };
    // One purpose or several, space-separated: every one must be granted.
    let mut ids = purposes.split_ascii_whitespace().peekable();
    if ids.peek().is_none() || !ids.all(granted) {
        return false;
    }
    let tag = el.tag_name();
    if tag.eq_ignore_ascii_case("script") {
        if el.get_attribute("type").as_deref() != Some("text/plain") {
            return false;
        }
        activate_script(doc, el)
    } else if let Some(src) = el.get_attribute("data-src") {
        let _ = el.set_attribute(ACTIVATED_ATTR, "1");
        el.set_attribute("src", &src).is_ok()
    } else {
        false
    }
}

/// Replaces the inert script with a live copy: every attribute but `type` (restored from
/// `data-type` when given), the same text; the nonce property is carried over explicitly
/// because browsers hide the attribute's value after parsing.
fn activate_script(doc: &Document, old: &Element) -> bool {
    let new = super::js::create_element(doc, "script");
    for name in old.get_attribute_names().iter().filter_map(|n| n.as_string()) {
        if name != "type" && name != "data-type" {
            if let Some(value) = old.get_attribute(&name) {
                let _ = new.set_attribute(&name, &value);
            }
        }
    }
    if let Some(t) = old.get_attribute("data-type") {
        let _ = new.set_attribute("type", &t);
    }
    if let Ok(nonce) = js_sys::Reflect::get(old, &"nonce".into()) {
        if nonce.as_string().is_some_and(|n| !n.is_empty()) {
            let _ = js_sys::Reflect::set(&new, &"nonce".into(), &nonce);
        }
    }
    if !old.has_attribute("async") {
        // Inserted scripts are async by default; keep the page's order instead.
        let _ = js_sys::Reflect::set(&new, &"async".into(), &false.into());
    }
    let _ = new.set_attribute(ACTIVATED_ATTR, "1");
    new.set_text_content(old.text_content().as_deref());
    let _ = old.set_attribute(ACTIVATED_ATTR, "1");
    old.replace_with_with_node_1(&new).is_ok()
}

/// The live gate: activates on request and watches for gated elements added later.
#[must_use = "dropping a Gate disconnects its observer at once"]
pub struct Gate {
    observer: Option<MutationObserver>,
    _callback: Option<Closure<dyn FnMut()>>,
    granted: Rc<PageCell<Vec<String>>>,
}

impl Gate {
    /// Starts watching `doc` for added elements; nothing is granted yet.
    pub fn watch(doc: &Document) -> Gate {
        let granted: Rc<PageCell<Vec<String>>> = Rc::new(PageCell::new(Vec::new()));
        let seen = granted.clone();
        let doc_for_cb = doc.clone();
        // The records and the observer the browser passes are not needed (the gate looks at
        // the whole document): a closure without arguments shares its glue with the timers'.
        let callback = Closure::<dyn FnMut()>::new(move || {
            let list = seen.borrow();
            if !list.is_empty() {
                activate(&doc_for_cb, &|p: &str| list.iter().any(|g| g == p));
            }
        });
        let observer = MutationObserver::new(callback.as_ref().unchecked_ref()).ok();
        if let (Some(obs), Some(root)) = (&observer, doc.document_element()) {
            // A plain object: the dictionary type's setters would each be an import.
            let init = js_sys::Object::new();
            super::js::set(&init, "childList", &JsValue::TRUE);
            super::js::set(&init, "subtree", &JsValue::TRUE);
            let _ = obs.observe_with_options(&root, init.unchecked_ref());
        }
        #[cfg(debug_assertions)]
        super::events::live::observer(1);
        Gate { observer, _callback: Some(callback), granted }
    }

    /// Sets the granted purposes and activates what they allow now.
    pub fn grant(&self, doc: &Document, purposes: Vec<String>) -> usize {
        *self.granted.borrow_mut() = purposes;
        let list = self.granted.borrow();
        activate(doc, &|p: &str| list.iter().any(|g| g == p))
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        if let Some(obs) = &self.observer {
            obs.disconnect();
        }
        #[cfg(debug_assertions)]
        super::events::live::observer(-1);
    }
}
