//! The session cookie: `pw_session`, HttpOnly, SameSite=Lax, holding the hex token whose hash
//! the panel stores ([`crate::panel::session`]); and the same session sent as
//! `Authorization: Bearer <session>` (a panel on another origin, after the sign-in handoff).

use axum::http::{header, HeaderMap, HeaderValue};

use crate::panel::session::SESSION_SECONDS;

/// The session cookie's name.
pub const COOKIE: &str = "pw_session";

/// The session token from the `Cookie` header, if it holds a well-formed one.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
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

/// The session token of an `Authorization: Bearer <session>` header, if well-formed.
pub fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| token.to_ascii_lowercase())
}

/// Whether the request names its session in an `Authorization` header: then the cookie is not
/// looked at, and the CSRF guard does not apply (a page of another site cannot make a browser
/// send that header).
pub fn has_bearer(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION)
}

/// The request's session token: the bearer one when an `Authorization` header is sent (a
/// malformed one counts as no session, whatever the cookie says), else the cookie's.
pub fn request_token(headers: &HeaderMap) -> Option<String> {
    if has_bearer(headers) {
        bearer_token(headers)
    } else {
        session_token(headers)
    }
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
