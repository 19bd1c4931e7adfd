//! The session cookie: `pw_session`, HttpOnly, SameSite=Lax, holding the hex token whose hash
//! the panel stores ([`crate::panel::session`]); and the same session sent as
//! `Authorization: Bearer <session>` (a panel on another origin, after the sign-in handoff).

use axum::http::{header, HeaderMap, HeaderValue};

use crate::panel::session::SESSION_SECONDS;

/// The session cookie's name.
pub const COOKIE: &str = "pw_session";

/// The session token from the `Cookie` header, if it holds a well-formed one.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie_values(headers, COOKIE)
        .next()
        .map(str::to_owned)
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

/// The values of every cookie called `name` in the `Cookie` header(s), in order.
fn cookie_values<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// The value of cookie `name` in the `Cookie` header(s) when it is there exactly once; `None`
/// when it is missing or sent twice (two cookies of that name with different domains or paths).
pub fn single_cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut values = cookie_values(headers, name);
    let first = values.next()?;
    values.next().is_none().then(|| first.to_owned())
}

/// The `Set-Cookie` value for the consent decision (`pw_consent`), exactly as the loader writes
/// it with `document.cookie` (`src/browser/cookies.rs`): `Path=/`, `SameSite=Lax`, 13 months,
/// `Domain=` unless `domain` is empty (host-only), `Secure` on https, not HttpOnly (the loader
/// reads it). Sent by the server it is not capped at 7 days by Safari's ITP, as a script-written
/// cookie is. `None` when the value or domain cannot be a header.
pub fn consent_cookie(value: &str, domain: &str, secure: bool) -> Option<HeaderValue> {
    use privacy_widget::consent::{COOKIE_NAME, MAX_AGE_SECS};
    let domain = if domain.is_empty() { String::new() } else { format!("; Domain={domain}") };
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{COOKIE_NAME}={value}; Path=/; SameSite=Lax; Max-Age={MAX_AGE_SECS}{domain}{secure}")).ok()
}
