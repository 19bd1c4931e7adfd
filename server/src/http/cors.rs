//! CORS for the marketing-page routes (consents, visitor data-subject requests, their
//! verification and status, the site's consent notice), as a layer each route of the public
//! route group carries with its own methods ([`Cors`]): preflights answered for the origins some
//! site allows (403 otherwise), and `Access-Control-Allow-Origin` echoed only to those; the
//! handlers then check the origin against the site the request names. The notice route names
//! its site, so only that site's origins are echoed there. No credentials are ever allowed
//! cross-origin.
//!
//! tower-http's `CorsLayer` does not fit this contract: it answers every preflight 200 (the API
//! refuses a foreign origin, method or header with a 403 problem), and its origin predicate
//! cannot see the policy generation of the request or the route's `{site}`.

use std::sync::Arc;

use axum::{
    extract::{FromRef, FromRequestParts, RawPathParams, Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::{
    policies::Policies,
    problem::{Problem, ProblemKind},
};
use crate::{config::Settings, live::LiveSites, state::AppState};

/// Request headers a marketing page may send, and `authorization`: a control panel on another
/// origin sends its session as a bearer token (never credentials).
const ALLOW_HEADERS: &str = "content-type, idempotency-key, sec-gpc, authorization";
/// How long a browser may cache a preflight, in seconds.
const MAX_AGE: &str = "600";

/// Whose origins a route lets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origins {
    /// The origins any configured site allows (the site is in the body or in the stored
    /// request; the handler checks the origin against it).
    AnySite,
    /// The origins of the site the route's `{site}` names.
    SiteOfPath,
}

/// The CORS rule of one route: the methods a marketing page may use on it, and whose origins.
#[derive(Clone)]
pub struct Cors {
    methods: &'static str,
    origins: Origins,
    settings: Arc<Settings>,
    live: Arc<LiveSites>,
}

impl Cors {
    /// The rule for a route of `state`'s server answering `methods` (`"POST"`, `"GET"`) to the
    /// `origins`. Used as `middleware::from_fn_with_state(cors, cors::handle)`.
    pub fn new(state: &AppState, methods: &'static str, origins: Origins) -> Cors {
        Cors { methods, origins, settings: state.settings.clone(), live: state.live.clone() }
    }

    /// The request's `Origin` when the rule allows it.
    fn allowed<'a>(&self, policies: &Policies, site: Option<&str>, headers: &'a HeaderMap) -> Option<&'a str> {
        let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
        let allowed = match self.origins {
            Origins::SiteOfPath => {
                site.and_then(|id| policies.sites.get(id)).is_some_and(|s| s.allowed_origins.iter().any(|o| o == origin))
            }
            Origins::AnySite => self.settings.all_allowed_origins().any(|o| o == origin),
        };
        allowed.then_some(origin)
    }
}

impl FromRef<Cors> for Arc<LiveSites> {
    fn from_ref(cors: &Cors) -> Arc<LiveSites> {
        cors.live.clone()
    }
}

/// Middleware: answers the route's preflights and adds `Access-Control-Allow-Origin` (plus
/// `Vary: Origin`) to its responses.
pub async fn handle(State(cors): State<Cors>, policies: Policies, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let params = RawPathParams::from_request_parts(&mut parts, &()).await.ok();
    let request = Request::from_parts(parts, body);
    // An empty `{token}` or `{id}` names nothing: no CORS (the handler answers 404).
    if params.as_ref().is_some_and(|p| p.iter().any(|(_, value)| value.is_empty())) {
        return next.run(request).await;
    }
    let site = match cors.origins {
        Origins::SiteOfPath => params.and_then(|p| p.iter().find(|(name, _)| *name == "site").map(|(_, value)| value.to_owned())),
        Origins::AnySite => None,
    };
    let origin = cors.allowed(&policies, site.as_deref(), request.headers()).map(str::to_owned);
    let is_preflight = request.method() == Method::OPTIONS && request.headers().contains_key("access-control-request-method");
    if is_preflight {
        return preflight(origin, request.headers(), cors.methods);
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(v) = origin.and_then(|o| HeaderValue::from_str(&o).ok()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("location, retry-after"));
    }
    response
}

fn preflight(origin: Option<String>, headers: &HeaderMap, allowed_methods: &'static str) -> Response {
    let vary = HeaderValue::from_static("Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    let method_ok = headers
        .get("access-control-request-method")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|m| allowed_methods.split(", ").any(|a| a == m));
    let headers_ok = headers
        .get("access-control-request-headers")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|list| {
            list.split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .all(|h| h.is_empty() || ALLOW_HEADERS.split(", ").any(|a| a == h))
        });
    let Some(origin) = origin.filter(|_| method_ok && headers_ok).and_then(|o| HeaderValue::from_str(&o).ok()) else {
        let mut refused = Problem::new(ProblemKind::OriginNotAllowed)
            .detail("this origin, method or header is not allowed cross-origin")
            .into_response();
        refused.headers_mut().insert(header::VARY, vary);
        return refused;
    };
    let mut response = StatusCode::NO_CONTENT.into_response();
    let out = response.headers_mut();
    out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    out.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(allowed_methods));
    out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOW_HEADERS));
    out.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(MAX_AGE));
    out.insert(header::VARY, vary);
    response
}
