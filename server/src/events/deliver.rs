//! The delivery worker: fans new events out, claims due deliveries, POSTs each one signed
//! (15 s timeout, no redirects followed, any 2xx is success, 410 disables the endpoint) and
//! settles it; and once a minute records the due-date reminders. One runs in every server;
//! the claims keep two servers on one database from sending the same delivery.

use std::{collections::HashMap, sync::Arc, time::Duration};

use tokio::task::JoinSet;

use super::{
    outbox::{self, Claimed, Outcome},
    reminders,
    schedule::random_jitter,
    Signer,
};
use crate::{
    config::{EventFilter, Settings},
    db::{Db, DbError},
};

/// Longest a receiver may take to answer.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(15);
/// How often the worker looks for work when idle.
pub const POLL: Duration = Duration::from_millis(200);
/// How often due-date reminders are looked for.
pub const REMINDER_EVERY: Duration = Duration::from_secs(60);
/// Most deliveries claimed (and sent concurrently) at once.
const BATCH: i64 = 32;
/// Most events fanned out in one transaction.
const FAN_OUT_BATCH: i64 = 256;
/// Longest error text kept per delivery.
const MAX_ERROR_CHARS: usize = 300;

/// The outgoing HTTP client for webhooks and the data provider: rustls, no redirects followed
/// (a redirect is an answer like any other, never a second request elsewhere), 15 s timeout.
pub fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(DELIVERY_TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("privacy-widget-server/", env!("CARGO_PKG_VERSION")))
        .build()
}

struct Endpoint {
    signer: Signer,
    events: EventFilter,
}

/// Everything a worker needs; shared by its concurrent attempts.
pub struct Deliverer {
    db: Db,
    client: reqwest::Client,
    /// (site, url) → signer and filter.
    endpoints: HashMap<(String, String), Endpoint>,
}

/// Why the worker could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    /// A site's webhook secret cannot be used to sign.
    #[error("webhook secret of {site} ({url}): {source}")]
    Secret {
        /// The site.
        site: String,
        /// The endpoint.
        url: String,
        /// Why the secret is unusable.
        source: super::EventsError,
    },
}

impl Deliverer {
    /// A worker for the webhooks of `settings` on `db`.
    pub fn new(db: Db, settings: &Settings, client: reqwest::Client) -> Result<Deliverer, StartError> {
        let mut endpoints = HashMap::new();
        for site in &settings.sites {
            for hook in &site.webhooks {
                let signer = Signer::new(&hook.secret)
                    .map_err(|source| StartError::Secret { site: site.id.clone(), url: hook.url.clone(), source })?;
                endpoints.insert((site.id.clone(), hook.url.clone()), Endpoint { signer, events: hook.events.clone() });
            }
        }
        Ok(Deliverer { db, client, endpoints })
    }

    fn subscribers(&self, site: &str, event_type: &str) -> Vec<String> {
        let mut urls: Vec<String> = self
            .endpoints
            .iter()
            .filter(|((s, _), e)| s == site && e.events.matches(event_type))
            .map(|((_, url), _)| url.clone())
            .collect();
        urls.sort();
        urls
    }

    /// Fans out what is new, then claims and sends one batch of due deliveries; answers how
    /// many attempts were made.
    pub async fn run_once(self: &Arc<Self>) -> Result<usize, DbError> {
        let now = crate::time::now_ms();
        if !self.db.read(move |conn| outbox::has_work(conn, now)).await? {
            return Ok(0);
        }
        let me = Arc::clone(self);
        self.db.write(move |conn| outbox::fan_out(conn, &|site, kind| me.subscribers(site, kind), FAN_OUT_BATCH, now)).await?;
        let claimed = self.db.write(move |conn| outbox::claim(conn, BATCH, now)).await?;
        let count = claimed.len();
        let mut attempts = JoinSet::new();
        for c in claimed {
            let me = Arc::clone(self);
            attempts.spawn(async move {
                let outcome = me.attempt(&c).await;
                log(&c, &outcome);
                let jitter = random_jitter();
                let settled = me.db.write(move |conn| outbox::settle(conn, &c, &outcome, jitter, crate::time::now_ms())).await;
                if let Err(e) = settled {
                    tracing::error!(error = %e, "webhooks: cannot record a delivery attempt (it is retried when its claim runs out)");
                }
            });
        }
        while attempts.join_next().await.is_some() {}
        Ok(count)
    }

