//! privacy-widget: a consent banner, a "what we store" view, account opt-ins and data-subject
//! requests, all driven by one declarative policy document per site.
//!
//! The pure core (`policy`, `consent`, `requests`, `i18n`) builds natively and is shared with the
//! reference server; the web edges (`browser`, `ui`, `api`, and the `#[wasm_bindgen]` surface in
//! `surface`) sit behind the default-on `browser` feature; the control-panel views behind `panel`.

// The marketing-page build (wasm32 without the `std` feature) is `no_std`: see `browser`.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]
#![deny(missing_docs)]

#[macro_use]
extern crate alloc;

mod prelude;

pub mod consent;
pub mod i18n;
pub mod policy;
pub mod requests;
/// The typed panel/server bodies: natively (the server, the tests) and in the panel build only.
#[cfg(any(not(target_arch = "wasm32"), feature = "panel"))]
pub mod wire;

#[cfg(feature = "browser")]
mod api;
#[cfg(feature = "browser")]
mod browser;
#[cfg(feature = "browser")]
mod surface;
#[cfg(feature = "browser")]
mod ui;

/// The control-panel entry (`mount(target, options)`), public for the browser tests.
#[cfg(feature = "panel")]
pub use ui::embed::{mount, Embed};

/// The marketing-page entry (`start(options)`, the loader calls it) and browser-test hooks.
#[cfg(feature = "browser")]
pub use surface::{start, testing, ConsentWidget};
