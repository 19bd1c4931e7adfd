//! `POST /api/v1/sessions`: a sign-in token from the site's control-panel backend exchanged for
//! a session (bearer and cookie); and, in demo mode, `GET /demo/host/token`, the demo "host
//! backend" that signs such a token for a demo customer.

use std::collections::HashMap;

use axum::{
    body::{Body, HttpBody},
    extract::Query,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};

use super::Context;
use crate::{
    http::{cookies, guard, problems, Problem, ProblemKind},
    identity::{Claims, Refusal, MAX_TOKEN_BYTES},
    panel::{
        session,
        signin::{self, Exchanged},
        store,
    },
};

/// How long a demo token lives, in seconds (a real panel backend: a few minutes at most).
const DEMO_TOKEN_SECONDS: i64 = 120;

/// The largest body `POST /api/v1/sessions` reads: `{"token": "…"}` with a token of
/// [`MAX_TOKEN_BYTES`] (8 KiB; a real one is under 4 KB) and 1 KiB for the rest. The route is
/// outside the server's 64 KiB body limit (a 413 would not say what is wrong): a longer body is
/// refused as a token too long, and read no further.
pub const BODY_LIMIT: usize = MAX_TOKEN_BYTES + 1024;

/// The request body, read up to [`BODY_LIMIT`] bytes (a `Content-Length` over it is refused
/// before reading): a 401 `malformed` naming the token as too long beyond that.
async fn read_capped(headers: &HeaderMap, mut body: Body) -> Result<Vec<u8>, Problem> {
    let too_long = || refused(&Refusal::Malformed(format!("the token is longer than {MAX_TOKEN_BYTES} bytes (the body is over {BODY_LIMIT} bytes)")));
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return Err(too_long());
    }
    let mut read = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|e| Problem::new(ProblemKind::MalformedBody).detail(format!("cannot read the body: {e}")))?;
        if let Ok(data) = frame.into_data() {
            if read.len() + data.len() > BODY_LIMIT {
                return Err(too_long());
            }
            read.extend_from_slice(&data);
        }
    }
    Ok(read)
}

/// 401 naming why a sign-in token was refused; nothing was stored.
fn refused(refusal: &Refusal) -> Problem {
    let mut p = Problem::new(ProblemKind::NotFound).detail(refusal.to_string());
    p.type_uri = "/problems/signin-refused";
    p.title = "Sign-in token refused";
    p.status = StatusCode::UNAUTHORIZED.as_u16();
    p
}

/// `POST /api/v1/sessions {"token": "<jws>"}` → 201 `{"session", "expires_at"}` and the session
/// cookie. Same-origin JSON, or from an origin a site allows (a panel on another origin then
/// sends the session as `Authorization: Bearer`). The body is read up to [`BODY_LIMIT`].
pub async fn create(state: Context, headers: HeaderMap, body: Body) -> Result<Response, Problem> {
    let allowed: Vec<String> = state.settings.all_allowed_origins().map(str::to_owned).collect();
    guard::json_from(&headers, &allowed)?;
    let body = read_capped(&headers, body).await?;
    let body = guard::json_object(&body)?;
    guard::only_members(&body, &["token"])?;
    let token = match body.get("token") {
        Some(Value::String(t)) => t,
        Some(_) => return Err(problems::field("token", "must be a string (the JWS compact token)")),
        None => return Err(problems::field("token", "required")),
    };
    let now_ms = crate::time::now_ms();
    let mut who = state.panel.keyring.verify(token, now_ms.div_euclid(1000)).map_err(|r| refused(&r))?;
    let Some(site) = state.sites.get(&who.site).cloned() else {
        return Err(refused(&Refusal::WrongIssuer));
    };
    if let Some(plan) = who.plan.as_deref() {
        if site.policy.plans.is_empty() {
            who.plan = None; // the policy has no plans: nothing to apply it to
        } else if site.policy.plan(plan).is_none() {
            return Err(refused(&Refusal::Malformed(format!("plan: the site's policy has no plan {plan:?}"))));
        }
    }
    if state.panel.demo {
        state.panel.ready(&state.db, &state.sites).await?;
    }
    let (session_token, hash) = session::new_token()?;
    let expires_ms = now_ms + session::SESSION_SECONDS * 1000;
    let customer = match state.db.write(move |conn| signin::exchange(conn, &who, &hash, now_ms, expires_ms)).await? {
        Exchanged::Session(customer) => customer,
        Exchanged::Replayed => return Err(refused(&Refusal::Replayed)),
    };
    tracing::info!(site = %customer.site, customer = customer.id, "signed in by token");
    let body = json!({ "session": session_token, "expires_at": crate::time::rfc3339_ms(expires_ms) });
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    let out = response.headers_mut();
    out.insert(header::SET_COOKIE, cookies::set_cookie(&session_token, guard::is_https(&headers)));
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /demo/host/token?site=…&customer=…` (demo mode only): what a hosting company's panel
/// backend does for its logged-in customer, here for a demo customer: a token signed with the
/// demo key (Ed25519, made at start), valid for two minutes. Answers `{"token": "<jws>"}`.
pub async fn demo_host_token(state: Context, Query(query): Query<HashMap<String, String>>) -> Result<Response, Problem> {
    let Some(signer) = state.panel.demo_signer.as_ref().filter(|_| state.panel.demo) else {
        return Err(problems::demo_off());
    };
    state.panel.ready(&state.db, &state.sites).await?;
    let site = query.get("site").cloned().unwrap_or_default();
    let handle = query.get("customer").cloned().unwrap_or_default();
    let (s, h) = (site.clone(), handle);
    let Some(customer) = state.db.read(move |conn| store::customer_by_handle(conn, &s, &h)).await? else {
        return Err(problems::field("customer", "no such demo customer for this site"));
    };
    let cannot_sign = || Problem::new(ProblemKind::Internal).detail("cannot sign the demo token");
    let now = crate::time::now_ms().div_euclid(1000);
    let mut claims = Claims::new(&site, &customer.handle, now, DEMO_TOKEN_SECONDS).map_err(|_| cannot_sign())?;
    claims.name = Some(customer.name);
    claims.email = Some(customer.email).filter(|e| !e.is_empty());
    claims.plan = customer.plan;
    let token = signer.sign(&claims).map_err(|_| cannot_sign())?;
    let mut response = Json(json!({ "token": token })).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
