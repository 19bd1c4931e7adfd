//! The command line: `privacy-widget-server [serve] --addr … --db … --www … --policies … --widget …`,
//! `privacy-widget-server requests …` ([`requests`]), `privacy-widget-server webhooks list|replay`
//! ([`webhooks`]) and `privacy-widget-server notice <policy.json> [--lang nl]` ([`notice`]). The
//! flags become [`Settings`]; demo mode is one of them.

pub mod lint;
pub mod notice;
pub mod requests;
pub mod webhooks;

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use tracing_subscriber::EnvFilter;

use crate::config::{ConfigError, Overrides, Settings};

/// The command line of the binary.
#[derive(Debug, Parser)]
#[command(name = "privacy-widget-server", version, about = "Reference backend for privacy-widget")]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// The subcommand; none: `serve`.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `serve`'s options, accepted without the word `serve` (it is the default).
    #[command(flatten)]
    pub serve: ServeArgs,
    /// The server's options beyond the folders, also accepted without the word `serve`.
    #[command(flatten)]
    pub options: ServeOptions,
    /// Log line format (RUST_LOG sets the level; default info).
    #[arg(long, global = true, env = "PW_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve(ServeCommand),
    /// Operator: list data-subject requests and move them on.
    Requests(requests::RequestsArgs),
    /// Validate a policy file and print its consent notice (JSON) on stdout.
    Notice(notice::NoticeArgs),
    /// Check policy files against what GDPR Art. 13 asks a statement to say (C-E1); exit 1
    /// when there are findings, 2 when a file cannot be read.
    Lint(lint::LintArgs),
    /// Operator: list the deliveries of events to the company's systems and replay one.
    Webhooks(webhooks::WebhooksArgs),
}

/// How log lines are written (to stderr; stdout carries only the "listening" line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Options of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, env = "PW_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// SQLite database file (its folder is created) or a `postgres://` URL; PW_DATABASE_URL also works.
    #[arg(long, env = "PW_DB", default_value = "data/privacy-widget.sqlite3")]
    pub db: PathBuf,
    /// The demo site folder served at `/`.
    #[arg(long, env = "PW_WWW", default_value = "www")]
    pub www: PathBuf,
    /// The folder of the site policies (`*.json`, validated on start and reloaded on SIGHUP or
    /// when a file changes, see --policy-poll); default `<www>/policies`.
    #[arg(long, env = "PW_POLICIES")]
    pub policies: Option<PathBuf>,
    /// The built widget folder served at `/widget/`.
    #[arg(long = "widget", env = "PW_WIDGET_DIR", default_value = "dist")]
    pub widget_dir: PathBuf,
}

/// `serve` as a word: the same options as without it.
#[derive(Debug, Clone, Args)]
pub struct ServeCommand {
    /// The folders and the address.
    #[command(flatten)]
    pub args: ServeArgs,
    /// The rest of the server's options.
    #[command(flatten)]
    pub options: ServeOptions,
}

/// The server's options other than the address and the folders: they belong to `serve` only, so
/// `notice`, `lint` and `requests` neither accept nor list them.
#[derive(Debug, Clone, Default, Args)]
pub struct ServeOptions {
    /// Turn demo mode off (no demo logins, no demo outbox page).
    #[arg(long = "no-demo", env = "PW_NO_DEMO")]
    pub no_demo: bool,
    /// A TOML configuration file (see server/config.example.toml); the environment and the
    /// command line override it.
    #[arg(long, env = "PW_CONFIG")]
    pub config: Option<PathBuf>,
    /// A reverse proxy (IP or CIDR block) whose X-Forwarded-For is believed; repeatable.
    /// Replaces `trusted_proxies` of the file and PW_TRUSTED_PROXIES.
    #[arg(long = "trusted-proxy")]
    pub trusted_proxy: Vec<String>,
    /// Log every request at info (else at debug; it costs throughput).
    #[arg(long = "log-requests")]
    pub log_requests: bool,
    /// Every this many seconds (default 5; fractions allowed), look whether a policy file
    /// changed (modification time, size, added or removed) and reload the policies if so; 0
    /// turns the polling off. SIGHUP always reloads them. A file that fails validation is
    /// logged and its site keeps its last valid policy.
    #[arg(long = "policy-poll", env = "PW_POLICY_POLL", value_name = "SECONDS", value_parser = poll_interval)]
    pub policy_poll: Option<Duration>,
    /// Days (default 30; fractions allowed) a visitor's status token keeps working after its
    /// request is closed (completed, refused or cancelled); then it answers as an unknown token.
    /// Replaces `visitor_token_days` of the file.
    #[arg(long = "visitor-token-days", env = "PW_VISITOR_TOKEN_DAYS", value_name = "DAYS", value_parser = token_days)]
    pub visitor_token_days: Option<Duration>,
    /// Hours (default 24, from 1 to 24; fractions allowed) IP addresses stay in the rate-limit
    /// and code tables before the retention task deletes them (C-E2). Replaces
    /// `ip_retention_hours` of the file.
    #[arg(long = "ip-retention-hours", env = "PW_IP_RETENTION_HOURS", value_name = "HOURS", value_parser = ip_hours)]
    pub ip_retention_hours: Option<Duration>,
    /// Days (default 1826, five years; from 365 to 3650) a consent record or opt-in change is kept
    /// after a newer decision replaced it, then deleted (C-E2). Replaces
    /// `consent_retention_days` of the file.
    #[arg(long = "consent-retention-days", env = "PW_CONSENT_RETENTION_DAYS", value_name = "DAYS", value_parser = consent_days)]
    pub consent_retention_days: Option<Duration>,
    /// Days (default 1826, five years; from 365 to 3650) a closed request, with its steps, codes,
    /// status tokens, mails and answer, is kept after its closing step, then deleted (C-E2).
    /// Replaces `request_retention_days` of the file.
    #[arg(long = "request-retention-days", env = "PW_REQUEST_RETENTION_DAYS", value_name = "DAYS", value_parser = request_days)]
    pub request_retention_days: Option<Duration>,
    /// Days (default 30; from 1 to 365) an outgoing event whose deliveries are over (delivered,
    /// failed for good, or to a disabled endpoint) is kept after its last attempt, with its
    /// deliveries, then deleted (C-E2); one still being retried is kept. Replaces
    /// `webhook_retention_days` of the file.
    #[arg(long = "webhook-retention-days", env = "PW_WEBHOOK_RETENTION_DAYS", value_name = "DAYS", value_parser = webhook_days)]
    pub webhook_retention_days: Option<Duration>,
}

