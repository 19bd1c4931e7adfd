//! Proof of consent (C-A8): a consent record validated strictly against the site's loaded policy
//! ([`validate`]) and stored append-only, keyed by its `Idempotency-Key` ([`store`]).

pub mod store;
pub mod validate;

pub use store::{Outcome, Receipt};
pub use validate::{consent_id_reason, validate, Action, NewConsent, Refusal};
