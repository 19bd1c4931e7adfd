//! The control-panel API: demo login and sessions, `/api/v1/me` (stored data, opt-ins, export),
//! data-subject requests with e-mail codes for visitors, and the operator's `requests` command.
//!
//! Every handler decides from the session cookie, never from ids in the body; state-changing
//! handlers pass the CSRF guard in [`guard`] first.

mod codes;
mod complete;
mod guard;
mod mail;
mod notify;
pub mod ops;
mod problems;
mod routes_me;
mod routes_requests;
mod routes_visitor;
mod seed;
mod session;
mod status_token;
mod store;
mod store_requests;
mod store_visitor;

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

use axum::{
    routing::{get, post},
    Extension, Router,
};
use tokio::sync::OnceCell;

use crate::{db::Db, problem::Problem, sites::Sites, state::AppState};

pub use mail::{Mail, Mailer};

/// Whether demo mode is on (demo logins, the in-memory outbox page). On unless `--no-demo`.
static DEMO: AtomicBool = AtomicBool::new(true);

/// Turns demo mode on or off for routers built afterwards (`--no-demo` turns it off).
pub fn set_demo_mode(on: bool) {
    DEMO.store(on, Ordering::SeqCst);
}

/// The session token of the request's cookie, if it has a well-formed one (for rate limits).
pub fn session_token(headers: &axum::http::HeaderMap) -> Option<String> {
    session::cookie_token(headers)
}

/// Whether demo mode is on for routers built from now on.
pub fn demo_mode() -> bool {
    DEMO.load(Ordering::SeqCst)
}

/// What the panel routes share besides the [`AppState`].
pub struct Panel {
    /// Demo mode: demo login list, demo login, the outbox page.
    pub demo: bool,
    /// Where codes go: SMTP when configured, else the in-memory demo outbox.
    pub mailer: Mailer,
    seeded: OnceCell<()>,
    /// Set once the loop that sends queued answer mails runs ([`notify::start`]).
    mail_loop: std::sync::OnceLock<()>,
    /// One drain of the answer-mail queue at a time (the loop and the demo outbox page).
    draining: tokio::sync::Mutex<()>,
    /// How long a status token works after its request is closed, in ms (the answer mail says
    /// until when its link works).
    token_lifetime_ms: i64,
}

impl Panel {
    /// Seeds the demo customers once (if the customer table is empty) before the first use.
    async fn ready(&self, db: &Db, sites: &Arc<Sites>) -> Result<(), Problem> {
        let sites = Arc::clone(sites);
        let db = db.clone();
        self.seeded
            .get_or_try_init(|| async move { db.write(move |conn| seed::seed_if_empty(conn, &sites)).await.map(|_| ()) })
            .await
            .map(|_| ())
            .map_err(Problem::from)
    }

    /// Makes sure the loop that sends queued answer mails runs (started when the router is
    /// built, or by the first panel request if it was built outside a runtime).
    fn wake(self: &Arc<Self>, state: &AppState) {
        if self.mail_loop.get().is_none() {
            notify::start(self, &state.db, &state.live);
        }
    }

    /// Sends the queued answer mails now (the demo outbox page shows them at once).
    async fn send_queued(&self, state: &AppState) {
        let _one = self.draining.lock().await;
        if let Err(e) = notify::drain(&state.db, &state.sites, self).await {
            tracing::error!(error = %e, "answer mails: cannot read the queue");
        }
    }
}

/// The control-panel routes; merged into the application router by [`crate::app`]. Starts the
/// loop that sends queued answer mails at once, so that a mail the operator command queued
/// goes out without waiting for a panel request.
pub fn router(state: &AppState) -> Router<AppState> {
    let demo = DEMO.load(Ordering::SeqCst);
    let panel = Arc::new(Panel {
        demo,
        mailer: Mailer::new(state.settings.smtp.as_ref(), demo),
        seeded: OnceCell::new(),
        mail_loop: std::sync::OnceLock::new(),
        draining: tokio::sync::Mutex::new(()),
        token_lifetime_ms: status_token::lifetime_ms(state.settings.visitor_token_lifetime),
    });
    panel.wake(state);
    Router::new()
        .route("/api/v1/demo/customers", get(routes_me::demo_customers))
        .route("/api/v1/demo/login", post(routes_me::demo_login))
        .route("/demo/outbox", get(routes_me::demo_outbox))
        .route("/api/v1/logout", post(routes_me::logout))
        .route("/api/v1/session", get(routes_me::session_status))
        .route("/api/v1/me", get(routes_me::me))
        .route("/api/v1/me/data", get(routes_me::data))
        .route("/api/v1/me/export", get(routes_me::export))
        .route("/api/v1/me/erasure-plan", get(routes_me::erasure_plan))
        .route("/api/v1/me/preferences", get(routes_me::preferences).put(routes_me::put_preferences))
        .route("/api/v1/requests", get(routes_requests::list).post(routes_requests::create))
        .route("/api/v1/requests/{id}", get(routes_requests::one))
        .route("/api/v1/requests/{id}/verify", post(routes_requests::verify))
        .route("/api/v1/requests/{id}/cancel", post(routes_requests::cancel))
        .route("/api/v1/requests/{id}/package", get(routes_requests::package))
        .route("/api/v1/visitor-requests/{token}", get(routes_visitor::status))
        .route("/api/v1/visitor-requests/{token}/cancel", post(routes_visitor::cancel))
        .route("/api/v1/visitor-requests/{token}/package", get(routes_visitor::package))
        .layer(Extension(panel))
}

/// Seeds the database for the operator command (same rule: only when no customer exists).
pub async fn seed(db: &Db, sites: &Arc<Sites>) -> Result<usize, crate::db::DbError> {
    let sites = Arc::clone(sites);
    db.write(move |conn| seed::seed_if_empty(conn, &sites)).await
}
