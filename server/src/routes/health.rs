//! `GET /healthz`: the process is up and the database answers.

use axum::{extract::State, Json};
use serde::Serialize;

use crate::{db::Db, http::Problem};

/// The answer: `{"status":"ok"}`.
#[derive(Debug, Serialize)]
pub struct Health {
    /// Always `ok` (a failure is a problem answer).
    pub status: &'static str,
}

/// 200 `{"status":"ok"}` after a trivial query; 503/500 problem otherwise.
pub async fn healthz(State(db): State<Db>) -> Result<Json<Health>, Problem> {
    db.read(|conn| conn.query_one("SELECT 1", &[])?.get::<i64>(0)).await?;
    Ok(Json(Health { status: "ok" }))
}
