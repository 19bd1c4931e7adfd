//! `GET /policies/{site}.json`, the policy document the control panel and the privacy page
//! read: served from the policies the server validated and serves now, not from the file on
//! disk, so that the panel's policy is the one the API joins the data to, also while an edit
//! that failed validation (or is not reloaded yet) sits in the file. Other paths under
//! `/policies/` (the schema, a file that defines no loaded site) stay with the static files.

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use crate::{sites::Site, state::AppState};

/// Middleware: answers `GET`/`HEAD /policies/{name}` for a loaded site, by site id
/// (`{site}.json`) or by the name of its file when that file is in `<www>/policies`.
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let name = request.uri().path().strip_prefix("/policies/").filter(|n| !n.is_empty() && !n.contains('/'));
    let wanted = matches!(*request.method(), Method::GET | Method::HEAD);
    let Some(site) = name.filter(|_| wanted).and_then(|name| site_for(&state, name)) else {
        return next.run(request).await;
    };
    let etag = etag(&site.source);
    let not_modified = crate::notice::none_match(request.headers(), &etag);
    let mut response = if not_modified { StatusCode::NOT_MODIFIED.into_response() } else { site.source.to_string().into_response() };
    let out = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, v);
    }
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if !not_modified {
        out.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    response
}

/// The loaded site `name` stands for.
fn site_for(state: &AppState, name: &str) -> Option<std::sync::Arc<Site>> {
    let folder = state.config.www.join("policies");
    let by_id = name.strip_suffix(".json").and_then(|id| state.sites.get(id));
    by_id
        .or_else(|| state.sites.iter().find(|s| s.file.parent() == Some(folder.as_path()) && s.file.file_name().is_some_and(|f| f == name)))
        .cloned()
}

/// A strong tag: the first 128 bits of the text's SHA-256, quoted.
fn etag(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}
