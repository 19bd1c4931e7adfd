//! The web-sys edges: cookies and storage, GPC, script gating, events, Consent Mode.
//!
//! One file per concern; everything that decides lives in `crate::consent`.

pub mod cookies;
pub mod env;
pub mod gating;
pub mod signals;
pub mod storage;
