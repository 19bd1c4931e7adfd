//! Proof of consent (C-A8) over HTTP: `POST /api/v1/consents` and
//! `GET /api/v1/consents/{consent_id}`. CORS for the origins the sites allow is the route
//! group's layer ([`super::public_api`]).

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use serde_json::Value;

use crate::field::invalid_field;
use crate::{
    config::Settings,
    consents::{self, store::StoredConsent, Outcome},
    db::Db,
    events::EventType,
    http::{
        cookies, guard,
        headers::{declares_json, idempotency_key},
        Policies, Problem, ProblemKind,
    },
    limiter::{Limiter, Scope},
};

/// `Sec-GPC: 1`, exactly (C-B1).
fn header_gpc(headers: &HeaderMap) -> bool {
    headers.get("sec-gpc").is_some_and(|v| v.as_bytes() == b"1")
}

/// A state-changing request from another origin is refused unless the site allows it.
fn check_origin(headers: &HeaderMap, site_allowed: &[String]) -> Result<Option<String>, Problem> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
    if (!host.is_empty() && origin_host.eq_ignore_ascii_case(host)) || site_allowed.iter().any(|o| o == origin) {
        Ok(Some(origin.to_owned()))
    } else {
        Err(Problem::new(ProblemKind::OriginNotAllowed).detail(format!("origin {origin} may not post consent records")))
    }
}

/// `POST /api/v1/consents` (`Idempotency-Key` required): 201 with the receipt, 200 with the
/// same receipt on a repeat, 422 when the key was used for another record. A new record is
/// announced as `consent.recorded` when a webhook of its site asked for that event.
pub async fn create(
    State(db): State<Db>,
    State(limiter): State<Arc<Limiter>>,
    State(settings): State<Arc<Settings>>,
    policies: Policies,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let key = idempotency_key(&headers)?;
    if !declares_json(&headers) {
        return Err(Problem::new(ProblemKind::UnsupportedMediaType));
    }
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| Problem::new(ProblemKind::MalformedBody).detail(format!("not JSON: {e}")))?;
    let record = consents::validate(&value, &policies.sites, header_gpc(&headers))?;
    let allowed = policies.sites.get(&record.site).map(|s| s.allowed_origins.clone()).unwrap_or_default();
    if let Some(origin) = check_origin(&headers, &allowed)? {
        if origin != record.origin {
            return Err(Problem::validation(vec![invalid_field("origin", "does not match the Origin header")]));
        }
    }
    if let Err(limited) = limiter.check(Scope::Subject, &record.consent_id) {
        return Ok(limited.into_response());
    }
    let cookie = decision_cookie(&headers, &record, policies.sites.get(&record.site).and_then(|s| s.cookie_domain.clone()));
    let announce = settings.has_subscriber(&record.site, EventType::ConsentRecorded.name());
    let outcome = db.write(move |conn| consents::store::insert(conn, &key, &record, announce)).await?;
    let mut response = match outcome {
        Outcome::Created(receipt) => (StatusCode::CREATED, Json(receipt)).into_response(),
        Outcome::Repeated(receipt) => (StatusCode::OK, Json(receipt)).into_response(),
        Outcome::Conflict => {
            return Err(Problem::new(ProblemKind::IdempotencyConflict)
                .detail("this Idempotency-Key was already used with a different body"))
        }
    };
    if let Some(cookie) = cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// Whether the request comes from a page on the same site as this API (`Sec-Fetch-Site:
/// same-origin` or `same-site`; without that header, an `Origin` whose host is this `Host`).
fn same_site(headers: &HeaderMap) -> bool {
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => site == "same-origin" || site == "same-site",
        None => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
            let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("");
            !host.is_empty() && origin.split_once("://").is_some_and(|(_, h)| h.eq_ignore_ascii_case(host))
        }
    }
}

/// The `Set-Cookie` that gives the decision the loader just wrote (`pw_consent`, sent with this
/// same-site request) its full 13 months from the server, which Safari does not cap at 7 days
/// as it does a cookie written by script. Only the loader's own value is re-sent, and only when
/// it is the decision being recorded (same consent id, policy version and purposes).
///
/// The request cannot say which `Domain=` the page's cookie has, and a server cookie with
/// another one would be a second `pw_consent` beside the loader's. So the server sets it only
/// for a site whose configuration declares the page's `data-cookie-domain` (`cookie_domain`,
/// `""` for host-only), and never when the request already carries two `pw_consent` cookies.
/// Otherwise (no such setting, a cross-site API, static hosting) the script-written cookie
/// stays the only one.
fn decision_cookie(headers: &HeaderMap, record: &consents::NewConsent, domain: Option<String>) -> Option<axum::http::HeaderValue> {
    let domain = domain?;
    if !same_site(headers) {
        return None;
    }
    let value = cookies::single_cookie_value(headers, privacy_widget::consent::COOKIE_NAME)?;
    let decided = privacy_widget::consent::ConsentRecord::decode(&value)?;
    let purposes: std::collections::BTreeMap<String, bool> = decided.choices.iter().cloned().collect();
    let same = decided.consent_id == record.consent_id && decided.policy_version == record.policy_version && purposes == record.purposes;
    same.then(|| cookies::consent_cookie(&value, &domain, guard::is_https(headers))).flatten()
}

/// The records of one pseudonymous subject, oldest first.
#[derive(Debug, Serialize)]
pub struct ConsentHistory {
    /// The subject.
    pub consent_id: String,
    /// Every record stored for it.
    pub records: Vec<StoredConsent>,
}

/// `GET /api/v1/consents/{consent_id}`: counts against the subject's limit, like a POST.
pub async fn list(
    State(db): State<Db>,
    State(limiter): State<Arc<Limiter>>,
    Path(consent_id): Path<String>,
) -> Result<Response, Problem> {
    if let Err(limited) = limiter.check(Scope::Subject, &consent_id) {
        return Ok(limited.into_response());
    }
    if let Some(reason) = consents::consent_id_reason(&consent_id) {
        return Err(Problem::validation(vec![invalid_field("consent_id", reason)]));
    }
    let id = consent_id.clone();
    let records = db.read(move |conn| consents::store::by_subject(conn, &id)).await?;
    Ok(Json(ConsentHistory { consent_id, records }).into_response())
}
