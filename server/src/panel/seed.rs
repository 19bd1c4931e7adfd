//! Demo customers (`server/seed/{site}.json`, embedded): inserted once, when no customer exists,
//! for every loaded site that has a seed file.

use serde_json::Value;

use super::store;
use crate::{
    db::{Conn, DbError},
    params,
    sites::Sites,
};

/// The embedded seed files by site id.
const SEEDS: &[(&str, &str)] = &[
    ("pcextreme", include_str!("../../seed/pcextreme.json")),
    ("host-tracker", include_str!("../../seed/host-tracker.json")),
    ("webanizr", include_str!("../../seed/webanizr.json")),
    ("manetti", include_str!("../../seed/manetti.json")),
    ("webhost", include_str!("../../seed/webhost.json")),
];

/// Inserts the demo customers of every loaded site when the customer table is empty;
/// returns how many were inserted (0 when there were customers already: idempotent).
pub fn seed_if_empty(conn: &Conn, sites: &Sites) -> Result<usize, DbError> {
    let existing: i64 = conn.query_one("SELECT COUNT(*) FROM customers", params![])?.get(0)?;
    if existing > 0 {
        return Ok(0);
    }
    let now = crate::time::now_ms();
    let mut count = 0;
    for (site_id, text) in SEEDS {
        let Some(site) = sites.get(site_id) else { continue };
        let Ok(seed) = serde_json::from_str::<Value>(text) else {
            tracing::error!(site = site_id, "seed file is not JSON");
            continue;
        };
        for customer in seed["customers"].as_array().into_iter().flatten() {
            insert_customer(conn, site_id, &site.version, customer, now)?;
            count += 1;
        }
    }
    if count > 0 {
        tracing::info!(customers = count, "seeded demo customers");
    }
    Ok(count)
}

fn insert_customer(conn: &Conn, site: &str, version: &str, c: &Value, now: i64) -> Result<(), DbError> {
    let s = |key: &str| c[key].as_str().unwrap_or_default();
    let id: i64 = conn
        .query_one(
            "INSERT INTO customers (site, handle, display_name, email, plan, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             RETURNING id",
            params![site, s("id"), s("name"), &s("email").to_lowercase(), c["plan"].as_str(), now],
        )?
        .get(0)?;
    for (event, date) in c["events"].as_object().into_iter().flatten() {
        conn.execute(
            "INSERT INTO customer_events (customer_id, event, date) VALUES (?1, ?2, ?3)",
            params![id, event, date.as_str().unwrap_or_default()],
        )?;
    }
    for v in c["values"].as_array().into_iter().flatten() {
        let events = v.get("events").cloned().unwrap_or_else(|| Value::Object(Default::default()));
        conn.execute(
            "INSERT INTO customer_values (customer_id, category, field, value, events) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id,
                v["category"].as_str().unwrap_or_default(),
                v["field"].as_str().unwrap_or_default(),
                v["value"].as_str().unwrap_or_default(),
                &events.to_string()
            ],
        )?;
    }
    for (purpose, granted) in c["preferences"].as_object().into_iter().flatten() {
        store::insert_preference(conn, id, purpose, granted.as_bool().unwrap_or(false), version, "seed", now)?;
    }
    Ok(())
}
