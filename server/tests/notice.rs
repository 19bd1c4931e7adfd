//! The consent notice route (`GET /api/v1/sites/{site}/notice`): the demo sites' real policies
//! compiled per language, caching with a strong ETag and 304, compression, CORS for the
//! site's marketing pages, and no rate limit or cookie in the way of a preload.

mod common;

use std::{io::Read, path::PathBuf};

use axum::{body::Body, http::Request, Router};
use common::{get, send, Fixture, Reply};
use privacy_widget::{
    consent::{notice::UI_NAMES, Notice, UiText},
    policy::{parse_policy, PURPOSE_KINDS, VENDORS},
};
use privacy_widget_server::{
    config::{Rate, Settings, SiteSettings},
    serve,
};

const PCX_ORIGIN: &str = "https://www.pcextreme.nl";
const WEBANIZR_ORIGIN: &str = "https://www.webanizr.com";

/// The demo's policies folder (the five seeds).
fn seeds() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../www/policies")
}

fn seed_version(site: &str) -> String {
    let text = std::fs::read_to_string(seeds().join(format!("{site}.json"))).unwrap();
    parse_policy(&text).unwrap().version
}

/// The app over the seed policies, with pcextreme's and webanizr's marketing origins
/// configured and `change` applied.
async fn app_with(change: impl FnOnce(&mut Settings)) -> (Fixture, Router) {
    let mut fx = Fixture::new();
    fx.args.policies = Some(seeds());
    let mut settings = fx.args.settings().expect("settings");
    settings.sites = vec![
        SiteSettings { id: "pcextreme".into(), policy: None, allowed_origins: vec![PCX_ORIGIN.into()], ..Default::default() },
        SiteSettings { id: "webanizr".into(), policy: None, allowed_origins: vec![WEBANIZR_ORIGIN.into()], ..Default::default() },
    ];
    change(&mut settings);
    let app = privacy_widget_server::app(serve::prepare(settings).await.expect("prepare"));
    (fx, app)
}

async fn app() -> (Fixture, Router) {
    app_with(|_| {}).await
}

/// The body, decoded by its Content-Encoding.
fn decoded(r: &Reply) -> String {
    let mut out = Vec::new();
    match r.header("content-encoding") {
        "" => out = r.body.clone(),
        "gzip" => {
            flate2::read::GzDecoder::new(r.body.as_slice()).read_to_end(&mut out).unwrap();
        }
        "br" => {
            brotli::Decompressor::new(r.body.as_slice(), 4096).read_to_end(&mut out).unwrap();
        }
        other => panic!("unexpected content-encoding {other}"),
    }
    String::from_utf8(out).unwrap()
}

fn notice(r: &Reply) -> Notice {
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), "application/json");
    Notice::read(&decoded(r)).unwrap_or_else(|e| panic!("{e}"))
}

/// The analytics purpose's line about the service that sets `_ga` (with its lifetime in words).
fn ga_line(n: &Notice) -> String {
    let ga = n.services.iter().find(|s| s.cookies.iter().any(|c| c == "_ga")).expect("a _ga cookie");
    let line = n.purposes.iter().flat_map(|p| &p.services).find(|l| l.id == ga.id).expect("a line about it");
    line.text.clone()
}

// C-A9: the notice names the policy version a decision is made on.
#[tokio::test]
async fn pcextreme_in_dutch_and_english() {
    let (_fx, app) = app().await;
    let nl = notice(&get(&app, "/api/v1/sites/pcextreme/notice?lang=nl", &[]).await);
    let en = notice(&get(&app, "/api/v1/sites/pcextreme/notice?lang=en", &[]).await);
    for n in [&nl, &en] {
        let ids: Vec<&str> = n.purposes.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["analytics", "ad_measurement", "remarketing"], "only the browser-consent purposes, in order");
        assert_eq!(n.site, "pcextreme");
        assert_eq!(n.version, seed_version("pcextreme"));
    }
    assert_eq!((nl.lang.as_str(), en.lang.as_str()), ("nl", "en"));
    assert!(ga_line(&nl).contains("_ga (2 jaar)"), "{}", ga_line(&nl));
    assert!(ga_line(&en).contains("_ga (2 years)"), "{}", ga_line(&en));
    assert_eq!(en.text(UiText::AcceptAll), "Accept all", "the banner texts are in the notice's language");
    assert_eq!(nl.text(UiText::AcceptAll), "Alles accepteren");
    assert_ne!(nl.purposes[0].retention, en.purposes[0].retention, "retention sentences are rendered per language");
}

