//! The `#[wasm_bindgen]` surface: init, mount, open, consent, on_change, destroy.
