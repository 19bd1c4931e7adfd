//! A running server picks up a changed policy file, as an operator expects, over real HTTP:
//! on SIGHUP and, without a signal, within the poll interval (`--policy-poll`). The consent
//! notice gets the new version and a new ETag, so the widget asks visitors again (C-A9), and a
//! consent for the old version is answered 409; an invalid edit or a removed file is logged,
//! naming the file and the JSON path, and the site keeps its last valid policy (also the
//! document the control panel reads at `/policies/{site}.json`); the control panel's routes join
//! the data to the new policy. In process: a new site's file is served, a second file for a
//! served site is refused.
#![cfg(unix)]

mod common;

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use common::{binary, consent_body, policy, Fixture, SITE};
use serde_json::{json, Value};

/// How long a reload may take to show (the poll runs every 0.2 s in these tests).
const DEADLINE: Duration = Duration::from_secs(10);

/// The binary on a free port, its stderr collected.
struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(fx: &Fixture, extra: &[&str]) -> Server {
        Server::start_with_env(fx, extra, &[])
    }

    fn start_with_env(fx: &Fixture, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(binary())
            .args(["--addr", "127.0.0.1:0", "--db", fx.db_path().to_str().unwrap()])
            .args(["--www", fx.args.www.to_str().unwrap(), "--widget", fx.args.widget_dir.to_str().unwrap()])
            .args(extra)
            .env("RUST_LOG", "info")
            .env_remove("PW_POLICY_POLL")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (stderr, sink) = (child.stderr.take().unwrap(), log.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let addr = common::listening_addr(&mut child, || format!(": {}", log.lock().unwrap()));
        Server { child, addr, log }
    }

    fn hangup(&self) {
        let ok = Command::new("kill").args(["-HUP", &self.child.id().to_string()]).status().unwrap();
        assert!(ok.success());
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the log has a line with every one of `needles`; that line.
    fn wait_for_log(&self, needles: &[&str]) -> String {
        eventually(|| self.log().lines().find(|l| needles.iter().all(|n| l.contains(n))).map(str::to_owned))
            .unwrap_or_else(|| panic!("no log line with {needles:?} in:\n{}", self.log()))
    }

    /// `method path` with `headers` and a JSON `body`: status, headers (lower-case names), body.
    fn http(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&Value>) -> (u16, Vec<(String, String)>, String) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n", self.addr, body.len());
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        write!(s, "{request}\r\n{body}").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
        let mut lines = head.lines();
        let status = lines.next().unwrap_or("")[9..12].parse().unwrap();
        let headers = lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned())).collect();
        (status, headers, body.to_owned())
    }

    /// The site's notice: its version and ETag.
    fn notice(&self, site: &str) -> (String, String) {
        let (status, headers, body) = self.http("GET", &format!("/api/v1/sites/{site}/notice?lang=nl"), &[], None);
        assert_eq!(status, 200, "{body}");
        let version = serde_json::from_str::<Value>(&body).unwrap()["version"].as_str().unwrap().to_owned();
        (version, header(&headers, "etag"))
    }

    /// The policy document the control panel reads: its version.
    fn document_version(&self, site: &str) -> String {
        let (status, headers, body) = self.http("GET", &format!("/policies/{site}.json"), &[], None);
        assert_eq!(status, 200, "{body}");
        assert!(header(&headers, "content-type").starts_with("application/json"));
        serde_json::from_str::<Value>(&body).unwrap()["version"].as_str().unwrap().to_owned()
    }

    /// `POST /api/v1/consents` for the fixture site naming `version`: the status and body.
    fn consent(&self, key: &str, version: &str) -> (u16, Value) {
        let mut body = consent_body(&format!("subject-{key}"));
        body["policy_version"] = json!(version);
        let (status, _, text) = self.http("POST", "/api/v1/consents", &[("content-type", "application/json"), ("idempotency-key", key)], Some(&body));
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn header(headers: &[(String, String)], name: &str) -> String {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// `check` until it gives something, for at most [`DEADLINE`].
fn eventually<T>(mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(found) = check() {
            return Some(found);
        }
        if start.elapsed() > DEADLINE {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until the notice of `site` shows `version`; its ETag.
fn wait_for_version(server: &Server, site: &str, version: &str) -> String {
    eventually(|| Some(server.notice(site)).filter(|(v, _)| v == version).map(|(_, etag)| etag))
        .unwrap_or_else(|| panic!("the notice never showed version {version:?}:\n{}", server.log()))
}

fn policy_file(fx: &Fixture) -> PathBuf {
    fx.args.www.join(format!("policies/{SITE}.json"))
}

/// Writes a file whole (a new file renamed over the old, as an editor or a deploy does).
fn write_atomically(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn sighup_serves_the_new_policy_version_with_a_new_etag_and_the_old_version_gets_409() {
    let fx = Fixture::new();
    let server = Server::start(&fx, &["--policy-poll", "0"]);
    let (version, old_etag) = server.notice(SITE);
    assert_eq!(version, "1");
    assert_eq!(server.consent("before-0001", "1").0, 201);

    fx.set_policy(&policy("2.0"));
    // Polling is off: nothing changes until the signal.
    assert_eq!(server.notice(SITE), ("1".to_owned(), old_etag.clone()));
    server.hangup();
    let new_etag = wait_for_version(&server, SITE, "2.0");
    assert_ne!(new_etag, old_etag);
    // A browser revalidating its cached notice gets the new one, not a 304 (C-A9: asked again).
    let (status, _, body) = server.http("GET", &format!("/api/v1/sites/{SITE}/notice?lang=nl"), &[("if-none-match", &old_etag)], None);
    assert_eq!(status, 200);
    assert!(body.contains("\"version\":\"2.0\""), "{body}");
    server.wait_for_log(&["policy reloaded", SITE, "\"1\" -> \"2.0\""]);
    // Request validation follows: the old version is stale (409, ask again), the new one is recorded.
    let (status, problem) = server.consent("after-0001", "1");
    assert_eq!((status, problem["current_policy_version"].as_str()), (409, Some("2.0")), "{problem}");
    assert_eq!(server.consent("after-0002", "2.0").0, 201);
}

#[test]
fn a_changed_file_is_picked_up_within_the_poll_interval_without_a_signal() {
    let fx = Fixture::new();
    let server = Server::start_with_env(&fx, &[], &[("PW_POLICY_POLL", "0.2")]);
    let (_, old_etag) = server.notice(SITE);
    let started = Instant::now();
    fx.set_policy(&policy("2026-11-22"));
    let new_etag = wait_for_version(&server, SITE, "2026-11-22");
    assert_ne!(new_etag, old_etag);
    assert!(started.elapsed() < Duration::from_secs(3), "a 0.2 s poll took {:?}", started.elapsed());
    // Unchanged files are not reloaded again: one reload line over several polls, the same ETag.
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(server.notice(SITE).1, new_etag);
    assert_eq!(server.log().matches("policy reloaded").count(), 1, "{}", server.log());
}

#[test]
fn an_invalid_edit_or_a_removed_file_is_logged_and_the_last_valid_policy_stays_served() {
    let fx = Fixture::new();
    let server = Server::start(&fx, &["--policy-poll", "0.2"]);
    let (_, etag) = server.notice(SITE);
    let file = policy_file(&fx);
    let file_name = file.display().to_string();

    // The same validator as on start: every error with its JSON path.
    let mut bad = policy("2");
    bad["purposes"][1]["kind"] = json!("spying");
    write_atomically(&file, bad.to_string().as_bytes());
    let line = server.wait_for_log(&["policy refused", &file_name, "purposes[1].kind"]);
    assert!(line.contains("ERROR") && line.contains(&format!("site \"{SITE}\" keeps version \"1\"")), "{line}");
    // Whole, not half-updated: the old notice (same ETag: a 304), the old version accepted.
    let (status, _, _) = server.http("GET", &format!("/api/v1/sites/{SITE}/notice?lang=nl"), &[("if-none-match", &etag)], None);
    assert_eq!(status, 304);
    assert_eq!(server.consent("still-0001", "1").0, 201);
    assert_eq!(server.consent("still-0002", "2").0, 422, "the refused version is unknown");
    assert_eq!(server.document_version(SITE), "1", "the panel reads the served policy, not the refused file");

    // Not JSON at all; then the file gone: still the last valid policy.
    write_atomically(&file, b"{\"site\": ");
    server.wait_for_log(&["policy refused", &file_name, "not valid JSON"]);
    std::fs::remove_file(&file).unwrap();
    server.wait_for_log(&["policy file removed", &file_name, "keeps version \"1\""]);
    assert_eq!(server.notice(SITE), ("1".to_owned(), etag.clone()));
    assert_eq!(server.document_version(SITE), "1");

    // A valid file again: served.
    write_atomically(&file, policy("3").to_string().as_bytes());
    assert_ne!(wait_for_version(&server, SITE, "3"), etag);
    assert_eq!(server.document_version(SITE), "3");
    assert!(!server.log().contains("panicked"), "{}", server.log());
}

#[test]
fn the_control_panel_joins_the_customers_data_to_the_reloaded_policy() {
    let fx = Fixture::new();
    let folder = fx.dir.path().join("policies");
    std::fs::create_dir_all(&folder).unwrap();
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../www/policies/pcextreme.json");
    let mut pcextreme: Value = serde_json::from_str(&std::fs::read_to_string(seed).unwrap()).unwrap();
    let file = folder.join("pcextreme.json");
    std::fs::write(&file, pcextreme.to_string()).unwrap();
    let server = Server::start(&fx, &["--policies", folder.to_str().unwrap(), "--policy-poll", "0"]);
    let same_origin = [("content-type", "application/json"), ("sec-fetch-site", "same-origin")];
    let (status, headers, body) =
        server.http("POST", "/api/v1/demo/login", &same_origin, Some(&json!({"site": "pcextreme", "customer": "jan-de-vries"})));
    assert_eq!(status, 200, "{body}");
    let cookie = header(&headers, "set-cookie").split(';').next().unwrap().to_owned();
    let me = |path: &str| {
        let (status, _, body) = server.http("GET", path, &[("cookie", &cookie)], None);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str::<Value>(&body).unwrap()
    };
    let before = pcextreme["version"].as_str().unwrap().to_owned();
    assert_eq!(me("/api/v1/me")["policy_version"], json!(before));
    assert_eq!(me("/api/v1/me/preferences")["policy_version"], json!(before));

    let next = format!("{before}-reloaded");
    pcextreme["version"] = json!(next);
    pcextreme["controller"]["name"] = json!({"nl": "PCextreme (nieuw)", "en": "PCextreme (new)"});
    write_atomically(&file, pcextreme.to_string().as_bytes());
    server.hangup();
    eventually(|| Some(()).filter(|_| me("/api/v1/me")["policy_version"] == json!(next)))
        .unwrap_or_else(|| panic!("/api/v1/me never showed {next}:\n{}", server.log()));
    assert_eq!(me("/api/v1/me/preferences")["policy_version"], json!(next));
    // The same generation in the document the panel reads and the notice the marketing pages read.
    assert_eq!(server.document_version("pcextreme"), next);
    assert_eq!(server.notice("pcextreme").0, next);
}

#[tokio::test]
async fn a_new_sites_file_is_served_and_a_second_file_for_a_served_site_is_refused() {
    let fx = Fixture::new();
    let (app, state) = fx.app().await;
    let folder = fx.args.www.join("policies");
    let mut other = policy("a");
    other["site"] = json!("othersite");
    std::fs::write(folder.join("othersite.json"), other.to_string()).unwrap();
    std::fs::write(folder.join("zz-copy.json"), policy("9").to_string()).unwrap();

    let outcome = state.reloader().reload().await.unwrap();
    assert_eq!(outcome.updated, ["othersite new site -> \"a\""]);
    assert_eq!(outcome.refused.len(), 1, "{outcome:?}");
    assert!(outcome.refused[0].contains("zz-copy.json: site: \"testsite\" is already defined in"), "{outcome:?}");
    // The router built before the reload serves the new generation.
    let version = |site: &'static str| {
        let app = app.clone();
        async move {
            let r = common::get(&app, &format!("/api/v1/sites/{site}/notice"), &[]).await;
            (r.status.as_u16(), r.json()["version"].as_str().map(str::to_owned))
        }
    };
    assert_eq!(version("othersite").await, (200, Some("a".to_owned())));
    assert_eq!(version(SITE).await, (200, Some("1".to_owned())), "the duplicate changed nothing");
}
