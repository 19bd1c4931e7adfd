//! Shared fixtures of the panel tests: the five real site policies and seeds in a temp folder,
//! a real database (SQLite file, or a PostgreSQL schema under `PW_TEST_DATABASE_URL`), the
//! router, and same-origin JSON requests with a session cookie.
#![allow(dead_code)]

#[path = "../common/db.rs"]
pub mod db;
#[path = "../common/reply.rs"]
pub mod reply;

use std::path::{Path, PathBuf};

use axum::{body::Body, http::Request, Router};
use clap::Parser;
use privacy_widget_server::{cli::Cli, serve, AppState};
use serde_json::Value;
use tempfile::TempDir;

pub use reply::Reply;

/// The host the requests claim; the Origin of same-origin requests is `http://` + this.
pub const HOST: &str = "panel.test";
pub const ORIGIN: &str = "http://panel.test";

/// A temp deployment with the repository's policies, and its app.
pub struct Env {
    pub dir: TempDir,
    pub db: PathBuf,
    pub www: PathBuf,
    pub app: Router,
    pub state: AppState,
}

fn repo_policies() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/policies")
}

impl Env {
    pub async fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let www = dir.path().join("www");
        std::fs::create_dir_all(www.join("policies")).unwrap();
        for site in ["pcextreme", "host-tracker", "webanizr", "manetti", "webhost"] {
            let from = repo_policies().join(format!("{site}.json"));
            std::fs::copy(&from, www.join(format!("policies/{site}.json"))).unwrap();
        }
        let db = db::target(dir.path().join("data/panel.sqlite3"));
        let cli = Cli::parse_from([
            "privacy-widget-server",
            "--addr",
            "127.0.0.1:0",
            "--db",
            db.to_str().unwrap(),
            "--www",
            www.to_str().unwrap(),
            "--widget",
            dir.path().join("dist").to_str().unwrap(),
        ]);
        let args = cli.serve_args().expect("serve args").clone();
        let state = serve::prepare(args.settings().expect("settings")).await.expect("prepare");
        let app = privacy_widget_server::app(state.clone());
        Env { dir, db, www, app, state }
    }

    /// Blocking look-ups and changes in the database (for checks and for ageing codes), on
    /// either backend.
    pub fn db(&self) -> db::Checks {
        db::Checks::new(&self.db)
    }

    /// Signs in as a demo customer; returns the `Cookie` header value.
    pub async fn login(&self, site: &str, customer: &str) -> String {
        let r = self.post("/api/v1/demo/login", "", &serde_json::json!({"site": site, "customer": customer}), &[]).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let set = r.header("set-cookie").to_owned();
        set.split(';').next().unwrap().to_owned()
    }

    /// A request through the router.
    pub async fn call(&self, method: &str, path: &str, cookie: &str, body: Option<&Value>, headers: &[(&str, &str)]) -> Reply {
        let mut b = Request::builder().method(method).uri(path).header("host", HOST);
        if !cookie.is_empty() {
            b = b.header("cookie", cookie);
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let body = match body {
            Some(v) => Body::from(serde_json::to_vec(v).unwrap()),
            None => Body::empty(),
        };
        reply::send(&self.app, b.body(body).unwrap()).await
    }

    /// A same-origin call whose body is `raw` bytes declared `application/json`.
    pub async fn call_raw(&self, method: &str, path: &str, cookie: &str, raw: &'static [u8]) -> Reply {
        let mut b = Request::builder().method(method).uri(path).header("host", HOST);
        if !cookie.is_empty() {
            b = b.header("cookie", cookie);
        }
        b = b.header("content-type", "application/json").header("origin", ORIGIN);
        reply::send(&self.app, b.body(Body::from(raw)).unwrap()).await
    }

    pub async fn get(&self, path: &str, cookie: &str) -> Reply {
        self.call("GET", path, cookie, None, &[]).await
    }

    /// A same-origin JSON POST (plus `extra` headers, which may override).
    pub async fn post(&self, path: &str, cookie: &str, body: &Value, extra: &[(&str, &str)]) -> Reply {
        self.send_json("POST", path, cookie, body, extra).await
    }

    pub async fn send_json(&self, method: &str, path: &str, cookie: &str, body: &Value, extra: &[(&str, &str)]) -> Reply {
        let mut headers: Vec<(&str, &str)> = vec![("content-type", "application/json"), ("origin", ORIGIN)];
        for (k, v) in extra {
            headers.retain(|(h, _)| !h.eq_ignore_ascii_case(k));
            headers.push((k, v));
        }
        headers.retain(|(_, v)| !v.is_empty());
        self.call(method, path, cookie, Some(body), &headers).await
    }

    /// Files a request as the logged-in customer.
    pub async fn file(&self, cookie: &str, key: &str, kind: &str, details: Value) -> Reply {
        self.post("/api/v1/requests", cookie, &serde_json::json!({"kind": kind, "details": details}), &[("idempotency-key", key)]).await
    }

    /// The newest code the demo outbox holds for `to`.
    pub async fn code_for(&self, to: &str) -> String {
        let r = self.get("/demo/outbox", "").await;
        let messages = r.json()["messages"].as_array().unwrap().clone();
        let m = messages.iter().find(|m| m["to"] == to).unwrap_or_else(|| panic!("no mail to {to}: {messages:?}"));
        let body = m["body"].as_str().unwrap();
        let at = body.find(|c: char| c.is_ascii_digit()).unwrap();
        body[at..at + 6].to_owned()
    }

    /// Runs the server binary's `requests` command on this database.
    pub fn ops(&self, args: &[&str]) -> (bool, String, String) {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_privacy-widget-server"))
            .arg("requests")
            .args(args)
            .arg("--db")
            .arg(&self.db)
            .arg("--www")
            .arg(&self.www)
            .output()
            .expect("run binary");
        (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

