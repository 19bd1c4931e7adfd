//! How long the server keeps its own data (C-E2): the configurable periods, their defaults and
//! the legal or functional minimums below which a setting is refused at start, naming the key.
//! The background task that enforces them is [`crate::retention`].

use std::time::Duration;

const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;

/// `ip_retention_hours` unless set: IP addresses in the rate-limit and code tables go after 24 h.
pub const DEFAULT_IP_RETENTION: Duration = Duration::from_secs(24 * 3600);
/// The shortest `ip_retention_hours`: one hour, the window the code limits count in (a shorter
/// period would let them forget a flood while it is going on).
pub const MIN_IP_RETENTION_HOURS: f64 = 1.0;
/// The longest `ip_retention_hours`: 24, the period the privacy statement promises.
pub const MAX_IP_RETENTION_HOURS: f64 = 24.0;

/// `consent_retention_days` unless set: a consent record (and an opt-in change) is kept five
/// years after it stops being the visitor's current decision, to prove consent (Art. 7(1))
/// until claims are time-barred (Dutch Civil Code Art. 3:310: five years).
pub const DEFAULT_CONSENT_RETENTION: Duration = Duration::from_secs(1826 * 86_400);
/// The shortest `consent_retention_days`: one year. A decision is relied on for up to 13 months
/// (C-A10); the proof of the decision it replaced must outlast a complaint about that period.
pub const MIN_CONSENT_RETENTION_DAYS: f64 = 365.0;
/// The longest `consent_retention_days` (ten years).
pub const MAX_CONSENT_RETENTION_DAYS: f64 = 3650.0;

/// `request_retention_days` unless set: a closed request (its record, steps, answer and mails) is
/// kept five years after its closing step: the controller must be able to show how it handled
/// a request (Art. 5(2), 12) until claims about it are time-barred (Art. 3:310 BW, five years).
pub const DEFAULT_REQUEST_RETENTION: Duration = Duration::from_secs(1826 * 86_400);
/// The shortest `request_retention_days`: one year, longer than the longest answer term (three
/// months, Art. 12(3)) plus the time a complaint to the Autoriteit Persoonsgegevens takes to
/// reach the controller.
pub const MIN_REQUEST_RETENTION_DAYS: f64 = 365.0;

/// `webhook_retention_days` unless set: an event whose deliveries are over (delivered, failed
/// for good, or to a disabled endpoint) is kept 30 days after its last attempt, with its
/// deliveries, for the operator to look up (`webhooks list`) and replay; one still being
/// retried is never deleted.
pub const DEFAULT_WEBHOOK_RETENTION: Duration = Duration::from_secs(30 * 86_400);
/// The shortest `webhook_retention_days`: one day, time for the operator to see a failure.
pub const MIN_WEBHOOK_RETENTION_DAYS: f64 = 1.0;
/// The longest `webhook_retention_days`: a year (a delivery log, not a record of the request).
pub const MAX_WEBHOOK_RETENTION_DAYS: f64 = 365.0;

/// The periods the retention task enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Rows of `code_sends` and `code_failures` (which hold IP addresses) go this long after
    /// they were written.
    pub ip: Duration,
    /// Consent records and opt-in changes go this long after a newer decision replaced them.
    pub consent: Duration,
    /// Closed requests, with their steps, codes, status tokens, mails and answer, go this long
    /// after their closing step.
    pub request: Duration,
    /// Outgoing events whose deliveries are over, with their deliveries, go this long after the
    /// last attempt (`webhook_retention_days`).
    pub webhooks: Duration,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            ip: DEFAULT_IP_RETENTION,
            consent: DEFAULT_CONSENT_RETENTION,
            request: DEFAULT_REQUEST_RETENTION,
            webhooks: DEFAULT_WEBHOOK_RETENTION,
        }
    }
}

/// `ip_retention_hours` as a period, if within [`MIN_IP_RETENTION_HOURS`]..=[`MAX_IP_RETENTION_HOURS`].
pub fn ip_retention(hours: f64) -> Option<Duration> {
    (MIN_IP_RETENTION_HOURS..=MAX_IP_RETENTION_HOURS).contains(&hours).then(|| Duration::from_secs_f64(hours * HOUR))
}

/// `consent_retention_days` as a period, if within [`MIN_CONSENT_RETENTION_DAYS`]..=[`MAX_CONSENT_RETENTION_DAYS`].
pub fn consent_retention(days: f64) -> Option<Duration> {
    (MIN_CONSENT_RETENTION_DAYS..=MAX_CONSENT_RETENTION_DAYS).contains(&days).then(|| Duration::from_secs_f64(days * DAY))
}

/// The refusal of a bad `ip_retention_hours`, naming the key and its other spellings.
pub fn ip_reason() -> String {
    format!("ip_retention_hours: must be a number of hours from {MIN_IP_RETENTION_HOURS} (the code limits' window) to {MAX_IP_RETENTION_HOURS} (PW_IP_RETENTION_HOURS, --ip-retention-hours)")
}

/// The refusal of a bad `consent_retention_days`, naming the key and its other spellings.
pub fn consent_reason() -> String {
    format!("consent_retention_days: must be a number of days from {MIN_CONSENT_RETENTION_DAYS} (one year, the legal minimum documented in the README) to {MAX_CONSENT_RETENTION_DAYS} (PW_CONSENT_RETENTION_DAYS, --consent-retention-days)")
}

/// `request_retention_days` as a period, if within [`MIN_REQUEST_RETENTION_DAYS`]..=[`MAX_CONSENT_RETENTION_DAYS`].
pub fn request_retention(days: f64) -> Option<Duration> {
    (MIN_REQUEST_RETENTION_DAYS..=MAX_CONSENT_RETENTION_DAYS).contains(&days).then(|| Duration::from_secs_f64(days * DAY))
}

/// The refusal of a bad `request_retention_days`, naming the key and its other spellings.
pub fn request_reason() -> String {
    format!("request_retention_days: must be a number of days from {MIN_REQUEST_RETENTION_DAYS} (one year, the minimum documented in the README) to {MAX_CONSENT_RETENTION_DAYS} (PW_REQUEST_RETENTION_DAYS, --request-retention-days)")
}

/// `webhook_retention_days` as a period, if within [`MIN_WEBHOOK_RETENTION_DAYS`]..=[`MAX_WEBHOOK_RETENTION_DAYS`].
pub fn webhook_retention(days: f64) -> Option<Duration> {
    (MIN_WEBHOOK_RETENTION_DAYS..=MAX_WEBHOOK_RETENTION_DAYS).contains(&days).then(|| Duration::from_secs_f64(days * DAY))
}

/// The refusal of a bad `webhook_retention_days`, naming the key and its other spellings.
pub fn webhook_reason() -> String {
    format!("webhook_retention_days: must be a number of days from {MIN_WEBHOOK_RETENTION_DAYS} to {MAX_WEBHOOK_RETENTION_DAYS} (PW_WEBHOOK_RETENTION_DAYS, --webhook-retention-days)")
}
