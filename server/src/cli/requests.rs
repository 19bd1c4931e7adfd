//! `privacy-widget-server requests …`: the operator lists data-subject requests and moves them
//! on (start, extend with a reason, complete, refuse with a reason) on the server's own
//! database, under the same policies the server serves ([`crate::panel::ops`] does the work).

use std::{path::PathBuf, process::ExitCode, sync::Arc};

use clap::{Args, Subcommand};
use privacy_widget::requests::RequestStep;

use crate::{db::Db, panel::ops, sites::Sites};

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
    /// What to do.
    #[command(subcommand)]
    pub action: RequestsAction,
}

/// What to do.
#[derive(Debug, Clone, Subcommand)]
pub enum RequestsAction {
    /// List requests, oldest first.
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
    let sites = match Sites::load(&args.policies.clone().unwrap_or_else(|| args.www.join("policies"))) {
        Ok(s) => Arc::new(s),
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
    let code = match act(&db, &sites, &args.action).await {
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

async fn act(db: &Db, sites: &Arc<Sites>, action: &RequestsAction) -> Result<String, String> {
    let (id, step) = match action {
        RequestsAction::List { site, status } => return ops::list(db, site.clone(), status).await,
        RequestsAction::Show { id } => return ops::show(db, id.clone()).await,
        RequestsAction::Start { id } => (id, RequestStep::Start),
        RequestsAction::Extend { id, reason } => (id, RequestStep::Extend { reason: reason.clone() }),
        RequestsAction::Complete { id } => (id, RequestStep::Complete),
        RequestsAction::Refuse { id, reason } => (id, RequestStep::Refuse { reason: reason.clone() }),
    };
    ops::step(db, sites, id, step).await
}
