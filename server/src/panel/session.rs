//! Sessions: a random 256-bit token in an HttpOnly, SameSite=Lax cookie; only its SHA-256 is stored.

use axum::http::{header, HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};

use super::{problems, store};
use crate::{problem::Problem, state::AppState};

/// The session cookie's name.
pub const COOKIE: &str = "pw_session";
/// How long a session lasts, in seconds.
pub const SESSION_SECONDS: i64 = 8 * 3600;

/// The logged-in customer, as the session says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: i64,
    pub site: String,
    pub handle: String,
    pub name: String,
    pub email: String,
    pub plan: Option<String>,
}

/// `N` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], Problem> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|_| Problem::new(crate::problem::ProblemKind::Internal).detail("no randomness"))?;
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
pub fn new_token() -> Result<(String, [u8; 32]), Problem> {
    let raw = random_bytes::<32>()?;
    let token = hex(&raw);
    let hash = sha256(&[token.as_bytes()]);
    Ok((token, hash))
}

/// The session token from the `Cookie` header, if any.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value for a new session.
pub fn set_cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let v = format!("{COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={SESSION_SECONDS}{secure}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("pw_session=; Max-Age=0; Path=/"))
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> HeaderValue {
    if secure {
        HeaderValue::from_static("pw_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0; Secure")
    } else {
        HeaderValue::from_static("pw_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0")
    }
}

/// The customer of the request's session, if it has a live one.
pub async fn current(state: &AppState, headers: &HeaderMap) -> Result<Option<Customer>, Problem> {
    let Some(token) = cookie_token(headers) else { return Ok(None) };
    let hash = sha256(&[token.as_bytes()]);
    let now = crate::time::now_ms();
    Ok(state.db.read(move |conn| store::session_customer(conn, &hash, now)).await?)
}

/// The customer of the request's session, or 401.
pub async fn require(state: &AppState, headers: &HeaderMap) -> Result<Customer, Problem> {
    current(state, headers).await?.ok_or_else(problems::unauthenticated)
}