impl Cli {
    /// The settings: the `--config` file, the environment, then what the command line (or
    /// `PW_ADDR` and friends) set explicitly; `matches` tells the explicit from the defaults.
    pub fn settings(&self, matches: &clap::ArgMatches) -> Result<Settings, ConfigError> {
        use clap::parser::ValueSource;
        let sub = matches.subcommand_matches("serve").unwrap_or(matches);
        let explicit = |id: &str| matches!(sub.value_source(id), Some(ValueSource::CommandLine | ValueSource::EnvVariable));
        let (args, options) = match &self.command {
            Some(Command::Serve(command)) => (&command.args, &command.options),
            _ => (&self.serve, &self.options),
        };
        let overrides = Overrides {
            addr: explicit("addr").then_some(args.addr),
            db: explicit("db").then(|| args.db.clone()),
            www: explicit("www").then(|| args.www.clone()),
            policies: args.policies.clone(),
            widget_dir: explicit("widget_dir").then(|| args.widget_dir.clone()),
            no_demo: options.no_demo,
            trusted_proxies: options.trusted_proxy.clone(),
            log_requests: options.log_requests,
            policy_poll: options.policy_poll,
            visitor_token_lifetime: options.visitor_token_days,
            ip_retention: options.ip_retention_hours,
            consent_retention: options.consent_retention_days,
            request_retention: options.request_retention_days,
            webhook_retention: options.webhook_retention_days,
        };
        Settings::load(options.config.as_deref(), &|name| std::env::var(name).ok(), &overrides)
    }

    /// The `serve` options, whichever way they were given.
    pub fn serve_args(&self) -> Option<&ServeArgs> {
        match &self.command {
            None => Some(&self.serve),
            Some(Command::Serve(command)) => Some(&command.args),
            Some(Command::Requests(_) | Command::Notice(_) | Command::Lint(_) | Command::Webhooks(_)) => None,
        }
    }
}

impl ServeArgs {
    /// The settings of an in-process server with these arguments (tests): the defaults, the
    /// process environment, then every argument as if given on the command line.
    pub fn settings(&self) -> Result<Settings, ConfigError> {
        let overrides = Overrides {
            addr: Some(self.addr),
            db: Some(self.db.clone()),
            www: Some(self.www.clone()),
            policies: self.policies.clone(),
            widget_dir: Some(self.widget_dir.clone()),
            ..Overrides::default()
        };
        Settings::load(None, &|name| std::env::var(name).ok(), &overrides)
    }
}

/// Runs the binary: parses the command line, then serves or runs the subcommand. Exit code 2
/// when the settings are invalid or the server cannot start.
pub fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    init_tracing(cli.log_format);
    match &cli.command {
        Some(Command::Requests(args)) => return requests::run(args),
        Some(Command::Notice(args)) => return notice::run(args),
        Some(Command::Lint(args)) => return lint::run(args),
        Some(Command::Webhooks(args)) => return webhooks::run(args),
        Some(Command::Serve(_)) | None => {}
    }
    let settings = match cli.settings(&matches) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("privacy-widget-server: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("privacy-widget-server: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(crate::serve::serve(settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("privacy-widget-server: {e}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// `--policy-poll`: seconds, whole or not, zero or more (at most a day).
fn poll_interval(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if (0.0..=86_400.0).contains(&seconds) => Ok(Duration::from_secs_f64(seconds)),
        _ => Err("must be a number of seconds from 0 (off) to 86400".to_owned()),
    }
}

/// `--visitor-token-days`: days, whole or not, above 0 and at most ten years.
fn token_days(text: &str) -> Result<Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .and_then(crate::config::visitor_token_lifetime)
        .ok_or_else(|| "must be a number of days above 0 and at most 3650".to_owned())
}

/// `--ip-retention-hours`: the key's bounds (see `config::retention`).
fn ip_hours(text: &str) -> Result<Duration, String> {
    text.trim().parse::<f64>().ok().and_then(crate::config::ip_retention).ok_or_else(crate::config::retention_ip_reason)
}

/// `--consent-retention-days`: the key's bounds (see `config::retention`).
fn consent_days(text: &str) -> Result<Duration, String> {
    text.trim().parse::<f64>().ok().and_then(crate::config::consent_retention).ok_or_else(crate::config::retention_consent_reason)
}

/// `--webhook-retention-days`: the key's bounds (see `config::retention`).
fn webhook_days(text: &str) -> Result<Duration, String> {
    text.trim().parse::<f64>().ok().and_then(crate::config::webhook_retention).ok_or_else(crate::config::retention_webhook_reason)
}

/// `--request-retention-days`: the key's bounds (see `config::retention`).
fn request_days(text: &str) -> Result<Duration, String> {
    text.trim().parse::<f64>().ok().and_then(crate::config::request_retention).ok_or_else(crate::config::retention_request_reason)
}
