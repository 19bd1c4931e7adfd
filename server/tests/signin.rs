//! The sign-in handoff (issue 14 section 1) against the real binary with `--no-demo`: a token
//! signed by the site's panel backend is exchanged once at `POST /api/v1/sessions` for a session
//! that works as the cookie or as `Authorization: Bearer`; every refusal is a 401 naming its
//! reason and stores nothing. On SQLite, and on PostgreSQL under scripts/with-postgres.sh.

mod common;
mod signin_support;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use common::{Fixture, SITE};
use privacy_widget_server::identity::{SigninAlg, TokenSigner};
use signin_support::{claims, now, start, Keys, PANEL_ORIGIN};

/// (customers, sessions, stored token ids).
fn counts(fx: &Fixture) -> (i64, i64, i64) {
    let db = fx.db();
    (
        db.one("SELECT COUNT(*) FROM customers", &[]),
        db.one("SELECT COUNT(*) FROM sessions", &[]),
        db.one("SELECT COUNT(*) FROM signin_token_ids", &[]),
    )
}

#[test]
fn c_c3_a_token_signs_in_as_cookie_and_bearer_and_creates_then_updates_the_customer() {
    let fx = Fixture::new();
    let keys = Keys::new();
    let server = start(&fx, &keys);
    let mut c = claims("cust-4711");
    c.name = Some("Jan de Vries".into());
    c.email = Some("Jan@Example.NL".into());
    c.locale = Some("nl".into());
    let answer = server.exchange(&keys.ed.sign(&c).unwrap());
    assert_eq!(answer.status, 201, "{}", answer.body);
    let body = answer.json();
    let session = body["session"].as_str().unwrap().to_owned();
    assert!(session.len() == 64 && session.bytes().all(|b| b.is_ascii_hexdigit()), "{session}");
    let expires = body["expires_at"].as_str().unwrap();
    assert!(expires.ends_with('Z') && expires.len() == 24, "{expires}");
    let cookie = answer.header("set-cookie").unwrap();
    assert!(cookie.starts_with(&format!("pw_session={session};")) && cookie.contains("HttpOnly"), "{cookie}");
    assert_eq!(answer.header("cache-control"), Some("no-store"));

    let me = server.get_bearer("/api/v1/me", &session);
    assert_eq!(me.status, 200, "{}", me.body);
    let me = me.json();
    assert_eq!((me["customer"].as_str(), me["name"].as_str(), me["email"].as_str()), (Some("cust-4711"), Some("Jan de Vries"), Some("jan@example.nl")));
    assert_eq!(me["site"], SITE);
    let by_cookie = server.call("GET", "/api/v1/me", &[("Cookie", &format!("pw_session={session}"))], "");
    assert_eq!(by_cookie.status, 200, "{}", by_cookie.body);
    assert_eq!(server.get_bearer("/api/v1/session", &session).json()["signed_in"], true);
    assert_eq!(counts(&fx), (1, 1, 1));

    // The next page view: a new token for the same sub updates the customer, no second one.
    let mut c = claims("cust-4711");
    c.name = Some("Jan de Vries-Bakker".into());
    let second = server.sign_in(&keys.ed.sign(&c).unwrap());
    assert_ne!(second, session);
    let me = server.get_bearer("/api/v1/me", &second).json();
    assert_eq!((me["name"].as_str(), me["email"].as_str()), (Some("Jan de Vries-Bakker"), Some("jan@example.nl")), "unnamed claims stay");
    assert_eq!(counts(&fx), (1, 2, 2));
    // Another sub is another customer, who sees only their own account.
    let other = server.sign_in(&keys.ed.sign(&claims("cust-9")).unwrap());
    assert_eq!(server.get_bearer("/api/v1/me", &other).json()["customer"], "cust-9");
    assert_eq!(counts(&fx).0, 2);
}

#[test]
fn c_c3_es256_and_hs256_tokens_sign_in_too() {
    let fx = Fixture::new();
    let keys = Keys::new();
    let server = start(&fx, &keys);
    for (signer, sub) in [(&keys.ec, "es-1"), (&keys.hs, "hs-1")] {
        let session = server.sign_in(&signer.sign(&claims(sub)).unwrap());
        assert_eq!(server.get_bearer("/api/v1/me", &session).json()["customer"], sub);
    }
}

