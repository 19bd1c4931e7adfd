//! JSON through the browser's own `JSON.parse` and `JSON.stringify`, and plain-object members:
//! the marketing page reads its notice and keeps its outbox without a JSON parser in the wasm.
//! Also `createElement` without an error path for our constant tags.

use crate::prelude::*;

use crate::consent::NoticeSource;
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Parses a JSON text; the error is the browser's message (`Unexpected token } in JSON at position 5`).
pub fn parse(text: &str) -> Result<JsValue, String> {
    JSON::parse(text).map_err(|e| get(&e, "message").and_then(|m| m.as_string()).unwrap_or_default())
}

/// The JSON text of a value (`None` for what JSON cannot hold).
pub fn stringify(value: &JsValue) -> Option<String> {
    JSON::stringify(value).ok().and_then(|s| s.as_string())
}

/// The member `key` of an object; `None` when missing (`undefined`) or `value` is no object.
pub fn get(value: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(value, &JsValue::from_str(key)).ok().filter(|v| !v.is_undefined())
}

/// Sets the member `key` of a plain object.
pub fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// Sets the member `key` of a plain object to a string.
pub fn set_str(object: &Object, key: &str, value: &str) {
    set(object, key, &JsValue::from_str(value));
}

#[wasm_bindgen]
extern "C" {
    /// `globalThis.window`, read once; `None` where there is none (a worker, a server).
    #[wasm_bindgen(thread_local_v2, js_name = window)]
    static WINDOW: Option<web_sys::Window>;

    /// The document, with `createElement` bound without `catch`: it throws only for an
    /// invalid tag name, and ours are constants (`&'static str`) that the browser tests build,
    /// so no error path per element.
    #[wasm_bindgen(extends = web_sys::Document)]
    type Doc;
    #[wasm_bindgen(method, js_name = createElement)]
    fn create(this: &Doc, tag: &str) -> web_sys::Element;
    /// `document.cookie`; throws where cookies are not allowed (an opaque origin).
    #[wasm_bindgen(method, getter, catch)]
    fn cookie(this: &Doc) -> Result<String, JsValue>;
    #[wasm_bindgen(method, setter, js_name = cookie, catch)]
    fn set_cookie(this: &Doc, line: &str) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// A `keydown` event's members, read without a type check: for a plain `Event` (a page can
    /// dispatch one on our open shadow root) they are `undefined`, never an error.
    #[wasm_bindgen(extends = web_sys::Event)]
    type Keys;
    #[wasm_bindgen(method, getter)]
    fn key(this: &Keys) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = shiftKey)]
    fn shift_key(this: &Keys) -> bool;
}

/// Whether `event` is a key press of `key` (`"Escape"`, `"Tab"`).
pub fn is_key(event: &web_sys::Event, key: &str) -> bool {
    event.unchecked_ref::<Keys>().key().as_string().is_some_and(|k| k == key)
}

/// Whether Shift was held (false for events without the member).
pub fn shift_held(event: &web_sys::Event) -> bool {
    event.unchecked_ref::<Keys>().shift_key()
}

/// The page's window. `web_sys::window()` finds it through `js_sys::global()`, which probes
/// four globals and checks the type: more imports and code for the marketing page.
pub fn window() -> Option<web_sys::Window> {
    WINDOW.with(Clone::clone)
}

/// `document.cookie` (without the `HtmlDocument` type check).
pub fn cookie(doc: &web_sys::Document) -> Option<String> {
    doc.unchecked_ref::<Doc>().cookie().ok()
}

/// Writes one cookie line to `document.cookie`.
pub fn set_cookie(doc: &web_sys::Document, line: &str) {
    let _ = doc.unchecked_ref::<Doc>().set_cookie(line);
}

/// `doc.createElement(tag)` for a constant tag of ours (no error path, see `Doc`).
pub fn create_element(doc: &web_sys::Document, tag: &'static str) -> web_sys::Element {
    doc.unchecked_ref::<Doc>().create(tag)
}

impl NoticeSource for JsValue {
    fn member(&self, key: &str) -> Option<JsValue> {
        if self.is_object() {
            get(self, key)
        } else {
            None
        }
    }

    fn is_object(&self) -> bool {
        JsValue::is_object(self) && !Array::is_array(self)
    }

    fn is_null(&self) -> bool {
        JsValue::is_null(self)
    }

    fn text(&self) -> Option<String> {
        self.as_string()
    }

    fn items(&self) -> Option<Vec<JsValue>> {
        Array::is_array(self).then(|| Array::from(self).iter().collect())
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
}
