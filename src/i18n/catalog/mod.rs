//! The catalog tables, one module per area of the UI.

mod common;
mod consent;
mod panel;
mod store;

/// Every area's `(NL, EN)` tables, searched in order.
pub(super) const AREAS: &[(&[(&str, &str)], &[(&str, &str)])] = &[
    (common::NL, common::EN),
    (consent::NL, consent::EN),
    (store::NL, store::EN),
    (panel::NL, panel::EN),
];
