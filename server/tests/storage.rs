//! The storage layer itself, on whichever backend the run uses (SQLite, or PostgreSQL under
//! `PW_TEST_DATABASE_URL`): durable settings, migrations recorded once, append-only tables
//! refused in the database (C-A8), and batches in which one failing job leaves the others written.

mod common;

use common::db::{is_postgres, target, Checks};
use privacy_widget_server::{
    db::{Backend, Db, DbError, MIGRATIONS},
    params,
};

fn fresh() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = target(dir.path().join("store.sqlite3"));
    (dir, db)
}

#[tokio::test]
async fn the_writer_commits_durably() {
    let (_dir, path) = fresh();
    let db = Db::open(&path).await.unwrap();
    assert_eq!(db.backend() == Backend::Postgres, is_postgres(&path));
    let settings = db
        .write(|c| match c.backend() {
            // FULL = 2: the WAL is fsynced at every commit.
            Backend::Sqlite => Ok(vec![c.query_one("PRAGMA journal_mode", &[])?.get::<String>(0)?, c.query_one("PRAGMA synchronous", &[])?.get::<i64>(0)?.to_string()]),
            Backend::Postgres => Ok(vec![
                c.query_one("SELECT current_setting('synchronous_commit')", &[])?.get::<String>(0)?,
                c.query_one("SELECT current_setting('fsync')", &[])?.get::<String>(0)?,
            ]),
        })
        .await
        .unwrap();
    match db.backend() {
        Backend::Sqlite => assert_eq!(settings, ["wal", "2"]),
        Backend::Postgres => assert_eq!(settings, ["on", "on"]),
    }
    db.close().await;
}

#[tokio::test]
async fn migrations_are_applied_once_and_recorded() {
    let (_dir, path) = fresh();
    for _ in 0..2 {
        let db = Db::open(&path).await.unwrap();
        db.close().await;
    }
    let versions: Vec<i64> = Checks::new(&path).column("SELECT version FROM schema_migrations ORDER BY version", &[]);
    assert_eq!(versions, MIGRATIONS.iter().map(|m| m.0).collect::<Vec<_>>());
}

// C-A8: the proof of consent and the opt-in history cannot be changed, whoever asks.
#[tokio::test]
async fn append_only_tables_refuse_changes_in_the_database() {
    let (_dir, path) = fresh();
    let db = Db::open(&path).await.unwrap();
    db.write(|c| {
        c.execute(
            "INSERT INTO consent_records (idempotency_key, site, consent_id, policy_version, language, action, purposes, \
             origin, widget_version, gpc, recorded_at_ms) VALUES ('k', 's', 'c', '1', 'nl', 'custom', '{}', 'o', 'w', 0, 1)",
            &[],
        )
    })
    .await
    .unwrap();
    for sql in ["UPDATE consent_records SET action = 'x'", "DELETE FROM consent_records"] {
        let refused = db.write(move |c| c.execute(sql, &[])).await;
        assert!(refused.unwrap_err().to_string().contains("append-only"), "{sql}");
    }
    if db.backend() == Backend::Postgres {
        let refused = db.write(|c| c.batch("TRUNCATE consent_records")).await;
        assert!(refused.unwrap_err().to_string().contains("append-only"));
    }
    let n: i64 = db.read(|c| c.query_one("SELECT COUNT(*) FROM consent_records", &[])?.get(0)).await.unwrap();
    assert_eq!(n, 1);
    db.close().await;
}

// One failing job in a batch is rolled back to its savepoint; the jobs around it commit
// (on PostgreSQL an error would otherwise abort the whole transaction).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_job_leaves_the_rest_of_its_batch_written() {
    let (_dir, path) = fresh();
    let db = Db::open(&path).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..200i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.write(move |c| {
                let key = format!("batch-{}", if i % 10 == 9 { 0 } else { i });
                c.execute(
                    "INSERT INTO code_sends (email, ip, at_ms) VALUES (?1, 'ip', ?2)",
                    params![key.as_str(), i],
                )?;
                if i % 10 == 9 {
                    // A statement the database refuses, after a write that must be undone.
                    c.execute("INSERT INTO no_such_table VALUES (1)", &[])?;
                }
                Ok(i)
            })
            .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(DbError::Sqlite(_) | DbError::Postgres(_)) => {}
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert_eq!(ok, 180);
    let n: i64 = db.read(|c| c.query_one("SELECT COUNT(*) FROM code_sends", &[])?.get(0)).await.unwrap();
    assert_eq!(n, 180, "exactly the successful jobs are stored");
    db.close().await;
    assert!(matches!(db.write(|_| Ok(())).await, Err(DbError::Closed)));
}

#[tokio::test]
async fn reads_cannot_write() {
    let (_dir, path) = fresh();
    let db = Db::open(&path).await.unwrap();
    let write = db.read(|c| c.execute("INSERT INTO code_failures (ip, at_ms) VALUES ('ip', 1)", &[])).await;
    assert!(write.is_err(), "the read connections are read-only");
    let n: i64 = db.read(|c| c.query_one("SELECT COUNT(*) FROM code_failures", &[])?.get(0)).await.unwrap();
    assert_eq!(n, 0);
    db.close().await;
}

#[tokio::test]
async fn values_round_trip_on_both_backends() {
    let (_dir, path) = fresh();
    let db = Db::open(&path).await.unwrap();
    let hash = [7u8; 32];
    let row = db
        .write(move |c| {
            let id: i64 = c
                .query_one(
                    "INSERT INTO customers (site, handle, display_name, email, plan, created_at_ms) \
                     VALUES (?1, 'h', 'n', 'e', ?2, ?3) RETURNING id",
                    params!["ä'\"?1", None::<&str>, i64::MAX],
                )?
                .get(0)?;
            c.execute("INSERT INTO sessions (token_hash, customer_id, created_at_ms, expires_at_ms) VALUES (?1, ?2, 0, 1)", params![hash.as_slice(), id])?;
            c.query_one(
                "SELECT c.site, c.plan, c.created_at_ms, s.token_hash, c.handle = '?1' FROM customers c JOIN sessions s ON s.customer_id = c.id WHERE c.id = ?1",
                params![id],
            )
        })
        .await
        .unwrap();
    assert_eq!(row.get::<String>(0).unwrap(), "ä'\"?1");
    assert_eq!(row.get::<Option<String>>(1).unwrap(), None);
    assert_eq!(row.get::<i64>(2).unwrap(), i64::MAX);
    assert_eq!(row.get::<Vec<u8>>(3).unwrap(), hash);
    assert!(!row.get::<bool>(4).unwrap(), "'?1' in quotes is text, not a placeholder");
    db.close().await;
}
