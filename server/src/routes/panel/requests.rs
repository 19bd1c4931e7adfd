//! Data-subject requests over HTTP: filing (logged in, or as a visitor with an e-mail code),
//! verifying, listing, reading, cancelling and downloading the package. A request of another
//! customer is answered exactly like one that does not exist (404).

use axum::{
    body::Bytes,
    extract::Path,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use privacy_widget::{
    requests::{due_date_for, RequestDetails, RequestStatus, RequestStep},
    wire::{Empty, NewRequest, Verify},
};
use serde_json::{json, Value};

use super::{attachment, require, visitor, Context};
use crate::field::invalid_field;
use crate::{
    db::{Conn, DbError},
    http::{guard, guard::SameOriginJson, headers::idempotency_key, problems, Problem, ProblemKind, StrictJson},
    panel::{
        codes::{self, Verdict},
        complete::{self, StepError},
        session::{self, hex, sha256, Customer},
        store, store_requests as sr, store_visitor, Mail,
    },
    sites::Sites,
};

pub(super) fn step_problem(e: StepError) -> Problem {
    match e {
        StepError::NotFound => problems::not_found(),
        StepError::Refused(e) => problems::invalid_transition(e.to_string()),
        e @ StepError::NoLongerValid { .. } => problems::invalid_transition(e.to_string()),
        StepError::Db(e) => Problem::from(e),
    }
}

/// Runs a step inside a write job: database errors roll the job back, refusals are answers.
pub(super) fn step_in(conn: &Conn, sites: &Sites, id: &str, step: &RequestStep, actor: &str) -> Result<Result<sr::RequestRow, StepError>, DbError> {
    match complete::apply_step(conn, sites, id, step, actor, crate::time::now_ms(), store::today()) {
        Ok(row) => Ok(Ok(row)),
        Err(StepError::Db(e)) => Err(e),
        Err(other) => Ok(Err(other)),
    }
}

/// The request and its timeline as JSON.
pub(super) async fn request_json(state: &Context, row: sr::RequestRow) -> Result<Value, Problem> {
    let id = row.id.clone();
    let events = state.db.read(move |conn| sr::events(conn, &id)).await?;
    let complaint = state.sites.get(&row.site).map(|s| {
        let a = &s.policy.controller.supervisory_authority;
        json!({"authority": s.policy.text(&a.name, s.policy.default_language()), "website": a.website})
    });
    Ok(sr::to_json(&row, &events, complaint))
}

/// The customer's own request, or 404 (whether it does not exist or is someone else's).
async fn own(state: &Context, customer: &Customer, id: String) -> Result<sr::RequestRow, Problem> {
    let row = state.db.read(move |conn| sr::get(conn, &id)).await?;
    row.filter(|r| r.customer_id == Some(customer.id)).ok_or_else(problems::not_found)
}

fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    email.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',')
}

