//! The sites the server knows: their policy documents from the policies folder (`--policies`,
//! default `<www>/policies`, `*.json`), validated on start and again on each reload
//! (when the policies are reloaded). [`source`] reads one document with the widget's own parser and validator.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use privacy_widget::policy::{ConsentScope, Policy, PurposeKind};

pub mod source;

/// The file in the policies folder that is the JSON Schema, not a policy.
const SCHEMA_FILE: &str = "policy.schema.json";

/// Why the policies could not be loaded: every problem, one line each.
#[derive(Debug, thiserror::Error)]
#[error("invalid site policies:\n  {}", .0.join("\n  "))]
pub struct SitesError(pub Vec<String>);

/// What the server needs to know about one site's policy.
#[derive(Debug, Clone)]
pub struct Site {
    /// Site id (`pcextreme`).
    pub id: String,
    /// The current policy version; consent records must name it.
    pub version: String,
    /// Languages the policy is available in.
    pub languages: Vec<String>,
    /// Earlier versions of this site's policy seen by this server (from the database).
    pub earlier_versions: Vec<String>,
    /// Every purpose by id, with its kind and consent scope.
    pub purposes: BTreeMap<String, (PurposeKind, ConsentScope)>,
    /// Origins (`https://www.example.nl`) allowed to post consent records from another
    /// origin than the server's own. Empty: same-origin only.
    pub allowed_origins: Vec<String>,
    /// The page's `data-cookie-domain` (`""`: host-only), the `Domain=` of the `pw_consent`
    /// cookie the server sets; `None`: the server sets none.
    pub cookie_domain: Option<String>,
    /// The file it came from.
    pub file: PathBuf,
    /// The file's text as validated (what `GET /policies/{site}.json` serves).
    pub source: Arc<str>,
    /// The whole policy document, parsed and validated.
    pub policy: Arc<Policy>,
}

impl Site {
    /// The purposes asked in the banner (consent scope `browser`), by id.
    pub fn browser_purposes(&self) -> impl Iterator<Item = (&str, PurposeKind)> {
        self.purposes
            .iter()
            .filter(|(_, (_, scope))| *scope == ConsentScope::Browser)
            .map(|(id, (kind, _))| (id.as_str(), *kind))
    }
}

/// Whether the Global Privacy Control signal keeps a purpose of this kind denied (C-B1).
pub fn gpc_governed(kind: PurposeKind) -> bool {
    matches!(kind, PurposeKind::Advertising | PurposeKind::PersonalisedAds | PurposeKind::AudienceSharing)
}

/// The policy files in the policies folder `dir`: every `*.json` but the schema, sorted.
pub fn policy_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| p.file_name().is_some_and(|n| n != SCHEMA_FILE))
        .collect();
    files.sort();
    Ok(files)
}

/// All loaded sites by id.
#[derive(Debug, Clone, Default)]
pub struct Sites {
    by_id: BTreeMap<String, Arc<Site>>,
}

impl Sites {
    /// Loads every `*.json` in `dir` except the schema; a missing folder means no sites.
    pub fn load(dir: &Path) -> Result<Sites, SitesError> {
        let mut errors = Vec::new();
        let files = match policy_files(dir) {
            Ok(files) => files,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::warn!(dir = %dir.display(), "no policies folder: no sites");
                Vec::new()
            }
            Err(e) => return Err(SitesError(vec![format!("{}: {e}", dir.display())])),
        };
        let mut sites = Sites::default();
        for file in files {
            let text = match std::fs::read_to_string(&file) {
                Ok(text) => text,
                Err(e) => {
                    errors.push(format!("{}: {e}", file.display()));
                    continue;
                }
            };
            match source::parse(&text) {
                Ok(mut site) => {
                    site.file = file.clone();
                    if let Some(other) = sites.by_id.get(&site.id) {
                        errors.push(format!(
                            "{}: site: \"{}\" is already defined in {}",
                            file.display(),
                            site.id,
                            other.file.display()
                        ));
                    } else {
                        sites.by_id.insert(site.id.clone(), Arc::new(site));
                    }
                }
                Err(list) => {
                    errors.extend(list.into_iter().map(|e| format!("{}: {e}", file.display())));
                }
            }
        }
        if errors.is_empty() {
            Ok(sites)
        } else {
            Err(SitesError(errors))
        }
    }

    /// Applies the configured sites: a site with its own `policy` file is loaded from it (its
    /// `site` must be the configured id), any other must already be loaded from the policies
    /// folder; each gets its allowed origins.
    pub fn configure(&mut self, configured: &[crate::config::SiteSettings]) -> Result<(), SitesError> {
        let mut errors = Vec::new();
        for (i, conf) in configured.iter().enumerate() {
            if let Some(file) = &conf.policy {
                let parsed = std::fs::read_to_string(file)
                    .map_err(|e| vec![e.to_string()])
                    .and_then(|text| source::parse(&text));
                match parsed {
                    Ok(mut site) if site.id == conf.id => {
                        site.file = file.clone();
                        self.by_id.insert(site.id.clone(), Arc::new(site));
                    }
                    Ok(site) => errors.push(format!(
                        "sites[{i}].policy: {} is the policy of site \"{}\", not \"{}\"",
                        file.display(),
                        site.id,
                        conf.id
                    )),
                    Err(list) => errors.extend(list.into_iter().map(|e| format!("sites[{i}].policy: {}: {e}", file.display()))),
                }
            }
            match self.by_id.get_mut(&conf.id) {
                Some(site) => {
                    let site = Arc::make_mut(site);
                    site.allowed_origins = conf.allowed_origins.clone();
                    site.cookie_domain = conf.cookie_domain.clone();
                }
                None if conf.policy.is_none() => errors.push(format!(
                    "sites[{i}].id: no policy defines site \"{}\" (add `policy = \"path\"` or a file in the policies folder)",
                    conf.id
                )),
                None => {}
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(SitesError(errors))
        }
    }

    /// Records each site's current version in the database and learns its earlier ones,
    /// so that a record for an old version gets 409 and one for an invented version 422.
    pub fn register_versions(&mut self, conn: &crate::db::Conn) -> Result<(), crate::db::DbError> {
        let now = crate::time::now_ms();
        for site in self.by_id.values_mut() {
            conn.execute(
                "INSERT INTO site_policy_versions (site, version, first_loaded_at_ms) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                crate::params![&site.id, &site.version, now],
            )?;
            let earlier = conn
                .query(
                    "SELECT version FROM site_policy_versions WHERE site = ?1 AND version <> ?2 ORDER BY first_loaded_at_ms",
                    crate::params![&site.id, &site.version],
                )?
                .iter()
                .map(|row| row.get(0))
                .collect::<Result<Vec<String>, _>>()?;
            Arc::make_mut(site).earlier_versions = earlier;
        }
        Ok(())
    }

    /// Adds `site`, or replaces the site of the same id.
    pub fn insert(&mut self, site: Arc<Site>) {
        self.by_id.insert(site.id.clone(), site);
    }

    /// A site by id.
    pub fn get(&self, id: &str) -> Option<&Arc<Site>> {
        self.by_id.get(id)
    }

    /// Every site, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Site>> {
        self.by_id.values()
    }

    /// How many sites are loaded.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether no site is loaded.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}
