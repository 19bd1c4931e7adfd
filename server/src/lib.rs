//! privacy-widget-server: the reference backend of privacy-widget (axum + SQLite).
//!
//! [`app`] builds the whole HTTP application from an [`AppState`]; [`serve`] opens the
//! database, loads the site policies, binds and runs it until SIGINT/SIGTERM, reloading the
//! policies on SIGHUP and when their files change ([`reload`]).

pub mod cli;
pub mod client;
pub mod config;
pub mod consents;
pub mod cors;
pub mod db;
pub mod events;
pub mod health;
pub mod identity;
pub mod limits;
pub mod live;
pub mod notice;
pub mod panel;
pub mod policy_docs;
pub mod policy_source;
pub mod problem;
pub mod reload;
pub mod serve;
pub mod sites;
pub mod state;
pub mod time;
pub mod web;

use std::time::Duration;

use axum::{
    extract::DefaultBodyLimit,
    http::StatusCode,
    middleware,
    response::{IntoResponse, Response},
    routing::get,
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

pub use state::{AppState, Config};

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;
/// Longest a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// The application: API routes, the widget at `/widget/`, the demo site at `/` (its
/// `/policies/{site}.json` from the policies being served, [`policy_docs`]), and the
/// layers every request passes (body limits, timeout, panic guard, rate limits, CORS, client
/// address, headers, compression, traces).
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/healthz", get(health::healthz))
        .merge(consents::router())
        .merge(notice::router())
        .merge(panel::router(&state));
    // Per-request lines at info only when asked for (`log_requests`): they cost throughput.
    let level = if state.settings.log_requests { Level::INFO } else { Level::DEBUG };
    Router::new()
        .merge(api)
        .nest_service("/widget", web::widget_service(&state.config.widget_dir))
        .fallback_service(web::www_service(&state.config.www))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(state.clone(), policy_docs::serve))
        .layer(middleware::from_fn_with_state(state.clone(), limits::enforce))
        .layer(middleware::from_fn_with_state(state.clone(), cors::handle))
        .layer(middleware::from_fn_with_state(state.clone(), client::record))
        .layer(middleware::from_fn(web::response_headers))
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
    problem::Problem::new(problem::ProblemKind::Internal).into_response()
}
