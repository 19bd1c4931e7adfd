//! CORS for the marketing-page endpoints (consents, visitor data-subject requests, their
//! verification and status, the site's consent notice): preflights answered for the origins
//! some site allows, and `Access-Control-Allow-Origin` echoed only to those; the handlers then
//! check the origin against the site the request names. The notice path names its site, so
//! only that site's origins are echoed there. No credentials are ever allowed cross-origin.

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{
    problem::{Problem, ProblemKind},
    state::AppState,
};

/// Request headers a marketing page may send.
const ALLOW_HEADERS: &str = "content-type, idempotency-key, sec-gpc";
/// How long a browser may cache a preflight, in seconds.
const MAX_AGE: &str = "600";

/// Whether `path` is one a marketing page on another origin may call.
pub fn is_cross_origin_path(path: &str) -> bool {
    path == "/api/v1/consents"
        || path.strip_prefix("/api/v1/consents/").is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
        || path == "/api/v1/requests"
        || path.strip_prefix("/api/v1/visitor-requests/").is_some_and(|rest| {
            let token = rest.strip_suffix("/cancel").or_else(|| rest.strip_suffix("/package")).unwrap_or(rest);
            !token.is_empty() && !token.contains('/')
        })
        || path
            .strip_prefix("/api/v1/requests/")
            .and_then(|rest| rest.strip_suffix("/verify"))
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
        || crate::notice::site_of_path(path).is_some()
}

/// The methods of a cross-origin path.
fn methods(path: &str) -> &'static str {
    if path.starts_with("/api/v1/visitor-requests/") && path.ends_with("/cancel") {
        "POST"
    } else if path.starts_with("/api/v1/consents/") || path.starts_with("/api/v1/visitor-requests/") || path.starts_with("/api/v1/sites/") {
        "GET"
    } else {
        "POST"
    }
}

/// The request's `Origin` when some configured site allows it (for a notice path: when the
/// site it names allows it).
fn allowed_origin<'a>(state: &AppState, path: &str, headers: &'a HeaderMap) -> Option<&'a str> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    let allowed = match crate::notice::site_of_path(path) {
        Some(site) => state.sites.get(site).is_some_and(|s| s.allowed_origins.iter().any(|o| o == origin)),
        None => state.settings.all_allowed_origins().any(|o| o == origin),
    };
    allowed.then_some(origin)
}

/// Middleware: answers preflights of the cross-origin paths and adds `Access-Control-Allow-Origin`
/// (plus `Vary: Origin`) to their responses.
pub async fn handle(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if !is_cross_origin_path(&path) {
        return next.run(request).await;
    }
    let origin = allowed_origin(&state, &path, request.headers()).map(str::to_owned);
    let is_preflight = request.method() == Method::OPTIONS && request.headers().contains_key("access-control-request-method");
    if is_preflight {
        return preflight(origin, request.headers(), methods(&path));
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(v) = origin.and_then(|o| HeaderValue::from_str(&o).ok()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("location, retry-after"));
    }
    response
}

fn preflight(origin: Option<String>, headers: &HeaderMap, allowed_methods: &'static str) -> Response {
    let vary = HeaderValue::from_static("Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    let method_ok = headers
        .get("access-control-request-method")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|m| allowed_methods.split(", ").any(|a| a == m));
    let headers_ok = headers
        .get("access-control-request-headers")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|list| {
            list.split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .all(|h| h.is_empty() || ALLOW_HEADERS.split(", ").any(|a| a == h))
        });
    let Some(origin) = origin.filter(|_| method_ok && headers_ok).and_then(|o| HeaderValue::from_str(&o).ok()) else {
        let mut refused = Problem::new(ProblemKind::OriginNotAllowed)
            .detail("this origin, method or header is not allowed cross-origin")
            .into_response();
        refused.headers_mut().insert(header::VARY, vary);
        return refused;
    };
    let mut response = StatusCode::NO_CONTENT.into_response();
    let out = response.headers_mut();
    out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    out.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(allowed_methods));
    out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOW_HEADERS));
    out.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(MAX_AGE));
    out.insert(header::VARY, vary);
    response
}
