//! The headers every response gets (cache, security, fixed MIME types, problem bodies for bare
//! errors), and the request headers the API checks (`Content-Type`, `Idempotency-Key`).

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};
use crate::field::invalid_field;
use super::problem::{Problem, ProblemKind, PROBLEM_JSON};

/// The Content-Security-Policy on HTML pages. The widget works under it: the e2e suite
/// (tests/e2e, `STRICT_CSP`) runs every flow under this policy with `frame-ancestors 'none'`.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

/// Cache lifetime of the widget files (not content-hashed, so short).
const WIDGET_CACHE: &str = "public, max-age=300";

/// Middleware: cache and security headers, fixed MIME types, and problem bodies for bare errors.
pub async fn response_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let mut response = if response.status().as_u16() >= 400 && !is_problem(response.headers()) {
        problem_for_bare_error(response)
    } else {
        response
    };
    let headers = response.headers_mut();
    fix_content_type(&path, headers);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !headers.contains_key(header::CACHE_CONTROL) {
        let cache = if path.starts_with("/api/") {
            "no-store"
        } else if path.starts_with("/widget/") && response_is_ok(&content_type) {
            WIDGET_CACHE
        } else if content_type.starts_with("text/html") || content_type.contains("json") {
            "no-cache"
        } else {
            WIDGET_CACHE
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    if content_type.starts_with("text/html") {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    response
}

fn response_is_ok(content_type: &str) -> bool {
    !content_type.starts_with(PROBLEM_JSON)
}

/// Whether a request's body is declared `application/json` (any parameters, any case), as
/// the consent API and the panel's state-changing requests require.
pub fn declares_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// The request's `Idempotency-Key`: 1–128 characters of `[A-Za-z0-9_-]`; else 400
/// `invalid-header` naming the header and why.
pub fn idempotency_key(headers: &HeaderMap) -> Result<String, Problem> {
    let value = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    let reason = match value {
        None => "required",
        Some(v) if v.is_empty() || v.len() > 128 => "must be 1 to 128 characters",
        Some(v) if !v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') => {
            "may contain only A-Z, a-z, 0-9, '_' and '-'"
        }
        Some(v) => return Ok(v.to_owned()),
    };
    let mut p = Problem::new(ProblemKind::InvalidHeader).detail(format!("Idempotency-Key: {reason}"));
    p.errors = vec![invalid_field("Idempotency-Key", reason)];
    Err(p)
}

fn is_problem(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON))
}

/// Replaces the body of an error from a lower layer (404 from the file service, 405 from the
/// router, 408 from the timeout, 413 from the body limit) with a problem document.
fn problem_for_bare_error(response: Response) -> Response {
    let status = response.status();
    let (mut parts, _) = response.into_parts();
    let mut problem = Problem::new(ProblemKind::for_status(status));
    problem.status = status.as_u16();
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    parts.headers.remove(header::CACHE_CONTROL);
    if status == StatusCode::NOT_FOUND {
        parts.headers.remove(header::LAST_MODIFIED);
        parts.headers.remove(header::ETAG);
    }
    Response::from_parts(parts, Body::from(body))
}

/// `application/wasm` for `.wasm` and `text/javascript` for `.js`/`.mjs`, whatever the guesser says.
fn fix_content_type(path: &str, headers: &mut HeaderMap) {
    if is_problem(headers) {
        return;
    }
    let forced = if path.ends_with(".wasm") {
        "application/wasm"
    } else if path.ends_with(".js") || path.ends_with(".mjs") {
        "text/javascript; charset=utf-8"
    } else {
        return;
    };
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(forced));
}
