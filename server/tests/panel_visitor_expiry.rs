//! A visitor's status token has a lifetime (C-C3: access by a token stays proportionate once the
//! answer is given): it works while the request is open and for `visitor_token_days` (default 30)
//! after the request was completed, refused or cancelled; after that its status, package and
//! cancel routes answer exactly as for an unknown token, so the answer is no longer downloadable
//! through it. The answer mail says until when its link works. The window is moved by ageing the
//! closing step in the database, or made tiny through the configuration file.

mod panel_support;

use clap::Parser;
use panel_support::{Env, Reply};
use privacy_widget::policy::Date;
use privacy_widget_server::{
    cli::Cli,
    config::{Overrides, Settings, DEFAULT_VISITOR_TOKEN_LIFETIME},
    params, serve,
};
use serde_json::{json, Value};

const JAN: &str = "jan.devries@example.com";
const FATIMA: &str = "fatima@elamrani-webdesign.example";
const PAGE: &str = "http://panel.test/sites/pcextreme/privacy/";
const DAY_MS: i64 = 86_400_000;

/// Files and verifies a visitor's request on the privacy page; returns (id, status token).
async fn verified(env: &Env, email: &str, kind: &str, details: Value, key: &str) -> (String, String) {
    let body = json!({"site": "pcextreme", "email": email, "kind": kind, "details": details});
    let r = env.post("/api/v1/requests", "", &body, &[("idempotency-key", key), ("x-forwarded-for", "10.9.0.1")]).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let code = env.code_for(email).await;
    let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": code, "page": PAGE}), &[]).await;
    assert_eq!(v.status, 200, "{}", v.text());
    (id, v.json()["status_token"].as_str().unwrap().to_owned())
}

fn complete(env: &Env, id: &str) {
    assert!(env.ops(&["start", id]).0);
    let (ok, _, err) = env.ops(&["complete", id]);
    assert!(ok, "{err}");
}

/// What the three token routes answer for `token`: (status, package, cancel).
async fn routes(env: &Env, token: &str) -> [Reply; 3] {
    [
        env.get(&format!("/api/v1/visitor-requests/{token}"), "").await,
        env.get(&format!("/api/v1/visitor-requests/{token}/package"), "").await,
        env.post(&format!("/api/v1/visitor-requests/{token}/cancel"), "", &json!({}), &[]).await,
    ]
}

/// Asserts that `token` is answered on every route as a token never issued is.
async fn answered_as_unknown(env: &Env, token: &str, what: &str) {
    let unknown = routes(env, &"ab".repeat(32)).await;
    let expired = routes(env, token).await;
    for (u, e) in unknown.iter().zip(expired.iter()) {
        assert_eq!(e.status, 404, "{what}: {}", e.text());
        assert_eq!((e.status, e.body.as_slice(), e.header("content-type")), (u.status, u.body.as_slice(), u.header("content-type")), "{what}");
    }
}

/// Moves the request's closing step (and every earlier one) `days` back in time.
fn age(env: &Env, id: &str, days: i64) {
    env.db().execute("UPDATE request_events SET at_ms = at_ms - ?2 WHERE request_id = ?1", params![id, days * DAY_MS]).unwrap();
}

/// The answer mail to `to` (the newest), as text.
async fn answer_mail(env: &Env, to: &str) -> String {
    let all = env.get("/demo/outbox", "").await.json()["messages"].as_array().unwrap().clone();
    let mail = all.iter().find(|m| m["to"] == to && m["body"].as_str().unwrap().contains("Verzoek / request")).expect("an answer mail");
    mail["body"].as_str().unwrap().to_owned()
}

/// The token in the mail's link.
fn mail_token(body: &str) -> String {
    let prefix = format!("{PAGE}#pw-status=");
    let at = body.find(&prefix).unwrap_or_else(|| panic!("a link: {body}")) + prefix.len();
    body[at..].chars().take_while(char::is_ascii_hexdigit).collect()
}

/// The day the mail names for tokens that stop at `expires_ms`: the whole day before (UTC).
fn last_day(expires_ms: i64) -> (String, String) {
    let d = Date::from_days(expires_ms.div_euclid(DAY_MS) - 1).unwrap();
    let nl = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];
    let en = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    let m = usize::from(d.month) - 1;
    (format!("{} {} {}", d.day, nl[m], d.year), format!("{} {} {}", d.day, en[m], d.year))
}

/// An [`Env`] whose server reads `toml` as its configuration file.
async fn configured(toml: &str) -> Env {
    let mut env = Env::new().await;
    let file = env.dir.path().join("server.toml");
    std::fs::write(&file, toml).unwrap();
    let overrides = Overrides {
        addr: Some("127.0.0.1:0".parse().unwrap()),
        db: Some(env.db.clone()),
        www: Some(env.www.clone()),
        widget_dir: Some(env.dir.path().join("dist")),
        ..Overrides::default()
    };
    let settings = Settings::load(Some(&file), &|_| None, &overrides).expect("settings");
    env.state = serve::prepare(settings).await.expect("prepare");
    env.app = privacy_widget_server::app(env.state.clone());
    env
}

