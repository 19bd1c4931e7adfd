//! The command line: `privacy-widget-server [serve] --addr … --db … --www … --widget …`.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The command line of the binary.
#[derive(Debug, Parser)]
#[command(name = "privacy-widget-server", version, about = "Reference backend for privacy-widget")]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `serve`'s options, accepted without the word `serve` (it is the default).
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Turn demo mode off (no demo logins, no demo outbox page).
    #[arg(long = "no-demo", env = "PW_NO_DEMO")]
    pub no_demo: bool,
    /// Log line format (RUST_LOG sets the level; default info).
    #[arg(long, global = true, env = "PW_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve(ServeArgs),
    /// Operator: list data-subject requests and move them on.
    Requests(crate::panel::ops::RequestsArgs),
}

/// How log lines are written (to stderr; stdout carries only the "listening" line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Options of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, env = "PW_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// SQLite database file; its folder is created.
    #[arg(long, env = "PW_DB", default_value = "data/privacy-widget.sqlite3")]
    pub db: PathBuf,
    /// The demo site folder served at `/` (policies in `<www>/policies/*.json`).
    #[arg(long, env = "PW_WWW", default_value = "www")]
    pub www: PathBuf,
    /// The built widget folder served at `/widget/`.
    #[arg(long = "widget", env = "PW_WIDGET_DIR", default_value = "dist")]
    pub widget_dir: PathBuf,
}

impl Cli {
    /// The `serve` options, whichever way they were given.
    pub fn serve_args(&self) -> Option<&ServeArgs> {
        match &self.command {
            None => Some(&self.serve),
            Some(Command::Serve(args)) => Some(args),
            Some(Command::Requests(_)) => None,
        }
    }
}
