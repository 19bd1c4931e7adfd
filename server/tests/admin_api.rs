//! The admin API (issue 14 section 4, C-E3) against the real binary with `--no-demo`: bearer
//! tokens (401 without), a site's own token sees only its site (403 for another), unknown
//! requests (404), transitions checked by the request lifecycle (illegal ones 422, reasons
//! required), and the refusal's reason shown to the customer; the operator's `requests`
//! command records per-system results through the same code and knows the configured systems.

mod common;
mod events_support;

use std::{path::Path, process::Command};

use common::Fixture;
use events_support::{admin, customer, file_request, write_config, Server, ADMIN, OTHER_ADMIN, SITE_ADMIN};
use reqwest::Method;
use serde_json::json;

async fn started() -> (Fixture, Server, String, String) {
    let fx = Fixture::new();
    let config = write_config(&fx, &[]);
    let token = customer(&fx, "cust-7");
    let server = Server::start(&fx, &config);
    let id = file_request(&server, &token, "access", "k1").await;
    (fx, server, token, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_e3_the_admin_api_needs_a_token_and_a_site_token_sees_only_its_site() {
    let (_fx, server, _token, id) = started().await;
    let list = format!("{}/api/v1/admin/requests", server.base);
    let one = format!("{list}/{id}");
    for (token, what) in [(None, "no token"), (Some("wrong-token-wrong-token-wrong-token-000"), "an unknown token"), (Some(""), "an empty token")] {
        let (status, body) = admin(Method::GET, &one, token, None).await;
        assert_eq!(status, 401, "{what}: {body}");
        assert_eq!(body["type"], "/problems/unauthenticated");
    }
    let (status, body) = admin(Method::GET, &one, Some(ADMIN), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["id"].as_str(), body["subject"].as_str(), body["status"].as_str()), (Some(id.as_str()), Some("cust-7"), Some("verified")));
    let (status, _) = admin(Method::GET, &one, Some(SITE_ADMIN), None).await;
    assert_eq!(status, 200);
    // Another site's token: 403, for the request, the site's list and a transition alike.
    let (status, body) = admin(Method::GET, &one, Some(OTHER_ADMIN), None).await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = admin(Method::GET, &format!("{list}?site=testsite"), Some(OTHER_ADMIN), None).await;
    assert_eq!(status, 403);
    let (status, _) = admin(Method::POST, &format!("{one}/transitions"), Some(OTHER_ADMIN), Some(json!({"to": "in_progress"}))).await;
    assert_eq!(status, 403);
    // Its own list is empty: it never sees the other site's requests.
    let (status, body) = admin(Method::GET, &list, Some(OTHER_ADMIN), None).await;
    assert_eq!((status, body["requests"].as_array().map(Vec::len)), (200, Some(0)));
    let (_, body) = admin(Method::GET, &list, Some(SITE_ADMIN), None).await;
    assert_eq!(body["requests"].as_array().map(Vec::len), Some(1));
    // Unknown request: 404.
    let (status, _) = admin(Method::GET, &format!("{list}/no-such-request"), Some(ADMIN), None).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transitions_follow_the_lifecycle_and_name_what_is_wrong() {
    let (fx, server, token, id) = started().await;
    let url = format!("{}/api/v1/admin/requests/{id}/transitions", server.base);
    let post = |body: serde_json::Value| admin(Method::POST, &url, Some(ADMIN), Some(body));
    // Bad bodies: 422 naming the field, nothing changed.
    let (status, body) = post(json!({"to": "done"})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("to")), "{body}");
    let (status, body) = post(json!({"to": "extended"})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("reason")), "{body}");
    let (status, body) = post(json!({"to": "refused", "reason": "   "})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("reason")), "{body}");
    let (status, body) = post(json!({"to": "in_progress", "color": "red"})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("color")), "{body}");
    let (status, _) = post(json!({"to": "completed"})).await;
    assert_eq!(status, 422, "verified -> completed skips in_progress");
    let (_, now) = admin(Method::GET, &format!("{}/api/v1/admin/requests/{id}", server.base), Some(ADMIN), None).await;
    assert_eq!(now["status"], "verified", "nothing applied");

    // in_progress with a note, then extended (at most two more months), then completed.
    let (status, body) = post(json!({"to": "in_progress", "note": "billing checked"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["timeline"].as_array().unwrap().last().unwrap()["note"], "billing checked");
    let due_before = body["due_on"].as_str().unwrap().to_owned();
    let (status, body) = post(json!({"to": "extended", "reason": "many systems to search"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["extended"], true);
    assert!(body["due_on"].as_str().unwrap() > due_before.as_str());
    let (status, _) = post(json!({"to": "extended", "reason": "again"})).await;
    assert_eq!(status, 422, "extended only once");
    // Completion waits for every system the site lists; a retained item becomes a legal hold.
    let (status, body) = post(json!({"to": "completed"})).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("billing (no result yet), mail (no result yet)"), "{body}");
    let system = |name: &str, body: serde_json::Value| {
        let url = format!("{}/api/v1/admin/requests/{id}/systems/{name}", server.base);
        async move { admin(Method::PUT, &url, Some(ADMIN), Some(body)).await }
    };
    let (status, body) = system("crm", json!({"status": "done"})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("system")), "not a system of the site: {body}");
    let (status, body) = system("billing", json!({"status": "retained"})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("retained")), "{body}");
    let (status, body) = system("billing", json!({"status": "retained", "retained": [{"category": "usage", "reason": "", "until": "2032"}]})).await;
    assert_eq!(status, 422, "{body}");
    let fields: Vec<_> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect();
    assert_eq!(fields, ["retained[0].reason", "retained[0].until"]);
    let (status, body) = system("billing", json!({"status": "retained", "retained": [{"category": "usage", "reason": "Fiscale bewaarplicht (7 jaar)", "until": "2032-12-31"}]})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["waiting_for"], json!(["mail (no result yet)"]));
    let (status, _) = system("mail", json!({"status": "failed", "note": "mailserver down"})).await;
    assert_eq!(status, 200);
    let (status, body) = post(json!({"to": "completed"})).await;
    assert!(status == 422 && body["detail"].as_str().unwrap().contains("mail (failed)"), "{body}");
    let (status, _) = system("mail", json!({"status": "not_found"})).await;
    assert_eq!(status, 200);
    // Something the company adds by hand to the package.
    let attach = format!("{}/api/v1/admin/requests/{id}/attachments", server.base);
    let (status, body) = admin(Method::POST, &attach, Some(ADMIN), Some(json!({"name": "calls.csv", "media_type": "text/csv", "content": "date,minutes\n2025-01-02,3\n"}))).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = admin(Method::POST, &attach, Some(ADMIN), Some(json!({"content": "x"}))).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("name")), "{body}");
    let (status, body) = post(json!({"to": "completed"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["legal_holds"], json!([{"system": "billing", "category": "usage", "reason": "Fiscale bewaarplicht (7 jaar)", "until": "2032-12-31"}]));
    // The customer sees the hold with reason and date, and gets the attachment in the package.
    let customer_view = |path: String| {
        let (base, token) = (server.base.clone(), token.clone());
        async move { events_support::client().get(format!("{base}{path}")).header("cookie", format!("pw_session={token}")).send().await.unwrap().text().await.unwrap() }
    };
    let mine = customer_view(format!("/api/v1/requests/{id}")).await;
    assert!(mine.contains("Fiscale bewaarplicht (7 jaar)") && mine.contains("2032-12-31"), "{mine}");
    let package = customer_view(format!("/api/v1/requests/{id}/package")).await;
    assert!(package.contains("calls.csv") && package.contains("2025-01-02,3"), "{package}");
    let (status, _) = system("mail", json!({"status": "done"})).await;
    assert_eq!(status, 422, "no results for a closed request");
    // Illegal: completed -> in_progress.
    let (status, body) = post(json!({"to": "in_progress"})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["type"], "/problems/illegal-transition");
    assert!(body["detail"].as_str().unwrap().contains("completed"), "{body}");

    // A refusal's reason reaches the customer.
    let second = file_request(&server, &token, "access", "k2").await;
    let url2 = format!("{}/api/v1/admin/requests/{second}/transitions", server.base);
    let (status, _) = admin(Method::POST, &url2, Some(SITE_ADMIN), Some(json!({"to": "refused", "reason": "Wij hebben al geantwoord op 1 mei."}))).await;
    assert_eq!(status, 200);
    let mine = events_support::client()
        .get(format!("{}/api/v1/requests/{second}", server.base))
        .header("cookie", format!("pw_session={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(mine.contains("Wij hebben al geantwoord op 1 mei."), "{mine}");
    drop(fx);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_filters_by_status_and_time_and_refuses_bad_filters() {
    let (_fx, server, token, first) = started().await;
    let list = format!("{}/api/v1/admin/requests", server.base);
    let before = privacy_widget_server::time::rfc3339_ms(privacy_widget_server::time::now_ms());
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let second = file_request(&server, &token, "access", "k2").await;
    let url = format!("{list}/{first}/transitions");
    let (status, _) = admin(Method::POST, &url, Some(ADMIN), Some(json!({"to": "in_progress"}))).await;
    assert_eq!(status, 200);
    let ids = |v: &serde_json::Value| v["requests"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    let (_, body) = admin(Method::GET, &format!("{list}?status=in_progress"), Some(ADMIN), None).await;
    assert_eq!(ids(&body), [first.clone()]);
    let (_, body) = admin(Method::GET, &format!("{list}?status=verified,in_progress&site=testsite"), Some(ADMIN), None).await;
    assert_eq!(ids(&body), [first.clone(), second.clone()]);
    // Both changed after `before`; nothing after a time in the future.
    let (_, body) = admin(Method::GET, &format!("{list}?updated_since={before}"), Some(ADMIN), None).await;
    assert_eq!(ids(&body).len(), 2);
    let (_, body) = admin(Method::GET, &format!("{list}?updated_since=2999-01-01T00:00:00Z"), Some(ADMIN), None).await;
    assert_eq!(ids(&body).len(), 0);
    for (query, field) in [("status=open", "status"), ("updated_since=yesterday", "updated_since"), ("sort=id", "sort")] {
        let (status, body) = admin(Method::GET, &format!("{list}?{query}"), Some(ADMIN), None).await;
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some(field)), "{query}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panel_without_a_provider_pushes_a_subject_and_removes_it() {
    let fx = Fixture::new();
    let config = write_config(&fx, &[]);
    let token = customer(&fx, "cust-9");
    let server = Server::start(&fx, &config);
    let url = |sub: &str| format!("{}/api/v1/admin/sites/testsite/subjects/{sub}", server.base);
    let body = json!({"plan": null, "events": {}, "values": [{"category": "usage", "field": "logins", "value": "3"}]});
    let (status, answer) = admin(Method::PUT, &url("cust-9"), Some(SITE_ADMIN), Some(body.clone())).await;
    assert_eq!(status, 200, "an existing customer: replaced: {answer}");
    let (status, _) = admin(Method::PUT, &url("new-customer"), Some(ADMIN), Some(body.clone())).await;
    assert_eq!(status, 201);
    // Bad input: named, nothing stored.
    let bad = json!({"values": [{"category": "hobbies", "field": "x", "value": "y"}]});
    let (status, answer) = admin(Method::PUT, &url("cust-9"), Some(ADMIN), Some(bad)).await;
    assert_eq!((status, answer["errors"][0]["field"].as_str()), (422, Some("values[0].category")), "{answer}");
    let (status, _) = admin(Method::PUT, &url("cust-9"), Some(ADMIN), Some(json!({"values": "nope"}))).await;
    assert_eq!(status, 422);
    let (status, answer) = admin(Method::PUT, &url("cust-9"), Some(ADMIN), Some(json!({"events": {"trial_end": "morgen"}}))).await;
    assert_eq!((status, answer["errors"][0]["field"].as_str()), (422, Some("events.trial_end")), "{answer}");
    let (status, answer) = admin(Method::PUT, &url("a%01b"), Some(ADMIN), Some(body.clone())).await;
    assert_eq!((status, answer["errors"][0]["field"].as_str()), (422, Some("sub")), "{answer}");
    assert_eq!(admin(Method::PUT, &url("cust-9"), Some(OTHER_ADMIN), Some(body.clone())).await.0, 403);
    assert_eq!(admin(Method::PUT, &url("cust-9"), None, Some(body.clone())).await.0, 401);
    // The customer sees the pushed value.
    let mine = |token: String| {
        let base = server.base.clone();
        async move {
            let r = events_support::client().get(format!("{base}/api/v1/me/data")).header("cookie", format!("pw_session={token}")).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, text) = mine(token.clone()).await;
    assert_eq!(status, 200);
    assert!(text.contains("\"3\""), "{text}");
    // DELETE removes the data and ends the sessions.
    assert_eq!(admin(Method::DELETE, &url("cust-9"), Some(ADMIN), None).await.0, 204);
    assert_eq!(mine(token).await.0, 401);
    let left: i64 = fx.db().one("SELECT COUNT(*) FROM customer_values v JOIN customers c ON c.id = v.customer_id WHERE c.handle = 'cust-9'", privacy_widget_server::params![]);
    assert_eq!(left, 0);
    assert_eq!(admin(Method::DELETE, &url("nobody"), Some(ADMIN), None).await.0, 404);
}

/// `privacy-widget-server requests <args> --config <config>` on the fixture's database and
/// policies: (exit code, stdout, stderr).
fn requests(fx: &Fixture, config: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(common::binary())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .arg("requests")
        .args(args)
        .arg("--config")
        .arg(config)
        .arg("--db")
        .arg(fx.db_path())
        .arg("--www")
        .arg(&fx.args.www)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_requests_command_records_system_results_and_completes_only_when_every_configured_system_is_final() {
    let (fx, server, _token, id) = started().await;
    let config = fx.dir.path().join("server.toml");
    // The list shows each configured system's state (billing and mail: no result yet).
    let (code, out, err) = requests(&fx, &config, &["list"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("SYSTEMS") && out.contains("billing:- mail:-"), "{out}");
    // Bad results are refused naming the field, as the admin API does; nothing recorded.
    let (code, _, err) = requests(&fx, &config, &["result", &id, "crm", "--status", "done"]);
    assert_eq!(code, 1);
    assert!(err.contains("system: \"crm\" is not a system of this site (one of billing, mail)"), "{err}");
    let (code, _, err) = requests(&fx, &config, &["result", &id, "billing", "--status", "retained", "--retain", "usage:2032"]);
    assert_eq!(code, 1);
    assert!(err.contains("retained[0].until: ") && err.contains("retained[0].reason: "), "{err}");
    let (code, _, err) = requests(&fx, &config, &["result", &id, "billing", "--status", "finished"]);
    assert!(code == 1 && err.contains("status: required, one of done, not_found, retained, failed"), "{err}");
    // A retained item: recorded, and the command says what is still waited for.
    let (code, out, err) = requests(&fx, &config, &["result", &id, "billing", "--status", "retained", "--retain", "usage:2032-12-31:Fiscale bewaarplicht: 7 jaar"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("waiting for mail (no result yet)"), "{out}");
    // Completion waits for the configured mail system, which has not reported at all.
    assert_eq!(requests(&fx, &config, &["start", &id]).0, 0);
    let (code, _, err) = requests(&fx, &config, &["complete", &id]);
    assert_eq!(code, 1);
    assert!(err.contains("waiting for mail (no result yet)"), "{err}");
    // The admin API sees what the command recorded: one code path, one table.
    let url = format!("{}/api/v1/admin/requests/{id}/systems/mail", server.base);
    let (status, body) = admin(Method::PUT, &url, Some(ADMIN), Some(json!({"status": "failed"}))).await;
    assert_eq!((status, body["waiting_for"].clone()), (200, json!(["mail (failed)"])), "{body}");
    let (code, out, _) = requests(&fx, &config, &["list", "--status", "in_progress"]);
    assert!(code == 0 && out.contains("billing:retained mail:failed"), "{out}");
    let (code, out, err) = requests(&fx, &config, &["result", &id, "mail", "--status", "done", "--note", "mailbox deleted"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("every system has a final result"), "{out}");
    let (code, out, err) = requests(&fx, &config, &["complete", &id]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("is now completed"), "{out}");
    let (_, shown, _) = requests(&fx, &config, &["show", &id]);
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["systems"], json!([{"system": "billing", "status": "retained"}, {"system": "mail", "status": "done"}]));
    assert_eq!(shown["result"]["legal_holds"][0]["reason"], "Fiscale bewaarplicht: 7 jaar");
    // A closed request takes no more results.
    let (code, _, err) = requests(&fx, &config, &["result", &id, "mail", "--status", "failed"]);
    assert!(code == 1 && err.contains("the request is completed: results can only be reported while it is open"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_pushed_again_keeps_its_restriction() {
    // Art. 18: a restricted value stays restricted when the company pushes its snapshot again.
    let fx = Fixture::new();
    let config = write_config(&fx, &[]);
    let token = customer(&fx, "cust-5");
    let server = Server::start(&fx, &config);
    let url = format!("{}/api/v1/admin/sites/testsite/subjects/cust-5", server.base);
    let push = |logins: &[&str]| {
        let values: Vec<_> = logins.iter().map(|v| json!({"category": "usage", "field": "logins", "value": v})).collect();
        admin(Method::PUT, &url, Some(ADMIN), Some(json!({ "values": values })))
    };
    assert_eq!(push(&["3", "4"]).await.0, 200);
    let id = file_request(&server, &token, "restriction", "restrict-1").await;
    let base = format!("{}/api/v1/admin/requests/{id}", server.base);
    assert_eq!(admin(Method::POST, &format!("{base}/transitions"), Some(ADMIN), Some(json!({"to": "in_progress"}))).await.0, 200);
    for system in ["billing", "mail"] {
        assert_eq!(admin(Method::PUT, &format!("{base}/systems/{system}"), Some(ADMIN), Some(json!({"status": "done"}))).await.0, 200);
    }
    let (status, body) = admin(Method::POST, &format!("{base}/transitions"), Some(ADMIN), Some(json!({"to": "completed"}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(push(&["3", "5"]).await.0, 200);
    let response = events_support::client().get(format!("{}/api/v1/me/data", server.base)).header("cookie", format!("pw_session={token}")).send().await.unwrap();
    let data: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    let usage = data["categories"].as_array().unwrap().iter().find(|c| c["id"] == "usage").expect("usage");
    let shown: Vec<_> = usage["values"].as_array().unwrap().iter().map(|v| (v["value"].clone(), v["restricted_reason"].clone())).collect();
    assert_eq!(shown, [(json!("3"), json!("restriction_request")), (json!("5"), json!(null))], "{usage}");
}