#[test]
fn c_e3_every_refusal_is_a_401_naming_its_reason_and_stores_nothing() {
    let fx = Fixture::new();
    let keys = Keys::new();
    let server = start(&fx, &keys);
    let t = now();
    let sign = |signer: &TokenSigner, edit: &dyn Fn(&mut privacy_widget_server::identity::Claims)| {
        let mut c = claims("cust-1");
        edit(&mut c);
        signer.sign(&c).unwrap()
    };
    let (stranger, _) = TokenSigner::new_ed25519("ed1").unwrap();
    let (unknown, _) = TokenSigner::new_ed25519("k9").unwrap();
    let confused = TokenSigner::from_parts("ed1", SigninAlg::HS256, keys.ed_public_pem.as_bytes());
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims("cust-1")).unwrap());
    let unsigned = format!("{}.{payload}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none","kid":"ed1"}"#));
    let cases: Vec<(&str, String)> = vec![
        ("expired", sign(&keys.ed, &|c| {
            c.iat = t - 300;
            c.exp = t - 61;
        })),
        ("not yet valid", sign(&keys.ed, &|c| {
            c.iat = t + 120;
            c.exp = t + 200;
        })),
        ("bad signature", sign(&stranger, &|_| {})),
        ("unknown kid", sign(&unknown, &|_| {})),
        ("algorithm not allowed", unsigned),
        ("algorithm not allowed", sign(&confused, &|_| {})),
        ("wrong issuer", sign(&keys.ed, &|c| c.iss = "another-site".into())),
        ("wrong audience", sign(&keys.ed, &|c| c.aud = "someone-else".into())),
        ("too long-lived", sign(&keys.ed, &|c| c.exp = c.iat + 301)),
        ("malformed", sign(&keys.ed, &|c| c.sub = "cust\u{1}1".into())),
        ("malformed", sign(&keys.ed, &|c| c.sub = "x".repeat(129))),
        ("malformed", "not.a.token".into()),
        ("malformed", "x".repeat(9000)),
    ];
    for (reason, token) in &cases {
        let detail = server.exchange(token).refusal();
        assert!(detail.starts_with(&format!("{reason}:")), "{reason}: {detail}");
    }
    assert_eq!(counts(&fx), (0, 0, 0), "a refused token stores nothing");

    // Single use: the second exchange of the same token is refused, and stores nothing more.
    let token = keys.ed.sign(&claims("cust-1")).unwrap();
    server.sign_in(&token);
    let stored = counts(&fx);
    assert!(server.exchange(&token).refusal().starts_with("replayed:"));
    assert_eq!(counts(&fx), stored);
}

