//! Texts of the control panel: sign-in, my data, opt-ins, requests.

pub const NL: &[(&str, &str)] = &[("panel.title", "Mijn privacy")];

pub const EN: &[(&str, &str)] = &[("panel.title", "My privacy")];
