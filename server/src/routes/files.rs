//! The static files: the demo site at `/` (with `index.html` for folders), the built widget at
//! `/widget/`, both with precompressed variants, and `GET /policies/{name}`, the policy
//! document the control panel and the privacy page read: served from the policies the server
//! validated and serves now, not from the file on disk, so that the panel's policy is the one
//! the API joins the data to, also while an edit that failed validation (or is not reloaded
//! yet) sits in the file. Other names under `/policies/` (the schema, a file that defines no
//! loaded site) are the demo site's files.

use std::{path::Path, sync::Arc};

use axum::{
    extract::{Path as UrlPath, Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::{
    config::Settings,
    http::{Policies, Problem, ProblemKind},
    notice::none_match,
    sites::{Site, Sites},
    state::AppState,
};

/// The demo site folder, with `index.html` for directories and precompressed variants.
pub fn www_service(dir: &Path) -> ServeDir {
    ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .precompressed_br()
        .precompressed_gzip()
}

/// The built widget folder (loader, glue, wasm, css).
pub fn widget_service(dir: &Path) -> ServeDir {
    ServeDir::new(dir).precompressed_br().precompressed_gzip()
}

/// The static-file group: the policy documents, the widget, and the demo site as the fallback.
pub fn router(settings: &Settings) -> Router<AppState> {
    Router::new()
        .route("/policies/{name}", get(policy_document))
        .nest_service("/widget", widget_service(&settings.widget_dir))
        .fallback_service(www_service(&settings.www))
}

/// `GET`/`HEAD /policies/{name}` for a loaded site, by site id (`{site}.json`) or by the name of
/// its file when that file is in `<www>/policies`; any other name is the demo site's file.
async fn policy_document(
    State(settings): State<Arc<Settings>>,
    policies: Policies,
    UrlPath(name): UrlPath<String>,
    request: Request,
) -> Response {
    let Some(site) = site_for(&policies.sites, &settings.www, &name) else {
        let Ok(response) = www_service(&settings.www).oneshot(request).await;
        if response.status() == StatusCode::NOT_FOUND {
            return Problem::new(ProblemKind::NotFound).detail(format!("no policy document {name:?}")).into_response();
        }
        return response.into_response();
    };
    let etag = etag(&site.source);
    let not_modified = none_match(request.headers(), &etag);
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
fn site_for(sites: &Sites, www: &Path, name: &str) -> Option<Arc<Site>> {
    let folder = www.join("policies");
    let by_id = name.strip_suffix(".json").and_then(|id| sites.get(id));
    by_id
        .or_else(|| sites.iter().find(|s| s.file.parent() == Some(folder.as_path()) && s.file.file_name().is_some_and(|f| f == name)))
        .cloned()
}

/// A strong tag: the first 128 bits of the text's SHA-256, quoted.
fn etag(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}
