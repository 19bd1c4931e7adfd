//! Error responses as `application/problem+json` (RFC 9457) with a stable `type` per error.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;

pub use crate::field::FieldError;
use crate::{consents::Refusal, db::DbError, panel::session::NoRandomness};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The stable problem types; the `type` member is `/problems/<slug>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// 422: the body or a parameter is invalid; `errors` names each field.
    Validation,
    /// 400: the body is not JSON, or not a JSON object.
    MalformedBody,
    /// 400: a required header is missing or invalid (`Idempotency-Key`).
    InvalidHeader,
    /// 404
    NotFound,
    /// 405
    MethodNotAllowed,
    /// 409: the decision was made under an earlier policy version; ask again.
    StalePolicyVersion,
    /// 422: an `Idempotency-Key` was reused with a different body.
    IdempotencyConflict,
    /// 422: a GPC-governed purpose was granted while the GPC signal is on (C-B1).
    GpcConflict,
    /// 403: the request's Origin is not allowed for the site.
    OriginNotAllowed,
    /// 413
    PayloadTooLarge,
    /// 415
    UnsupportedMediaType,
    /// 408
    Timeout,
    /// 429
    TooManyRequests,
    /// 503: storage unavailable or shutting down.
    Unavailable,
    /// 500
    Internal,
}

impl ProblemKind {
    /// Every kind (the `type` enum in `openapi.yaml` lists the same).
    pub const ALL: [ProblemKind; 15] = [
        ProblemKind::Validation,
        ProblemKind::MalformedBody,
        ProblemKind::InvalidHeader,
        ProblemKind::NotFound,
        ProblemKind::MethodNotAllowed,
        ProblemKind::StalePolicyVersion,
        ProblemKind::IdempotencyConflict,
        ProblemKind::GpcConflict,
        ProblemKind::OriginNotAllowed,
        ProblemKind::PayloadTooLarge,
        ProblemKind::UnsupportedMediaType,
        ProblemKind::Timeout,
        ProblemKind::TooManyRequests,
        ProblemKind::Unavailable,
        ProblemKind::Internal,
    ];

    /// The `type` URI, e.g. `/problems/validation`.
    pub fn type_uri(self) -> &'static str {
        match self {
            ProblemKind::Validation => "/problems/validation",
            ProblemKind::MalformedBody => "/problems/malformed-body",
            ProblemKind::InvalidHeader => "/problems/invalid-header",
            ProblemKind::NotFound => "/problems/not-found",
            ProblemKind::MethodNotAllowed => "/problems/method-not-allowed",
            ProblemKind::StalePolicyVersion => "/problems/stale-policy-version",
            ProblemKind::IdempotencyConflict => "/problems/idempotency-conflict",
            ProblemKind::GpcConflict => "/problems/gpc-conflict",
            ProblemKind::OriginNotAllowed => "/problems/origin-not-allowed",
            ProblemKind::PayloadTooLarge => "/problems/payload-too-large",
            ProblemKind::UnsupportedMediaType => "/problems/unsupported-media-type",
            ProblemKind::Timeout => "/problems/timeout",
            ProblemKind::TooManyRequests => "/problems/too-many-requests",
            ProblemKind::Unavailable => "/problems/unavailable",
            ProblemKind::Internal => "/problems/internal",
        }
    }

    /// The HTTP status that goes with the type.
    pub fn status(self) -> StatusCode {
        match self {
            ProblemKind::Validation | ProblemKind::IdempotencyConflict | ProblemKind::GpcConflict => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ProblemKind::MalformedBody | ProblemKind::InvalidHeader => StatusCode::BAD_REQUEST,
            ProblemKind::NotFound => StatusCode::NOT_FOUND,
            ProblemKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ProblemKind::StalePolicyVersion => StatusCode::CONFLICT,
            ProblemKind::OriginNotAllowed => StatusCode::FORBIDDEN,
            ProblemKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ProblemKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ProblemKind::Timeout => StatusCode::REQUEST_TIMEOUT,
            ProblemKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ProblemKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ProblemKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short, fixed summary.
    pub fn title(self) -> &'static str {
        match self {
            ProblemKind::Validation => "The request is invalid",
            ProblemKind::MalformedBody => "The body is not a JSON object",
            ProblemKind::InvalidHeader => "A header is missing or invalid",
            ProblemKind::NotFound => "Not found",
            ProblemKind::MethodNotAllowed => "Method not allowed",
            ProblemKind::StalePolicyVersion => "The policy version is not the current one",
            ProblemKind::IdempotencyConflict => "The Idempotency-Key was used for a different request",
            ProblemKind::GpcConflict => "A purpose governed by Global Privacy Control was granted",
            ProblemKind::OriginNotAllowed => "Origin not allowed",
            ProblemKind::PayloadTooLarge => "The body is too large",
            ProblemKind::UnsupportedMediaType => "The body must be application/json",
            ProblemKind::Timeout => "The request took too long",
            ProblemKind::TooManyRequests => "Too many requests",
            ProblemKind::Unavailable => "The service is unavailable",
            ProblemKind::Internal => "Internal error",
        }
    }

    /// The kind for a bare error status from a lower layer (router, limits, timeouts).
    pub fn for_status(status: StatusCode) -> ProblemKind {
        match status {
            StatusCode::NOT_FOUND => ProblemKind::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ProblemKind::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ProblemKind::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ProblemKind::UnsupportedMediaType,
            StatusCode::REQUEST_TIMEOUT => ProblemKind::Timeout,
            StatusCode::TOO_MANY_REQUESTS => ProblemKind::TooManyRequests,
            StatusCode::SERVICE_UNAVAILABLE => ProblemKind::Unavailable,
            s if s.is_client_error() => ProblemKind::MalformedBody,
            _ => ProblemKind::Internal,
        }
    }
}

/// An RFC 9457 problem document; also an axum response.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// `/problems/<slug>`.
    #[serde(rename = "type")]
    pub type_uri: &'static str,
    /// A short, fixed summary of the type.
    pub title: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// What happened this time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Each invalid field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Extension member for `stale-policy-version`: the version to ask again with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_policy_version: Option<String>,
    #[serde(skip)]
    kind: Option<ProblemKind>,
}

impl Problem {
    /// A problem of `kind` with no detail.
    pub fn new(kind: ProblemKind) -> Problem {
        Problem {
            type_uri: kind.type_uri(),
            title: kind.title(),
            status: kind.status().as_u16(),
            detail: None,
            errors: Vec::new(),
            current_policy_version: None,
            kind: Some(kind),
        }
    }

    /// Adds a human-readable explanation of this occurrence.
    pub fn detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }

    /// A validation problem listing every invalid field.
    pub fn validation(errors: Vec<FieldError>) -> Problem {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.reason))
            .collect::<Vec<_>>()
            .join("; ");
        let mut p = Problem::new(ProblemKind::Validation).detail(detail);
        p.errors = errors;
        p
    }

    /// The problem's kind.
    pub fn kind(&self) -> Option<ProblemKind> {
        self.kind
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

impl From<DbError> for Problem {
    fn from(e: DbError) -> Problem {
        tracing::error!(error = %e, "storage error");
        match e {
            DbError::Closed => Problem::new(ProblemKind::Unavailable),
            _ => Problem::new(ProblemKind::Internal),
        }
    }
}

impl From<NoRandomness> for Problem {
    fn from(_: NoRandomness) -> Problem {
        Problem::new(ProblemKind::Internal).detail("no randomness")
    }
}

impl From<Refusal> for Problem {
    /// A refused consent record as its problem: 400, 422 naming each field, 409 with the
    /// version to ask again with, or 422 `gpc-conflict` naming the granted purposes (C-B1).
    fn from(refusal: Refusal) -> Problem {
        let detail = refusal.to_string();
        match refusal {
            Refusal::NotAnObject => Problem::new(ProblemKind::MalformedBody).detail(detail),
            Refusal::Invalid(errors) => Problem::validation(errors),
            Refusal::StaleVersion { current, .. } => {
                let mut p = Problem::new(ProblemKind::StalePolicyVersion).detail(detail);
                p.current_policy_version = Some(current);
                p
            }
            Refusal::GpcConflict(errors) => {
                let mut p = Problem::new(ProblemKind::GpcConflict).detail(detail);
                p.errors = errors;
                p
            }
        }
    }
}
