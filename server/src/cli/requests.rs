//! `privacy-widget-server requests …`: the operator lists data-subject requests with the state of
//! each of the site's systems, records a system's result and moves requests on (start, extend
//! with a reason, complete, refuse with a reason) on the server's own database, under the same
//! policies and configuration (`systems`, data providers) the server serves
//! ([`crate::panel::ops`] does the work, through the admin API's code).

use std::{collections::HashMap, path::PathBuf, process::ExitCode, sync::Arc};

use clap::{Args, Subcommand};
use privacy_widget::requests::RequestStep;

use crate::{
    config::{Overrides, Settings, SiteSettings},
    db::Db,
    panel::ops::{self, Systems},
    sites::Sites,
};

/// `privacy-widget-server requests …`
#[derive(Debug, Clone, Args)]
pub struct RequestsArgs {
    /// The server's database: a SQLite file or a `postgres://` URL (else `PW_DATABASE_URL`,
    /// else data/privacy-widget.sqlite3).
    #[arg(long, global = true, env = "PW_DB")]
    pub db: Option<PathBuf>,
    /// The demo site folder with `policies/*.json`.
    #[arg(long, global = true, env = "PW_WWW", default_value = "www")]
    pub www: PathBuf,
    /// The site policies folder, as the server's `--policies` (default `<www>/policies`): a
    /// request is carried out under the same policy it was accepted under.
    #[arg(long, global = true, env = "PW_POLICIES")]
    pub policies: Option<PathBuf>,
    /// The server's configuration file (as its `--config`): each site's `systems`, which a
    /// request waits for before it completes, its data provider, which an access or export
    /// package is built from, and the sites' own policy files. Without it no site has systems
    /// or a data provider.
    #[arg(long, global = true, env = "PW_CONFIG")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub action: RequestsAction,
}

/// What to do.
#[derive(Debug, Clone, Subcommand)]
pub enum RequestsAction {
    /// List requests, oldest first, with the state of each system (`billing:done mail:-`).
    List {
        /// Only this site.
        #[arg(long)]
        site: Option<String>,
        /// Only these statuses (comma-separated: received,verified,in_progress,extended,completed,refused,cancelled).
        #[arg(long, value_delimiter = ',')]
        status: Vec<String>,
    },
    /// Show one request with its timeline and outcome, as JSON.
    Show {
        /// The request id (`r_…`).
        id: String,
    },
    /// Record the result of one of the company's systems (as the admin API's
    /// `PUT /api/v1/admin/requests/{id}/systems/{system}`).
    #[command(name = "result")]
    SystemResult {
        /// The request id (`r_…`).
        id: String,
        /// The system (one of the site's configured `systems`, e.g. billing).
        system: String,
        /// done, not_found, retained (with --retain) or failed.
        #[arg(long)]
        status: String,
        /// What the system keeps, as CATEGORY:UNTIL:REASON (e.g. `invoices:2032-12-31:tax law`);
        /// the customer sees it as a legal hold. Repeatable; only with --status retained.
        #[arg(long = "retain", value_name = "CATEGORY:UNTIL:REASON")]
        retain: Vec<String>,
        /// A note for the operator's timeline.
        #[arg(long)]
        note: Option<String>,
    },
    /// Start working on a verified request.
    Start {
        /// The request id (`r_…`).
        id: String,
    },
    /// Extend the deadline by two months (only within the first month).
    Extend {
        /// The request id (`r_…`).
        id: String,
        /// Why (the subject is told).
        #[arg(long)]
        reason: String,
    },
    /// Complete a request: builds the package (access, export) or carries out the change.
    Complete {
        /// The request id (`r_…`).
        id: String,
    },
    /// Refuse a request; the subject is told the reason and the right to complain.
    Refuse {
        /// The request id (`r_…`).
        id: String,
        /// Why (the subject is told).
        #[arg(long)]
        reason: String,
    },
}

