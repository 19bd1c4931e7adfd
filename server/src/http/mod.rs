//! The HTTP toolkit the routes are built from: problem+json answers ([`problem`], the panel's
//! own types in [`problems`]), strict JSON bodies ([`json`]), the request's policy generation
//! ([`policies`]), the client
//! address ([`client`]), the session cookie ([`cookies`]), the CSRF guard and body helpers
//! ([`guard`]), CORS ([`cors`]) and rate limits ([`limits`]) as layers, and the headers every
//! response gets ([`headers`]).

pub mod client;
pub mod cookies;
pub mod cors;
pub mod guard;
pub mod headers;
pub mod json;
pub mod limits;
pub mod policies;
pub mod problem;
pub mod problems;

pub use json::StrictJson;
pub use policies::Policies;
pub use problem::{FieldError, Problem, ProblemKind};
