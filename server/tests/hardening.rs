//! Hardening (issue 6): rate limits per IP, per subject and per session (429 + Retry-After),
//! the client address behind trusted proxies, CORS for the marketing-page endpoints, and the
//! Origin check on visitor requests.

mod common;

use axum::{body::Body, http::Request, Router};
use common::{consent_body, get, post_consent, send, Fixture, Reply, SITE};
use privacy_widget_server::{
    config::{IpRange, Rate, Settings, SiteSettings},
    http::client,
    serve,
};
use serde_json::json;

const ALLOWED: &str = "https://www.testsite.example";

/// The fixture's app with `change` applied to its settings.
async fn app_with(fx: &Fixture, change: impl FnOnce(&mut Settings)) -> Router {
    let mut settings = fx.args.settings().expect("settings");
    change(&mut settings);
    privacy_widget_server::app(serve::prepare(settings).await.expect("prepare"))
}

fn with_site_origins(s: &mut Settings) {
    s.sites = vec![SiteSettings { id: SITE.into(), policy: None, allowed_origins: vec![ALLOWED.into()], ..Default::default() }];
}

async fn options(app: &Router, path: &str, origin: &str, method: &str) -> Reply {
    let request = Request::builder()
        .method("OPTIONS")
        .uri(path)
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", "content-type, idempotency-key")
        .body(Body::empty())
        .unwrap();
    send(app, request).await
}

#[tokio::test]
async fn the_per_ip_limit_answers_429_with_retry_after_and_counts_each_address_apart() {
    let fx = Fixture::new();
    let app = app_with(&fx, |s| s.limits.per_ip = Rate { burst: 3, per_minute: 60 }).await;
    let path = "/api/v1/consents/subject-0123456789abcdef";
    for _ in 0..3 {
        assert_eq!(get(&app, path, &[("x-forwarded-for", "198.51.100.7")]).await.status, 200);
    }
    let r = get(&app, path, &[("x-forwarded-for", "198.51.100.7")]).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.json()["type"], "/problems/too-many-requests");
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert_eq!(r.header("retry-after"), "1");
    assert_eq!(get(&app, path, &[("x-forwarded-for", "198.51.100.8")]).await.status, 200, "another address");
    assert_eq!(get(&app, "/healthz", &[("x-forwarded-for", "198.51.100.7")]).await.status, 200, "only /api/ is limited");
}

#[tokio::test]
async fn the_per_subject_limit_counts_consent_records_of_one_consent_id() {
    let fx = Fixture::new();
    let app = app_with(&fx, |s| s.limits.per_subject = Rate { burst: 2, per_minute: 1 }).await;
    let subject = "subject-limit-0123456789";
    for i in 0..2 {
        assert_eq!(post_consent(&app, &format!("k{i}"), &consent_body(subject), &[]).await.status, 201);
    }
    let r = post_consent(&app, "k3", &consent_body(subject), &[]).await;
    assert_eq!(r.status, 429, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("retry-after"), "60");
    assert_eq!(post_consent(&app, "k4", &consent_body("another-subject-0123456"), &[]).await.status, 201);
    assert_eq!(get(&app, &format!("/api/v1/consents/{subject}"), &[]).await.status, 429, "reads count too");
}

#[tokio::test]
async fn the_per_session_limit_counts_requests_with_one_session_cookie() {
    let fx = Fixture::new();
    let app = app_with(&fx, |s| s.limits.per_session = Rate { burst: 2, per_minute: 1 }).await;
    let cookie = format!("pw_session={}", "a".repeat(64));
    for _ in 0..2 {
        assert_eq!(get(&app, "/api/v1/me", &[("cookie", &cookie)]).await.status, 401);
    }
    assert_eq!(get(&app, "/api/v1/me", &[("cookie", &cookie)]).await.status, 429);
    assert_eq!(get(&app, "/api/v1/me", &[]).await.status, 401, "no cookie, no session bucket");
}

#[test]
fn x_forwarded_for_counts_only_from_a_trusted_proxy() {
    let fx = Fixture::new();
    let mut settings = fx.args.settings().unwrap();
    let mut headers = axum::http::HeaderMap::new();
    headers.insert("x-forwarded-for", "203.0.113.1, 198.51.100.20, 10.0.0.5".parse().unwrap());
    let peer = Some("10.0.0.9".parse().unwrap());
    assert_eq!(client::resolve(peer, &headers, &settings), peer, "untrusted peer: its own address");
    settings.trusted_proxies = vec![IpRange::parse("10.0.0.0/8").unwrap()];
    // The rightmost address that is not a trusted proxy: the client cannot choose it.
    assert_eq!(client::resolve(peer, &headers, &settings), Some("198.51.100.20".parse().unwrap()));
    assert_eq!(client::resolve(peer, &axum::http::HeaderMap::new(), &settings), peer, "no header: the proxy itself");
    assert!(IpRange::parse("::ffff:10.1.2.3").is_some());
    assert!(IpRange::parse("10.0.0.0/8").unwrap().contains("::ffff:10.1.2.3".parse().unwrap()));
    assert!(!IpRange::parse("10.0.0.0/8").unwrap().contains("11.0.0.1".parse().unwrap()));
    assert!(IpRange::parse("10.0.0.0/33").is_none());
}

