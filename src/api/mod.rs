//! The backend client: fetch with a timeout, JSON bodies, idempotency keys, and the
//! [`outbox`] that keeps a write until the backend acknowledges it.

use crate::prelude::*;

pub mod outbox;
#[cfg(feature = "panel")]
pub mod session;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
#[cfg(feature = "panel")]
use wasm_bindgen_futures::JsFuture;
use crate::browser::js;
use js_sys::Object;
use web_sys::{AbortController, Request, RequestInit, Response};

/// How a call to the backend failed, in terms the UI can explain to a visitor. `Display`
/// writes [`ApiError::message`]; the wasm paths use `message` (no formatting machinery).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("{}", self.message())]
    Unreachable,
    #[error("{}", self.message())]
    Timeout,
    #[error("{}", self.message())]
    Server(u16),
    #[error("{}", self.message())]
    Rejected(u16, String),
    #[error("{}", self.message())]
    Malformed,
}

impl ApiError {
    /// What went wrong, in words.
    pub fn message(&self) -> &'static str {
        match self {
            ApiError::Unreachable => "the server could not be reached",
            ApiError::Timeout => "the server did not answer in time",
            ApiError::Server(_) => "the server answered with an error",
            ApiError::Rejected(..) => "the request was refused",
            ApiError::Malformed => "the server's answer could not be read",
        }
    }

    /// Whether trying again later may succeed (network, timeout, 5xx, 429).
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Unreachable | ApiError::Timeout | ApiError::Malformed | ApiError::Server(_) => true,
            ApiError::Rejected(status, _) => *status == 429 || *status == 408,
        }
    }
}

/// A successful answer: status and body text.
pub struct Reply {
    pub status: u16,
    pub body: String,
}

/// Default time a call may take before it is abandoned.
pub const TIMEOUT_MS: u32 = 8_000;

/// What a finished call hands to its callback.
pub type Done = Box<dyn FnOnce(Result<Reply, ApiError>)>;

/// GETs `url` (same-origin credentials) and returns the body of a 2xx answer.
#[cfg(feature = "panel")]
pub async fn get_text(url: &str) -> Result<String, ApiError> {
    call(url, get_init(), &[ACCEPT]).await.map(|r| r.body)
}

/// [`get_text`] with a callback: the marketing page's form (its wasm has no futures machinery).
pub fn get_text_then(url: &str, done: impl FnOnce(Result<String, ApiError>) + 'static) {
    call_then(url, get_init(), &[ACCEPT], Box::new(move |r| done(r.map(|r| r.body))));
}

/// Sends `body` (JSON text) with `method`, an optional `Idempotency-Key`, and returns the reply.
#[cfg(feature = "panel")]
pub async fn send_json(
    method: &str,
    url: &str,
    body: &str,
    idempotency_key: Option<&str>,
) -> Result<Reply, ApiError> {
    let (init, headers) = json_init(method, body, idempotency_key);
    call(url, init, &headers).await
}

/// [`send_json`] without the session renewal (the sign-in exchange itself).
#[cfg(feature = "panel")]
async fn send_json_once(method: &str, url: &str, body: &str) -> Result<Reply, ApiError> {
    let (init, headers) = json_init(method, body, None);
    call_once(url, &init, &headers).await
}

/// [`send_json`] with a callback.
pub fn send_json_then(method: &str, url: &str, body: &str, idempotency_key: Option<&str>, done: Done) {
    let (init, headers) = json_init(method, body, idempotency_key);
    call_then(url, init, &headers, done);
}

const ACCEPT: (&str, &str) = ("Accept", "application/json");

/// A `RequestInit` as a plain object: the dictionary type's setters would each be an import in
/// the marketing page's module.
fn get_init() -> Object {
    let init = Object::new();
    js::set_str(&init, "method", "GET");
    init
}

fn json_init<'a>(method: &str, body: &str, idempotency_key: Option<&'a str>) -> (Object, Vec<(&'static str, &'a str)>) {
    let init = Object::new();
    js::set_str(&init, "method", method);
    js::set_str(&init, "body", body);
    let mut headers = vec![("Content-Type", "application/json"), ACCEPT];
    if let Some(key) = idempotency_key {
        headers.push(("Idempotency-Key", key));
    }
    (init, headers)
}

