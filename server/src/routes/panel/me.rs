//! Demo login, logout, `/api/v1/me`, what the company holds (pulled or stored: `panel::source`),
//! its export, the erasure preview and the account opt-ins, and the demo outbox page.

use std::sync::Arc;

use axum::{
    extract::Query,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use privacy_widget::{
    i18n::Lang,
    policy::Policy,
    requests::{erasure_plan_json, is_direct_marketing},
    wire::{DemoCustomer, DemoCustomers, DemoLogin, Empty, Me, Preference, Preferences, PreferencesUpdate, Session},
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{attachment, require, site_of, Context, SignedIn};
use crate::field::invalid_field;
use crate::{
    http::{cookies, guard, guard::SameOriginJson, problems, Problem, ProblemKind, StrictJson},
    panel::{
        complete,
        session::{self, Customer},
        source::{Source, SourceError, SubjectData},
        store, Mail,
    },
    sites::Site,
};

/// `?lang=` of the panel's reads (other parameters are ignored).
#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    /// The language asked for (`nl`, `en-GB`).
    pub lang: Option<String>,
}

/// `?site=` of the demo customer list.
#[derive(Debug, Default, Deserialize)]
pub struct SiteQuery {
    /// The site.
    #[serde(default)]
    pub site: String,
}

/// The language for labels: `?lang=`, then `Accept-Language`, then the policy's default.
pub fn lang_of(query: &LangQuery, headers: &HeaderMap, policy: &Policy) -> Lang {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let candidates = query
        .lang
        .as_deref()
        .into_iter()
        .chain(accept.split(',').map(|t| t.split(';').next().unwrap_or("").trim()))
        .chain(std::iter::once(policy.default_language()));
    Lang::choose(candidates)
}

/// The signed-in customer of a `GET /api/v1/me/…` request, their site, and the language to
/// answer in.
async fn signed_in(
    state: &Context,
    query: &LangQuery,
    headers: &HeaderMap,
) -> Result<(Customer, Arc<Site>, Lang), Problem> {
    let customer = require(&state.db, headers).await?;
    let site = site_of(&state.sites, &customer.site)?;
    let lang = lang_of(query, headers, &site.policy);
    Ok((customer, site, lang))
}

/// `GET /api/v1/demo/customers?site=…`: the demo accounts of a site.
pub async fn demo_customers(state: Context, Query(query): Query<SiteQuery>) -> Result<Json<DemoCustomers>, Problem> {
    if !state.panel.demo {
        return Err(problems::demo_off());
    }
    state.panel.ready(&state.db, &state.sites).await?;
    let site = query.site;
    site_of(&state.sites, &site)?;
    let s = site.clone();
    let list = state.db.read(move |conn| store::customers_of_site(conn, &s)).await?;
    let customers = list.into_iter().map(|(id, name)| DemoCustomer { id, name }).collect();
    Ok(Json(DemoCustomers { site, customers }))
}

/// `POST /api/v1/demo/login {site, customer}`: signs in as a demo customer.
pub async fn demo_login(
    state: Context,
    _: SameOriginJson,
    headers: HeaderMap,
    StrictJson(login): StrictJson<DemoLogin>,
) -> Result<Response, Problem> {
    if !state.panel.demo {
        return Err(problems::demo_off());
    }
    state.panel.ready(&state.db, &state.sites).await?;
    let DemoLogin { site, customer: handle } = login;
    let customer = state.db.read(move |conn| store::customer_by_handle(conn, &site, &handle)).await?;
    let Some(customer) = customer else {
        return Err(problems::field("customer", "no such demo customer for this site"));
    };
    let (token, hash) = session::new_token()?;
    let now = crate::time::now_ms();
    let id = customer.id;
    state
        .db
        .write(move |conn| store::insert_session(conn, &hash, id, now, now + session::SESSION_SECONDS * 1000))
        .await?;
    let mut response = Json(me_of(&state, &customer)).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookies::set_cookie(&token, guard::is_https(&headers)));
    Ok(response)
}

/// `POST /api/v1/logout` (empty body or `{}`): ends the session (if any) and clears the cookie.
pub async fn logout(state: Context, _: SameOriginJson, headers: HeaderMap, _: StrictJson<Empty>) -> Result<Response, Problem> {
    if let Some(token) = cookies::request_token(&headers) {
        session::end(&state.db, &token).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookies::clear_cookie(guard::is_https(&headers)));
    Ok(response)
}

