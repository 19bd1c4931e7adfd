//! privacy-widget-server: the reference backend of privacy-widget (axum + SQLite or PostgreSQL).
//!
//! The top-level modules form layers; each uses only those listed before it (checked by
//! `tests/layers.rs` from the `use crate::…` paths):
//!
//! 1. foundation: [`config`] (the settings, plain data), [`time`], [`field`];
//! 2. [`db`]: storage (SQLite, PostgreSQL), the batching writer, migrations;
//! 3. domain services: [`sites`] (the validated policies), [`notice`] (the compiled consent
//!    notices), [`live`] (the generation being served and its reloading), [`limiter`] (rate-limit
//!    buckets), [`consents`] (proof of consent), [`panel`] (customers, sessions, data-subject
//!    requests, mail), [`identity`] (sign-in tokens from a site's panel backend), [`events`]
//!    (signed webhooks to the company's systems), [`lint`] (policy findings logged as warnings),
//!    [`retention`] (deleting the server's own data when its period ends, C-E2);
//! 4. [`state`]: the services shared by every request ([`AppState`], sub-states through `FromRef`);
//! 5. [`http`]: problem+json, extractors (strict JSON bodies, the policy generation of the
//!    request, the session cookie), CORS, rate limits and response headers as layers;
//! 6. [`routes`]: the route groups (public API, panel API, static files), each with its layers;
//! 7. [`app`]: the one router; 8. [`serve`]: start-up and shutdown; 9. [`cli`]: the command line.

#![deny(missing_docs)]


pub mod config;
pub mod field;
pub mod time;

pub mod db;

pub mod consents;
pub mod events;
pub mod identity;
pub mod limiter;
pub mod lint;
pub mod live;
pub mod notice;
pub mod panel;
pub mod retention;
pub mod sites;

pub mod state;

pub mod http;

pub mod routes;

pub mod app;

pub mod serve;

pub mod cli;

pub use app::{app, BODY_LIMIT, REQUEST_TIMEOUT};
pub use state::AppState;