/// The request with its abort signal, credentials and headers.
fn prepare(url: &str, init: &Object, headers: &[(&str, &str)]) -> Result<(web_sys::Window, AbortController, Request), ApiError> {
    let window = js::window().ok_or(ApiError::Unreachable)?;
    let controller = AbortController::new().map_err(|_| ApiError::Unreachable)?;
    js::set(init, "signal", &controller.signal());
    js::set_str(init, "credentials", "same-origin");
    let request = Request::new_with_str_and_init(url, init.unchecked_ref::<RequestInit>()).map_err(|_| ApiError::Unreachable)?;
    for (name, value) in headers {
        request.headers().set(name, value).map_err(|_| ApiError::Unreachable)?;
    }
    // A session from the sign-in handoff goes along to its backend (not in the marketing build).
    #[cfg(feature = "panel")]
    if let Some(bearer) = session::authorization(url) {
        request.headers().set("Authorization", &bearer).map_err(|_| ApiError::Unreachable)?;
    }
    Ok((window, controller, request))
}

/// The call's result from what happened: a failure after the timeout is a timeout; a 2xx is
/// the reply, a 5xx a server error, any other status a refusal with the body.
fn classify(outcome: Result<Reply, ApiError>, timed_out: bool) -> Result<Reply, ApiError> {
    match outcome {
        Err(_) if timed_out => Err(ApiError::Timeout),
        Err(e) => Err(e),
        Ok(r) if (200..300).contains(&r.status) => Ok(r),
        Ok(r) if r.status >= 500 => Err(ApiError::Server(r.status)),
        Ok(r) => Err(ApiError::Rejected(r.status, r.body)),
    }
}

/// [`call_once`], once more after the session from the sign-in handoff was renewed (a 401 with
/// a token function: the session had expired); a 401 after the renewal is the answer.
#[cfg(feature = "panel")]
async fn call(url: &str, init: Object, headers: &[(&str, &str)]) -> Result<Reply, ApiError> {
    let ticket = session::ticket(url);
    let first = call_once(url, &init, headers).await;
    match session::after(url, ticket, &first).await {
        session::Next::Keep => first,
        session::Next::Retry => call_once(url, &init, headers).await,
        session::Next::Fail(e) => Err(e),
    }
}

#[cfg(feature = "panel")]
async fn call_once(url: &str, init: &Object, headers: &[(&str, &str)]) -> Result<Reply, ApiError> {
    let (window, controller, request) = prepare(url, init, headers)?;
    let abort = controller.clone();
    let timer = crate::browser::events::Timeout::new(TIMEOUT_MS, move || abort.abort());
    let outcome = async {
        let response: Response = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(|_| ApiError::Unreachable)?
            .dyn_into()
            .map_err(|_| ApiError::Malformed)?;
        let status = response.status();
        let text = response.text().map_err(|_| ApiError::Malformed)?;
        let body = JsFuture::from(text).await.map_err(|_| ApiError::Malformed)?;
        let body = body.as_string().ok_or(ApiError::Malformed)?;
        Ok::<Reply, ApiError>(Reply { status, body })
    }
    .await;
    let timed_out = controller.signal().aborted();
    drop(timer);
    classify(outcome, timed_out)
}

#[wasm_bindgen]
extern "C" {
    /// A promise, with `then` taking plain functions: one self-freeing function serves as
    /// both handlers (it is called exactly once).
    #[wasm_bindgen(extends = js_sys::Promise)]
    type Settles;
    #[wasm_bindgen(method, js_name = then)]
    fn then_both(this: &Settles, on_settled: &JsValue, on_settled_too: &JsValue) -> js_sys::Promise;
}

/// Calls `f` with the promise's value or rejection reason (one closure type for every use).
fn when_settled(promise: &js_sys::Promise, f: Box<dyn FnOnce(JsValue)>) {
    let f = Closure::once_into_js(move |value: JsValue| f(value));
    let _ = promise.unchecked_ref::<Settles>().then_both(&f, &f);
}

/// [`call`] with a callback (no futures): fetch, then the body, with the same timeout and
/// the same errors.
fn call_then(url: &str, init: Object, headers: &[(&str, &str)], done: Done) {
    let (window, controller, request) = match prepare(url, &init, headers) {
        Ok(prepared) => prepared,
        Err(e) => return done(Err(e)),
    };
    let abort = controller.clone();
    let timer = crate::browser::events::Timeout::new(TIMEOUT_MS, move || abort.abort());
    let finish = move |outcome| {
        let timed_out = controller.signal().aborted();
        drop(timer);
        done(classify(outcome, timed_out));
    };
    when_settled(&window.fetch_with_request(&request), Box::new(move |value| {
        // Resolved: a Response; rejected (network, abort): an error.
        let Ok(response) = value.dyn_into::<Response>() else { return finish(Err(ApiError::Unreachable)) };
        let status = response.status();
        let Ok(text) = response.text() else { return finish(Err(ApiError::Malformed)) };
        // Resolved: the body text; rejected: an error, never a string.
        when_settled(&text, Box::new(move |body| finish(body.as_string().map(|body| Reply { status, body }).ok_or(ApiError::Malformed))));
    }));
}
