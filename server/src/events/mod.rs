//! Events to the company's systems and calls to its data provider, signed as Standard Webhooks
//! v1: the signing and verification ([`signing`]), the retry schedule ([`schedule`]), the thin
//! payloads ([`payload`]), the durable outbox ([`outbox`]), the delivery worker ([`deliver`]),
//! the due-date reminders ([`reminders`]) and the data provider's call ([`provider`]). Which
//! endpoint wants which event is the configuration's [`EventFilter`](crate::config::EventFilter);
//! the operator's `webhooks` command is in `crate::cli::webhooks`.

pub mod deliver;
pub mod outbox;
pub mod payload;
pub mod provider;
pub mod reminders;
pub mod schedule;
pub mod signing;

pub use payload::{DataRequest, Event, EventConsent, EventData, EventRequest, EventType};
pub use schedule::{retry_delay, MAX_ATTEMPTS, RETRY_SCHEDULE};
pub use signing::{message_id, SignedHeaders, Signer};

/// Everything that can go wrong while signing or checking a webhook.
#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    /// A `webhook-*` header is missing or not text.
    #[error("header {0} is missing or not text")]
    Header(&'static str),
    /// `webhook-timestamp` is not a number of seconds.
    #[error("webhook-timestamp is not a Unix time in seconds")]
    Timestamp,
    /// The timestamp is more than 5 minutes away from now.
    #[error("webhook-timestamp is more than 5 minutes off")]
    Stale,
    /// No `v1,` entry of `webhook-signature` matches.
    #[error("no webhook-signature matches")]
    Signature,
    /// The body is not UTF-8 (Standard Webhooks signs text).
    #[error("the body is not UTF-8")]
    Body,
}
