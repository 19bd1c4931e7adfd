//! The consent notice of each site (`GET /api/v1/sites/{site}/notice?lang=nl`): the
//! browser-consent part of the site's validated policy in one language, compiled by
//! `privacy_widget::consent::Notice`. The marketing-page module reads only this, never the
//! whole policy. Each (site, language) is compiled once, on its first request, and kept as
//! bytes: plain, gzip and brotli, each with a strong `ETag` (the hash of those bytes). A
//! reloaded policy starts its site's cache afresh ([`Notices::renew`]): new body, new `ETag`.

mod cli;
mod encoded;

use std::{collections::BTreeMap, sync::Arc, sync::OnceLock};

use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use privacy_widget::{consent::Notice, i18n::Lang, policy::Policy};

use crate::{
    problem::{Problem, ProblemKind},
    sites::Sites,
    state::AppState,
};
pub use cli::{run, NoticeArgs};
pub use encoded::{none_match, Coding, Encoded};

/// `Cache-Control` of a notice: kept, but revalidated on every use, so that a new policy
/// version is seen at once while an unchanged one costs a 304.
pub const CACHE_CONTROL: &str = "no-cache";

/// The notice route (CORS and the rate-limit exemption are in [`crate::cors`] and [`crate::limits`]).
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/sites/{site}/notice", get(notice))
}

/// The site id in a notice path (`/api/v1/sites/{site}/notice`), if `path` is one.
pub fn site_of_path(path: &str) -> Option<&str> {
    path.strip_prefix("/api/v1/sites/")
        .and_then(|rest| rest.strip_suffix("/notice"))
        .filter(|site| !site.is_empty() && !site.contains('/'))
}

/// Every language a notice can be in (the widget's catalogs).
const LANGS: [Lang; 2] = [Lang::Nl, Lang::En];

/// The slot of a language in [`LANGS`] (a new language fails to compile here until added).
fn slot(lang: Lang) -> usize {
    match lang {
        Lang::Nl => 0,
        Lang::En => 1,
    }
}

/// One site's policy and its notices, compiled on first use.
struct SiteNotices {
    policy: Arc<Policy>,
    compiled: [OnceLock<Arc<Encoded>>; LANGS.len()],
}

impl SiteNotices {
    fn get(&self, requested: &str) -> Arc<Encoded> {
        let lang = Notice::language_for(&self.policy, requested);
        self.compiled[slot(lang)]
            .get_or_init(|| Arc::new(Encoded::new(Notice::compile(&self.policy, lang).to_json().into_bytes())))
            .clone()
    }
}

/// The notices of every loaded site.
#[derive(Default)]
pub struct Notices {
    by_site: BTreeMap<String, Arc<SiteNotices>>,
}

impl Notices {
    /// Notices for the loaded (validated) sites; nothing is compiled yet.
    pub fn new(sites: &Sites) -> Notices {
        let by_site = sites
            .iter()
            .map(|site| {
                let notices = SiteNotices { policy: site.policy.clone(), compiled: Default::default() };
                (site.id.clone(), Arc::new(notices))
            })
            .collect();
        Notices { by_site }
    }

    /// Notices for `sites` after a reload: a site whose policy is the same `Arc` as here keeps
    /// what is compiled; a changed or new one is compiled anew on its first request.
    pub fn renew(&self, sites: &Sites) -> Notices {
        let by_site = sites
            .iter()
            .map(|site| {
                let notices = match self.by_site.get(&site.id) {
                    Some(kept) if Arc::ptr_eq(&kept.policy, &site.policy) => kept.clone(),
                    _ => Arc::new(SiteNotices { policy: site.policy.clone(), compiled: Default::default() }),
                };
                (site.id.clone(), notices)
            })
            .collect();
        Notices { by_site }
    }

    /// The notice of `site` for the requested language tag (`nl`, `en-GB`, or empty for the
    /// policy's default), chosen by `Notice::language_for`; `None` for an unknown site.
    pub fn get(&self, site: &str, requested: &str) -> Option<Arc<Encoded>> {
        self.by_site.get(site).map(|s| s.get(requested))
    }
}

/// 200 with the notice (in the coding the client accepts best), 304 when `If-None-Match`
/// names it, 404 for an unknown site.
async fn notice(
    State(state): State<AppState>,
    Path(site): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    // Any query is accepted (a repeated `lang`: the first); only `lang` is read.
    let requested = query.iter().find(|(k, _)| k == "lang").map_or("", |(_, v)| v.as_str());
    let Some(notice) = state.notices.get(&site, requested) else {
        return Problem::new(ProblemKind::NotFound).detail(format!("no site {site:?}")).into_response();
    };
    let coding = Coding::negotiate(&headers);
    let (etag, body) = notice.representation(coding);
    let not_modified = encoded::none_match(&headers, etag);
    let mut response = if not_modified { StatusCode::NOT_MODIFIED.into_response() } else { body.clone().into_response() };
    let out = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        out.insert(header::ETAG, v);
    }
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    out.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if !not_modified {
        out.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(name) = coding.header() {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_notice_paths_name_a_site() {
        assert_eq!(site_of_path("/api/v1/sites/pcextreme/notice"), Some("pcextreme"));
        for path in ["/api/v1/sites//notice", "/api/v1/sites/a/b/notice", "/api/v1/sites/a/notice/x", "/api/v1/sites/a"] {
            assert_eq!(site_of_path(path), None, "{path}");
        }
    }

    #[test]
    fn every_language_has_its_own_slot() {
        let slots: Vec<usize> = LANGS.iter().map(|l| slot(*l)).collect();
        assert_eq!(slots, (0..LANGS.len()).collect::<Vec<_>>());
    }
}
