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
    /// The document, with `createElement` bound without `catch`: it throws only for an
    /// invalid tag name, and ours are constants (`&'static str`) that the browser tests build,
    /// so no error path per element.
    #[wasm_bindgen(extends = web_sys::Document)]
    type Doc;
    #[wasm_bindgen(method, js_name = createElement)]
    fn create(this: &Doc, tag: &str) -> web_sys::Element;
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
