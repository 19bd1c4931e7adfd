//! The services every request shares, as one [`AppState`] that axum clones per request (each
//! field a cheap handle) and hands out in parts: a handler or layer asks for the part it needs
//! (`State<Db>`, `State<Arc<Settings>>`, …) through [`FromRef`]. The policies are not a field
//! read at clone time: a request takes the generation being served once, when it arrives
//! (the `http` layer's `Policies` extractor), so the handler and every layer see the same one.

use std::sync::Arc;

use axum::extract::FromRef;

use crate::{
    config::Settings,
    db::Db,
    limiter::Limiter,
    live::{LiveSites, Reloader},
    panel::Panel,
};

/// Shared by every request; cloning copies handles only.
#[derive(Clone)]
pub struct AppState {
    /// The database (batched writer + readers).
    pub db: Db,
    /// The policies as served now; a reload replaces them ([`crate::live::reload`]).
    pub live: Arc<LiveSites>,
    /// Everything configured (file, environment, command line), validated.
    pub settings: Arc<Settings>,
    /// The rate limits' buckets.
    pub limiter: Arc<Limiter>,
    /// The control panel's mailer, demo mode and answer-mail loop.
    pub panel: Arc<Panel>,
}

impl AppState {
    /// The state of a server with these settings over `db`, serving `live`.
    pub fn new(db: Db, live: Arc<LiveSites>, settings: Settings) -> AppState {
        AppState {
            limiter: Arc::new(Limiter::new(settings.limits.clone())),
            panel: Arc::new(Panel::new(&settings)),
            db,
            live,
            settings: Arc::new(settings),
        }
    }

    /// The reloader of this server's policies.
    pub fn reloader(&self) -> Reloader {
        Reloader::new(&self.settings, self.db.clone(), self.live.clone())
    }
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Db {
        state.db.clone()
    }
}

impl FromRef<AppState> for Arc<LiveSites> {
    fn from_ref(state: &AppState) -> Arc<LiveSites> {
        state.live.clone()
    }
}

impl FromRef<AppState> for Arc<Settings> {
    fn from_ref(state: &AppState) -> Arc<Settings> {
        state.settings.clone()
    }
}

impl FromRef<AppState> for Arc<Limiter> {
    fn from_ref(state: &AppState) -> Arc<Limiter> {
        state.limiter.clone()
    }
}

impl FromRef<AppState> for Arc<Panel> {
    fn from_ref(state: &AppState) -> Arc<Panel> {
        state.panel.clone()
    }
}
