//! When to reload: on SIGHUP, and when a poll of the policy files' modification times (and
//! sizes, and which files there are) sees a change.

use std::{path::PathBuf, sync::Arc, time::Duration, time::SystemTime};

use super::Reloader;

/// What the poll compares: each policy file with its modification time and size (`None`:
/// missing or unreadable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(Vec<(PathBuf, Option<(SystemTime, u64)>)>);

impl Fingerprint {
    /// The files as they are now.
    pub fn of(files: Vec<PathBuf>) -> Fingerprint {
        Fingerprint(
            files
                .into_iter()
                .map(|file| {
                    let meta = std::fs::metadata(&file).ok().and_then(|m| Some((m.modified().ok()?, m.len())));
                    (file, meta)
                })
                .collect(),
        )
    }
}

/// Starts reloading the policies on SIGHUP and, with `every`, whenever the files change (looked
/// at every `every`). The signal handler is installed before this returns, so a SIGHUP that
/// follows cannot end the process. The task runs until the runtime stops or is aborted.
pub fn watch(reloader: Reloader, every: Option<Duration>) -> tokio::task::JoinHandle<()> {
    let reloader = Arc::new(reloader);
    let mut hangup = hangup_signal();
    let mut last = Fingerprint::of(reloader.files());
    tokio::spawn(async move {
        let mut tick = every.map(|every| {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick
        });
        loop {
            let signalled = tokio::select! {
                _ = recv(&mut hangup) => true,
                _ = next_tick(&mut tick) => false,
            };
            let files = reloader.clone();
            let now = tokio::task::spawn_blocking(move || Fingerprint::of(files.files())).await.ok();
            if signalled {
                tracing::info!("SIGHUP: reloading the policies");
            } else if now.is_none() || now.as_ref() == Some(&last) {
                continue;
            }
            if let Some(now) = now {
                last = now;
            }
            match reloader.reload().await {
                Ok(outcome) if signalled && outcome.updated.is_empty() && outcome.refused.is_empty() => {
                    tracing::info!("policies reloaded: no change");
                }
                Ok(_) => {}
                Err(crate::db::DbError::Closed) => return,
                Err(e) => tracing::error!(error = %e, "policies not reloaded: cannot record the new versions"),
            }
        }
    })
}

#[cfg(unix)]
type Hangup = Option<tokio::signal::unix::Signal>;
#[cfg(not(unix))]
type Hangup = Option<()>;

#[cfg(unix)]
fn hangup_signal() -> Hangup {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::hangup()) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for SIGHUP: policies reload only by polling");
            None
        }
    }
}

#[cfg(not(unix))]
fn hangup_signal() -> Hangup {
    None
}

/// The next SIGHUP; never, without a handler.
async fn recv(hangup: &mut Hangup) {
    #[cfg(unix)]
    if let Some(s) = hangup {
        if s.recv().await.is_some() {
            return;
        }
    }
    #[cfg(not(unix))]
    let _ = hangup;
    std::future::pending::<()>().await
}

/// The next poll; never, with polling off.
async fn next_tick(tick: &mut Option<tokio::time::Interval>) {
    match tick {
        Some(tick) => {
            tick.tick().await;
        }
        None => std::future::pending::<()>().await,
    }
}
