//! The backend client: fetch with a timeout, JSON bodies, idempotency keys, and the
//! [`outbox`] that keeps a write until the backend acknowledges it.

pub mod outbox;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Request, RequestCredentials, RequestInit, Response};

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

/// GETs `url` (same-origin credentials) and returns the body of a 2xx answer.
pub async fn get_text(url: &str) -> Result<String, ApiError> {
    let init = RequestInit::new();
    init.set_method("GET");
    call(url, init, &[("Accept", "application/json")]).await.map(|r| r.body)
}

/// Sends `body` (JSON text) with `method`, an optional `Idempotency-Key`, and returns the reply.
pub async fn send_json(
    method: &str,
    url: &str,
    body: &str,
    idempotency_key: Option<&str>,
) -> Result<Reply, ApiError> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_body(&JsValue::from_str(body));
    let mut headers = vec![("Content-Type", "application/json"), ("Accept", "application/json")];
    if let Some(key) = idempotency_key {
        headers.push(("Idempotency-Key", key));
    }
    call(url, init, &headers).await
}

async fn call(url: &str, init: RequestInit, headers: &[(&str, &str)]) -> Result<Reply, ApiError> {
    let window = web_sys::window().ok_or(ApiError::Unreachable)?;
    let controller = AbortController::new().map_err(|_| ApiError::Unreachable)?;
    init.set_signal(Some(&controller.signal()));
    init.set_credentials(RequestCredentials::SameOrigin);
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| ApiError::Unreachable)?;
    for (name, value) in headers {
        request.headers().set(name, value).map_err(|_| ApiError::Unreachable)?;
    }
    let abort = controller.clone();
    let timer = gloo_timers::callback::Timeout::new(TIMEOUT_MS, move || abort.abort());
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
    match outcome {
        Err(_) if timed_out => Err(ApiError::Timeout),
        Err(e) => Err(e),
        Ok(r) if (200..300).contains(&r.status) => Ok(r),
        Ok(r) if r.status >= 500 => Err(ApiError::Server(r.status)),
        Ok(r) => Err(ApiError::Rejected(r.status, r.body)),
    }
}
