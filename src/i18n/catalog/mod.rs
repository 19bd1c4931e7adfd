//! The catalog tables, one module per area of the UI.

mod common;
mod consent;
// The control-panel texts are left out of the marketing-page build (browser without panel).
#[cfg(any(feature = "panel", not(feature = "browser")))]
mod panel;
#[cfg(any(feature = "panel", not(feature = "browser")))]
mod store;
#[cfg(any(feature = "panel", not(feature = "browser")))]
mod visitor;

/// One language's messages of an area: `(key, text)`.
type Table = &'static [(&'static str, &'static str)];

/// Every area's `(NL, EN)` tables, searched in order.
pub(super) const AREAS: &[(Table, Table)] = &[
    (common::NL, common::EN),
    (consent::NL, consent::EN),
    #[cfg(any(feature = "panel", not(feature = "browser")))]
    (store::NL, store::EN),
    #[cfg(any(feature = "panel", not(feature = "browser")))]
    (panel::NL, panel::EN),
    #[cfg(any(feature = "panel", not(feature = "browser")))]
    (visitor::NL, visitor::EN),
];
