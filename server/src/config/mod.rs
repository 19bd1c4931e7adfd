//! The server's settings: built-in defaults, then a TOML file (`--config`, `PW_CONFIG`), then
//! environment variables, then command-line options; validated once on start, every problem
//! reported as `key: reason` (unknown keys in the file are refused).

mod integration;
mod retention;
mod signin;
mod validate;

use std::{
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    time::Duration,
};

use serde::Deserialize;

pub use integration::{endpoint_url_reason, is_system_id, AdminTokenHash, DataProvider, EventFilter, WebhookEndpoint, WebhookSecret, EVENT_TYPES};
pub use retention::{
    consent_reason as retention_consent_reason, consent_retention, ip_reason as retention_ip_reason, ip_retention,
    request_reason as retention_request_reason, request_retention, webhook_reason as retention_webhook_reason, webhook_retention,
    Retention,
};
pub use signin::SigninKeySettings;
pub use validate::{origin_reason, visitor_token_lifetime, IpRange};

/// Why the settings are not usable: the source and every problem, one line each.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration ({file}):\n  {}", .errors.join("\n  "))]
pub struct ConfigError {
    /// The file, or `environment` when the file (if any) was fine.
    pub file: String,
    /// `key: reason`, e.g. `sites[0].allowed_origins[1]: must be scheme://host[:port]`.
    pub errors: Vec<String>,
}

/// A token bucket's size: `burst` requests at once, refilled at `per_minute`. `burst = 0`: no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// Requests a client may make at once before it is limited.
    pub burst: u32,
    /// Requests refilled per minute after the burst is spent.
    pub per_minute: u32,
}

/// Rate limits on `/api/` (429 with Retry-After when exceeded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Per client IP, over every API request.
    pub per_ip: Rate,
    /// Per pseudonymous subject (`consent_id`), for the consent API.
    pub per_subject: Rate,
    /// Per session cookie, for the control-panel API.
    pub per_session: Rate,
    /// Loopback clients (a local tool, or a proxy not declared in `trusted_proxies`) skip the per-IP limit.
    pub exempt_loopback: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            per_ip: Rate { burst: 300, per_minute: 3000 },
            per_subject: Rate { burst: 20, per_minute: 30 },
            per_session: Rate { burst: 120, per_minute: 600 },
            exempt_loopback: true,
        }
    }
}

/// Outgoing mail: plain SMTP to a relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smtp {
    /// `host:port` of the relay.
    pub addr: String,
    /// The envelope and header sender.
    pub from: String,
}

/// One site as the configuration names it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SiteSettings {
    /// The site id; must match the policy's `site`.
    pub id: String,
    /// A policy file to load for it; without one, `<www>/policies/<file>.json` must define the site.
    pub policy: Option<PathBuf>,
    /// Origins (`https://www.example.nl`) whose pages may post consents and visitor requests.
    pub allowed_origins: Vec<String>,
    /// The page's `data-cookie-domain` (`sites[i].cookie_domain`, e.g. `example.nl`; `""` when the
    /// page has none: host-only): the `Domain=` of the `pw_consent` cookie the server sets.
    /// `None`: the server sets no `pw_consent` (it cannot know the page's domain, and another
    /// one would make a second cookie).
    pub cookie_domain: Option<String>,
    /// Where events about this site's requests and opt-ins are sent (`[[sites.webhooks]]`).
    pub webhooks: Vec<WebhookEndpoint>,
    /// Where a customer's stored values are pulled from (`[sites.data_provider]`); `None`: pushed
    /// through the admin API (or the demo seed).
    pub data_provider: Option<DataProvider>,
    /// An admin token that sees only this site (`sites[i].admin_token`), as its hash.
    pub admin_token: Option<AdminTokenHash>,
    /// The keys the site's control-panel backend signs sign-in tokens with (checked and loaded
    /// by [`crate::identity::Keyring::from_sites`]).
    pub signin_keys: Vec<SigninKeySettings>,
    /// The company's systems that report on each request (`sites[i].systems`, e.g. billing,
    /// mail, hosting): a request completes only when every one has a final result.
    pub systems: Vec<String>,
}