enum Filed {
    Created(sr::RequestRow, Option<(String, String)>),
    Repeated(sr::RequestRow),
    Conflict,
    Limited(&'static str),
}

/// `POST /api/v1/requests` (Idempotency-Key required). Logged in: `{kind, details}`, verified at
/// once (C-C3). Visitor: `{site, email, kind, details}`: stored unverified and a code is sent to
/// the address; the reply, and the mail, are the same whether or not the address belongs to a
/// customer.
pub async fn create(
    state: Context,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    body: Bytes,
) -> Result<Response, Problem> {
    // A visitor's request may come from the site's marketing pages (CORS allow-list): which
    // site's is read loosely first, so that a page the site allows hears what is wrong with
    // its body rather than a 403.
    let loose: Option<Value> = serde_json::from_slice(&body).ok();
    let visitor_site = loose.as_ref().filter(|m| m.get("email").is_some()).and_then(|m| m.get("site")).and_then(Value::as_str);
    let allowed = visitor_site.and_then(|s| state.sites.get(s)).map(|s| s.allowed_origins.clone()).unwrap_or_default();
    guard::json_from(&headers, &allowed)?;
    let key = idempotency_key(&headers)?;
    state.panel.ready(&state.db, &state.sites).await?;
    state.wake();
    let StrictJson(NewRequest { site, kind, details, .. }) = StrictJson::from_bytes(&body)?;
    // `null` is not a site, and an `email` member, whatever it holds, makes a visitor's request.
    let member = |name: &str| loose.as_ref().and_then(|m| m.get(name));
    if member("site").is_some_and(|s| !s.is_string()) {
        return Err(problems::field("site", "must be a string"));
    }
    let visitor_email = member("email").map(|v| v.as_str().unwrap_or_default().trim().to_lowercase());
    let customer = match visitor_email {
        Some(_) => None,
        None => Some(require(&state.db, &headers).await?),
    };
    let site_id = match (&customer, site.as_deref()) {
        (Some(c), Some(s)) if s != c.site => return Err(problems::field("site", "does not match the session")),
        (Some(c), _) => c.site.clone(),
        (None, Some(s)) => s.to_owned(),
        (None, None) => return Err(problems::field("site", "required")),
    };
    let Some(site) = state.sites.get(&site_id).cloned() else {
        return Err(problems::field("site", "unknown site"));
    };
    let mut errors = Vec::new();
    if let Some(email) = &visitor_email {
        if !valid_email(email) {
            errors.push(invalid_field("email", "not an e-mail address"));
        }
    }
    let details = RequestDetails::parse(kind, &details, &site.policy);
    if let Err(list) = &details {
        errors.extend(list.iter().map(|e| invalid_field(e.field.clone(), e.reason)));
    }
    let (Ok(details), true) = (details, errors.is_empty()) else {
        return Err(Problem::validation(errors));
    };
    let details_json = details.to_json();
    let who = match (&customer, &visitor_email) {
        (Some(c), _) => format!("customer:{}", c.id),
        (None, Some(e)) => format!("email:{e}"),
        _ => String::new(),
    };
    let body_hash = hex(&sha256(&[who.as_bytes(), b"\n", kind.name().as_bytes(), b"\n", details_json.to_string().as_bytes()]));
    let ip = guard::client_ip(&headers, &extensions);
    let today = store::today();
    let due = due_date_for(&site.policy, kind, today).map_err(|e| Problem::new(ProblemKind::Internal).detail(e.to_string()))?;
    let id = format!("r_{}", hex(&session::random_bytes::<16>()?));
    let code = if visitor_email.is_some() { Some(codes::new_code()?) } else { None };
    let policy = site.policy.clone();
    let now = crate::time::now_ms();
    let (cust, email) = (customer.clone(), visitor_email.clone());
    let filed = state
        .db
        .write(move |conn| {
            if let Some(existing) = sr::by_key(conn, &site_id, &key)? {
                return Ok(if existing.body_hash == body_hash { Filed::Repeated(existing) } else { Filed::Conflict });
            }
            let mut send = None;
            if let (Some(email), Some((code, _, _))) = (&email, &code) {
                if let Some(reason) = codes::send_limit(conn, email, &ip, now)? {
                    return Ok(Filed::Limited(reason));
                }
                // The new code supersedes the address's earlier unverified requests here.
                store_visitor::supersede_unverified(conn, &site_id, email, now)?;
                // Every address gets its code, known or not: the person asking gets an answer
                // even when nothing is held (Art. 15(1)), and neither the reply nor its timing
                // says whether the address is a customer's.
                send = Some((email.clone(), code.clone()));
            }
            let status = if cust.is_some() { RequestStatus::Verified } else { RequestStatus::Received };
            let steps: &[(RequestStatus, &str)] = if cust.is_some() {
                &[(RequestStatus::Received, "subject"), (RequestStatus::Verified, "system")]
            } else {
                &[(RequestStatus::Received, "subject")]
            };
            let new = sr::NewRequest {
                id: &id,
                site: &site_id,
                customer_id: cust.as_ref().map(|c| c.id),
                email: email.as_deref(),
                kind,
                details: &details_json,
                status,
                received_on: &today.to_string(),
                due_on: &due.to_string(),
                idempotency_key: &key,
                body_hash: &body_hash,
            };
            sr::insert(conn, &new, steps, now)?;
            if let (Some(email), Some((_, salt, hash))) = (&email, &code) {
                codes::store_code(conn, &id, email, &ip, salt, hash, now)?;
            }
            let row = sr::get(conn, &id)?.ok_or(DbError::Closed)?;
            if let Some(c) = &cust {
                complete::on_verified(conn, &policy, &row, c.id, now)?;
            }
            if status == RequestStatus::Verified {
                crate::events::outbox::request_event(conn, crate::events::EventType::RequestCreated, &id, now)?;
            }
            Ok(Filed::Created(row, send))
        })
        .await?;
    match filed {
        Filed::Conflict => Err(Problem::new(ProblemKind::IdempotencyConflict).detail("this Idempotency-Key was already used for another request")),
        Filed::Limited(reason) => Err(problems::too_many(reason)),
        Filed::Repeated(row) => answer(&state, row, StatusCode::OK).await,
        Filed::Created(row, send) => {
            if let Some((to, code)) = send {
                let mail = Mail {
                    site: row.site.clone(),
                    to,
                    subject: "Uw verificatiecode / your verification code".into(),
                    body: format!(
                        "Uw code is {code}. Hij is 10 minuten geldig.\nYour code is {code}. It is valid for 10 minutes.\n\nVerzoek / request: {} ({})",
                        row.id,
                        row.kind.name()
                    ),
                    at_ms: now,
                };
                if state.panel.mailer.send(mail).await.is_none() {
                    tracing::error!(request = %row.id, "verification code not delivered");
                }
            }
            answer(&state, row, StatusCode::CREATED).await
        }
    }
}

/// A filed request: the full request for a logged-in customer; for a visitor only what was filed.
async fn answer(state: &Context, row: sr::RequestRow, status: StatusCode) -> Result<Response, Problem> {
    let location = format!("/api/v1/requests/{}", row.id);
    let body = if row.customer_id.is_some() && row.email.is_none() {
        request_json(state, row).await?
    } else {
        let expires = crate::time::rfc3339_ms(row.created_at_ms + codes::CODE_TTL_MS);
        json!({
            "id": row.id, "site": row.site, "kind": row.kind.name(), "status": row.status.name(),
            "verification": "code_sent", "code_expires_at": expires,
        })
    };
    let mut response = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// `POST /api/v1/requests/{id}/verify {code}`: the visitor's six-digit code (C-C3).
pub async fn verify(
    state: Context,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Path(id): Path<String>,
    body: Result<StrictJson<Verify>, Problem>,
) -> Result<Response, Problem> {
    if guard::same_origin_json(&headers).is_err() {
        // From a marketing page: allowed when the request's site allows that origin.
        let rid = id.clone();
        let site = state.db.read(move |conn| sr::get(conn, &rid)).await?.map(|r| r.site);
        let allowed = site.and_then(|s| state.sites.get(&s)).map(|s| s.allowed_origins.clone()).unwrap_or_default();
        guard::json_from(&headers, &allowed)?;
    }
    // Judged once the origin is: a foreign page hears 403 whatever it sent.
    let StrictJson(Verify { code, page }) = body?;
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let code = code.trim().to_owned();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(problems::field("code", "must be six digits"));
    }
    let ip = guard::client_ip(&headers, &extensions);
    let sites = state.sites.clone();
    let now = crate::time::now_ms();
    // The visitor's status token (C-C3): only its hash is stored, with the verified request.
    let (token, token_hash) = session::new_token()?;
    let outcome = state
        .db
        .write(move |conn| {
            let Some(row) = sr::get(conn, &id)? else { return Ok(Err(Verdict::Missing)) };
            if row.email.is_none() || row.status != RequestStatus::Received {
                return Ok(Err(Verdict::Missing));
            }
            match codes::check(conn, &id, &code, &ip, now)? {
                Verdict::Correct => {
                    let mut stepped = step_in(conn, &sites, &id, &RequestStep::Verify, "subject")?;
                    if stepped.is_ok() {
                        sr::add_status_token(conn, &id, &token_hash, now)?;
                        // Where the answer mail will point (only a page the site allows).
                        if let Some(page) = visitor::page_to_keep(&sites, &row.site, &host, page.as_deref()) {
                            store_visitor::set_page(conn, &token_hash, &page)?;
                        }
                    }
                    // An address linked to no customer is answered at once: nothing is held.
                    // (Should that be refused, the request stays verified for the operator.)
                    if stepped.as_ref().is_ok_and(|r| r.customer_id.is_none()) {
                        match complete::answer_unlinked(conn, &sites, &id, now, store::today()) {
                            Ok(row) => stepped = Ok(row),
                            Err(StepError::Db(e)) => return Err(e),
                            Err(other) => tracing::error!(request = %id, error = %other, "cannot answer an unlinked request"),
                        }
                    }
                    Ok(Ok(stepped))
                }
                other => Ok(Err(other)),
            }
        })
        .await?;
    match outcome {
        Ok(Ok(row)) => {
            let no_data = complete::no_personal_data(&row);
            let mut body = request_json(&state, row).await?;
            body["status_token"] = Value::String(token);
            body[complete::NO_PERSONAL_DATA] = Value::Bool(no_data);
            let mut response = Json(body).into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(response)
        }
        Ok(Err(e)) => Err(step_problem(e)),
        Err(Verdict::Missing) => Err(problems::not_found()),
        Err(Verdict::Wrong(left)) => {
            Ok(code_problem(if left > 0 { "wrong code" } else { "wrong code; no attempts left" }, if left > 0 { "wrong" } else { "exhausted" }, left))
        }
        Err(Verdict::Expired) => Ok(code_problem("the code has expired; file the request again", "expired", 0)),
        Err(Verdict::Exhausted) => Ok(code_problem("no attempts left; file the request again", "exhausted", 0)),
        Err(Verdict::IpLimited) => Err(problems::too_many("too many wrong codes from this address; try again later")),
        Err(Verdict::Correct) => Err(Problem::new(ProblemKind::Internal)),
    }
}

/// A `/problems/invalid-code` answer with two extension members for the visitor's form:
/// `code_state` (`wrong`, `expired`, `exhausted`) and `attempts_left`.
fn code_problem(detail: &'static str, code_state: &'static str, attempts_left: i64) -> Response {
    let problem = problems::invalid_code(detail);
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    let mut body = serde_json::to_value(&problem).unwrap_or_else(|_| json!({}));
    body["code_state"] = json!(code_state);
    body["attempts_left"] = json!(attempts_left.max(0));
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    response
}

/// `GET /api/v1/requests`: the customer's own requests, newest first.
pub async fn list(state: Context, headers: HeaderMap) -> Result<Json<Value>, Problem> {
    let customer = require(&state.db, &headers).await?;
    let id = customer.id;
    let rows = state.db.read(move |conn| sr::of_customer(conn, id)).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(request_json(&state, row).await?);
    }
    Ok(Json(json!({ "requests": out })))
}

