//! `GET /api/v1/sites/{site}/notice?lang=nl`: the site's consent notice ([`crate::notice`]) in
//! the coding the client accepts best, with a strong `ETag`. Its route carries CORS for the
//! site's own origins and no rate limit ([`super::notice_api`]).

use axum::{
    extract::{Path, Query},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

use crate::{
    http::{Policies, Problem, ProblemKind},
    notice::{none_match, Coding, CACHE_CONTROL},
};

/// 200 with the notice (in the coding the client accepts best), 304 when `If-None-Match`
/// names it, 404 for an unknown site.
pub async fn notice(
    policies: Policies,
    Path(site): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    // Any query is accepted (a repeated `lang`: the first); only `lang` is read.
    let requested = query.iter().find(|(k, _)| k == "lang").map_or("", |(_, v)| v.as_str());
    let Some(notice) = policies.notices.get(&site, requested) else {
        return Problem::new(ProblemKind::NotFound).detail(format!("no site {site:?}")).into_response();
    };
    let coding = Coding::negotiate(&headers);
    let (etag, body) = notice.representation(coding);
    let not_modified = none_match(&headers, etag);
    let mut response = if not_modified { StatusCode::NOT_MODIFIED.into_response() } else { body.clone().into_response() };
    let out = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        out.insert(header::ETAG, v);
    }
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    out.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if !not_modified {
        out.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(name) = coding.header() {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
        }
    }
    response
}
