//! Standard Webhooks v1 signatures: `webhook-signature: v1,<base64 HMAC-SHA256 of
//! "{id}.{timestamp}.{body}">` under the endpoint's `whsec_` secret, checked in constant time,
//! with timestamps more than 5 minutes off refused (the `standardwebhooks` crate does the
//! cryptography; the configuration has already refused an empty secret).

use http::{HeaderMap, HeaderName, HeaderValue};
use standardwebhooks::{Webhook, WebhookError};

use super::EventsError;
use crate::config::WebhookSecret;

/// `webhook-id`: the message's id, the same on every retry (the receiver's idempotency key).
pub const HEADER_ID: &str = "webhook-id";
/// `webhook-timestamp`: Unix seconds of this attempt.
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
/// `webhook-signature`: space-separated `v1,<base64>` entries.
pub const HEADER_SIGNATURE: &str = "webhook-signature";

/// Signs and verifies with one endpoint's secret.
pub struct Signer {
    hook: Webhook,
}

/// The three headers of one signed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `webhook-id`.
    pub id: String,
    /// `webhook-timestamp` (Unix seconds).
    pub timestamp: i64,
    /// `webhook-signature` (`v1,<base64>`).
    pub signature: String,
}

impl SignedHeaders {
    /// The headers as name/value pairs, ready for an HTTP client.
    pub fn pairs(&self) -> [(&'static str, String); 3] {
        [
            (HEADER_ID, self.id.clone()),
            (HEADER_TIMESTAMP, self.timestamp.to_string()),
            (HEADER_SIGNATURE, self.signature.clone()),
        ]
    }

    /// The headers in a [`HeaderMap`] (for checking with [`Signer::verify`]).
    pub fn header_map(&self) -> Result<HeaderMap, EventsError> {
        let mut map = HeaderMap::new();
        for (name, value) in self.pairs() {
            let value = HeaderValue::from_str(&value).map_err(|_| EventsError::Header(name))?;
            map.insert(HeaderName::from_static(name), value);
        }
        Ok(map)
    }
}

impl Signer {
    /// A signer for `secret` (the configuration has refused empty ones).
    pub fn new(secret: &WebhookSecret) -> Result<Signer, EventsError> {
        let hook = Webhook::from_bytes(secret.key().to_vec()).map_err(map_error)?;
        Ok(Signer { hook })
    }

    /// Signs `body` as message `id` sent at `timestamp` (Unix seconds).
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> Result<SignedHeaders, EventsError> {
        let signature = self.hook.sign(id, timestamp, body).map_err(map_error)?;
        Ok(SignedHeaders { id: id.to_owned(), timestamp, signature })
    }

    /// Checks the `webhook-*` headers of a received call against `body`: some `v1` signature
    /// must match (constant-time comparison) and the timestamp must be within 5 minutes of now.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), EventsError> {
        self.hook.verify(body, headers).map_err(map_error)
    }
}

fn map_error(e: WebhookError) -> EventsError {
    match e {
        WebhookError::MissingHeader(name) | WebhookError::InvalidHeader(name) => EventsError::Header(match name {
            "id" => HEADER_ID,
            "timestamp" => HEADER_TIMESTAMP,
            _ => HEADER_SIGNATURE,
        }),
        WebhookError::InvalidTimestamp => EventsError::Timestamp,
        WebhookError::TimestampTooOldError | WebhookError::FutureTimestampError => EventsError::Stale,
        WebhookError::InvalidPayload => EventsError::Body,
        WebhookError::InvalidSecret(_) | WebhookError::InvalidSignature => EventsError::Signature,
    }
}

/// A new message id: `msg_` and 26 characters of base32 (128 random bits). Should the system
/// have no randomness, the time and a process counter stand in (still unique per process).
pub fn message_id() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut bytes = [0u8; 16];
    let mut bits = match getrandom::fill(&mut bytes) {
        Ok(()) => u128::from_be_bytes(bytes),
        Err(_) => {
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            (u128::from(crate::time::now_ms().unsigned_abs()) << 64) | u128::from(n ^ u64::from(std::process::id()) << 32)
        }
    };
    let mut id = String::with_capacity(30);
    id.push_str("msg_");
    for _ in 0..26 {
        id.push(char::from(ALPHABET[(bits & 31) as usize]));
        bits >>= 5;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    const BODY: &[u8] = br#"{"email":"test@example.com","username":"test_user"}"#;

    fn signer() -> Signer {
        Signer::new(&WebhookSecret::parse(SECRET).unwrap()).unwrap()
    }

    fn now() -> i64 {
        crate::time::now_ms() / 1000
    }

    // The test vector of the Standard Webhooks specification's reference libraries.
    #[test]
    fn signs_the_reference_vector() {
        let signed = signer().sign("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", 1_649_367_553, BODY).unwrap();
        assert_eq!(signed.signature, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
    }

    #[test]
    fn verifies_its_own_signature_and_refuses_changes() {
        let s = signer();
        let signed = s.sign("msg_1", now(), BODY).unwrap();
        s.verify(&signed.header_map().unwrap(), BODY).unwrap();
        assert!(matches!(s.verify(&signed.header_map().unwrap(), b"{}"), Err(EventsError::Signature)));
        let mut other_id = signed.clone();
        other_id.id = "msg_2".into();
        assert!(matches!(s.verify(&other_id.header_map().unwrap(), BODY), Err(EventsError::Signature)));
        let other = Signer::new(&WebhookSecret::parse("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap()).unwrap();
        assert!(matches!(other.verify(&signed.header_map().unwrap(), BODY), Err(EventsError::Signature)));
    }

    #[test]
    fn accepts_any_of_several_signatures_for_key_rotation() {
        let s = signer();
        let mut signed = s.sign("msg_1", now(), BODY).unwrap();
        signed.signature = format!("v1,AAAA v1a,xyz {}", signed.signature);
        s.verify(&signed.header_map().unwrap(), BODY).unwrap();
    }

    #[test]
    fn refuses_stale_timestamps_and_missing_headers() {
        let s = signer();
        let old = s.sign("msg_1", now() - 301, BODY).unwrap();
        assert!(matches!(s.verify(&old.header_map().unwrap(), BODY), Err(EventsError::Stale)));
        let future = s.sign("msg_1", now() + 301, BODY).unwrap();
        assert!(matches!(s.verify(&future.header_map().unwrap(), BODY), Err(EventsError::Stale)));
        let mut map = s.sign("msg_1", now(), BODY).unwrap().header_map().unwrap();
        map.remove(HEADER_SIGNATURE);
        assert!(matches!(s.verify(&map, BODY), Err(EventsError::Header(HEADER_SIGNATURE))));
    }

    #[test]
    fn message_ids_are_random_and_header_safe() {
        let a = message_id();
        let b = message_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 30);
        assert!(a.starts_with("msg_") && a[4..].bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    }
}
