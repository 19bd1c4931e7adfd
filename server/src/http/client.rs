//! Who is calling: the client IP from the socket peer, or from `X-Forwarded-For` when the peer
//! is a trusted reverse proxy (`trusted_proxies`); recorded once per request as [`ClientIp`].

use std::{
    net::{IpAddr, SocketAddr},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::HeaderMap,
    middleware::Next,
    response::Response,
};

use crate::config::Settings;

/// The client's address as the server believes it; `None` when there is no socket peer
/// (an in-process call) and no forwarded address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

/// Set once we have warned about an ignored `X-Forwarded-For`.
static WARNED: AtomicBool = AtomicBool::new(false);

/// The client address for a request from `peer` (the TCP peer, if known).
///
/// A trusted proxy's `X-Forwarded-For` is read from the right, skipping trusted proxies, so a
/// client cannot pick its own address by sending the header itself. Without a socket peer (a
/// request handed to the router in-process) the first entry is taken as given.
pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, settings: &Settings) -> Option<IpAddr> {
    let forwarded = || {
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter_map(|v| v.parse::<IpAddr>().ok())
            .collect::<Vec<_>>()
    };
    let Some(peer) = peer else {
        return forwarded().first().copied();
    };
    if !settings.is_trusted_proxy(peer) {
        if headers.contains_key("x-forwarded-for") && !WARNED.swap(true, Ordering::Relaxed) {
            tracing::warn!(%peer, "X-Forwarded-For from a peer that is not a trusted proxy is ignored (see trusted_proxies)");
        }
        return Some(peer);
    }
    let chain = forwarded();
    Some(chain.iter().rev().find(|ip| !settings.is_trusted_proxy(**ip)).copied().unwrap_or(peer))
}

/// Middleware: records the [`ClientIp`] of every request.
pub async fn record(State(settings): State<Arc<Settings>>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    let ip = resolve(peer, request.headers(), &settings);
    request.extensions_mut().insert(ClientIp(ip));
    next.run(request).await
}
