//! The route groups, each with its own layers (no layer matches paths):
//! - [`public_api`]: what a site's marketing pages call from their own origin (consents,
//!   visitor data-subject requests and their status): CORS for the origins the sites allow,
//!   each route with its own methods, and the per-IP limit;
//! - [`notice_api`]: the consent notice, CORS for its site's origins, no rate limit (served
//!   from memory once per page view; a 429 would leave a page without its banner);
//! - [`panel_api`]: the control panel (the session cookie on this origin, or the bearer
//!   session from the sign-in handoff on an origin a site allows, with CORS): the per-IP and
//!   per-session limits; [`signin_api`], the handoff itself, has the same layers;
//! - [`admin_api`]: the operator's tools (bearer admin token), the per-IP limit;
//! - [`pages`]: `/healthz`, the demo outbox page and the demo "host backend";
//! - [`files::router`]: the policy documents, the widget and the demo site.

pub mod admin;
pub mod consents;
pub mod files;
pub mod health;
pub mod notice;
pub mod panel;

use axum::{
    middleware::from_fn_with_state,
    routing::{get, post, MethodRouter},
    Router,
};

use crate::{
    http::{
        cors::{self, Cors, Origins},
        limits,
    },
    state::AppState,
};
use panel::{me, requests, sessions, visitor};

/// A public route: the per-IP limit inside CORS for `methods` from `origins` (a refused
/// preflight is a 403, a 429 carries the CORS headers).
fn cross_origin(state: &AppState, route: MethodRouter<AppState>, methods: &'static str, origins: Origins) -> MethodRouter<AppState> {
    route
        .layer(from_fn_with_state(state.limiter.clone(), limits::per_ip))
        .layer(from_fn_with_state(Cors::new(state, methods, origins), cors::handle))
}

/// A panel route on a public path: the per-session limit (the per-IP one is the path's).
fn per_session(state: &AppState, route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.route_layer(from_fn_with_state(state.limiter.clone(), limits::per_session))
}

/// The marketing pages' API: proof of consent, a visitor's data-subject request, its
/// verification and what the status token opens.
pub fn public_api(state: &AppState) -> Router<AppState> {
    let any = Origins::AnySite;
    Router::new()
        .route("/api/v1/consents", cross_origin(state, post(consents::create), "POST", any))
        .route("/api/v1/consents/{consent_id}", cross_origin(state, get(consents::list), "GET", any))
        // One path, two audiences: a page files a request (POST, cross-origin allowed); the
        // customer's own list (GET) keeps the panel's session limit. Another origin reads it only
        // with a bearer session from the sign-in handoff: CORS never allows credentials, so the
        // cookie never crosses.
        .route("/api/v1/requests", cross_origin(state, per_session(state, get(requests::list)).post(requests::create), "GET, POST", any))
        .route("/api/v1/requests/{id}/verify", cross_origin(state, post(requests::verify), "POST", any))
        .route("/api/v1/visitor-requests/{token}", cross_origin(state, get(visitor::status), "GET", any))
        .route("/api/v1/visitor-requests/{token}/cancel", cross_origin(state, post(visitor::cancel), "POST", any))
        .route("/api/v1/visitor-requests/{token}/package", cross_origin(state, get(visitor::package), "GET", any))
}

/// The consent notice: CORS for the origins of the site in its path, and no rate limit.
pub fn notice_api(state: &AppState) -> Router<AppState> {
    let cors = Cors::new(state, "GET", Origins::SiteOfPath);
    Router::new().route("/api/v1/sites/{site}/notice", get(notice::notice).layer(from_fn_with_state(cors, cors::handle)))
}

/// The control panel's API, limited per IP and per session: the session cookie works on this
/// origin only; a panel on an origin a site allows gets CORS (never credentials) and sends the
/// session from the sign-in handoff (`POST /api/v1/sessions`) as `Authorization: Bearer`.
pub fn panel_api(state: &AppState) -> Router<AppState> {
    let routes = Router::new()
        .route("/api/v1/demo/customers", get(me::demo_customers))
        .route("/api/v1/demo/login", post(me::demo_login))
        .route("/api/v1/logout", post(me::logout))
        .route("/api/v1/session", get(me::session_status))
        .route("/api/v1/me", get(me::me))
        .route("/api/v1/me/data", get(me::data))
        .route("/api/v1/me/export", get(me::export))
        .route("/api/v1/me/erasure-plan", get(me::erasure_plan))
        .route("/api/v1/me/preferences", get(me::preferences).put(me::put_preferences))
        .route("/api/v1/requests/{id}", get(requests::one))
        .route("/api/v1/requests/{id}/cancel", post(requests::cancel))
        .route("/api/v1/requests/{id}/package", get(requests::package));
    panel_layers(state, routes)
}

/// The sign-in exchange (`POST /api/v1/sessions`) with the panel's layers. The app puts it
/// outside the 64 KiB body limit: it reads its body under its own, smaller limit
/// ([`sessions::BODY_LIMIT`]) and refuses a longer one as a token too long (401), not 413.
pub fn signin_api(state: &AppState) -> Router<AppState> {
    panel_layers(state, Router::new().route("/api/v1/sessions", post(sessions::create)))
}

/// The panel's layers: the per-session and per-IP limits inside CORS for the panel's methods.
fn panel_layers(state: &AppState, routes: Router<AppState>) -> Router<AppState> {
    let cors = Cors::new(state, "GET, POST, PUT", Origins::AnySite);
    routes
        .route_layer(from_fn_with_state(state.limiter.clone(), limits::per_session))
        .route_layer(from_fn_with_state(state.limiter.clone(), limits::per_ip))
        .layer(from_fn_with_state(cors, cors::handle))
}

/// The admin API: `Authorization: Bearer <admin_token>` checked by each handler, the per-IP limit.
pub fn admin_api(state: &AppState) -> Router<AppState> {
    admin::router().route_layer(from_fn_with_state(state.limiter.clone(), limits::per_ip))
}

/// Pages outside the API: the health check, the demo outbox and the demo "host backend" that
/// signs sign-in tokens for demo customers.
pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/demo/outbox", get(me::demo_outbox))
        .route("/demo/host/token", get(sessions::demo_host_token))
}
