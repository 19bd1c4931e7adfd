//! Reloading the site policies while the server runs (on SIGHUP, and when [`watch`] sees a
//! policy file change). Every file is validated by the same code as on start
//! ([`crate::sites::source::parse`]); a file that fails keeps its site on its last valid policy,
//! and so does a removed one. The sites that changed get their new version recorded in the
//! database (so that a consent for the old one is answered 409, as after a restart), and then
//! the whole generation is swapped at once ([`LiveSites::replace`]).

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use super::LiveSites;
use crate::{
    config::{Settings, SiteSettings},
    db::{Db, DbError},
    sites::{policy_files, source, Site, Sites},
};

/// What one reload did; every entry was also logged.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Sites now served from a new or changed policy: `site "v1" -> "v2"`.
    pub updated: Vec<String>,
    /// Files refused (`file: json.path: reason`) and removed; their sites keep their last policy.
    pub refused: Vec<String>,
}

/// Reloads the policies of a running server: its policies folder, the policy files its
/// configuration names, the allowed origins configured per site.
pub struct Reloader {
    dir: PathBuf,
    configured: Vec<SiteSettings>,
    db: Db,
    live: Arc<LiveSites>,
    /// One reload at a time (each builds on the generation the last one left).
    running: tokio::sync::Mutex<()>,
}

impl Reloader {
    /// The reloader of a server with these settings, database and served policies.
    pub fn new(settings: &Settings, db: Db, live: Arc<LiveSites>) -> Reloader {
        Reloader {
            dir: settings.policies_dir(),
            configured: settings.sites.clone(),
            db,
            live,
            running: tokio::sync::Mutex::new(()),
        }
    }

    /// The files a reload reads: the folder's policy files and the configured ones.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files = policy_files(&self.dir).unwrap_or_default();
        files.extend(self.configured.iter().filter_map(|c| c.policy.clone()));
        files
    }

    /// Reads every policy file again and serves what is valid. Fails only when the database
    /// cannot record the new versions; then nothing changes.
    pub async fn reload(&self) -> Result<Outcome, DbError> {
        let _one = self.running.lock().await;
        let mut outcome = Outcome::default();
        let (dir, configured) = (self.dir.clone(), self.configured.clone());
        let Ok((candidates, refused_files)) = tokio::task::spawn_blocking(move || scan(&dir, &configured)).await else {
            tracing::error!("policies not reloaded: the policy reader stopped");
            outcome.refused.push("the policy reader stopped".to_owned());
            return Ok(outcome);
        };
        let previous = self.live.current().sites.clone();
        for (file, errors) in &refused_files {
            let keeps = previous.iter().find(|s| &s.file == file).map_or_else(
                || "not loaded".to_owned(),
                |s| format!("site {:?} keeps version {:?}", s.id, s.version),
            );
            for error in errors {
                let line = format!("{}: {error}", file.display());
                tracing::error!(file = %file.display(), "policy refused: {line} ({keeps})");
                outcome.refused.push(line);
            }
        }
        let chosen = choose(candidates, &previous, &self.configured, &mut outcome);
        let defined: Vec<String> = chosen.iter().map(|s| s.id.clone()).collect();
        let mut changed = Sites::default();
        for site in chosen {
            match previous.get(&site.id) {
                Some(old) if old.file == site.file && old.source == site.source => {}
                old => {
                    warn_unversioned_change(old.map(|o| &**o), &site);
                    changed.insert(Arc::new(site));
                }
            }
        }
        for old in previous.iter().filter(|old| !defined.contains(&old.id)) {
            if !old.file.exists() {
                let line = format!("{}: removed", old.file.display());
                tracing::warn!(file = %old.file.display(), "policy file removed: site {:?} keeps version {:?}", old.id, old.version);
                outcome.refused.push(line);
            } else if !refused_files.iter().any(|(f, _)| f == &old.file) {
                tracing::warn!(file = %old.file.display(), "no policy file defines site {:?} any more: it keeps version {:?}", old.id, old.version);
            }
        }
        if changed.is_empty() {
            return Ok(outcome);
        }
        let registered = self
            .db
            .write(move |conn| {
                changed.register_versions(conn)?;
                Ok(changed)
            })
            .await?;
        let mut next = (*previous).clone();
        for site in registered.iter() {
            let from = previous.get(&site.id).map_or_else(|| "new site".to_owned(), |o| format!("{:?}", o.version));
            tracing::info!(file = %site.file.display(), "policy reloaded: site {:?} {from} -> {:?}", site.id, site.version);
            crate::lint::log_findings(&site.id, &site.file, &site.source);
            outcome.updated.push(format!("{} {from} -> {:?}", site.id, site.version));
            next.insert(site.clone());
        }
        self.live.replace(next);
        Ok(outcome)
    }
}

