//! The web-sys edges: cookies and storage, GPC, script gating, events, Consent Mode.
