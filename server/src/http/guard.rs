//! The CSRF guard for state-changing panel requests, and small request helpers
//! (HTTPS detection, client IP).

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, Extensions, HeaderMap},
};

use super::{
    client::ClientIp,
    headers::declares_json,
    problem::{Problem, ProblemKind},
    problems,
};

/// Extractor: the request passed [`same_origin_json`] (put it before the body's extractor, so
/// that a cross-site request is refused before its body is judged).
#[derive(Debug, Clone, Copy)]
pub struct SameOriginJson;

impl<S: Send + Sync> FromRequestParts<S> for SameOriginJson {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<SameOriginJson, Problem> {
        same_origin_json(&parts.headers).map(|()| SameOriginJson)
    }
}

/// Accepts a state-changing request only when its body is declared `application/json` (a
/// cross-site HTML form cannot send that without a CORS preflight) and it comes from this
/// very origin: `Origin` naming the `Host`, or, without `Origin`, `Sec-Fetch-Site: same-origin`.
/// A request that carries its session as `Authorization: Bearer` needs no origin check: a
/// browser never adds that header by itself, so another site cannot ride on it.
pub fn same_origin_json(headers: &HeaderMap) -> Result<(), Problem> {
    json_from(headers, &[])
}

/// [`same_origin_json`], also accepting an `Origin` in `allowed` (a site's marketing pages,
/// for the visitor's request and its verification; see [`super::cors`]).
pub fn json_from(headers: &HeaderMap, allowed: &[String]) -> Result<(), Problem> {
    if !declares_json(headers) {
        return Err(problems::cross_site("state-changing requests must be application/json"));
    }
    if super::cookies::has_bearer(headers) {
        return Ok(());
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => {
            let origin_host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"))
                .unwrap_or("");
            if (!host.is_empty() && origin_host.eq_ignore_ascii_case(host)) || allowed.iter().any(|a| a == origin) {
                Ok(())
            } else {
                Err(problems::cross_site("the Origin is not this server's"))
            }
        }
        None => {
            let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
            if site == Some("same-origin") {
                Ok(())
            } else {
                Err(problems::cross_site("a same-origin Origin (or Sec-Fetch-Site) is required"))
            }
        }
    }
}

/// Whether the browser reached us over HTTPS (directly or through a proxy that says so).
pub fn is_https(headers: &HeaderMap) -> bool {
    let forwarded = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("https://"));
    forwarded || origin
}

/// The client's address as [`super::client`] resolved it (the socket peer, or the forwarded
/// address behind a trusted proxy), else `"unknown"`.
pub fn client_ip(_headers: &HeaderMap, extensions: &Extensions) -> String {
    extensions
        .get::<ClientIp>()
        .and_then(|c| c.0)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

/// The body as a JSON object (for a handler that reads its members itself; the panel's own
/// bodies go through [`super::StrictJson`]). An empty body counts as `{}`; a body of only
/// whitespace is not JSON and is refused like any other.
pub fn json_object(body: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, Problem> {
    if body.is_empty() {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(Problem::new(ProblemKind::MalformedBody).detail("expected a JSON object")),
        Err(e) => Err(Problem::new(ProblemKind::MalformedBody).detail(format!("not JSON: {e}"))),
    }
}

/// Refuses members other than `allowed`, naming each.
pub fn only_members(map: &serde_json::Map<String, serde_json::Value>, allowed: &[&str]) -> Result<(), Problem> {
    let errors: Vec<_> = map
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| crate::field::invalid_field(k.as_str(), "unknown field"))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Problem::validation(errors))
    }
}