/// Every policy file read and validated: the sites of the valid ones (`file` set, in the order
/// the start-up reads them: folder, then configuration) and each invalid file's errors.
fn scan(dir: &Path, configured: &[SiteSettings]) -> (Vec<Site>, Vec<(PathBuf, Vec<String>)>) {
    let (mut sites, mut refused) = (Vec::new(), Vec::new());
    let read = |file: &Path| {
        std::fs::read_to_string(file).map_err(|e| vec![e.to_string()]).and_then(|text| source::parse(&text))
    };
    let folder = match policy_files(dir) {
        Ok(files) => files,
        Err(e) => {
            refused.push((dir.to_path_buf(), vec![format!("cannot read the policies folder: {e}")]));
            Vec::new()
        }
    };
    for file in folder {
        match read(&file) {
            Ok(site) => sites.push(Site { file, ..site }),
            Err(errors) => refused.push((file, errors)),
        }
    }
    for conf in configured {
        let Some(file) = &conf.policy else { continue };
        match read(file) {
            Ok(site) if site.id == conf.id => sites.push(Site { file: file.clone(), ..site }),
            Ok(site) => refused.push((file.clone(), vec![format!("site: {:?}, but the configuration names it for {:?}", site.id, conf.id)])),
            Err(errors) => refused.push((file.clone(), errors)),
        }
    }
    // A file that is not there (yet) was already reported by its site, if it had one.
    refused.retain(|(file, _)| file.exists() || file.as_path() == dir);
    (sites, refused)
}

/// One site per id, as on start: a configured policy file wins over the folder; of two folder
/// files for one site the one it came from before stays, the other is refused. Each keeps the
/// origins configured for its site.
fn choose(candidates: Vec<Site>, previous: &Sites, configured: &[SiteSettings], outcome: &mut Outcome) -> Vec<Site> {
    let mut by_id: BTreeMap<String, Vec<Site>> = BTreeMap::new();
    for site in candidates {
        by_id.entry(site.id.clone()).or_default().push(site);
    }
    let mut chosen = Vec::new();
    for (id, mut list) in by_id {
        let conf = configured.iter().find(|c| c.id == id);
        let preferred = conf.and_then(|c| c.policy.clone()).or_else(|| previous.get(&id).map(|s| s.file.clone()));
        if let Some(i) = preferred.and_then(|p| list.iter().position(|s| s.file == p)) {
            let site = list.remove(i);
            list.insert(0, site);
        }
        let mut list = list.into_iter();
        let Some(mut site) = list.next() else { continue };
        for other in list {
            let line = format!("{}: site: {id:?} is already defined in {}", other.file.display(), site.file.display());
            tracing::error!(file = %other.file.display(), "policy refused: {line}");
            outcome.refused.push(line);
        }
        site.allowed_origins = conf.map(|c| c.allowed_origins.clone()).unwrap_or_default();
        site.cookie_domain = conf.and_then(|c| c.cookie_domain.clone());
        chosen.push(site);
    }
    chosen
}

/// A change to purposes or recipients needs a new version, or the widget does not ask again
/// (C-A9): said in the log (the start-up accepts such a file too, so the reload does).
fn warn_unversioned_change(old: Option<&Site>, new: &Site) {
    let Some(old) = old.filter(|o| o.version == new.version) else { return };
    if old.policy.purposes != new.policy.purposes || old.policy.recipients != new.policy.recipients {
        tracing::warn!(
            file = %new.file.display(),
            "site {:?}: purposes or recipients changed but the version is still {:?}: visitors are not asked again until the version changes (C-A9)",
            new.id,
            new.version
        );
    }
}
