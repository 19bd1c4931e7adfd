//! What a visitor (not logged in) does with the status token the verification gave them
//! (C-C3): read that one request's status, cancel it while it is pending, and download the
//! answer of a completed access or export request (C-C4, C-C5). The token is the only key: it
//! is looked up by its SHA-256 (the stored form), so the lookup's timing says nothing about
//! the token, and it reaches no other request. Unknown, malformed and foreign tokens are 404,
//! and so is a token whose request was closed longer ago than the tokens' lifetime
//! ([`crate::panel::status_token`]): the same answer, so it tells nothing about the request.

use axum::{
    extract::Path,
    http::{header, HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
    Json,
};
use privacy_widget::{
    requests::{RequestStatus, RequestStep},
    wire::Empty,
};
use serde_json::Value;

use super::{
    attachment,
    requests::{request_json, step_in, step_problem},
    Context,
};
use crate::{
    http::{guard, problems, Problem, StrictJson},
    panel::{complete, session::sha256, status_token, store_requests as sr},
    sites::Sites,
};

/// Longest page address kept for the answer mail.
const MAX_PAGE_CHARS: usize = 2000;

/// The stored hash of a well-formed token, or 404.
fn token_hash(token: &str) -> Result<[u8; 32], Problem> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(problems::not_found());
    }
    Ok(sha256(&[token.to_ascii_lowercase().as_bytes()]))
}

/// The tokens' lifetime after a request is closed, in milliseconds.
fn lifetime_ms(state: &Context) -> i64 {
    status_token::lifetime_ms(state.settings.visitor_token_lifetime)
}

/// The one request the token was issued for, or 404 (also once the token has expired).
async fn by_token(state: &Context, token: &str) -> Result<sr::RequestRow, Problem> {
    let hash = token_hash(token)?;
    let (now, lifetime) = (crate::time::now_ms(), lifetime_ms(state));
    state.db.read(move |conn| status_token::request(conn, &hash, now, lifetime)).await?.ok_or_else(problems::not_found)
}

/// What a token holder sees: kind, status, dates, timeline, the complaint after a refusal,
/// whether it can still be cancelled, whether an answer can be downloaded and whether it was
/// answered with "no personal data is linked to this address"; never the details, the e-mail
/// address or the answer itself.
async fn visitor_json(state: &Context, row: sr::RequestRow) -> Result<Response, Problem> {
    let can_cancel = row.status.is_pending();
    let package_available = row.kind.yields_package() && complete::package_ready(&row);
    let no_data = complete::no_personal_data(&row);
    let full = request_json(state, row).await?;
    let mut body = serde_json::Map::new();
    for key in ["id", "site", "kind", "status", "received_on", "due_on", "extended", "timeline", "complaint"] {
        if let Some(v) = full.get(key) {
            body.insert(key.to_owned(), v.clone());
        }
    }
    body.insert("can_cancel".into(), Value::Bool(can_cancel));
    body.insert("package_available".into(), Value::Bool(package_available));
    body.insert(complete::NO_PERSONAL_DATA.into(), Value::Bool(no_data));
    Ok(no_store(Json(Value::Object(body)).into_response()))
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /api/v1/visitor-requests/{token}`: the status of the token's request.
pub async fn status(state: Context, Path(token): Path<String>) -> Result<Response, Problem> {
    state.wake();
    let row = by_token(&state, &token).await?;
    visitor_json(&state, row).await
}

/// `POST /api/v1/visitor-requests/{token}/cancel`: withdraws the token's request while it is
/// pending (the customer's rule, [`privacy_widget::requests::advance`]); cancelling a cancelled
/// request again answers its status (idempotent); later statuses are a 409.
pub async fn cancel(
    state: Context,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Result<StrictJson<Empty>, Problem>,
) -> Result<Response, Problem> {
    if guard::same_origin_json(&headers).is_err() {
        // From the site's marketing pages: allowed when the request's site allows that origin.
        let row = by_token(&state, &token).await?;
        let allowed = state.sites.get(&row.site).map(|s| s.allowed_origins.clone()).unwrap_or_default();
        guard::json_from(&headers, &allowed)?;
    }
    // Judged once the origin is.
    body?;
    let hash = token_hash(&token)?;
    let sites = state.sites.clone();
    let (now, lifetime) = (crate::time::now_ms(), lifetime_ms(&state));
    let outcome = state
        .db
        .write(move |conn| {
            let Some(row) = status_token::request(conn, &hash, now, lifetime)? else { return Ok(Err(complete::StepError::NotFound)) };
            if row.status == RequestStatus::Cancelled {
                return Ok(Ok(row));
            }
            step_in(conn, &sites, &row.id, &RequestStep::Cancel, "subject")
        })
        .await?;
    visitor_json(&state, outcome.map_err(step_problem)?).await
}

/// `GET /api/v1/visitor-requests/{token}/package`: the answer of the token's completed access or
/// export request, as the same JSON download a customer gets (C-C4, C-C5). Other kinds are a
/// 404; before completion a 409.
pub async fn package(state: Context, Path(token): Path<String>) -> Result<Response, Problem> {
    let row = by_token(&state, &token).await?;
    if !row.kind.yields_package() {
        return Err(problems::not_found());
    }
    if !complete::package_ready(&row) {
        return Err(problems::invalid_transition("the answer is available once the request is completed".into()));
    }
    let package: Value = row.package.as_deref().and_then(|p| serde_json::from_str(p).ok()).unwrap_or(Value::Null);
    Ok(no_store(attachment(&package, &format!("{}-{}-{}.json", row.site, row.kind.name(), row.id))))
}

/// The page a visitor verified on, as kept for the answer mail: an absolute `http(s)` address on
/// this server (`host`) or on an origin `site` allows, without query or fragment; else nothing.
pub fn page_to_keep(sites: &Sites, site: &str, host: &str, page: Option<&str>) -> Option<String> {
    let raw = page?.trim();
    let page = &raw[..raw.find(['?', '#']).unwrap_or(raw.len())];
    let (scheme, rest) = match page.strip_prefix("https://") {
        Some(rest) => ("https://", rest),
        None => ("http://", page.strip_prefix("http://")?),
    };
    let authority = rest.split('/').next().unwrap_or("");
    let origin = format!("{scheme}{authority}");
    let allowed = sites.get(site).is_some_and(|s| s.allowed_origins.contains(&origin));
    let own = !host.is_empty() && authority.eq_ignore_ascii_case(host);
    let clean = !page.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '@' | '\\'));
    let ok = !authority.is_empty() && (allowed || own) && clean && page.chars().count() <= MAX_PAGE_CHARS;
    ok.then(|| page.to_owned())
}
