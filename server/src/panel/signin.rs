//! The sign-in handoff: a token the site's control-panel backend signed ([`crate::identity`])
//! exchanged once for a session. In one transaction: the token's `jti` is stored (the primary
//! key refuses a replay, on every instance sharing the database), the customer is created or
//! updated from the claims by `(site, sub)`, and the session is stored. A refusal stores nothing.

use crate::{
    db::{Conn, DbError},
    identity::{SignedIn, LEEWAY_SECS},
    params,
};

use super::session::Customer;

/// A new session for a verified token, or the token's `jti` was seen before.
pub enum Exchanged {
    /// The token was valid: a session for this customer.
    Session(Customer),
    /// The token's `jti` was used before; no session.
    Replayed,
}

/// Stores the `jti`, creates or updates the customer and stores the session (hash `session`,
/// valid until `expires_ms`). Expired ids are purged first.
pub fn exchange(conn: &Conn, who: &SignedIn, session: &[u8; 32], now_ms: i64, expires_ms: i64) -> Result<Exchanged, DbError> {
    conn.execute("DELETE FROM signin_token_ids WHERE keep_until_ms < ?1", params![now_ms])?;
    // Kept until the token could no longer pass the verifier anyway (exp plus the leeway).
    let keep_until = (who.exp + LEEWAY_SECS + 1).saturating_mul(1000);
    let fresh = conn.query_opt(
        "INSERT INTO signin_token_ids (site, jti, keep_until_ms) VALUES (?1, ?2, ?3) ON CONFLICT (site, jti) DO NOTHING RETURNING 1",
        params![&who.site, &who.jti, keep_until],
    )?;
    if fresh.is_none() {
        return Ok(Exchanged::Replayed);
    }
    let customer = upsert_customer(conn, who, now_ms)?;
    conn.execute(
        "INSERT INTO sessions (token_hash, customer_id, created_at_ms, expires_at_ms) VALUES (?1, ?2, ?3, ?4)",
        params![session.as_slice(), customer.id, now_ms, expires_ms],
    )?;
    Ok(Exchanged::Session(customer))
}

/// The customer `(site, sub)`: created on the first exchange (name defaults to the `sub`, the
/// e-mail address to empty), and the claims the token carries written over what was stored.
fn upsert_customer(conn: &Conn, who: &SignedIn, now_ms: i64) -> Result<Customer, DbError> {
    let email = who.email.as_deref().map(str::to_lowercase);
    conn.execute(
        "INSERT INTO customers (site, handle, display_name, email, plan, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (site, handle) DO NOTHING",
        params![&who.site, &who.sub, who.name.as_deref().unwrap_or(&who.sub), email.as_deref().unwrap_or(""), who.plan.as_deref(), now_ms],
    )?;
    let updates: [(&str, Option<&str>); 3] =
        [("display_name", who.name.as_deref()), ("email", email.as_deref()), ("plan", who.plan.as_deref())];
    for (column, value) in updates {
        if let Some(value) = value {
            let sql = format!("UPDATE customers SET {column} = ?3 WHERE site = ?1 AND handle = ?2");
            conn.execute(&sql, params![&who.site, &who.sub, value])?;
        }
    }
    super::store::customer_by_handle(conn, &who.site, &who.sub)?.ok_or(DbError::NoRow)
}
