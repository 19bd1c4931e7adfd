//! The control panel's handlers: the customer's own page ([`me`]: demo login, session, stored
//! data, export, erasure preview, opt-ins, the demo outbox), data-subject requests ([`requests`]:
//! filed by a customer, or by a visitor with an e-mail code) and what a visitor does with the
//! status token the verification gave them ([`visitor`]), and the sign-in handoff
//! ([`sessions`]). Every handler decides from the session (cookie or bearer), never from ids
//! in the body; state-changing handlers pass the CSRF guard
//! ([`crate::http::guard`]) first.

pub mod me;
pub mod requests;
pub mod sessions;
pub mod visitor;

use std::{convert::Infallible, sync::Arc};

use axum::{
    extract::{FromRef, FromRequestParts},
    http::{header, request::Parts, HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::Value;

use crate::{
    config::Settings,
    db::Db,
    http::{cookies, problems, Policies, Problem},
    live::LiveSites,
    panel::{session::Customer, Panel},
    sites::{Site, Sites},
};

/// What a panel handler works with: the database, the policies of this request (taken once,
/// [`Policies`]), the panel service and the settings; each from the application state through
/// `FromRef`.
pub struct Context {
    /// The database.
    pub db: Db,
    /// The sites as served for this request.
    pub sites: Arc<Sites>,
    /// Demo mode, the mailer, the answer-mail loop.
    pub panel: Arc<Panel>,
    /// The policies as served now (for the answer-mail loop).
    pub live: Arc<LiveSites>,
    /// The settings.
    pub settings: Arc<Settings>,
}

impl<S> FromRequestParts<S> for Context
where
    Db: FromRef<S>,
    Arc<Panel>: FromRef<S>,
    Arc<LiveSites>: FromRef<S>,
    Arc<Settings>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Context, Infallible> {
        let Policies(generation) = Policies::from_request_parts(parts, state).await?;
        Ok(Context {
            db: Db::from_ref(state),
            sites: generation.sites.clone(),
            panel: Arc::<Panel>::from_ref(state),
            live: Arc::<LiveSites>::from_ref(state),
            settings: Arc::<Settings>::from_ref(state),
        })
    }
}

impl Context {
    /// Makes sure the answer-mail loop runs.
    pub fn wake(&self) {
        self.panel.wake(&self.db, &self.live);
    }
}

/// Extractor: the customer of the request's session, or 401 `unauthenticated`.
pub struct SignedIn(pub Customer);

impl<S> FromRequestParts<S> for SignedIn
where
    Db: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<SignedIn, Problem> {
        require(&Db::from_ref(state), &parts.headers).await.map(SignedIn)
    }
}

/// The customer of the request's session (bearer or cookie), if it has a live one.
pub async fn current(db: &Db, headers: &HeaderMap) -> Result<Option<Customer>, Problem> {
    let Some(token) = cookies::request_token(headers) else { return Ok(None) };
    Ok(crate::panel::session::customer(db, &token).await?)
}

/// The customer of the request's session, or 401.
pub async fn require(db: &Db, headers: &HeaderMap) -> Result<Customer, Problem> {
    current(db, headers).await?.ok_or_else(problems::unauthenticated)
}

/// The policy of a customer's site (a customer of a site no longer loaded sees 404).
pub fn site_of(sites: &Sites, site: &str) -> Result<Arc<Site>, Problem> {
    sites.get(site).cloned().ok_or_else(problems::not_found)
}

/// A JSON download.
pub fn attachment(value: &Value, filename: &str) -> Response {
    let mut response = Json(value).into_response();
    let disposition = format!("attachment; filename=\"{filename}\"");
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    response
}