#[tokio::test]
async fn preflights_are_answered_only_for_allowed_origins() {
    let fx = Fixture::new();
    let app = app_with(&fx, with_site_origins).await;
    for path in ["/api/v1/consents", "/api/v1/requests", "/api/v1/requests/r_x/verify"] {
        let r = options(&app, path, ALLOWED, "POST").await;
        assert_eq!(r.status, 204, "{path}");
        assert_eq!(r.header("access-control-allow-origin"), ALLOWED);
        let methods = if path == "/api/v1/requests" { "GET, POST" } else { "POST" };
        assert_eq!(r.header("access-control-allow-methods"), methods, "{path}");
        assert!(r.header("access-control-allow-headers").contains("idempotency-key"));
        assert!(r.header("vary").contains("Origin"));
        assert_eq!(r.header("access-control-allow-credentials"), "", "never credentials");
        let r = options(&app, path, "https://evil.example", "POST").await;
        assert_eq!(r.status, 403, "{path}");
        assert_eq!(r.header("access-control-allow-origin"), "");
    }
    // The panel's routes: an allowed origin (a panel page elsewhere) may call them with a bearer
    // session (issue 14), never with credentials, so the cookie stays same-origin.
    let panel = options(&app, "/api/v1/me/preferences", ALLOWED, "PUT").await;
    assert_eq!(panel.header("access-control-allow-origin"), ALLOWED);
    assert!(panel.header("access-control-allow-headers").contains("authorization"));
    assert_eq!(panel.header("access-control-allow-credentials"), "", "never credentials");
    assert_eq!(options(&app, "/api/v1/me/preferences", "https://evil.example", "PUT").await.status, 403);
    assert_eq!(options(&app, "/api/v1/consents", ALLOWED, "DELETE").await.status, 403);
}

#[tokio::test]
async fn consents_from_an_allowed_origin_get_the_origin_echoed_others_are_refused() {
    let fx = Fixture::new();
    let app = app_with(&fx, with_site_origins).await;
    let mut body = consent_body("cors-subject-0123456789");
    body["origin"] = json!(ALLOWED);
    let r = post_consent(&app, "cors-1", &body, &[("origin", ALLOWED), ("host", "api.hoster.example")]).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("access-control-allow-origin"), ALLOWED);
    assert!(r.header("vary").contains("Origin"));
    body["origin"] = json!("https://evil.example");
    let r = post_consent(&app, "cors-2", &body, &[("origin", "https://evil.example"), ("host", "api.hoster.example")]).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.header("access-control-allow-origin"), "");
    assert!(r.header("vary").contains("Origin"));
}

#[tokio::test]
async fn a_visitor_request_may_come_from_the_sites_marketing_page_but_not_from_elsewhere() {
    let fx = Fixture::new();
    let app = app_with(&fx, with_site_origins).await;
    let visitor = json!({"site": SITE, "email": "someone@example.nl", "kind": "access", "details": {}});
    let post = |origin: &'static str, key: &'static str| {
        let app = app.clone();
        let visitor = visitor.clone();
        async move {
            let request = Request::post("/api/v1/requests")
                .header("content-type", "application/json")
                .header("idempotency-key", key)
                .header("host", "api.hoster.example")
                .header("origin", origin)
                .body(Body::from(visitor.to_string()))
                .unwrap();
            send(&app, request).await
        }
    };
    let r = post(ALLOWED, "v-1").await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("access-control-allow-origin"), ALLOWED);
    let r = post("https://evil.example", "v-2").await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["type"], "/problems/cross-site-request");
}

#[tokio::test]
async fn pages_carry_the_csp_the_e2e_suite_runs_the_widget_under() {
    let fx = Fixture::new();
    let app = app_with(&fx, |_| {}).await;
    let csp = get(&app, "/", &[]).await.header("content-security-policy").to_owned();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/e2e/lib/harness.mjs");
    // The comparison is the point of this test: a missing harness file fails it, never skips it.
    let harness = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read the e2e harness {path}: {e}"));
    assert!(harness.contains("STRICT_CSP"), "{path} no longer defines STRICT_CSP");
    for directive in ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'"] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
        assert!(harness.contains(directive), "the e2e STRICT_CSP lacks {directive}");
    }
}

/// Over real TCP the socket peer is the client: a spoofed X-Forwarded-For changes nothing.
#[test]
fn over_tcp_the_peer_address_is_limited_whatever_x_forwarded_for_says() {
    use std::io::{Read, Write};
    let fx = Fixture::new();
    let config = fx.dir.path().join("server.toml");
    std::fs::write(&config, "[limits]\nper_ip = { burst = 2, per_minute = 1 }\nexempt_loopback = false\n").unwrap();
    let mut child = std::process::Command::new(common::binary())
        .args(["--config", config.to_str().unwrap(), "--addr", "127.0.0.1:0", "--db", fx.db_path().to_str().unwrap()])
        .args(["--www", fx.args.www.to_str().unwrap(), "--widget", fx.args.widget_dir.to_str().unwrap()])
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let addr = common::listening_addr(&mut child, String::new);
    let status = |spoof: &str| {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(s, "GET /api/v1/consents/subject-0123456789abcdef HTTP/1.1\r\nHost: {addr}\r\nX-Forwarded-For: {spoof}\r\nConnection: close\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out[9..12].to_owned()
    };
    let got: Vec<String> = ["203.0.113.1", "203.0.113.2", "203.0.113.3"].iter().map(|ip| status(ip)).collect();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(got, ["200", "200", "429"]);
}
