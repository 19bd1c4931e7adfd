//! The sign-in handoff on the panel's side: a token from the host panel's backend (a string, or
//! a function returning one or a promise of one) exchanged at `POST {api}/sessions` for a
//! session, which every later call to that backend carries as `Authorization: Bearer`. When
//! the backend answers 401 (the session expired), a token function is called again, once for
//! all the calls that met the expired session, and each of them is retried once. Sessions are
//! kept per backend base URL for the page's lifetime.

use crate::prelude::*;

use super::{ApiError, Reply};
use alloc::rc::Rc;
use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
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

/// How an exchange ended (`None` while it runs), and the calls waiting for it.
#[derive(Default)]
struct Progress {
    outcome: Option<Result<(), ApiError>>,
    waiting: Vec<Waker>,
}

/// One token exchanged for a session: the first at sign-in, or a renewal after the session
/// expired. Every call that met the expired session waits for the same exchange (it is a future
/// of how it ended), so one token is asked for however many calls were under way (each `jti` is
/// good once, and a host backend may limit how often its token route is called).
#[derive(Clone)]
struct Exchange(Rc<RefCell<Progress>>);

impl Exchange {
    /// Starts exchanging a token from `source` at `api`. The session goes to the entry only while
    /// this is still its latest exchange (not after a sign-out or a new sign-in).
    fn start(api: &str, source: TokenSource) -> Exchange {
        let started = Exchange(Rc::default());
        let this = started.clone();
        let api = api.to_owned();
        wasm_bindgen_futures::spawn_local(async move {
            let ended = match exchange(&api, &source).await {
                Ok(session) => keep(&this, session),
                Err(e) => Err(e),
            };
            let waiting = {
                let mut progress = this.0.borrow_mut();
                progress.outcome = Some(ended);
                core::mem::take(&mut progress.waiting)
            };
            waiting.into_iter().for_each(Waker::wake);
        });
        started
    }

    fn is(&self, other: &Exchange) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    fn running(&self) -> bool {
        self.0.borrow().outcome.is_none()
    }
}

impl Future for Exchange {
    type Output = Result<(), ApiError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut progress = self.0.borrow_mut();
        match &progress.outcome {
            Some(outcome) => Poll::Ready(outcome.clone()),
            None => {
                progress.waiting.push(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// One backend's session.
struct Entry {
    /// The API base URL (`https://privacy.example/api/v1`).
    api: String,
    source: TokenSource,
    /// The session, once exchanged.
    bearer: Option<String>,
    /// The latest exchange: the sign-in's, or the latest renewal.
    latest: Exchange,
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
    let first = Exchange::start(api, source.clone());
    SESSIONS.with(|s| {
        let mut entries = s.borrow_mut();
        entries.retain(|e| e.api != api);
        entries.push(Entry { api: api.to_owned(), source, bearer: None, latest: first.clone() });
    });
    first.await
}

/// The session `exchange` gave, kept if that is still its entry's latest;
/// else the customer signed out (or in again) meanwhile and the session is not theirs.
fn keep(exchange: &Exchange, session: String) -> Result<(), ApiError> {
    SESSIONS.with(|s| {
        let mut entries = s.borrow_mut();
        let entry = entries.iter_mut().find(|e| e.latest.is(exchange)).ok_or(ApiError::Rejected(401, String::new()))?;
        entry.bearer = Some(session);
        Ok(())
    })
}

/// A fresh token from `source` exchanged for a session at `api`.
async fn exchange(api: &str, source: &TokenSource) -> Result<String, ApiError> {
    let token = source.token().await?;
    let body = serde_json::json!({ "token": token }).to_string();
    let mut url = String::from(api);
    url.push_str("/sessions");
    let reply = super::send_json_once("POST", &url, &body).await.inspect_err(|e| {
        if let ApiError::Rejected(_, detail) = e {
            web_sys::console::error_2(&JsValue::from_str("privacy-widget: the sign-in token was refused:"), &JsValue::from_str(detail));
        }
    })?;
    serde_json::from_str::<serde_json::Value>(&reply.body)
        .ok()
        .and_then(|v| v.get("session").and_then(|s| s.as_str()).map(str::to_owned))
        .ok_or(ApiError::Malformed)
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

/// Which exchange gave the session a call to `url` is sent with (taken just before sending).
pub struct Ticket(Option<Exchange>);

/// The [`Ticket`] of a call to `url` sent now.
pub fn ticket(url: &str) -> Ticket {
    Ticket(SESSIONS.with(|s| {
        let entries = s.borrow();
        position(&entries, url).map(|i| entries[i].latest.clone())
    }))
}

/// What a call does with its answer ([`after`]).
pub enum Next {
    /// Keep the answer.
    Keep,
    /// Send the call once more: the session was renewed.
    Retry,
    /// The session expired and could not be renewed: this is why (the same for every call that
    /// waited for that renewal).
    Fail(ApiError),
}

/// After a call to `url` sent with `ticket` answered `result`. On a 401 from a backend signed in
/// by token function the session is renewed, once for every call that met the expired session:
/// the first such call starts the renewal, the others wait for it, and all of them are retried
/// (or fail with its error). After a sign-out the session is forgotten, so that nothing signs in
/// again behind the customer's back.
pub async fn after(url: &str, ticket: Ticket, result: &Result<Reply, ApiError>) -> Next {
    if result.is_ok() && url.ends_with("/logout") {
        SESSIONS.with(|s| {
            let mut entries = s.borrow_mut();
            if let Some(i) = position(&entries, url) {
                entries.remove(i);
            }
        });
    }
    if !matches!(result, Err(ApiError::Rejected(401, _))) || url.ends_with("/sessions") {
        return Next::Keep;
    }
    let renewal = SESSIONS.with(|s| {
        let mut entries = s.borrow_mut();
        let i = position(&entries, url)?;
        let entry = &mut entries[i];
        let running = entry.latest.running();
        let since = !ticket.0.as_ref().is_some_and(|t| t.is(&entry.latest));
        if running || since {
            // An exchange started after this call was sent, or is still running: its session
            // is the one to use.
            return Some(entry.latest.clone());
        }
        if entry.bearer.is_none() || !matches!(entry.source, TokenSource::Function(_)) {
            return None;
        }
        entry.latest = Exchange::start(&entry.api, entry.source.clone());
        Some(entry.latest.clone())
    });
    match renewal {
        None => Next::Keep,
        Some(renewal) => match renewal.await {
            Ok(()) => Next::Retry,
            Err(e) => Next::Fail(e),
        },
    }
}
