//! Shared fixtures: a temp folder with a demo site, a widget build, a policy and a database
//! (a SQLite file, or a PostgreSQL schema of its own under `PW_TEST_DATABASE_URL`: see [`db`]).
#![allow(dead_code)]

pub mod db;
pub mod reply;

use std::path::{Path, PathBuf};

use axum::{body::Body, http::Request, Router};
use privacy_widget_server::{cli::ServeArgs, serve, AppState};
use serde_json::{json, Value};
use tempfile::TempDir;

pub use reply::{send, Reply};

/// The site id of the fixture policy.
pub const SITE: &str = "testsite";

/// A policy with one purpose of each interesting consent scope and kind.
pub fn policy(version: &str) -> Value {
    let retention = json!({"kind": "fixed", "period": "2 years"});
    let purpose = |id: &str, kind: &str, basis: &str, consent: &str| {
        json!({
            "id": id, "kind": kind, "label": {"nl": id, "en": id}, "legal_basis": basis,
            "categories": ["usage"], "recipients": [], "retention": retention, "consent": consent
        })
    };
    json!({
        "site": SITE,
        "version": version,
        "date": "2025-01-01",
        "languages": ["nl", "en"],
        "controller": {
            "name": "Test BV",
            "email": "privacy@example.nl",
            "supervisory_authority": {"name": "Autoriteit Persoonsgegevens", "website": "https://autoriteitpersoonsgegevens.nl"}
        },
        "categories": [
            {"id": "usage", "label": {"nl": "Gebruik", "en": "Usage"}, "fields": [], "source": "observed", "erasable": true}
        ],
        "recipients": [],
        "purposes": [
            purpose("essential", "essential", "legitimate_interest", "none"),
            purpose("analytics", "analytics", "consent", "browser"),
            purpose("ads", "advertising", "consent", "browser"),
            purpose("remarketing", "personalised_ads", "consent", "browser"),
            purpose("audiences", "audience_sharing", "consent", "browser"),
            purpose("newsletter", "newsletter", "consent", "account")
        ],
        "tracking": [],
        "rights": {"requests": [{"kind": "access"}, {"kind": "erasure"}]}
    })
}

/// A temp folder laid out like a deployment, kept alive as long as this value.
pub struct Fixture {
    pub dir: TempDir,
    pub args: ServeArgs,
}

impl Fixture {
    /// www/ with an index page and the policy, dist/ with a wasm file, a JS file (and its
    /// precompressed .br/.gz), and a database path in a folder that does not exist yet (or a
    /// new PostgreSQL schema).
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let www = dir.path().join("www");
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(www.join("policies")).unwrap();
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(www.join("index.html"), format!("<!doctype html><title>demo</title>{}", "<p>hallo</p>".repeat(50))).unwrap();
        std::fs::write(www.join("data.json"), format!("{{\"a\":\"{}\"}}", "x".repeat(500))).unwrap();
        std::fs::write(www.join("policies/policy.schema.json"), "{\"not\": \"a policy\"}").unwrap();
        write_policy(&www, &policy("1"));
        // Starts with the wasm magic number; big and repetitive so compression is worth it.
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend(std::iter::repeat_n(0u8, 4096));
        std::fs::write(dist.join("privacy_widget_bg.wasm"), wasm).unwrap();
        let js = format!("export function init() {{ return 1; }}\n{}", "// padding padding padding\n".repeat(100));
        std::fs::write(dist.join("privacy-widget.js"), &js).unwrap();
        std::fs::write(dist.join("loader.js"), &js).unwrap();
        std::fs::write(dist.join("loader.js.br"), b"BROTLI-PRECOMPRESSED").unwrap();
        let args = ServeArgs {
            addr: "127.0.0.1:0".parse().unwrap(),
            db: db::target(dir.path().join("data/sub/pw.sqlite3")),
            www,
            policies: None,
            widget_dir: dist,
        };
        Fixture { dir, args }
    }

    /// The database file path (or PostgreSQL URL).
    pub fn db_path(&self) -> &Path {
        &self.args.db
    }

    /// Whether the database is PostgreSQL rather than a SQLite file.
    pub fn is_postgres(&self) -> bool {
        db::is_postgres(&self.args.db)
    }

    /// Blocking look-ups and changes in the database, beside the server.
    pub fn db(&self) -> db::Checks {
        db::Checks::new(&self.args.db)
    }

    /// Replaces the site policy.
    pub fn set_policy(&self, policy: &Value) {
        write_policy(&self.args.www, policy);
    }

    /// Opens the database and loads the sites, like `serve` does before binding.
    pub async fn state(&self) -> AppState {
        serve::prepare(self.args.settings().expect("settings")).await.expect("prepare")
    }

    /// The application router over this fixture.
    pub async fn app(&self) -> (Router, AppState) {
        let state = self.state().await;
        (privacy_widget_server::app(state.clone()), state)
    }
}

fn write_policy(www: &Path, policy: &Value) {
    std::fs::write(www.join(format!("policies/{SITE}.json")), serde_json::to_vec_pretty(policy).unwrap()).unwrap();
}

/// `GET path` with extra headers.
pub async fn get(app: &Router, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut builder = Request::get(path);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    send(app, builder.body(Body::empty()).unwrap()).await
}

/// A valid consent body for the fixture policy.
pub fn consent_body(consent_id: &str) -> Value {
    json!({
        "site": SITE,
        "consent_id": consent_id,
        "policy_version": "1",
        "language": "nl",
        "action": "custom",
        "purposes": {"analytics": true, "ads": false, "remarketing": false, "audiences": false},
        "origin": "http://127.0.0.1:8080",
        "widget_version": "0.1.0",
        "gpc": false
    })
}

/// `POST /api/v1/consents` with an Idempotency-Key and extra headers.
pub async fn post_consent(app: &Router, key: &str, body: &Value, headers: &[(&str, &str)]) -> Reply {
    let mut builder = Request::post("/api/v1/consents").header("content-type", "application/json");
    if !key.is_empty() {
        builder = builder.header("idempotency-key", key);
    }
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    send(app, builder.body(Body::from(serde_json::to_vec(body).unwrap())).unwrap()).await
}

/// Path of the built server binary.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_privacy-widget-server"))
}

/// The address (`127.0.0.1:port`) from the first line a started server prints on its piped
/// stdout ("privacy-widget-server listening on http://…/"); kills it and panics, naming the
/// line (and `context`, e.g. its log so far), if the line is anything else.
pub fn listening_addr(child: &mut std::process::Child, context: impl FnOnce() -> String) -> String {
    use std::io::{BufRead, BufReader};
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("the server's stdout is piped")).read_line(&mut line).unwrap();
    let addr = line.trim().strip_prefix("privacy-widget-server listening on http://").and_then(|rest| rest.strip_suffix('/'));
    match addr {
        Some(addr) => addr.to_owned(),
        None => {
            let _ = child.kill();
            panic!("unexpected first line {line:?}{}", context())
        }
    }
}
