//! Start-up and shutdown: open the database, load the sites, bind, serve until a signal.

use std::{io::Write, net::SocketAddr, sync::Arc};

use crate::{
    config::{ConfigError, Settings},
    db::{Db, DbError},
    live::LiveSites,
    sites::{Sites, SitesError},
    state::AppState,
};

/// Why the server did not start; printed as one line (the policies list one line each).
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The settings are invalid.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The database cannot be opened or migrated.
    #[error("{0}")]
    Db(#[from] DbError),
    /// A policy is invalid.
    #[error("{0}")]
    Sites(#[from] SitesError),
    /// The address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The server stopped with an error.
    #[error("server error: {0}")]
    Serve(std::io::Error),
    /// The webhook worker cannot start (its HTTP client, a secret).
    #[error("{0}")]
    Webhooks(#[from] crate::events::deliver::StartError),
}

/// Opens and migrates the database and loads the sites: the state the router needs.
pub async fn prepare(settings: Settings) -> Result<AppState, StartError> {
    // The sign-in keys are checked now (a bad PEM must not wait for the first token).
    crate::identity::Keyring::from_sites(&settings.sites)
        .map_err(|errors| ConfigError { file: "sites.signin_keys".into(), errors })?;
    let mut sites = Sites::load(&settings.policies_dir())?;
    sites.configure(&settings.sites)?;
    let db = Db::open(&settings.db).await?;
    let registered = db
        .write(move |conn| {
            sites.register_versions(conn)?;
            Ok(sites)
        })
        .await?;
    for site in registered.iter() {
        crate::lint::log_findings(&site.id, &site.file, &site.source);
    }
    tracing::info!(sites = registered.len(), db = %db.describe(), "ready");
    Ok(AppState::new(db, Arc::new(LiveSites::new(registered)), settings))
}

/// Runs the server until SIGINT or SIGTERM, then finishes requests in flight and the queued
/// writes before returning. Meanwhile the policies are reloaded on SIGHUP and when a policy
/// file changes (looked at every `policy_poll`, unless zero). The socket peer of each
/// connection is recorded (for the rate limits and the trusted-proxy rule).
pub async fn serve(settings: Settings) -> Result<(), StartError> {
    let addr = settings.addr;
    let state = prepare(settings).await?;
    let db = state.db.clone();
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| StartError::Bind { addr, source })?;
    let local = listener.local_addr().map_err(|source| StartError::Bind { addr, source })?;
    // The handlers are installed before the "listening" line: a SIGTERM right after it (a
    // supervisor, a test) must stop the server gracefully, not by the default action.
    let shutdown = shutdown_signal();
    let poll = Some(state.settings.policy_poll).filter(|every| !every.is_zero());
    let watcher = crate::live::watch(state.reloader(), poll);
    crate::retention::start(&state.db, state.settings.retention, state.settings.visitor_token_lifetime);
    let deliveries = crate::events::deliver::start(db.clone(), &state.settings).map_err(StartError::Webhooks)?;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "privacy-widget-server listening on http://{local}/");
        let _ = out.flush();
    }
    tracing::info!(addr = %local, "listening");
    let app = crate::app::app(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(StartError::Serve);
    tracing::info!("stopping: requests finished, flushing writes");
    watcher.abort();
    if let Some(worker) = deliveries {
        worker.abort();
    }
    db.close().await;
    result
}

/// Installs the SIGINT and SIGTERM handlers now and returns a future that resolves on the
/// first of them (Ctrl-C, or SIGTERM on Unix).
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let handlers = {
        use tokio::signal::unix::{signal, SignalKind};
        (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
    };
    async move {
        #[cfg(unix)]
        {
            // A handler that could not be installed never fires; the other still does.
            async fn recv(signal: std::io::Result<tokio::signal::unix::Signal>) {
                match signal {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            }
            let (int, term) = handlers;
            tokio::select! {
                _ = recv(int) => {},
                _ = recv(term) => {},
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("shutdown signal received");
    }
}