#[test]
fn c_e3_bad_bodies_are_named_and_a_100_kb_token_is_refused_unread() {
    let fx = Fixture::new();
    let keys = Keys::new();
    let server = start(&fx, &keys);
    let origin = format!("http://{}", server.addr);
    let post = |body: &str| server.call("POST", "/api/v1/sessions", &[("Content-Type", "application/json"), ("Origin", &origin)], body);
    let missing = post("{}");
    assert_eq!(missing.status, 422, "{}", missing.body);
    assert!(missing.body.contains("\"token\""), "{}", missing.body);
    assert_eq!(post(r#"{"token": 7}"#).status, 422);
    assert_eq!(post(r#"{"token": "a", "extra": 1}"#).status, 422);
    assert_eq!(post("not json").status, 400);
    // Over 8 KiB: a 401 naming the reason, whether the token or the body gives it away; a
    // 100 KB body is refused by its Content-Length, a chunked one after 9 KiB, unread beyond.
    let long = server.exchange(&"x".repeat(8 * 1024 + 1));
    assert_eq!(long.refusal(), "malformed: the token is longer than 8192 bytes");
    let huge = server.exchange(&"x".repeat(100 * 1024));
    assert_eq!(huge.refusal(), "malformed: the token is longer than 8192 bytes (the body is over 9216 bytes)");
    assert_eq!(huge.json()["type"], "/problems/signin-refused");
    let chunk = format!("{{\"token\": \"{}\"}}", "x".repeat(100 * 1024));
    let chunked = format!(
        "POST /api/v1/sessions HTTP/1.1\r\nHost: {0}\r\nConnection: close\r\nContent-Type: application/json\r\nOrigin: {origin}\r\n\
         Transfer-Encoding: chunked\r\n\r\n{1:x}\r\n{chunk}\r\n0\r\n\r\n",
        server.addr,
        chunk.len()
    );
    assert_eq!(server.raw(chunked.as_bytes()).refusal(), "malformed: the token is longer than 8192 bytes (the body is over 9216 bytes)");
    // Every other route keeps the server's 64 KiB limit: 413.
    let other = server.call("POST", "/api/v1/logout", &[("Content-Type", "application/json"), ("Origin", &origin)], &"x".repeat(100 * 1024));
    assert_eq!(other.status, 413, "{}", other.body);
    // From a foreign page (login CSRF): refused before the token is looked at.
    let token = keys.ed.sign(&claims("cust-1")).unwrap();
    let body = serde_json::json!({ "token": token }).to_string();
    let foreign = server.call("POST", "/api/v1/sessions", &[("Content-Type", "application/json"), ("Origin", "https://evil.example")], &body);
    assert_eq!(foreign.status, 403, "{}", foreign.body);
    assert_eq!(counts(&fx), (0, 0, 0));
}

#[test]
fn the_bearer_session_needs_no_csrf_guard_and_the_cookie_keeps_it() {
    let fx = Fixture::new();
    let keys = Keys::new();
    let server = start(&fx, &keys);
    let session = server.sign_in(&keys.ed.sign(&claims("cust-1")).unwrap());
    let version = server.get_bearer("/api/v1/me", &session).json()["policy_version"].as_str().unwrap().to_owned();
    let body = serde_json::json!({ "policy_version": version, "preferences": { "newsletter": true } }).to_string();
    let bearer = format!("Bearer {session}");
    let cookie = format!("pw_session={session}");
    let put = |auth: (&str, &str), origin: &str| {
        server.call("PUT", "/api/v1/me/preferences", &[auth, ("Content-Type", "application/json"), ("Origin", origin)], &body)
    };
    let by_bearer = put(("Authorization", &bearer), PANEL_ORIGIN);
    assert_eq!(by_bearer.status, 200, "{}", by_bearer.body);
    let by_cookie = put(("Cookie", &cookie), PANEL_ORIGIN);
    assert_eq!(by_cookie.status, 403, "the cookie keeps the CSRF guard: {}", by_cookie.body);
    // A bearer header that names no session is no session, even beside a good cookie.
    let wrong = "0".repeat(64);
    let both = server.call("GET", "/api/v1/me", &[("Authorization", &format!("Bearer {wrong}")), ("Cookie", &cookie)], "");
    assert_eq!(both.status, 401, "{}", both.body);
    // Logout with the bearer ends that session.
    let out = server.call("POST", "/api/v1/logout", &[("Authorization", &bearer), ("Content-Type", "application/json")], "{}");
    assert_eq!(out.status, 204, "{}", out.body);
    assert_eq!(server.get_bearer("/api/v1/me", &session).status, 401);
}

#[test]
fn a_panel_on_another_origin_gets_cors_for_the_bearer_session() {
    let fx = Fixture::new();
    let keys = Keys::new();
    let server = start(&fx, &keys);
    let preflight = |path: &str, method: &str, origin: &str| {
        server.call(
            "OPTIONS",
            path,
            &[("Origin", origin), ("Access-Control-Request-Method", method), ("Access-Control-Request-Headers", "authorization, content-type")],
            "",
        )
    };
    for (path, method) in [("/api/v1/sessions", "POST"), ("/api/v1/me", "GET"), ("/api/v1/me/preferences", "PUT"), ("/api/v1/requests", "GET")] {
        let ok = preflight(path, method, PANEL_ORIGIN);
        assert_eq!(ok.status, 204, "{path}: {}", ok.body);
        assert_eq!(ok.header("access-control-allow-origin"), Some(PANEL_ORIGIN), "{path}");
        assert!(ok.header("access-control-allow-headers").unwrap_or_default().contains("authorization"), "{path}");
        assert!(ok.header("access-control-allow-credentials").is_none(), "{path}: never with credentials");
        assert_eq!(preflight(path, method, "https://evil.example").status, 403, "{path}");
    }
    let token = keys.ed.sign(&claims("cust-x")).unwrap();
    let body = serde_json::json!({ "token": token }).to_string();
    let created = server.call("POST", "/api/v1/sessions", &[("Content-Type", "application/json"), ("Origin", PANEL_ORIGIN)], &body);
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.header("access-control-allow-origin"), Some(PANEL_ORIGIN));
    let session = created.json()["session"].as_str().unwrap().to_owned();
    let me = server.call("GET", "/api/v1/me", &[("Authorization", &format!("Bearer {session}")), ("Origin", PANEL_ORIGIN)], "");
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.header("access-control-allow-origin"), Some(PANEL_ORIGIN));
}

#[test]
fn c_e3_two_instances_on_one_database_share_replays_and_sessions() {
    let fx = Fixture::new();
    let keys = Keys::new();
    let a = start(&fx, &keys);
    let b = start(&fx, &keys);
    let token = keys.ed.sign(&claims("cust-1")).unwrap();
    let session = a.sign_in(&token);
    assert!(b.exchange(&token).refusal().starts_with("replayed:"), "a jti used on one instance is refused on the other");
    assert_eq!(b.get_bearer("/api/v1/me", &session).status, 200, "a session made on one instance works on the other");
    // The same fresh token sent to both at once: exactly one session.
    let token = keys.ed.sign(&claims("cust-2")).unwrap();
    let (x, y) = std::thread::scope(|s| {
        let x = s.spawn(|| a.exchange(&token).status);
        let y = s.spawn(|| b.exchange(&token).status);
        (x.join().unwrap(), y.join().unwrap())
    });
    let mut statuses = [x, y];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 401]);
}