/// How often the policy files are looked at for changes unless `--policy-poll` says otherwise.
pub const DEFAULT_POLICY_POLL: Duration = Duration::from_secs(5);

/// How long a visitor's status token keeps working after its request is closed unless
/// `visitor_token_days` says otherwise: 30 days.
pub const DEFAULT_VISITOR_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 86_400);

/// The longest `visitor_token_days` accepted (ten years).
pub const MAX_VISITOR_TOKEN_DAYS: f64 = 3650.0;

/// Everything the server is configured with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The address the server listens on.
    pub addr: SocketAddr,
    /// The SQLite database file or `postgres://` URL.
    pub db: PathBuf,
    /// The demo site folder served at `/`.
    pub www: PathBuf,
    /// The folder of the site policies (`*.json`); `None`: `<www>/policies`.
    pub policies: Option<PathBuf>,
    /// The built widget folder served at `/widget/`.
    pub widget_dir: PathBuf,
    /// Demo logins and the demo outbox page.
    pub demo: bool,
    /// The mail server for verification codes and status mails; none: mails stay in the demo outbox.
    pub smtp: Option<Smtp>,
    /// The admin API's token for every site (validated when given), as its hash.
    pub admin_token: Option<AdminTokenHash>,
    /// Peers whose `X-Forwarded-For` is believed (reverse proxies); empty: the socket peer counts.
    pub trusted_proxies: Vec<IpRange>,
    /// Log every request at info (else at debug).
    pub log_requests: bool,
    /// How often the policy files are looked at for changes (then reloaded); zero: only on SIGHUP.
    pub policy_poll: Duration,
    /// How long a visitor's status token keeps working once its request is closed (completed,
    /// refused or cancelled); while the request is open it always works.
    pub visitor_token_lifetime: Duration,
    /// How long the server keeps its own data (C-E2), enforced by [`crate::retention`].
    pub retention: Retention,
    /// The rate limits on `/api/`.
    pub limits: Limits,
    /// The sites from the configuration file with their own settings.
    pub sites: Vec<SiteSettings>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: PathBuf::from("data/privacy-widget.sqlite3"),
            www: PathBuf::from("www"),
            policies: None,
            widget_dir: PathBuf::from("dist"),
            demo: true,
            smtp: None,
            admin_token: None,
            trusted_proxies: Vec::new(),
            log_requests: false,
            policy_poll: DEFAULT_POLICY_POLL,
            visitor_token_lifetime: DEFAULT_VISITOR_TOKEN_LIFETIME,
            retention: Retention::default(),
            limits: Limits::default(),
            sites: Vec::new(),
        }
    }
}

/// What the command line set explicitly (it wins over the file and the environment).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// The listening address, when given explicitly.
    pub addr: Option<SocketAddr>,
    /// The database, when given explicitly.
    pub db: Option<PathBuf>,
    /// The demo site folder, when given explicitly.
    pub www: Option<PathBuf>,
    /// `--policies` / `PW_POLICIES`.
    pub policies: Option<PathBuf>,
    /// The widget folder, when given explicitly.
    pub widget_dir: Option<PathBuf>,
    /// `--no-demo` / `PW_NO_DEMO`.
    pub no_demo: bool,
    /// `--trusted-proxy`, repeatable.
    pub trusted_proxies: Vec<String>,
    /// `--log-requests`.
    pub log_requests: bool,
    /// `--policy-poll` / `PW_POLICY_POLL`.
    pub policy_poll: Option<Duration>,
    /// `--visitor-token-days` / `PW_VISITOR_TOKEN_DAYS`.
    pub visitor_token_lifetime: Option<Duration>,
    /// `--ip-retention-hours` / `PW_IP_RETENTION_HOURS`.
    pub ip_retention: Option<Duration>,
    /// `--consent-retention-days` / `PW_CONSENT_RETENTION_DAYS`.
    pub consent_retention: Option<Duration>,
    /// `--request-retention-days` / `PW_REQUEST_RETENTION_DAYS`.
    pub request_retention: Option<Duration>,
    /// `--webhook-retention-days` / `PW_WEBHOOK_RETENTION_DAYS`.
    pub webhook_retention: Option<Duration>,
}

