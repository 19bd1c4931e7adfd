//! `GET /healthz`: the process is up and the database answers.

use axum::{extract::State, Json};
use serde_json::{json, Value};

use crate::{problem::Problem, state::AppState};

/// 200 `{"status":"ok"}` after a trivial query; 503/500 problem otherwise.
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, Problem> {
    state
        .db
        .read(|conn| conn.query_one("SELECT 1", &[])?.get::<i64>(0))
        .await?;
    Ok(Json(json!({ "status": "ok" })))
}
