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
    consents::{self, store::StoredConsent, Outcome},
    db::Db,
    http::{
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
/// same receipt on a repeat, 422 when the key was used for another record.
pub async fn create(
    State(db): State<Db>,
    State(limiter): State<Arc<Limiter>>,
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
    let outcome = db.write(move |conn| consents::store::insert(conn, &key, &record)).await?;
    match outcome {
        Outcome::Created(receipt) => Ok((StatusCode::CREATED, Json(receipt)).into_response()),
        Outcome::Repeated(receipt) => Ok((StatusCode::OK, Json(receipt)).into_response()),
        Outcome::Conflict => Err(Problem::new(ProblemKind::IdempotencyConflict)
            .detail("this Idempotency-Key was already used with a different body")),
    }
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