/// The file as written; every member optional, unknown members refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    pub addr: Option<String>,
    pub db: Option<PathBuf>,
    pub www: Option<PathBuf>,
    pub policies: Option<PathBuf>,
    pub widget_dir: Option<PathBuf>,
    pub demo: Option<bool>,
    pub admin_token: Option<String>,
    pub trusted_proxies: Option<Vec<String>>,
    pub log_requests: Option<bool>,
    /// Days (fractions allowed) a visitor's status token works after its request is closed.
    pub visitor_token_days: Option<f64>,
    /// Hours (fractions allowed) IP addresses stay in the rate-limit and code tables.
    pub ip_retention_hours: Option<f64>,
    /// Days (fractions allowed) a replaced consent decision is kept as proof.
    pub consent_retention_days: Option<f64>,
    /// Days (fractions allowed) a closed request is kept after its closing step.
    pub request_retention_days: Option<f64>,
    /// Days (fractions allowed) an event whose deliveries are over is kept after the last attempt.
    pub webhook_retention_days: Option<f64>,
    pub smtp: Option<RawSmtp>,
    pub limits: Option<RawLimits>,
    #[serde(default)]
    pub sites: Vec<RawSite>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSmtp {
    pub addr: Option<String>,
    pub from: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLimits {
    pub per_ip: Option<Rate>,
    pub per_subject: Option<Rate>,
    pub per_session: Option<Rate>,
    pub exempt_loopback: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSite {
    pub id: String,
    pub policy: Option<PathBuf>,
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    pub cookie_domain: Option<String>,
    #[serde(default)]
    pub webhooks: Vec<integration::RawWebhook>,
    pub data_provider: Option<integration::RawDataProvider>,
    pub admin_token: Option<String>,
    #[serde(default)]
    pub signin_keys: Vec<SigninKeySettings>,
    #[serde(default)]
    pub systems: Vec<String>,
}

impl Settings {
    /// Reads `file` (if any), applies the environment (`env` looks a variable up) and the
    /// command line, and validates the result.
    pub fn load(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
        overrides: &Overrides,
    ) -> Result<Settings, ConfigError> {
        let mut raw = match file {
            Some(path) => read_file(path)?,
            None => RawFile::default(),
        };
        let source = file.map_or_else(|| "environment".to_owned(), |p| p.display().to_string());
        validate::apply_env(&mut raw, env);
        validate::build(raw, overrides).map_err(|errors| ConfigError { file: source, errors })
    }

    /// The folder the site policies are read from: `policies`, else `<www>/policies`.
    pub fn policies_dir(&self) -> PathBuf {
        self.policies.clone().unwrap_or_else(|| self.www.join("policies"))
    }

    /// Whether `peer` is one of the trusted reverse proxies.
    pub fn is_trusted_proxy(&self, peer: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|range| range.contains(peer))
    }

    /// Whether a webhook of `site` asked for `event_type` (`consent.recorded` is written to the
    /// outbox only then: it is high volume).
    pub fn has_subscriber(&self, site: &str, event_type: &str) -> bool {
        self.sites.iter().any(|s| s.id == site && s.webhooks.iter().any(|hook| hook.events.matches(event_type)))
    }

    /// The allowed origins of every configured site (for CORS preflights, which name no site).
    pub fn all_allowed_origins(&self) -> impl Iterator<Item = &str> {
        self.sites.iter().flat_map(|s| s.allowed_origins.iter().map(String::as_str))
    }
}

fn read_file(path: &Path) -> Result<RawFile, ConfigError> {
    let fail = |e: String| ConfigError { file: path.display().to_string(), errors: vec![e] };
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read the file: {e}")))?;
    toml::from_str(&text).map_err(|e| fail(toml_message(&text, &e)))
}

/// toml's message on one line, with the line it points at (`line 3 (demo = "yes"): invalid type …`).
fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let line_no = text[..span.start.min(text.len())].matches('\n').count() + 1;
            let line = text.lines().nth(line_no - 1).unwrap_or("").trim();
            format!("line {line_no} ({line}): {message}")
        }
        None => message,
    }
}
