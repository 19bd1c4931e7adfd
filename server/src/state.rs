//! The shared application state handed to every handler (the consent API and the control-panel API alike).

use std::{path::PathBuf, sync::Arc};

use crate::{config::Settings, db::Db, limits::Limiter, notice::Notices, sites::Sites};

/// Paths and settings fixed at start.
#[derive(Debug, Clone)]
pub struct Config {
    /// The demo site folder served at `/`.
    pub www: PathBuf,
    /// The built widget folder served at `/widget/`.
    pub widget_dir: PathBuf,
}

/// Cloned into each request; everything inside is shared.
#[derive(Clone)]
pub struct AppState {
    /// The database (batched writer + readers).
    pub db: Db,
    /// The sites and their policies, loaded and validated on start.
    pub sites: Arc<Sites>,
    /// The sites' consent notices, compiled on first request.
    pub notices: Arc<Notices>,
    /// Fixed settings.
    pub config: Arc<Config>,
    /// Everything configured (file, environment, command line), validated.
    pub settings: Arc<Settings>,
    /// The rate limits' buckets.
    pub limiter: Arc<Limiter>,
}