    /// One signed POST of `c`.
    async fn attempt(&self, c: &Claimed) -> Outcome {
        let Some(endpoint) = self.endpoints.get(&(c.site.clone(), c.url.clone())) else {
            return Outcome::Unconfigured;
        };
        let timestamp = crate::time::now_ms() / 1000;
        let signed = match endpoint.signer.sign(&c.message_id, timestamp, c.payload.as_bytes()) {
            Ok(s) => s,
            Err(e) => return Outcome::Failed { status: None, error: e.to_string() },
        };
        let mut request = self.client.post(&c.url).header("content-type", "application/json").body(c.payload.clone());
        for (name, value) in signed.pairs() {
            request = request.header(name, value);
        }
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                match status {
                    200..=299 => Outcome::Delivered { status },
                    410 => Outcome::Gone,
                    _ => Outcome::Failed { status: Some(status), error: format!("answered {status}") },
                }
            }
            Err(e) => Outcome::Failed { status: None, error: short_error(&e) },
        }
    }

    /// Records the due-date reminders of today.
    pub async fn remind(&self) -> Result<usize, DbError> {
        let now = crate::time::now_ms();
        let today = privacy_widget::policy::Date::from_days(now.div_euclid(86_400_000)).unwrap_or(privacy_widget::policy::Date { year: 1970, month: 1, day: 1 });
        self.db.write(move |conn| reminders::record_due(conn, today, now)).await
    }
}

fn short_error(e: &reqwest::Error) -> String {
    let text = if e.is_timeout() {
        format!("no answer within {} s", DELIVERY_TIMEOUT.as_secs())
    } else if e.is_connect() {
        "cannot connect".to_owned()
    } else {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        text
    };
    text.chars().take(MAX_ERROR_CHARS).collect()
}

fn log(c: &Claimed, outcome: &Outcome) {
    let (id, url, attempt) = (c.message_id.as_str(), c.url.as_str(), c.attempt);
    match outcome {
        Outcome::Delivered { status } => tracing::debug!(webhook_id = id, url, attempt, status, "webhook delivered"),
        Outcome::Gone => tracing::warn!(webhook_id = id, url, site = %c.site, "webhook endpoint answered 410 Gone: disabled (replay a delivery to enable it again)"),
        Outcome::Failed { status, error } => tracing::warn!(webhook_id = id, url, attempt, status, error = %error, "webhook delivery failed"),
        Outcome::Unconfigured => tracing::warn!(webhook_id = id, url, "webhook endpoint no longer configured: delivery dropped"),
    }
}

/// Starts the worker on the current runtime, unless no site has a webhook (then events are
/// still recorded, and delivered by a server that has them configured).
pub fn start(db: Db, settings: &Settings) -> Result<Option<tokio::task::JoinHandle<()>>, StartError> {
    if settings.sites.iter().all(|s| s.webhooks.is_empty()) {
        return Ok(None);
    }
    let worker = Arc::new(Deliverer::new(db, settings, http_client()?)?);
    Ok(Some(tokio::spawn(run(worker))))
}

async fn run(worker: Arc<Deliverer>) {
    let mut last_reminder: Option<tokio::time::Instant> = None;
    loop {
        if last_reminder.is_none_or(|at| at.elapsed() >= REMINDER_EVERY) {
            last_reminder = Some(tokio::time::Instant::now());
            if let Err(e) = worker.remind().await {
                tracing::error!(error = %e, "webhooks: cannot look for due dates");
            }
        }
        match worker.run_once().await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(DbError::Closed) => return,
            Err(e) => tracing::error!(error = %e, "webhooks: cannot read the outbox"),
        }
        tokio::time::sleep(POLL).await;
    }
}
