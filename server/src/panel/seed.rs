//! Demo customers (`server/seed/{site}.json`, embedded): inserted once, when no customer exists,
//! for every loaded site that has a seed file.

use std::collections::BTreeMap;

use privacy_widget::policy::Policy;
use serde::Deserialize;

use super::{
    source::{self, IngestError},
    store,
};
use crate::{
    db::{Conn, DbError},
    events::provider::{ProvidedValue, ProviderAnswer},
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
/// returns how many were inserted (0 when there were customers already: idempotent). Each
/// customer's data is stored by [`source::ingest`], as a push through the admin API is, and read
/// back through the same source; a customer the site's policy does not describe is logged and
/// left out.
pub fn seed_if_empty(conn: &Conn, sites: &Sites) -> Result<usize, DbError> {
    let existing: i64 = conn.query_one("SELECT COUNT(*) FROM customers", params![])?.get(0)?;
    if existing > 0 {
        return Ok(0);
    }
    let now = crate::time::now_ms();
    let mut count = 0;
    for (site_id, text) in SEEDS {
        let Some(site) = sites.get(site_id) else { continue };
        let seed = match serde_json::from_str::<SeedFile>(text) {
            Ok(seed) => seed,
            Err(e) => {
                tracing::error!(site = site_id, error = %e, "seed file is not valid");
                continue;
            }
        };
        for customer in &seed.customers {
            match insert_customer(conn, site_id, &site.policy, &site.version, customer, now) {
                Ok(()) => count += 1,
                Err(IngestError::Db(e)) => return Err(e),
                Err(invalid @ IngestError::Invalid(_)) => {
                    tracing::error!(site = site_id, customer = %customer.id, errors = %invalid, "seed customer not described by the policy; left out")
                }
            }
        }
    }
    if count > 0 {
        tracing::info!(customers = count, "seeded demo customers");
    }
    Ok(count)
}

/// A seed file: `{"site", "customers": […]}`.
#[derive(Debug, Deserialize)]
struct SeedFile {
    customers: Vec<SeedCustomer>,
}

/// A demo customer: who they are, their opt-ins, and their data in the data provider's shape.
#[derive(Debug, Deserialize)]
struct SeedCustomer {
    id: String,
    name: String,
    email: String,
    #[serde(default)]
    preferences: BTreeMap<String, bool>,
    #[serde(default)]
    plan: Option<String>,
    #[serde(default)]
    events: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<ProvidedValue>,
}

fn insert_customer(conn: &Conn, site: &str, policy: &Policy, version: &str, c: &SeedCustomer, now: i64) -> Result<(), IngestError> {
    let answer = ProviderAnswer { plan: c.plan.clone(), events: c.events.clone(), values: c.values.clone() };
    let id = source::ingest(conn, policy, site, &c.id, &answer, now)?.customer;
    conn.execute("UPDATE customers SET display_name = ?2, email = ?3 WHERE id = ?1", params![id, c.name.as_str(), &c.email.to_lowercase()])?;
    for (purpose, granted) in &c.preferences {
        store::insert_preference(conn, id, purpose, *granted, version, "seed", now)?;
    }
    Ok(())
}
