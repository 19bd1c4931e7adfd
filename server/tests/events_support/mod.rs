//! Shared by the webhook and admin API tests: a real webhook receiver on loopback that checks
//! every signature with the `standardwebhooks` crate, the real binary started with `--no-demo`
//! and a configuration file, and a signed-in customer made in the database.
#![allow(dead_code)]

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{body::Bytes, extract::State, http::HeaderMap, http::StatusCode, routing::post, Router};
use privacy_widget_server::params;
use serde_json::Value;

use crate::common::{self, Fixture, SITE};

/// The secret every test endpoint signs with.
pub const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
/// The server-wide admin token.
pub const ADMIN: &str = "admin-token-admin-token-admin-token-0001";
/// The fixture site's own admin token.
pub const SITE_ADMIN: &str = "site-token-site-token-site-token-000001";
/// Another site's admin token.
pub const OTHER_ADMIN: &str = "other-token-other-token-other-token-01";

/// One call the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: i64,
    /// Whether the signature verified (the crate's check, timestamps within 5 minutes).
    pub verified: bool,
    pub body: Value,
    pub at: Instant,
}

/// How the receiver answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Ok,
    /// 500 for the first n calls, then 200.
    FailFirst(usize),
    /// 410 Gone.
    Gone,
    /// Never answers.
    Hang,
}

struct Inner {
    mode: Mutex<Mode>,
    calls: Mutex<Vec<Received>>,
}

/// A webhook receiver on 127.0.0.1.
#[derive(Clone)]
pub struct Receiver {
    inner: Arc<Inner>,
    pub url: String,
}

async fn receive(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let hook = standardwebhooks::Webhook::new(SECRET).expect("secret");
    let verified = hook.verify(&body, &headers).is_ok();
    let text = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let call = Received {
        id: text("webhook-id"),
        timestamp: text("webhook-timestamp").parse().unwrap_or(0),
        verified,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        at: Instant::now(),
    };
    let n = {
        let mut calls = inner.calls.lock().unwrap();
        calls.push(call);
        calls.len()
    };
    let mode = *inner.mode.lock().unwrap();
    match mode {
        Mode::Ok => StatusCode::NO_CONTENT,
        Mode::FailFirst(k) if n <= k => StatusCode::INTERNAL_SERVER_ERROR,
        Mode::FailFirst(_) => StatusCode::OK,
        Mode::Gone => StatusCode::GONE,
        Mode::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::OK
        }
    }
}

impl Receiver {
    /// Starts one on a free port of 127.0.0.1, on the current runtime.
    pub async fn start(mode: Mode) -> Receiver {
        let inner = Arc::new(Inner { mode: Mutex::new(mode), calls: Mutex::new(Vec::new()) });
        let app = Router::new().route("/hook", post(receive)).with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        Receiver { inner, url }
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.inner.mode.lock().unwrap() = mode;
    }

    pub fn calls(&self) -> Vec<Received> {
        self.inner.calls.lock().unwrap().clone()
    }