#[tokio::test]
async fn the_language_follows_the_tag_and_the_policy() {
    let (_fx, app) = app().await;
    let lang = |r: Reply| notice(&r).lang;
    assert_eq!(lang(get(&app, "/api/v1/sites/pcextreme/notice?lang=en-GB", &[]).await), "en");
    assert_eq!(lang(get(&app, "/api/v1/sites/pcextreme/notice?lang=EN", &[]).await), "en");
    assert_eq!(lang(get(&app, "/api/v1/sites/pcextreme/notice", &[]).await), "nl", "no lang: the policy's default");
    assert_eq!(lang(get(&app, "/api/v1/sites/pcextreme/notice?lang=fr", &[]).await), "nl");
    assert_eq!(lang(get(&app, "/api/v1/sites/pcextreme/notice?lang=en&lang=nl", &[]).await), "en", "the first lang counts");
    assert_eq!(lang(get(&app, "/api/v1/sites/pcextreme/notice?lang=%ZZ&x=1", &[]).await), "nl", "a broken query is no error");
    // webhost's policy is Dutch only.
    let webhost = notice(&get(&app, "/api/v1/sites/webhost/notice?lang=en", &[]).await);
    assert_eq!(webhost.lang, "nl");
    assert_eq!(webhost.version, seed_version("webhost"));
}

#[tokio::test]
async fn an_unknown_site_is_a_404_problem() {
    let (_fx, app) = app().await;
    for path in ["/api/v1/sites/nope/notice", "/api/v1/sites/testsite/notice?lang=nl"] {
        let r = get(&app, path, &[]).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.header("content-type"), "application/problem+json");
        assert_eq!(r.json()["type"], "/problems/not-found");
        assert!(r.json()["detail"].as_str().unwrap().contains("no site"), "{}", r.text());
        assert!(r.header("etag").is_empty());
    }
}

#[tokio::test]
async fn a_strong_etag_revalidates_with_304_and_no_cache() {
    let (_fx, app) = app().await;
    let path = "/api/v1/sites/pcextreme/notice?lang=nl";
    let first = get(&app, path, &[]).await;
    let etag = first.header("etag").to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 20, "strong: {etag}");
    assert_eq!(first.header("cache-control"), "no-cache");
    assert!(first.header("vary").to_ascii_lowercase().contains("accept-encoding"), "{:?}", first.headers);
    assert_eq!(get(&app, path, &[]).await.header("etag"), etag, "the same bytes, the same tag");
    let again = get(&app, path, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), etag);
    assert_eq!(again.header("cache-control"), "no-cache");
    let weak = format!("W/{etag}");
    assert_eq!(get(&app, path, &[("if-none-match", &weak)]).await.status, 304, "If-None-Match compares weakly");
    assert_eq!(get(&app, path, &[("if-none-match", "\"stale\"")]).await.status, 200);
    let en = get(&app, "/api/v1/sites/pcextreme/notice?lang=en", &[("if-none-match", &etag)]).await;
    assert_eq!(en.status, 200, "another language is another body");
    assert_ne!(en.header("etag"), etag);
    let head = send(&app, Request::head(path).body(Body::empty()).unwrap()).await;
    assert_eq!((head.status.as_u16(), head.header("etag")), (200, etag.as_str()));
}

#[tokio::test]
async fn gzip_and_brotli_bodies_have_their_own_tags_and_read_back() {
    let (_fx, app) = app().await;
    let path = "/api/v1/sites/pcextreme/notice?lang=en";
    let plain = get(&app, path, &[]).await;
    let gz = get(&app, path, &[("accept-encoding", "gzip")]).await;
    let br = get(&app, path, &[("accept-encoding", "gzip, deflate, br")]).await;
    assert_eq!((plain.header("content-encoding"), gz.header("content-encoding"), br.header("content-encoding")), ("", "gzip", "br"));
    assert!(br.body.len() < plain.body.len() / 2 && gz.body.len() < plain.body.len() / 2, "{} {} {}", plain.body.len(), gz.body.len(), br.body.len());
    assert_eq!(notice(&plain), notice(&gz));
    assert_eq!(notice(&plain), notice(&br));
    let tags = [plain.header("etag"), gz.header("etag"), br.header("etag")];
    assert!(tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2], "{tags:?}");
    let r = get(&app, path, &[("accept-encoding", "br"), ("if-none-match", br.header("etag"))]).await;
    assert_eq!(r.status, 304);
}