/// The customer as the panel shows them, with the plan's label and the policy version served.
fn me_of(state: &Context, c: &Customer) -> Me {
    let site = state.sites.get(&c.site);
    let plan_label = site.as_ref().and_then(|s| {
        let plan = s.policy.plan(c.plan.as_deref()?)?;
        Some(s.policy.text(&plan.label, s.policy.default_language()).to_owned())
    });
    Me {
        customer: c.handle.clone(),
        name: c.name.clone(),
        email: c.email.clone(),
        site: c.site.clone(),
        plan: c.plan.clone(),
        plan_label,
        policy_version: site.map(|s| s.version.clone()),
    }
}

/// `GET /api/v1/session`: who is signed in, always 200 (`signed_in: false` without a session), so
/// that a page asking before sign-in gets an answer rather than an error.
pub async fn session_status(state: Context, headers: HeaderMap) -> Result<Json<Session>, Problem> {
    let me = super::current(&state.db, &headers).await?.map(|customer| me_of(&state, &customer));
    Ok(Json(Session { signed_in: me.is_some(), me }))
}

/// `GET /api/v1/me`
pub async fn me(state: Context, SignedIn(customer): SignedIn) -> Json<Me> {
    Json(me_of(&state, &customer))
}

/// What the company holds about the customer now ([`Source`]: the site's data provider, asked
/// at this moment, else what is stored). A provider that cannot be asked: 503 in plain words
/// (the operator's log says why), nothing stale.
async fn held(state: &Context, customer: &Customer, site: &Site) -> Result<SubjectData, Problem> {
    let source = Source::of(&state.settings.sites, &customer.site);
    source.load(&state.db, &state.panel.http, &site.policy, customer).await.map_err(|e| match e {
        SourceError::Provider(_) => problems::data_unavailable("the data cannot be fetched right now; try again in a moment"),
        SourceError::Db(e) => Problem::from(e),
    })
}

/// The customer's data package of `kind` (`data`, `export`), with who they are.
async fn package(state: &Context, query: &LangQuery, headers: &HeaderMap, kind: &str) -> Result<(Customer, Value), Problem> {
    let (customer, site, lang) = signed_in(state, query, headers).await?;
    let mut p = held(state, &customer, &site).await?.package(&site.policy, kind, store::today(), lang);
    p["customer"] = json!({"id": customer.handle, "name": customer.name, "email": customer.email});
    Ok((customer, p))
}

