//! The one router: the route groups ([`crate::routes`]) and the layers every request passes
//! (traces, compression, response headers, the client address, the policy generation taken
//! once, the panic guard, the timeout and the body limits).

use std::time::Duration;

use axum::{
    extract::DefaultBodyLimit,
    http::StatusCode,
    middleware,
    response::{IntoResponse, Response},
    Router,
};
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    timeout::TimeoutLayer,
    trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::{
    http::{client, headers, policies, Problem, ProblemKind},
    routes,
    state::AppState,
};

/// Largest request body accepted, in bytes (413 beyond it); `POST /api/v1/sessions` has its own,
/// smaller limit and answers a longer body 401 (a token too long).
pub const BODY_LIMIT: usize = 64 * 1024;
/// Longest a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// The application: the public API (consents, notices, visitor requests), the panel API, the
/// pages, and the static files (the widget at `/widget/`, the demo site at `/`, its
/// `/policies/{site}.json` from the policies being served). Starts the loop that sends queued
/// answer mails, so that a mail the operator command queued goes out without waiting for a
/// panel request.
pub fn app(state: AppState) -> Router {
    state.panel.wake(&state.db, &state.live);
    // Per-request lines at info only when asked for (`log_requests`): they cost throughput.
    let level = if state.settings.log_requests { Level::INFO } else { Level::DEBUG };
    Router::new()
        .merge(routes::public_api(&state))
        .merge(routes::notice_api(&state))
        .merge(routes::panel_api(&state))
        .merge(routes::admin_api(&state))
        .merge(routes::pages())
        .merge(routes::files::router(&state.settings))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        // Added after the body limit: the sign-in exchange reads its body under its own limit.
        .merge(routes::signin_api(&state))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(state.live.clone(), policies::take))
        .layer(middleware::from_fn_with_state(state.settings.clone(), client::record))
        .layer(middleware::from_fn(headers::response_headers))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(level))
                .on_response(DefaultOnResponse::new().level(level)),
        )
        .with_state(state)
}

/// Last resort: a handler panicked. Logged, answered with a 500 problem; the server keeps going.
fn panic_response(_err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    Problem::new(ProblemKind::Internal).into_response()
}