#[tokio::test]
async fn the_sites_marketing_origin_may_read_it_cross_origin_others_may_not() {
    let (_fx, app) = app().await;
    let path = "/api/v1/sites/pcextreme/notice?lang=nl";
    // What `<link rel=preload as=fetch crossorigin=anonymous>` sends: no cookies, no preflight.
    let preload = [("origin", PCX_ORIGIN), ("sec-fetch-mode", "cors"), ("sec-fetch-site", "cross-site"), ("sec-fetch-dest", "empty")];
    let r = get(&app, path, &preload).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), PCX_ORIGIN);
    assert!(r.header("access-control-allow-credentials").is_empty(), "no credentials cross-origin");
    let vary: Vec<String> = r.headers.get_all("vary").iter().map(|v| v.to_str().unwrap().to_ascii_lowercase()).collect();
    assert!(vary.iter().any(|v| v.contains("origin")) && vary.iter().any(|v| v.contains("accept-encoding")), "{vary:?}");
    for origin in ["https://evil.example", WEBANIZR_ORIGIN] {
        let r = get(&app, path, &[("origin", origin)]).await;
        assert_eq!(r.status, 200, "public data: the browser, not the server, withholds it");
        assert_eq!(r.header("access-control-allow-origin"), "", "{origin} is not pcextreme's");
    }
    let webanizr = get(&app, "/api/v1/sites/webanizr/notice", &[("origin", WEBANIZR_ORIGIN)]).await;
    assert_eq!(webanizr.header("access-control-allow-origin"), WEBANIZR_ORIGIN);
    // A 304 carries the CORS header too (a revalidated preload).
    let etag = get(&app, path, &[]).await.header("etag").to_owned();
    let r = get(&app, path, &[("origin", PCX_ORIGIN), ("if-none-match", &etag)]).await;
    assert_eq!((r.status.as_u16(), r.header("access-control-allow-origin")), (304, PCX_ORIGIN));
    // A preflight (should a page add a header) is answered for GET.
    let preflight = Request::builder()
        .method("OPTIONS")
        .uri(path)
        .header("origin", PCX_ORIGIN)
        .header("access-control-request-method", "GET")
        .body(Body::empty())
        .unwrap();
    let r = send(&app, preflight).await;
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), PCX_ORIGIN);
    assert_eq!(r.header("access-control-allow-methods"), "GET");
}

#[tokio::test]
async fn no_rate_limit_cookie_or_fetch_metadata_stands_in_the_way() {
    let (_fx, app) = app_with(|s| {
        s.limits.per_ip = Rate { burst: 2, per_minute: 1 };
        s.limits.per_session = Rate { burst: 2, per_minute: 1 };
        s.limits.exempt_loopback = false;
    })
    .await;
    let from = [("x-forwarded-for", "198.51.100.9"), ("cookie", "pw_session=abcdefabcdefabcdefabcdef"), ("sec-fetch-site", "same-origin")];
    for i in 0..10 {
        let r = get(&app, "/api/v1/sites/pcextreme/notice?lang=nl", &from).await;
        assert_eq!(r.status, 200, "request {i}: {}", r.text());
        assert!(r.header("set-cookie").is_empty());
    }
    let mut limited = 0;
    for _ in 0..3 {
        if get(&app, "/api/v1/consents/subject-0123456789abcdef", &from).await.status == 429 {
            limited += 1;
        }
    }
    assert!(limited > 0, "the other API routes are still limited");
}

fn names<T>(table: &[(&str, T)]) -> Vec<String> {
    table.iter().map(|(n, _)| n.to_string()).collect()
}

#[test]
fn the_spec_lists_the_notice_names_the_widget_writes() {
    let spec = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.yaml")).unwrap();
    let schema = &spec[spec.find("    Notice:\n").expect("a Notice schema")..];
    let enum_after = |member: &str| -> Vec<String> {
        let at = schema.find(&format!("{member}:\n")).unwrap_or_else(|| panic!("{member}"));
        let line = schema[at..].lines().find(|l| l.trim_start().starts_with("enum: [")).unwrap();
        line.trim().trim_start_matches("enum: [").trim_end_matches(']').split(", ").map(str::to_owned).collect()
    };
    assert_eq!(enum_after("kind"), names(PURPOSE_KINDS));
    assert_eq!(enum_after("vendor"), names(VENDORS));
    // Every text of `ui` is listed and required.
    let ui = &schema[schema.find("        ui:\n").expect("a ui member")..];
    let ui = &ui[..ui.find("        purposes:\n").expect("purposes after ui")];
    let required = ui.lines().find(|l| l.trim_start().starts_with("required: [")).expect("ui lists its required texts");
    let required: Vec<String> =
        required.trim().trim_start_matches("required: [").trim_end_matches(']').split(", ").map(str::to_owned).collect();
    assert_eq!(required, UI_NAMES.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    for name in UI_NAMES {
        assert!(ui.contains(&format!("            {name}:\n")), "the spec describes ui.{name}");
    }
}