/// `GET /api/v1/requests/{id}`: one of the customer's own requests.
pub async fn one(state: Context, headers: HeaderMap, Path(id): Path<String>) -> Result<Json<Value>, Problem> {
    let customer = require(&state.db, &headers).await?;
    let row = own(&state, &customer, id).await?;
    Ok(Json(request_json(&state, row).await?))
}

/// `POST /api/v1/requests/{id}/cancel` (empty body or `{}`): withdraws a pending request.
pub async fn cancel(
    state: Context,
    _: SameOriginJson,
    Path(id): Path<String>,
    headers: HeaderMap,
    _: StrictJson<Empty>,
) -> Result<Json<Value>, Problem> {
    let customer = require(&state.db, &headers).await?;
    own(&state, &customer, id.clone()).await?;
    let sites = state.sites.clone();
    let row = state.db.write(move |conn| step_in(conn, &sites, &id, &RequestStep::Cancel, "subject")).await?;
    Ok(Json(request_json(&state, row.map_err(step_problem)?).await?))
}

/// `GET /api/v1/requests/{id}/package`: the access/export answer as a JSON download (C-C4, C-C5).
pub async fn package(state: Context, headers: HeaderMap, Path(id): Path<String>) -> Result<Response, Problem> {
    let customer = require(&state.db, &headers).await?;
    let row = own(&state, &customer, id).await?;
    if !row.kind.yields_package() {
        return Err(problems::not_found());
    }
    if !complete::package_ready(&row) {
        return Err(problems::invalid_transition("the package is available once the request is completed".into()));
    }
    let package: Value = row.package.as_deref().and_then(|p| serde_json::from_str(p).ok()).unwrap_or(Value::Null);
    Ok(attachment(&package, &format!("{}-{}-{}.json", row.site, row.kind.name(), row.id)))
}