#[tokio::test]
async fn a_token_works_while_open_and_for_30_days_after_completion_then_answers_as_unknown() {
    let env = Env::new().await;
    let (id, token) = verified(&env, JAN, "access", json!({}), "x-1").await;
    // Open: no limit, however long ago it was filed (the due date is the company's limit).
    age(&env, &id, 400);
    env.db().execute("UPDATE requests SET created_at_ms = created_at_ms - ?2 WHERE id = ?1", params![&id, 400 * DAY_MS]).unwrap();
    assert!(env.ops(&["start", &id]).0);
    assert_eq!(routes(&env, &token).await[0].status, 200, "open for 400 days: still works");
    let (ok, _, err) = env.ops(&["complete", &id]);
    assert!(ok, "{err}");
    let link = mail_token(&answer_mail(&env, JAN).await);

    // 29 days after completion: status and answer through both tokens.
    age(&env, &id, 29);
    for t in [&token, &link] {
        let [status, package, cancel] = routes(&env, t).await;
        assert_eq!(status.status, 200, "{}", status.text());
        assert_eq!((status.json()["status"].as_str(), status.json()["package_available"].as_bool()), (Some("completed"), Some(true)));
        assert_eq!(package.status, 200, "{}", package.text());
        assert!(package.text().contains(JAN));
        assert_eq!(cancel.status, 409, "completed: not cancellable, but the token is known");
    }
    // A day later (30 days and a minute): gone, on every route, for both tokens.
    age(&env, &id, 1);
    env.db().execute("UPDATE request_events SET at_ms = at_ms - 60000 WHERE request_id = ?1", params![&id]).unwrap();
    answered_as_unknown(&env, &token, "the browser's token").await;
    answered_as_unknown(&env, &link, "the mail's token").await;
    // The request itself is untouched: the customer and the operator still see it.
    let status: String = env.db().one("SELECT status FROM requests WHERE id = ?1", params![&id]);
    assert_eq!(status, "completed");
    let jan = env.login("pcextreme", "jan-de-vries").await;
    assert_eq!(env.get(&format!("/api/v1/requests/{id}/package"), &jan).await.status, 200);
}

#[tokio::test]
async fn cancelled_and_refused_requests_close_the_window_too() {
    let env = Env::new().await;
    let (cancelled, cancel_token) = verified(&env, JAN, "erasure", json!({"confirm": true}), "x-2").await;
    let first = env.post(&format!("/api/v1/visitor-requests/{cancel_token}/cancel"), "", &json!({}), &[]).await;
    assert_eq!(first.status, 200, "{}", first.text());
    age(&env, &cancelled, 29);
    let again = env.post(&format!("/api/v1/visitor-requests/{cancel_token}/cancel"), "", &json!({}), &[]).await;
    assert_eq!((again.status.as_u16(), again.json()["status"].as_str()), (200, Some("cancelled")), "idempotent within the window");
    age(&env, &cancelled, 2);
    answered_as_unknown(&env, &cancel_token, "cancelled 31 days ago").await;
    // Cross-origin cancel from an allowed page answers the same as for an unknown token.
    let allowed = [("origin", "https://www.pcextreme.nl")];
    let unknown = env.post(&format!("/api/v1/visitor-requests/{}/cancel", "cd".repeat(32)), "", &json!({}), &allowed).await;
    let expired = env.post(&format!("/api/v1/visitor-requests/{cancel_token}/cancel"), "", &json!({}), &allowed).await;
    assert_eq!((expired.status, expired.body), (unknown.status, unknown.body));

    let (refused, refuse_token) = verified(&env, FATIMA, "access", json!({}), "x-3").await;
    assert!(env.ops(&["refuse", &refused, "--reason", "kennelijk ongegrond"]).0);
    age(&env, &refused, 29);
    assert_eq!(routes(&env, &refuse_token).await[0].json()["status"], "refused");
    age(&env, &refused, 2);
    answered_as_unknown(&env, &refuse_token, "refused 31 days ago").await;
}

