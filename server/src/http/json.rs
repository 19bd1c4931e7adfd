//! [`StrictJson<T>`]: a request body read into its wire type (`privacy_widget::wire`), refused
//! as the API has always refused bodies: 400 `malformed-body` when it is not a JSON object (an
//! empty body counts as `{}`, whitespace does not), 422 `validation` naming the member at fault
//! (an unknown member by its own name, a missing one as `required`, a nested one by its dotted
//! path, `preferences.newsletter`).

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    response::IntoResponse,
};
use privacy_widget::wire::strict::{self, BodyError};
use serde::de::DeserializeOwned;

use super::problem::{Problem, ProblemKind};

/// A body decoded strictly into `T`; the rejection is the problem answer.
#[derive(Debug, Clone, PartialEq)]
pub struct StrictJson<T>(pub T);

impl From<BodyError> for Problem {
    fn from(e: BodyError) -> Problem {
        match e {
            BodyError::Malformed(detail) => Problem::new(ProblemKind::MalformedBody).detail(detail),
            BodyError::Field(field) => Problem::validation(vec![field]),
        }
    }
}

impl<T: DeserializeOwned> StrictJson<T> {
    /// Decodes `body` (what the extractor does, for a handler that must look at the headers
    /// before the body is judged).
    pub fn from_bytes(body: &[u8]) -> Result<StrictJson<T>, Problem> {
        Ok(StrictJson(strict::from_slice(body)?))
    }
}

impl<S, T> FromRequest<S> for StrictJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<StrictJson<T>, Problem> {
        let body = Bytes::from_request(request, state).await.map_err(|rejection| {
            let status = rejection.into_response().status();
            Problem::new(ProblemKind::for_status(status))
        })?;
        StrictJson::from_bytes(&body)
    }
}