/// Runs the command; prints to stdout, errors to stderr; exit code 1 on a refused step, 2 on setup errors.
pub fn run(args: &RequestsArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("requests: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(run_async(args))
}

async fn run_async(args: &RequestsArgs) -> ExitCode {
    if let Some(dir) = args.policies.as_ref().filter(|d| !d.is_dir()) {
        eprintln!("requests: the policies folder {} does not exist", dir.display());
        return ExitCode::from(2);
    }
    let setup = match load(args) {
        Ok(setup) => setup,
        Err(e) => {
            eprintln!("requests: {e}");
            return ExitCode::from(2);
        }
    };
    // The top-level `--db` default reaches this global flag too: read it as "not given".
    let given = args.db.as_ref().filter(|db| db.as_path() != std::path::Path::new(crate::db::DEFAULT_SQLITE) || std::env::var_os("PW_DB").is_some());
    let target = given.cloned().unwrap_or_else(crate::db::default_target);
    let db = match Db::open(&target).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("requests: {e}");
            return ExitCode::from(2);
        }
    };
    if args.config.is_none() && matches!(args.action, RequestsAction::Complete { .. }) {
        // Not silent: without the configuration no site has a data provider here.
        eprintln!(
            "requests: note: no --config (PW_CONFIG) given, so no site has a data provider or systems here: \
             an access or export package is built from the data stored in the database"
        );
    }
    let code = match act(&db, &setup, &args.action).await {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("requests: {e}");
            ExitCode::from(1)
        }
    };
    db.close().await;
    code
}

/// What the command works with besides the database.
struct Setup {
    /// The policies (with the configuration's own policy files).
    sites: Arc<Sites>,
    /// Each site's `systems`.
    systems: Systems,
    /// The configured sites (their systems and data providers).
    configured: Vec<SiteSettings>,
    /// Outgoing calls to the data providers (as the server makes them: no redirects).
    http: reqwest::Client,
}

/// The policies (with the configuration's own policy files), each site's `systems` and data
/// provider, as the server loads them.
fn load(args: &RequestsArgs) -> Result<Setup, String> {
    let settings = match &args.config {
        Some(file) => Some(Settings::load(Some(file), &|name| std::env::var(name).ok(), &Overrides::default()).map_err(|e| e.to_string())?),
        None => None,
    };
    let dir = args.policies.clone().or_else(|| settings.as_ref().and_then(|s| s.policies.clone())).unwrap_or_else(|| args.www.join("policies"));
    let mut sites = Sites::load(&dir).map_err(|e| e.to_string())?;
    let configured = settings.map(|s| s.sites).unwrap_or_default();
    sites.configure(&configured).map_err(|e| e.to_string())?;
    let systems: HashMap<String, Vec<String>> = configured.iter().map(|s| (s.id.clone(), s.systems.clone())).collect();
    let http = crate::events::deliver::http_client().map_err(|e| format!("cannot build the HTTP client for the data providers: {e}"))?;
    Ok(Setup { sites: Arc::new(sites), systems: Arc::new(systems), configured, http })
}

/// Builds the body the admin API takes (`{"status", "retained", "note"}`) from the flags.
fn result_body(status: &str, retain: &[String], note: Option<&String>) -> serde_json::Map<String, serde_json::Value> {
    let retained: Vec<serde_json::Value> = retain
        .iter()
        .map(|item| {
            let mut parts = item.splitn(3, ':');
            let mut next = || parts.next().unwrap_or_default().to_owned();
            serde_json::json!({"category": next(), "until": next(), "reason": next()})
        })
        .collect();
    let mut body = serde_json::Map::new();
    body.insert("status".into(), status.into());
    if !retained.is_empty() {
        body.insert("retained".into(), retained.into());
    }
    if let Some(note) = note {
        body.insert("note".into(), note.as_str().into());
    }
    body
}

async fn act(db: &Db, setup: &Setup, action: &RequestsAction) -> Result<String, String> {
    let Setup { sites, systems, configured, http } = setup;
    let (id, step) = match action {
        RequestsAction::List { site, status } => return ops::list(db, systems, site.clone(), status).await,
        RequestsAction::Show { id } => return ops::show(db, systems, id.clone()).await,
        RequestsAction::SystemResult { id, system, status, retain, note } => {
            return ops::result(db, sites, systems, id, system, &result_body(status, retain, note.as_ref())).await
        }
        RequestsAction::Start { id } => (id, RequestStep::Start),
        RequestsAction::Extend { id, reason } => (id, RequestStep::Extend { reason: reason.clone() }),
        RequestsAction::Complete { id } => (id, RequestStep::Complete),
        RequestsAction::Refuse { id, reason } => (id, RequestStep::Refuse { reason: reason.clone() }),
    };
    ops::step(db, sites, configured, http, id, step).await
}
