//! The shared application state handed to every handler (the consent API and the control-panel API alike).

use std::{path::PathBuf, sync::Arc};

use crate::{config::Settings, db::Db, limits::Limiter, live::LiveSites, notice::Notices, sites::Sites};

/// Paths and settings fixed at start.
#[derive(Debug, Clone)]
pub struct Config {
    /// The demo site folder served at `/`.
    pub www: PathBuf,
    /// The built widget folder served at `/widget/`.
    pub widget_dir: PathBuf,
}

/// Cloned into each request; everything inside is shared.
///
/// A clone takes the policies as served at that moment ([`LiveSites::current`]): axum clones the
/// state for each request's handler (and each middleware), so a handler sees one generation of
/// `sites` and `notices` from its start to its end, even while the policies are reloaded.
pub struct AppState {
    /// The database (batched writer + readers).
    pub db: Db,
    /// The sites and their validated policies, as of this clone.
    pub sites: Arc<Sites>,
    /// The sites' consent notices (compiled on first request), as of this clone.
    pub notices: Arc<Notices>,
    /// The policies as served now; a reload replaces them ([`crate::reload`]).
    pub live: Arc<LiveSites>,
    /// Fixed settings.
    pub config: Arc<Config>,
    /// Everything configured (file, environment, command line), validated.
    pub settings: Arc<Settings>,
    /// The rate limits' buckets.
    pub limiter: Arc<Limiter>,
}

impl AppState {
    /// The state around `live`: its current generation and the rest as given.
    pub fn new(db: Db, live: Arc<LiveSites>, config: Config, settings: Settings, limiter: Limiter) -> AppState {
        let now = live.current();
        AppState {
            db,
            sites: now.sites.clone(),
            notices: now.notices.clone(),
            live,
            config: Arc::new(config),
            settings: Arc::new(settings),
            limiter: Arc::new(limiter),
        }
    }
}

impl Clone for AppState {
    /// The same shared parts, with the policies as served now.
    fn clone(&self) -> AppState {
        let now = self.live.current();
        AppState {
            db: self.db.clone(),
            sites: now.sites.clone(),
            notices: now.notices.clone(),
            live: self.live.clone(),
            config: self.config.clone(),
            settings: self.settings.clone(),
            limiter: self.limiter.clone(),
        }
    }
}
