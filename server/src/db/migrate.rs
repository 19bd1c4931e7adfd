//! Schema migrations: the files in `server/migrations/` (SQLite) and `server/migrations/postgres/`
//! (PostgreSQL), embedded at build time, applied once each and recorded in `schema_migrations`.

use super::{
    sql::{Backend, Sql},
    DbError,
};

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// One migration: (version, name, sql).
pub type Migration = (i64, &'static str, &'static str);

/// The SQLite migrations.
pub(super) const SQLITE: &[Migration] = MIGRATIONS;
/// The PostgreSQL migrations.
pub(super) const POSTGRES: &[Migration] = PG_MIGRATIONS;

const SQLITE_TRACKING: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version       INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    applied_at_ms INTEGER NOT NULL
) STRICT;";

const POSTGRES_TRACKING: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version       BIGINT  PRIMARY KEY,
    name          TEXT    NOT NULL,
    applied_at_ms BIGINT  NOT NULL
);";

/// Applies every migration newer than the highest one recorded in `schema_migrations`,
/// each in its own transaction together with its bookkeeping row. On PostgreSQL a session
/// lock per schema keeps two servers starting at once from migrating side by side.
pub(super) fn run(conn: &dyn Sql, migrations: &[Migration]) -> Result<(), DbError> {
    let postgres = conn.backend() == Backend::Postgres;
    if postgres {
        conn.batch("SELECT pg_advisory_lock(hashtext(current_schema()))")?;
    }
    let result = apply(conn, migrations, if postgres { POSTGRES_TRACKING } else { SQLITE_TRACKING });
    if postgres {
        let _ = conn.batch("SELECT pg_advisory_unlock(hashtext(current_schema()))");
    }
    result
}

fn apply(conn: &dyn Sql, migrations: &[Migration], tracking: &str) -> Result<(), DbError> {
    conn.batch(tracking)?;
    let current: i64 = conn.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[])?.get(0)?;
    for &(version, name, sql) in migrations.iter().filter(|m| m.0 > current) {
        let fail = |source: DbError| DbError::Migration { version, name, source: Box::new(source) };
        conn.batch("BEGIN").map_err(fail)?;
        let applied = conn.batch(sql).and_then(|()| {
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?1, ?2, ?3)",
                crate::params![version, name, crate::time::now_ms()],
            )
        });
        if let Err(e) = applied.and_then(|_| conn.batch("COMMIT")) {
            let _ = conn.batch("ROLLBACK");
            return Err(fail(e));
        }
        tracing::info!(version, name, "applied migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Both backends must end up with the same schema: every SQLite migration has its
    // PostgreSQL twin under the same number and name.
    #[test]
    fn every_migration_has_a_postgres_twin() {
        let names = |set: &[Migration]| set.iter().map(|m| (m.0, m.1)).collect::<Vec<_>>();
        assert_eq!(names(SQLITE), names(POSTGRES), "add the missing file(s) to server/migrations/postgres/");
    }
}
