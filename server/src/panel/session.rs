//! Sessions: a random 256-bit token (hex) whose SHA-256 alone is stored; the customer a live
//! session belongs to. The cookie that carries the token is the HTTP layer's.

use sha2::{Digest, Sha256};

use super::store;
use crate::db::{Db, DbError};

/// How long a session lasts, in seconds.
pub const SESSION_SECONDS: i64 = 8 * 3600;

/// The logged-in customer, as the session says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// The customer's row id.
    pub id: i64,
    /// The site the customer belongs to.
    pub site: String,
    /// The customer's handle at the site (`jan`).
    pub handle: String,
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// The plan (a plan id of the site's policy), if any.
    pub plan: Option<String>,
}

/// The operating system's random source failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no randomness")]
pub struct NoRandomness;

/// `N` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], NoRandomness> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|_| NoRandomness)?;
    Ok(buf)
}

/// SHA-256 over the concatenated parts.
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// A new token (hex, for the cookie) and its hash (for the database).
pub fn new_token() -> Result<(String, [u8; 32]), NoRandomness> {
    let raw = random_bytes::<32>()?;
    let token = hex(&raw);
    let hash = sha256(&[token.as_bytes()]);
    Ok((token, hash))
}

/// The customer of the session `token`, if it is live.
pub async fn customer(db: &Db, token: &str) -> Result<Option<Customer>, DbError> {
    let hash = sha256(&[token.as_bytes()]);
    let now = crate::time::now_ms();
    db.read(move |conn| store::session_customer(conn, &hash, now)).await
}

/// Ends the session `token` (if it exists).
pub async fn end(db: &Db, token: &str) -> Result<(), DbError> {
    let hash = sha256(&[token.as_bytes()]);
    db.write(move |conn| store::delete_session(conn, &hash)).await
}
