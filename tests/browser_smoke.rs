//! Browser layer smoke test: runs in headless Chromium through wasm-bindgen-test-runner
//! (`cargo test -p privacy-widget --target wasm32-unknown-unknown --test 'browser_*'`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh container element appended to the body, removed again by the caller.
fn container() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let element = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element
}

#[wasm_bindgen_test]
fn the_document_is_reachable_and_an_element_takes_text() {
    let element = container();
    element.set_text_content(Some("Privacy-instellingen"));
    assert_eq!(element.text_content().as_deref(), Some("Privacy-instellingen"));
    let document = web_sys::window().unwrap().document().unwrap();
    assert!(document.body().unwrap().contains(Some(&element)));
    element.remove();
}
