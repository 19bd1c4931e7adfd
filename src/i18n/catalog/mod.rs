//! The catalog tables, one module per area of the UI.

mod common;

/// Every area's `(NL, EN)` tables, searched in order.
pub(super) const AREAS: &[(&[(&str, &str)], &[(&str, &str)])] = &[(common::NL, common::EN)];