/// `GET /api/v1/me/data`: what the company holds about the customer, grouped by category and
/// joined to the policy (C-C4). A site with a data provider (`[sites.data_provider]`) is asked
/// at this moment and nothing it answers is stored; values the policy does not describe are
/// listed under `not_described` (and logged for the operator, without the values).
pub async fn data(
    state: Context,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<Value>, Problem> {
    Ok(Json(package(&state, &query, &headers, "data").await?.1))
}

/// `GET /api/v1/me/export`: everything the company holds, as a JSON download (C-C5).
pub async fn export(
    state: Context,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let (customer, p) = package(&state, &query, &headers, "export").await?;
    Ok(attachment(&p, &format!("{}-{}-export.json", customer.site, customer.handle)))
}

/// `GET /api/v1/me/erasure-plan`: what an erasure would delete and keep, and why (C-C6), for
/// every value the company holds (also those the policy does not describe).
pub async fn erasure_plan(
    state: Context,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<Value>, Problem> {
    let (customer, site, lang) = signed_in(&state, &query, &headers).await?;
    let (plan, values) = held(&state, &customer, &site).await?.erasure_plan(&site.policy, store::today());
    Ok(Json(erasure_plan_json(&site.policy, &plan, &values, lang)))
}

async fn preferences_of(state: &Context, customer: &Customer, lang: Lang) -> Result<Preferences, Problem> {
    let site = site_of(&state.sites, &customer.site)?;
    let id = customer.id;
    let current = state.db.read(move |conn| store::preferences(conn, id)).await?;
    let policy = &site.policy;
    let preferences = policy
        .purposes
        .iter()
        .filter(|p| p.consent.is_account())
        .map(|p| {
            let stored = current.get(&p.id);
            let eligible = eligible(p, customer);
            Preference {
                purpose: p.id.clone(),
                kind: p.kind.name().to_owned(),
                consent: Some(p.consent.name().to_owned()),
                label: policy.text(&p.label, lang.tag()).to_owned(),
                description: p.description.as_ref().map(|d| policy.text(d, lang.tag()).to_owned()),
                // An opt-out purpose is on until the customer turns it off (C-A11).
                granted: p.consent.granted(stored.map(|s| s.granted), eligible),
                eligible,
                direct_marketing: is_direct_marketing(p.kind),
                changed_at: stored.map(|s| crate::time::rfc3339_ms(s.changed_at_ms)),
                source: stored.map(|s| s.source.clone()),
                policy_version: stored.map(|s| s.policy_version.clone()),
            }
        })
        .collect();
    Ok(Preferences { policy_version: policy.version.clone(), preferences })
}

fn eligible(p: &privacy_widget::policy::Purpose, c: &Customer) -> bool {
    p.eligible_plans.is_empty() || c.plan.as_ref().is_some_and(|plan| p.eligible_plans.contains(plan))
}

/// `GET /api/v1/me/preferences`: the account opt-ins and opt-outs the policy declares, each with
/// its effective state (an `account_opt_out` purpose without a stored choice is on for an
/// eligible customer).
pub async fn preferences(
    state: Context,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<Preferences>, Problem> {
    let (customer, _, lang) = signed_in(&state, &query, &headers).await?;
    Ok(Json(preferences_of(&state, &customer, lang).await?))
}

/// `PUT /api/v1/me/preferences {policy_version, preferences: {id: bool}, object_to_direct_marketing?}`:
/// each change of the effective state is appended with time, version shown and source
/// `control_panel` (turning an opt-out purpose off is stored like any other change); an objection
/// to direct marketing switches every marketing opt-in and opt-out purpose off at once (C-A11).
pub async fn put_preferences(
    state: Context,
    _: SameOriginJson,
    SignedIn(customer): SignedIn,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
    StrictJson(update): StrictJson<PreferencesUpdate>,
) -> Result<Json<Preferences>, Problem> {
    let site = site_of(&state.sites, &customer.site)?;
    let policy = site.policy.clone();
    if update.policy_version != policy.version {
        let mut p = Problem::new(ProblemKind::StalePolicyVersion).detail("the opt-ins were shown under another policy version");
        p.current_policy_version = Some(policy.version.clone());
        return Err(p);
    }
    let object = update.object_to_direct_marketing;
    let mut errors = Vec::new();
    // (purpose, wanted state, its state when nothing is stored)
    let mut changes: Vec<(String, bool, bool)> = Vec::new();
    for (id, granted) in update.preferences {
        let field = format!("preferences.{id}");
        match policy.purpose(&id) {
            Some(p) if p.consent.is_account() => {
                if granted && !eligible(p, &customer) {
                    errors.push(invalid_field(field, "not available on this customer's plan"));
                } else if granted && object && is_direct_marketing(p.kind) {
                    errors.push(invalid_field(field, "cannot be granted together with an objection to direct marketing"));
                } else {
                    changes.push((id.clone(), granted, p.consent.granted(None, eligible(p, &customer))));
                }
            }
            _ => errors.push(invalid_field(field, "not an account opt-in of this site")),
        }
    }
    if !errors.is_empty() {
        return Err(Problem::validation(errors));
    }
    let now = crate::time::now_ms();
    let id = customer.id;
    let pol = policy.clone();
    state
        .db
        .write(move |conn| {
            let current = store::preferences(conn, id)?;
            let mut changed = false;
            for (purpose, granted, default) in &changes {
                if current.get(purpose).map_or(*default, |c| c.granted) != *granted {
                    store::insert_preference(conn, id, purpose, *granted, &pol.version, "control_panel", now)?;
                    changed = true;
                }
            }
            if object {
                changed |= !complete::marketing_off(conn, &pol, id, "objection", now)?.is_empty();
            }
            if changed {
                crate::events::outbox::preferences_event(conn, id, now)?;
            }
            Ok(())
        })
        .await?;
    let lang = lang_of(&query, &headers, &policy);
    Ok(Json(preferences_of(&state, &customer, lang).await?))
}

/// `GET /demo/outbox`: the mail the demo server "sent" (demo mode only), as JSON.
pub async fn demo_outbox(state: Context) -> Result<Json<Outbox>, Problem> {
    if !state.panel.demo {
        return Err(problems::demo_off());
    }
    // Answer mails the operator command queued show at once.
    state.wake();
    state.panel.send_queued(&state.db, &state.sites).await;
    Ok(Json(Outbox { messages: state.panel.mailer.outbox() }))
}

/// The demo outbox page's answer.
#[derive(Debug, Serialize)]
pub struct Outbox {
    /// The mail "sent", newest first.
    pub messages: Vec<Mail>,
}
