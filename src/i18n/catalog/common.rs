//! Texts shared by every view: widget name, loading and error states, generic actions.

pub const NL: &[(&str, &str)] = &[
    ("widget.name", "Privacy"),
    ("state.loading", "Privacy-informatie wordt geladen…"),
    ("state.unavailable", "De privacy-instellingen zijn op dit moment niet beschikbaar."),
    ("action.close", "Sluiten"),
];

pub const EN: &[(&str, &str)] = &[
    ("widget.name", "Privacy"),
    ("state.loading", "Loading privacy information…"),
    ("state.unavailable", "The privacy settings are not available right now."),
    ("action.close", "Close"),
];
