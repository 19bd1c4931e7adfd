//! The HTTP surface around the API: health, static files, MIME types, compression, cache and security headers, problem bodies.

mod common;

use axum::{body::Body, http::Request};
use common::{get, send, Fixture};

#[tokio::test]
async fn healthz_answers_ok_after_a_database_query() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let r = get(&app, "/healthz", &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), serde_json::json!({"status": "ok"}));
    assert!(fx.is_postgres() || fx.db_path().exists(), "database file and its folders are created on start");
}

#[tokio::test]
async fn wasm_is_served_as_application_wasm_with_short_public_cache() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let r = get(&app, "/widget/privacy_widget_bg.wasm", &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), "application/wasm");
    assert_eq!(r.header("cache-control"), "public, max-age=300");
    assert_eq!(&r.body[..4], b"\0asm");
    assert!(!r.header("etag").is_empty() || !r.header("last-modified").is_empty());
    assert_eq!(r.header("x-content-type-options"), "nosniff");
}

#[tokio::test]
async fn javascript_is_text_javascript() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let r = get(&app, "/widget/privacy-widget.js", &[]).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("text/javascript"), "{}", r.header("content-type"));
}

#[tokio::test]
async fn gzip_and_brotli_are_negotiated() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let plain = get(&app, "/widget/privacy_widget_bg.wasm", &[]).await;
    let gz = get(&app, "/widget/privacy_widget_bg.wasm", &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.header("content-encoding"), "gzip");
    assert!(gz.body.len() < plain.body.len() / 4, "gzip {} vs {}", gz.body.len(), plain.body.len());
    assert_eq!(gz.header("content-type"), "application/wasm");
    let br = get(&app, "/widget/privacy_widget_bg.wasm", &[("accept-encoding", "br")]).await;
    assert_eq!(br.header("content-encoding"), "br");
    assert!(br.body.len() < plain.body.len() / 4);
    assert!(br.header("vary").to_ascii_lowercase().contains("accept-encoding"));
}

#[tokio::test]
async fn a_precompressed_file_is_preferred() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let r = get(&app, "/widget/loader.js", &[("accept-encoding", "br, gzip")]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-encoding"), "br");
    assert_eq!(r.body, b"BROTLI-PRECOMPRESSED");
    assert!(r.header("content-type").starts_with("text/javascript"));
}

#[tokio::test]
async fn html_pages_get_the_strict_csp_and_no_cache() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let r = get(&app, "/", &[]).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("text/html"));
    assert_eq!(r.header("cache-control"), "no-cache");
    let csp = r.header("content-security-policy");
    assert!(csp.contains("default-src 'self'") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(r.header("referrer-policy"), "strict-origin-when-cross-origin");
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    let json = get(&app, "/data.json", &[]).await;
    assert_eq!(json.header("cache-control"), "no-cache");
    assert!(json.header("content-security-policy").is_empty());
}

#[tokio::test]
async fn conditional_get_gives_304() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let first = get(&app, "/widget/privacy-widget.js", &[]).await;
    let lm = first.header("last-modified").to_owned();
    assert!(!lm.is_empty());
    let again = get(&app, "/widget/privacy-widget.js", &[("if-modified-since", &lm)]).await;
    assert_eq!(again.status, 304);
}

#[tokio::test]
async fn missing_files_and_routes_are_problem_json() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    for path in ["/nope.html", "/widget/nope.wasm", "/api/v1/nothing"] {
        let r = get(&app, path, &[]).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.header("content-type"), "application/problem+json", "{path}");
        assert_eq!(r.json()["type"], "/problems/not-found");
        assert_eq!(r.json()["status"], 404);
    }
    let r = send(&app, Request::delete("/api/v1/consents").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["type"], "/problems/method-not-allowed");
}

#[tokio::test]
async fn bodies_over_64_kb_are_refused() {
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    let big = vec![b' '; 65 * 1024];
    let r = send(
        &app,
        Request::post("/api/v1/consents")
            .header("content-type", "application/json")
            .header("idempotency-key", "big-1")
            .body(Body::from(big))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["type"], "/problems/payload-too-large");
}
