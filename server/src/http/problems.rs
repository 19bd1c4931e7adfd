//! The panel's own problem types (RFC 9457), built on the shared [`Problem`].

use axum::http::StatusCode;

use crate::field::invalid_field;
use super::problem::{Problem, ProblemKind};

fn custom(base: ProblemKind, type_uri: &'static str, title: &'static str, status: StatusCode) -> Problem {
    let mut p = Problem::new(base);
    p.type_uri = type_uri;
    p.title = title;
    p.status = status.as_u16();
    p
}

/// 401: no valid session.
pub fn unauthenticated() -> Problem {
    custom(ProblemKind::NotFound, "/problems/unauthenticated", "Not logged in", StatusCode::UNAUTHORIZED)
}

/// 403: a state-changing request that is not same-origin JSON (CSRF guard).
pub fn cross_site(detail: &str) -> Problem {
    custom(ProblemKind::OriginNotAllowed, "/problems/cross-site-request", "Cross-site request refused", StatusCode::FORBIDDEN)
        .detail(detail)
}

/// 404 for anything the session may not see, whether or not it exists.
pub fn not_found() -> Problem {
    Problem::new(ProblemKind::NotFound).detail("nothing here for this session")
}

/// 404: demo mode is off.
pub fn demo_off() -> Problem {
    Problem::new(ProblemKind::NotFound).detail("demo mode is off")
}

/// 409: the request's status does not allow this step.
pub fn invalid_transition(detail: String) -> Problem {
    custom(ProblemKind::StalePolicyVersion, "/problems/invalid-transition", "Not possible in the request's current status", StatusCode::CONFLICT)
        .detail(detail)
}

/// 422: the code is wrong, expired or used up.
pub fn invalid_code(detail: &'static str) -> Problem {
    custom(ProblemKind::Validation, "/problems/invalid-code", "The code is not valid", StatusCode::UNPROCESSABLE_ENTITY)
        .detail(detail)
}

/// 503 `/problems/data-unavailable`: the site's data provider could not be asked (or gave an
/// unusable answer); `detail` says so to the customer in plain words, or to the operator with why.
pub fn data_unavailable(detail: impl Into<String>) -> Problem {
    custom(ProblemKind::Unavailable, "/problems/data-unavailable", "The data cannot be fetched right now", StatusCode::SERVICE_UNAVAILABLE)
        .detail(detail)
}

/// 429: too many codes or attempts.
pub fn too_many(detail: &'static str) -> Problem {
    Problem::new(ProblemKind::TooManyRequests).detail(detail)
}

/// 422 naming one field.
pub fn field(field: &str, reason: &str) -> Problem {
    Problem::validation(vec![invalid_field(field, reason)])
}
