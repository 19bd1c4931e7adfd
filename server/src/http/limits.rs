//! The rate limits as layers: per client IP on the API routes, per session cookie on the panel
//! API (the route groups choose); an exceeded limit is 429 `/problems/too-many-requests` with
//! `Retry-After`. Preflights are not counted. The per-subject limit of the consent API is taken
//! by its handlers (a POST's subject is in its body, checked after validation).

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::{
    client::ClientIp,
    cookies,
    problem::{Problem, ProblemKind},
};
use crate::limiter::{Limited, Limiter, Scope};

impl IntoResponse for Limited {
    fn into_response(self) -> Response {
        let what = match self.scope {
            Scope::Ip => "from this address",
            Scope::Session => "in this session",
            Scope::Subject => "for this consent id",
        };
        let mut response = Problem::new(ProblemKind::TooManyRequests)
            .detail(format!("too many requests {what}; retry later"))
            .into_response();
        let seconds = self.retry_after.as_secs() + u64::from(self.retry_after.subsec_nanos() > 0);
        if let Ok(v) = HeaderValue::from_str(&seconds.max(1).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// Layer: the per-IP limit ([`ClientIp`]); loopback clients skip it when `exempt_loopback`.
pub async fn per_ip(State(limiter): State<Arc<Limiter>>, request: Request, next: Next) -> Response {
    if request.method() != Method::OPTIONS {
        let ip = request.extensions().get::<ClientIp>().and_then(|c| c.0);
        let exempt = ip.is_some_and(|ip| limiter.limits().exempt_loopback && ip.is_loopback());
        if !exempt {
            let key = ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
            if let Err(limited) = limiter.check(Scope::Ip, &key) {
                return limited.into_response();
            }
        }
    }
    next.run(request).await
}

/// Layer: the per-session limit, for requests that carry a well-formed session (cookie or bearer).
pub async fn per_session(State(limiter): State<Arc<Limiter>>, request: Request, next: Next) -> Response {
    if request.method() != Method::OPTIONS {
        if let Some(token) = cookies::request_token(request.headers()) {
            if let Err(limited) = limiter.check(Scope::Session, &token) {
                return limited.into_response();
            }
        }
    }
    next.run(request).await
}
