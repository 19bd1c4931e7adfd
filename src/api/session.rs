//! The sign-in handoff on the panel's side: a token from the host panel's backend (a string, or
//! a function returning one or a promise of one) exchanged at `POST {api}/sessions` for a
//! session, which every later call to that backend carries as `Authorization: Bearer`. When
//! the backend answers 401 (the session expired), a token function is called again and the
//! call is retried once. Sessions are kept per backend base URL for the page's lifetime.

use crate::prelude::*;

use super::{ApiError, Reply};
use core::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where sign-in tokens come from (the `token` mount option).
#[derive(Clone)]
pub enum TokenSource {
    /// One token: signs in once (a new one needs a new mount).
    Fixed(String),
    /// Called for each sign-in; returns the token or a promise of it.
    Function(js_sys::Function),
}

impl TokenSource {
    /// The `token` option: a non-empty string or a function; anything else is not a source.
    pub fn from_js(value: &JsValue) -> Option<TokenSource> {
        if let Some(f) = value.dyn_ref::<js_sys::Function>() {
            return Some(TokenSource::Function(f.clone()));
        }
        value.as_string().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).map(TokenSource::Fixed)
    }

    /// A token now: the fixed one, or what the function returns (awaited when a promise).
    async fn token(&self) -> Result<String, ApiError> {
        let value = match self {
            TokenSource::Fixed(token) => return Ok(token.clone()),
            TokenSource::Function(f) => f.call0(&JsValue::UNDEFINED).map_err(|e| refused(&e))?,
        };
        let value = match value.dyn_into::<js_sys::Promise>() {
            Ok(promise) => JsFuture::from(promise).await.map_err(|e| refused(&e))?,
            Err(value) => value,
        };
        value.as_string().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).ok_or_else(|| {
            web_sys::console::error_1(&JsValue::from_str("privacy-widget: options.token gave no token (a non-empty string)"));
            ApiError::Malformed
        })
    }
}

impl core::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            TokenSource::Fixed(_) => "TokenSource::Fixed",
            TokenSource::Function(_) => "TokenSource::Function",
        })
    }
}

/// The token function failed: logged, and the panel says it cannot sign in.
fn refused(e: &JsValue) -> ApiError {
    web_sys::console::error_2(&JsValue::from_str("privacy-widget: options.token failed:"), e);
    ApiError::Unreachable
}

/// One backend's session.
struct Entry {
    /// The API base URL (`https://privacy.example/api/v1`).
    api: String,
    source: TokenSource,
    /// The session, once exchanged.
    bearer: Option<String>,
}

std::thread_local! {
    static SESSIONS: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// The entry whose base URL `url` is under: `api` itself or `api/…`.
fn position(entries: &[Entry], url: &str) -> Option<usize> {
    entries.iter().position(|e| url.strip_prefix(e.api.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with('?')))
}

/// Signs in to the backend at `api` with `source` (replacing an earlier source for it):
/// fetches a token and exchanges it.
pub async fn sign_in(api: &str, source: TokenSource) -> Result<(), ApiError> {
    SESSIONS.with(|s| {
        let mut entries = s.borrow_mut();
        entries.retain(|e| e.api != api);
        entries.push(Entry { api: api.to_owned(), source, bearer: None });
    });
    renew(api).await
}

/// A fresh token exchanged for a session at `api`.
async fn renew(api: &str) -> Result<(), ApiError> {
    let source = SESSIONS.with(|s| {
        let entries = s.borrow();
        entries.iter().find(|e| e.api == api).map(|e| e.source.clone())
    });
    let Some(source) = source else { return Err(ApiError::Rejected(401, String::new())) };
    let token = source.token().await?;
    let body = serde_json::json!({ "token": token }).to_string();
    let mut url = String::from(api);
    url.push_str("/sessions");
    let reply = super::send_json_once("POST", &url, &body).await.inspect_err(|e| {
        if let ApiError::Rejected(_, detail) = e {
            web_sys::console::error_2(&JsValue::from_str("privacy-widget: the sign-in token was refused:"), &JsValue::from_str(detail));
        }
    })?;
    let session = serde_json::from_str::<serde_json::Value>(&reply.body)
        .ok()
        .and_then(|v| v.get("session").and_then(|s| s.as_str()).map(str::to_owned))
        .ok_or(ApiError::Malformed)?;
    SESSIONS.with(|s| {
        if let Some(entry) = s.borrow_mut().iter_mut().find(|e| e.api == api) {
            entry.bearer = Some(session);
        }
    });
    Ok(())
}

/// `Bearer <session>` for a call to `url`, when signed in by token to its backend.
pub fn authorization(url: &str) -> Option<String> {
    SESSIONS.with(|s| {
        let entries = s.borrow();
        let entry = &entries[position(&entries, url)?];
        entry.bearer.as_ref().map(|b| {
            let mut h = String::from("Bearer ");
            h.push_str(b);
            h
        })
    })
}

/// After a call to `url` answered `result`: on a 401 from a backend signed in by token function,
/// signs in again and says so (the caller retries once); after a sign-out, forgets the session
/// so that nothing signs in again behind the customer's back.
pub async fn after(url: &str, result: &Result<Reply, ApiError>) -> bool {
    let entry = SESSIONS.with(|s| {
        let entries = s.borrow();
        position(&entries, url).map(|i| (entries[i].api.clone(), entries[i].bearer.is_some(), matches!(entries[i].source, TokenSource::Function(_))))
    });
    let Some((api, signed_in, renewable)) = entry else { return false };
    if result.is_ok() && url.ends_with("/logout") {
        SESSIONS.with(|s| s.borrow_mut().retain(|e| e.api != api));
        return false;
    }
    let expired = matches!(result, Err(ApiError::Rejected(401, _))) && !url.ends_with("/sessions");
    expired && signed_in && renewable && renew(&api).await.is_ok()
}
