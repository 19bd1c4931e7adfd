//! Schema migrations: the files in `server/migrations/`, embedded at build time, applied once each.

use rusqlite::{params, Connection};

use super::DbError;

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// Applies every migration newer than the highest one recorded in `schema_migrations`,
/// each in its own transaction together with its bookkeeping row.
pub(super) fn run(conn: &mut Connection) -> Result<(), DbError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version       INTEGER PRIMARY KEY,
             name          TEXT    NOT NULL,
             applied_at_ms INTEGER NOT NULL
         ) STRICT;",
    )?;
    let current: i64 =
        conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?;
    for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let fail = |source| DbError::Migration { version, name, source };
        let tx = conn.transaction().map_err(fail)?;
        tx.execute_batch(sql).map_err(fail)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?1, ?2, ?3)",
            params![version, name, crate::time::now_ms()],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)?;
        tracing::info!(version, name, "applied migration");
    }
    Ok(())
}
