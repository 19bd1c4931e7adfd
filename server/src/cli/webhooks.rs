//! The operator's `webhooks` command: list the deliveries of events to the company's systems and
//! replay one (same `webhook-id`, a fresh retry schedule; a running server sends it).

use std::{path::PathBuf, process::ExitCode};

use clap::{Args, Subcommand};

use crate::events::outbox;
use crate::db::Db;

/// `privacy-widget-server webhooks …`
#[derive(Debug, Clone, Args)]
pub struct WebhooksArgs {
    /// The server's database: a SQLite file or a `postgres://` URL (else `PW_DATABASE_URL`,
    /// else data/privacy-widget.sqlite3).
    #[arg(long, global = true, env = "PW_DB")]
    pub db: Option<PathBuf>,
    /// What to do with the outbox.
    #[command(subcommand)]
    pub action: WebhooksAction,
}

/// What to do.
#[derive(Debug, Clone, Subcommand)]
pub enum WebhooksAction {
    /// List deliveries, newest first.
    List {
        /// Only this site.
        #[arg(long)]
        site: Option<String>,
        /// Only this status (pending, delivered, failed, disabled).
        #[arg(long)]
        status: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// As JSON (one array) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Send a delivery again now, with the same webhook-id (enables a disabled endpoint again).
    Replay {
        /// The outbox row to send again.
        id: i64,
    },
}

/// Runs the command; exit code 1 for an unknown delivery or status, 2 on setup errors.
pub fn run(args: &WebhooksArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("webhooks: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let given = args.db.as_ref().filter(|db| db.as_path() != std::path::Path::new(crate::db::DEFAULT_SQLITE) || std::env::var_os("PW_DB").is_some());
        let target = given.cloned().unwrap_or_else(crate::db::default_target);
        let db = match Db::open(&target).await {
            Ok(db) => db,
            Err(e) => {
                eprintln!("webhooks: {e}");
                return ExitCode::from(2);
            }
        };
        let code = match act(&db, &args.action).await {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("webhooks: {e}");
                ExitCode::from(1)
            }
        };
        db.close().await;
        code
    })
}

const STATUSES: [&str; 4] = [outbox::status::PENDING, outbox::status::DELIVERED, outbox::status::FAILED, outbox::status::DISABLED];

async fn act(db: &Db, action: &WebhooksAction) -> Result<String, String> {
    match action.clone() {
        WebhooksAction::List { site, status, limit, json } => {
            if let Some(s) = status.as_deref().filter(|s| !STATUSES.contains(s)) {
                return Err(format!("unknown status \"{s}\" (pending, delivered, failed, disabled)"));
            }
            let rows = db
                .read(move |conn| outbox::deliveries(conn, site.as_deref(), status.as_deref(), i64::from(limit)))
                .await
                .map_err(|e| e.to_string())?;
            if json {
                return serde_json::to_string_pretty(&rows).map_err(|e| e.to_string());
            }
            let mut lines = vec![format!("{:<6}  {:<30}  {:<20}  {:<9}  {:>3}  {:<4}  URL", "ID", "WEBHOOK-ID", "TYPE", "STATUS", "TRY", "LAST")];
            for d in &rows {
                let last = d.last_status.map_or_else(|| "-".to_owned(), |s| s.to_string());
                lines.push(format!("{:<6}  {:<30}  {:<20}  {:<9}  {:>3}  {:<4}  {}", d.id, d.message_id, d.event_type, d.status, d.attempts, last, d.url));
            }
            lines.push(format!("{} deliver{}", rows.len(), if rows.len() == 1 { "y" } else { "ies" }));
            Ok(lines.join("\n"))
        }
        WebhooksAction::Replay { id } => {
            let found = db.write(move |conn| outbox::replay(conn, id, crate::time::now_ms())).await.map_err(|e| e.to_string())?;
            let d = found.ok_or_else(|| format!("no delivery {id}"))?;
            Ok(format!("delivery {} ({}, {}) queued again for {}", d.id, d.message_id, d.event_type, d.url))
        }
    }
}
