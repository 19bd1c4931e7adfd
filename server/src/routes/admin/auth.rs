//! Who calls the admin API: the bearer token, compared by its SHA-256 in constant time against
//! every configured token (only the hashes are kept), and the sites it may see.

use axum::http::{header, HeaderMap, StatusCode};

use crate::{
    config::{AdminTokenHash, Settings},
    http::{Problem, ProblemKind},
};

/// What a token may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The server-wide `admin_token`: every site.
    All,
    /// A site's own token: that site only.
    Site(String),
}

impl Scope {
    /// 403 unless the token may see `site`.
    pub fn allow(&self, site: &str) -> Result<(), Problem> {
        match self {
            Scope::All => Ok(()),
            Scope::Site(own) if own == site => Ok(()),
            Scope::Site(_) => Err(forbidden()),
        }
    }

    /// The only site the token sees, if it is a site's token.
    pub fn site(&self) -> Option<&str> {
        match self {
            Scope::All => None,
            Scope::Site(s) => Some(s),
        }
    }
}

/// The scope of the request's bearer token, or 401 (missing, malformed or unknown token): its
/// hash is compared, in constant time, with every configured one (`admin_token` sees every
/// site, `sites[i].admin_token` its own), whichever matches.
pub fn admin_scope(settings: &Settings, headers: &HeaderMap) -> Result<Scope, Problem> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unauthorized("send Authorization: Bearer <admin_token>"))?;
    let hash = AdminTokenHash::of(given);
    // (hash, the site it is limited to)
    let configured = settings
        .admin_token
        .iter()
        .map(|t| (t, None))
        .chain(settings.sites.iter().filter_map(|site| Some((site.admin_token.as_ref()?, Some(site.id.as_str())))));
    let mut found = None;
    for (stored, site) in configured {
        if stored.matches(&hash) && found.is_none() {
            found = Some(site);
        }
    }
    match found {
        Some(None) => Ok(Scope::All),
        Some(Some(site)) => Ok(Scope::Site(site.to_owned())),
        None => Err(unauthorized("the admin token is not valid")),
    }
}

fn custom(base: ProblemKind, type_uri: &'static str, title: &'static str, status: StatusCode) -> Problem {
    let mut p = Problem::new(base);
    p.type_uri = type_uri;
    p.title = title;
    p.status = status.as_u16();
    p
}

/// 401: no valid admin token.
pub fn unauthorized(detail: &str) -> Problem {
    custom(ProblemKind::NotFound, "/problems/unauthenticated", "Not logged in", StatusCode::UNAUTHORIZED).detail(detail)
}

/// 403: a site's token used for another site.
pub fn forbidden() -> Problem {
    custom(ProblemKind::OriginNotAllowed, "/problems/forbidden", "Not allowed for this token", StatusCode::FORBIDDEN)
        .detail("this admin token belongs to another site")
}

/// 422: the request's status does not allow this transition.
pub fn illegal_transition(detail: String) -> Problem {
    custom(ProblemKind::Validation, "/problems/illegal-transition", "Not possible in the request's current status", StatusCode::UNPROCESSABLE_ENTITY)
        .detail(detail)
}
