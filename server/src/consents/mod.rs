//! Proof of consent (C-A8): `POST /api/v1/consents` and `GET /api/v1/consents/{consent_id}`.

pub mod store;
pub mod validate;

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};

use crate::{
    limits::Scope,
    problem::{FieldError, Problem, ProblemKind},
    state::AppState,
};
use store::Outcome;

/// The consent routes (CORS for the origins the sites allow is in [`crate::cors`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/consents", post(create))
        .route("/api/v1/consents/{consent_id}", get(list))
}

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

async fn create(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, Problem> {
    let key = validate::idempotency_key(headers.get("idempotency-key").and_then(|v| v.to_str().ok()))?;
    if !crate::web::declares_json(&headers) {
        return Err(Problem::new(ProblemKind::UnsupportedMediaType));
    }
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| Problem::new(ProblemKind::MalformedBody).detail(format!("not JSON: {e}")))?;
    let record = validate::validate(&value, &state.sites, header_gpc(&headers))?;
    let allowed = state.sites.get(&record.site).map(|s| s.allowed_origins.clone()).unwrap_or_default();
    if let Some(origin) = check_origin(&headers, &allowed)? {
        if origin != record.origin {
            return Err(Problem::validation(vec![FieldError::new("origin", "does not match the Origin header")]));
        }
    }
    if let Err(limited) = state.limiter.check(Scope::Subject, &record.consent_id) {
        return Ok(limited.into_response());
    }
    let outcome = state.db.write(move |conn| store::insert(conn, &key, &record)).await?;
    match outcome {
        Outcome::Created(receipt) => Ok((StatusCode::CREATED, Json(receipt)).into_response()),
        Outcome::Repeated(receipt) => Ok((StatusCode::OK, Json(receipt)).into_response()),
        Outcome::Conflict => Err(Problem::new(ProblemKind::IdempotencyConflict)
            .detail("this Idempotency-Key was already used with a different body")),
    }
}

async fn list(State(state): State<AppState>, Path(consent_id): Path<String>) -> Result<Json<Value>, Problem> {
    if let Some(reason) = validate::consent_id_reason(&consent_id) {
        return Err(Problem::validation(vec![FieldError::new("consent_id", reason)]));
    }
    let id = consent_id.clone();
    let records = state.db.read(move |conn| store::by_subject(conn, &id)).await?;
    Ok(Json(json!({ "consent_id": consent_id, "records": records })))
}
