//! The control panel's domain: customers and their stored data and opt-ins ([`store`]), what
//! the company holds about a customer now, pulled from its data provider or stored ([`source`]),
//! sessions ([`session`]), data-subject requests and what carrying them out does
//! ([`store_requests`], [`complete`]), e-mail codes for visitors ([`codes`]), their status tokens
//! ([`status_token`]), the mail that goes out ([`mail`], [`notify`]), the demo customers
//! ([`seed`]), the operator's actions ([`ops`], [`operator`], per-system [`results`]) and the sign-in handoff's storage ([`signin`]). The HTTP handlers are in the routes layer;
//! they decide from the session, never from ids in the body.

pub mod codes;
pub mod complete;
pub mod mail;
pub mod notify;
pub mod operator;
pub mod ops;
pub mod results;
pub mod seed;
pub mod session;
pub mod signin;
pub mod source;
pub mod status_token;
pub mod store;
pub mod store_requests;
pub mod store_visitor;

use std::sync::Arc;

use tokio::sync::OnceCell;

use crate::{
    config::Settings,
    identity::{Keyring, TokenSigner},
    db::{Db, DbError},
    live::LiveSites,
    sites::Sites,
};

pub use mail::{Mail, Mailer};

/// What the panel's handlers share: demo mode, the mailer, the demo seeding and the loop that
/// sends queued answer mails.
pub struct Panel {
    /// Demo mode: demo login list, demo login, the outbox page.
    pub demo: bool,
    /// Where codes go: SMTP when configured, else the in-memory demo outbox.
    pub mailer: Mailer,
    seeded: OnceCell<()>,
    /// Set once the loop that sends queued answer mails runs ([`notify::start`]).
    mail_loop: std::sync::OnceLock<()>,
    /// One drain of the answer-mail queue at a time (the loop and the demo outbox page).
    draining: tokio::sync::Mutex<()>,
    /// How long a status token works after its request is closed, in ms (the answer mail says
    /// until when its link works).
    pub token_lifetime_ms: i64,
    /// The sites' sign-in keys (checked on start by [`crate::serve`]), plus the demo key in
    /// demo mode.
    pub keyring: Keyring,
    /// Demo mode: the demo "host backend"'s Ed25519 key (kid `demo`, made at start, never
    /// written anywhere, valid for every site).
    pub demo_signer: Option<TokenSigner>,
    /// Outgoing calls (the data provider): rustls, no redirects followed.
    pub http: reqwest::Client,
}

impl Panel {
    /// The panel of a server with these settings (demo mode, SMTP, the status tokens' lifetime).
    pub fn new(settings: &Settings) -> Panel {
        let (keyring, demo_signer) = keyring(settings);
        Panel {
            demo: settings.demo,
            mailer: Mailer::new(settings.smtp.as_ref(), settings.demo),
            seeded: OnceCell::new(),
            mail_loop: std::sync::OnceLock::new(),
            draining: tokio::sync::Mutex::new(()),
            token_lifetime_ms: status_token::lifetime_ms(settings.visitor_token_lifetime),
            keyring,
            demo_signer,
            http: crate::events::deliver::http_client().unwrap_or_else(|e| {
                tracing::error!(error = %e, "cannot build the outgoing HTTP client; the data provider cannot be asked");
                reqwest::Client::new()
            }),
        }
    }

    /// Seeds the demo customers once (if the customer table is empty) before the first use.
    pub async fn ready(&self, db: &Db, sites: &Arc<Sites>) -> Result<(), DbError> {
        let sites = Arc::clone(sites);
        let db = db.clone();
        self.seeded
            .get_or_try_init(|| async move { db.write(move |conn| seed::seed_if_empty(conn, &sites)).await.map(|_| ()) })
            .await
            .map(|_| ())
    }

    /// Makes sure the loop that sends queued answer mails runs (started when the application
    /// is built, or by the first panel request if it was built outside a runtime).
    pub fn wake(self: &Arc<Self>, db: &Db, live: &Arc<LiveSites>) {
        if self.mail_loop.get().is_none() {
            notify::start(self, db, live);
        }
    }

    /// Sends the queued answer mails now (the demo outbox page shows them at once).
    pub async fn send_queued(&self, db: &Db, sites: &Sites) {
        let _one = self.draining.lock().await;
        if let Err(e) = notify::drain(db, sites, self).await {
            tracing::error!(error = %e, "answer mails: cannot read the queue");
        }
    }
}

/// Seeds the database for the operator command (same rule: only when no customer exists).
pub async fn seed(db: &Db, sites: &Arc<Sites>) -> Result<usize, DbError> {
    let sites = Arc::clone(sites);
    db.write(move |conn| seed::seed_if_empty(conn, &sites)).await
}

/// The configured sign-in keys (a failure here cannot happen after the start-up check; it is
/// logged and leaves no key), and in demo mode the demo key for every site.
fn keyring(settings: &Settings) -> (Keyring, Option<TokenSigner>) {
    let mut keyring = Keyring::from_sites(&settings.sites).unwrap_or_else(|errors| {
        tracing::error!(errors = %errors.join("; "), "sign-in keys refused");
        Keyring::default()
    });
    if !settings.demo {
        return (keyring, None);
    }
    match TokenSigner::new_ed25519("demo") {
        Ok((signer, public)) => {
            keyring.insert_ed25519_for_every_site(signer.kid(), public);
            (keyring, Some(signer))
        }
        Err(e) => {
            tracing::error!(error = %e, "no randomness for the demo sign-in key");
            (keyring, None)
        }
    }
}