#[tokio::test]
async fn the_answer_mail_names_the_last_day_its_link_works() {
    let env = Env::new().await;
    let (id, _) = verified(&env, JAN, "access", json!({}), "x-4").await;
    complete(&env, &id);
    let body = answer_mail(&env, JAN).await;
    let closed: i64 = env.db().one("SELECT MAX(at_ms) FROM request_events WHERE request_id = ?1 AND status = 'completed'", params![&id]);
    let (nl, en) = last_day(closed + 30 * DAY_MS);
    assert!(body.contains(&format!("De link werkt tot en met {nl}.")), "{body}");
    assert!(body.contains(&format!("The link works until the end of {en}.")), "{body}");
    // Without a page to link to, the mail says until when the browser's token shows the answer.
    let r = env
        .post("/api/v1/requests", "", &json!({"site": "pcextreme", "email": FATIMA, "kind": "access", "details": {}}), &[("idempotency-key", "x-5"), ("x-forwarded-for", "10.9.0.2")])
        .await;
    let other = r.json()["id"].as_str().unwrap().to_owned();
    let code = env.code_for(FATIMA).await;
    assert_eq!(env.post(&format!("/api/v1/requests/{other}/verify"), "", &json!({"code": code}), &[]).await.status, 200);
    assert!(env.ops(&["refuse", &other, "--reason", "kennelijk ongegrond"]).0);
    let plain = answer_mail(&env, FATIMA).await;
    let closed: i64 = env.db().one("SELECT MAX(at_ms) FROM request_events WHERE request_id = ?1 AND status = 'refused'", params![&other]);
    let (nl, en) = last_day(closed + 30 * DAY_MS);
    assert!(plain.contains(&format!("Dat kan tot en met {nl}.")) && plain.contains(&format!("You can do so until the end of {en}.")), "{plain}");
    assert!(!plain.contains("pw-status"));
}

#[tokio::test]
async fn the_configured_lifetime_counts_in_the_mail_and_at_the_door() {
    // A week: the mail names the sixth day after closing.
    let week = configured("visitor_token_days = 7\n").await;
    assert_eq!(week.state.settings.visitor_token_lifetime.as_secs(), 7 * 86_400);
    let (id, token) = verified(&week, JAN, "access", json!({}), "x-6").await;
    complete(&week, &id);
    let body = answer_mail(&week, JAN).await;
    let closed: i64 = week.db().one("SELECT MAX(at_ms) FROM request_events WHERE request_id = ?1 AND status = 'completed'", params![&id]);
    assert!(body.contains(&format!("tot en met {}.", last_day(closed + 7 * DAY_MS).0)), "{body}");
    age(&week, &id, 6);
    assert_eq!(routes(&week, &token).await[1].status, 200, "6 days: the answer is still there");
    age(&week, &id, 1);
    answered_as_unknown(&week, &token, "7 days").await;

    // A tiny window (about 0.09 s): open works, closed is soon gone, without ageing anything.
    let tiny = configured("visitor_token_days = 0.000001\n").await;
    let (id, token) = verified(&tiny, JAN, "access", json!({}), "x-7").await;
    assert!(tiny.ops(&["start", &id]).0);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(routes(&tiny, &token).await[0].status, 200, "open: no window");
    assert!(tiny.ops(&["complete", &id]).0);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    answered_as_unknown(&tiny, &token, "tiny window").await;
}

#[test]
fn the_lifetime_is_set_by_file_environment_and_command_line() {
    assert_eq!(Settings::default().visitor_token_lifetime.as_secs(), 30 * 86_400);
    assert_eq!(DEFAULT_VISITOR_TOKEN_LIFETIME.as_secs(), 30 * 86_400);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.toml");
    let load = |toml: &str, env: Option<&str>, overrides: &Overrides| {
        std::fs::write(&file, toml).unwrap();
        let env = env.map(str::to_owned);
        Settings::load(Some(&file), &move |name| (name == "PW_VISITOR_TOKEN_DAYS").then(|| env.clone()).flatten(), overrides)
    };
    let none = Overrides::default();
    assert_eq!(load("visitor_token_days = 90\n", None, &none).unwrap().visitor_token_lifetime.as_secs(), 90 * 86_400);
    assert_eq!(load("visitor_token_days = 0.5\n", None, &none).unwrap().visitor_token_lifetime.as_secs(), 43_200);
    assert_eq!(load("visitor_token_days = 90\n", Some("14"), &none).unwrap().visitor_token_lifetime.as_secs(), 14 * 86_400, "environment over file");
    let flag = Overrides { visitor_token_lifetime: Some(std::time::Duration::from_secs(86_400)), ..Overrides::default() };
    assert_eq!(load("visitor_token_days = 90\n", Some("14"), &flag).unwrap().visitor_token_lifetime.as_secs(), 86_400, "command line over both");
    for (toml, env) in [("visitor_token_days = 0\n", None), ("visitor_token_days = -1\n", None), ("visitor_token_days = 4000\n", None), ("", Some("soon"))] {
        let err = load(toml, env, &none).expect_err(toml).to_string();
        assert!(err.contains("visitor_token_days: must be a number of days above 0"), "{err}");
    }
    let cli = Cli::try_parse_from(["privacy-widget-server", "--visitor-token-days", "2"]).unwrap();
    assert_eq!(cli.options.visitor_token_days.map(|d| d.as_secs()), Some(2 * 86_400));
    assert!(Cli::try_parse_from(["privacy-widget-server", "--visitor-token-days", "0"]).is_err());
}
