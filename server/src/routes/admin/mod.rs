//! The admin API for the operator's tools (helpdesk, billing scripts): data-subject requests
//! listed, read and moved on through the same lifecycle as the operator command, and the
//! webhook deliveries listed and replayed, and customers' data pushed by panels that cannot
//! host a data provider. Every route needs `Authorization: Bearer
//! <admin_token>`; a site's own token (`[[sites]] admin_token`) sees only that site (C-E3).

mod auth;
mod requests;
mod subjects;
mod systems;
mod webhooks;

use axum::{
    routing::{get, post, put},
    Router,
};

pub use auth::{admin_scope, Scope};

use crate::state::AppState;

/// The admin routes; merged into the application router by [`crate::app`]. Without any admin
/// token configured every call answers 401.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/requests", get(requests::list))
        .route("/api/v1/admin/requests/{id}", get(requests::one))
        .route("/api/v1/admin/requests/{id}/transitions", post(requests::transition_route))
        .route("/api/v1/admin/requests/{id}/systems/{system}", put(systems::put_result))
        .route("/api/v1/admin/requests/{id}/attachments", post(systems::add_attachment))
        .route("/api/v1/admin/webhooks/deliveries", get(webhooks::list))
        .route("/api/v1/admin/webhooks/deliveries/{id}/replay", post(webhooks::replay))
        .route("/api/v1/admin/sites/{site}/subjects/{sub}", put(subjects::put).delete(subjects::delete))
}

/// A field error for each query parameter of `query` not in `allowed`, the way every admin
/// listing refuses what it does not read.
fn unknown_parameters(
    query: &std::collections::HashMap<String, String>,
    allowed: &[&str],
) -> Vec<crate::field::FieldError> {
    query
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|key| crate::field::invalid_field(key.as_str(), "unknown parameter"))
        .collect()
}