    /// Waits (up to `limit`) until `pred` holds for the calls so far; answers them.
    pub async fn wait_for(&self, limit: Duration, pred: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let calls = self.calls();
            if pred(&calls) {
                return calls;
            }
            assert!(start.elapsed() < limit, "waited {limit:?}; calls so far: {calls:#?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The calls of one event type.
pub fn of_type<'a>(calls: &'a [Received], kind: &str) -> Vec<&'a Received> {
    calls.iter().filter(|c| c.body["type"] == kind).collect()
}

/// A configuration file for the fixture's site: the admin tokens, and a webhook endpoint per
/// URL given (every request event and preferences.changed).
pub fn write_config(fx: &Fixture, hooks: &[&str]) -> PathBuf {
    write_config_with(fx, hooks, None)
}

/// [`write_config`] with a data provider for the fixture's site.
pub fn write_config_with(fx: &Fixture, hooks: &[&str], provider: Option<&str>) -> PathBuf {
    let hooks: Vec<(&str, &[&str])> = hooks.iter().map(|url| (*url, ["request.*", "preferences.changed"].as_slice())).collect();
    write_config_events(fx, &hooks, provider)
}

/// [`write_config_with`], each endpoint with the event patterns it asks for.
pub fn write_config_events(fx: &Fixture, hooks: &[(&str, &[&str])], provider: Option<&str>) -> PathBuf {
    let mut text = format!("admin_token = \"{ADMIN}\"\n[[sites]]\nid = \"{SITE}\"\nadmin_token = \"{SITE_ADMIN}\"\nsystems = [\"billing\", \"mail\"]\n");
    for (url, events) in hooks {
        let events = serde_json::to_string(events).unwrap();
        text.push_str(&format!("[[sites.webhooks]]\nurl = \"{url}\"\nsecret = \"{SECRET}\"\nevents = {events}\n"));
    }
    if let Some(url) = provider {
        text.push_str(&format!("[sites.data_provider]\nurl = \"{url}\"\nsecret = \"{SECRET}\"\n"));
    }
    text.push_str(&format!("[[sites]]\nid = \"othersite\"\nadmin_token = \"{OTHER_ADMIN}\"\n"));
    let other = fx.args.www.join("policies/othersite.json");
    let mut policy = common::policy("1");
    policy["site"] = Value::String("othersite".into());
    std::fs::write(&other, serde_json::to_vec(&policy).unwrap()).unwrap();
    let path = fx.dir.path().join("server.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The real binary, `--no-demo`, over the fixture and a configuration file.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub stderr: PathBuf,
}

impl Server {
    pub fn start(fx: &Fixture, config: &Path) -> Server {
        let stderr = fx.dir.path().join(format!("server-{}.log", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()));
        let mut child = Command::new(common::binary())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "info")
            .arg("--config")
            .arg(config)
            .args(["--no-demo", "--addr", "127.0.0.1:0", "--policy-poll", "0", "--db"])
            .arg(fx.db_path())
            .arg("--www")
            .arg(&fx.args.www)
            .arg("--widget")
            .arg(&fx.args.widget_dir)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("start the server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.contains("listening on"), "no listening line: {line:?}; log: {}", std::fs::read_to_string(&stderr).unwrap_or_default());
        let base = line.trim().rsplit("listening on ").next().unwrap().trim_end_matches('/').to_owned();
        Server { child, base, stderr }
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes customer `handle` of the fixture site with a session; answers the session token.
pub fn customer(fx: &Fixture, handle: &str) -> String {
    let db = fx.db();
    let now = privacy_widget_server::time::now_ms();
    db.execute(
        "INSERT INTO customers (site, handle, display_name, email, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![SITE, handle, handle, format!("{handle}@example.nl").as_str(), now],
    )
    .unwrap();
    let id: i64 = db.one("SELECT id FROM customers WHERE site = ?1 AND handle = ?2", params![SITE, handle]);
    let token = format!("{:0>64}", format!("{:x}", id * 7919 + now));
    let hash: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()).into();
    db.execute(
        "INSERT INTO sessions (token_hash, customer_id, created_at_ms, expires_at_ms) VALUES (?1, ?2, ?3, ?4)",
        params![hash.as_slice(), id, now, now + 3_600_000],
    )
    .unwrap();
    token
}

/// An HTTP client for the tests.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Files a request of `kind` as the customer with session `token`; answers its id.
pub async fn file_request(server: &Server, token: &str, kind: &str, key: &str) -> String {
    match try_file(server.base.clone(), token.to_owned(), kind, key.to_owned()).await {
        Ok(id) => id,
        Err(e) => panic!("{e}\n{}", server.log()),
    }
}

/// [`file_request`] on owned values (for spawned tasks): the id, or the answer as an error.
pub async fn try_file(base: String, token: String, kind: &str, key: String) -> Result<String, String> {
    let response = client()
        .post(format!("{base}/api/v1/requests"))
        .header("content-type", "application/json")
        .header("origin", &base)
        .header("cookie", format!("pw_session={token}"))
        .header("idempotency-key", key)
        .body(serde_json::json!({"kind": kind, "details": {}}).to_string())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = serde_json::from_str(&response.text().await.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    if status != 201 {
        return Err(format!("{status}: {body}"));
    }
    Ok(body["id"].as_str().unwrap_or_default().to_owned())
}

/// An admin API call; answers status and JSON body.
pub async fn admin(method: reqwest::Method, url: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let mut request = client().request(method, url);
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    if let Some(b) = body {
        request = request.header("content-type", "application/json").body(b.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}
