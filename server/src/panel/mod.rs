//! The control-panel API (accounts, sessions, `/api/v1/me`, data-subject requests): routes are added here.

use axum::Router;

use crate::state::AppState;

/// The control-panel routes; merged into the application router by [`crate::app`].
pub fn router() -> Router<AppState> {
    Router::new()
}
