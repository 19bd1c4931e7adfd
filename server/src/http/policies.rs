//! The policy generation a request is served under: taken once, when the request arrives
//! ([`take`], the outermost layer that needs it), and read from then on by every layer and the
//! handler ([`Policies`]), so a reload in the middle of a request never mixes two policies.

use std::{convert::Infallible, ops::Deref, sync::Arc};

use axum::{
    extract::{FromRef, FromRequestParts, Request, State},
    http::request::Parts,
    middleware::Next,
    response::Response,
};

use crate::live::{Generation, LiveSites};

/// The sites and notices of the generation the request is served under.
#[derive(Clone)]
pub struct Policies(pub Arc<Generation>);

impl Deref for Policies {
    type Target = Generation;

    fn deref(&self) -> &Generation {
        &self.0
    }
}

impl<S> FromRequestParts<S> for Policies
where
    Arc<LiveSites>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Infallible;

    /// The generation [`take`] recorded; without that layer, the current one, recorded now.
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Policies, Infallible> {
        if let Some(taken) = parts.extensions.get::<Policies>() {
            return Ok(taken.clone());
        }
        let taken = Policies(Arc::<LiveSites>::from_ref(state).current());
        parts.extensions.insert(taken.clone());
        Ok(taken)
    }
}

/// Middleware: records the generation being served as the request's [`Policies`].
pub async fn take(State(live): State<Arc<LiveSites>>, mut request: Request, next: Next) -> Response {
    request.extensions_mut().insert(Policies(live.current()));
    next.run(request).await
}
