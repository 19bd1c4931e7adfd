//! Completing a request whose details no longer fit the site's current policy (the policy
//! no longer grants the kind (C-C1: the law grants kinds by the purposes' legal bases), or a category it names is gone) is refused with an operator
//! error naming the request and why, and leaves the request and the data as they were; the
//! operator can restore the policy it was accepted under, or refuse it with a reason (C-C1, C-C2).

mod panel_support;

use panel_support::Env;
use privacy_widget_server::params;
use serde_json::{json, Value};

fn policy_path(env: &Env, site: &str) -> std::path::PathBuf {
    env.www.join(format!("policies/{site}.json"))
}

fn read_policy(env: &Env, site: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(policy_path(env, site)).unwrap()).unwrap()
}

fn write_policy(env: &Env, site: &str, policy: &Value) {
    std::fs::write(policy_path(env, site), serde_json::to_string_pretty(policy).unwrap()).unwrap();
}

/// Removes every string `id` from every array, recursively (the references to a category).
fn drop_references(v: &mut Value, id: &str) {
    match v {
        Value::Array(items) => {
            items.retain(|x| x != id);
            items.iter_mut().for_each(|x| drop_references(x, id));
        }
        Value::Object(map) => map.values_mut().for_each(|x| drop_references(x, id)),
        _ => {}
    }
}

fn restricted(env: &Env, handle: &str) -> i64 {
    env.db().one(
        "SELECT COUNT(*) FROM customer_values v JOIN customers c ON c.id = v.customer_id WHERE c.handle = ?1 AND v.restricted = 1",
        params![handle],
    )
}

fn events(env: &Env, id: &str) -> Vec<String> {
    env.db().column("SELECT status FROM request_events WHERE request_id = ?1 ORDER BY id", params![id])
}

#[tokio::test]
async fn c_c1_a_kind_the_law_no_longer_grants_under_the_policy_is_not_marked_completed() {
    // Portability is granted while some purpose rests on consent or contract (or an unstated
    // basis); the policy the operator command reads then bases every purpose on legitimate
    // interest, so the law no longer grants it under that policy (C-C1).
    let env = Env::new().await;
    let olga = env.login("host-tracker", "olga-petrenko").await;
    let r = env.file(&olga, "rc-1", "export", json!({})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert!(env.ops(&["start", &id]).0);
    let before = events(&env, &id);

    let saved = read_policy(&env, "host-tracker");
    let mut changed = saved.clone();
    for purpose in changed["purposes"].as_array_mut().unwrap() {
        purpose["legal_basis"] = json!("legitimate_interest");
    }
    write_policy(&env, "host-tracker", &changed);
    let (ok, out, err) = env.ops(&["complete", &id]);
    assert!(!ok, "refused: {out}");
    assert!(err.contains(&id) && err.contains("export") && err.contains("no longer fit"), "names the request and why: {err}");
    assert!(err.contains("does not offer"), "{err}");
    let shown = env.get(&format!("/api/v1/requests/{id}"), &olga).await.json();
    assert_eq!(shown["status"], "in_progress", "left as it was");
    assert!(shown["result"].is_null(), "{shown}");
    assert_eq!(events(&env, &id), before, "no step recorded");
    let package = |env: &Env| -> i64 { env.db().one("SELECT COUNT(*) FROM requests WHERE id = ?1 AND package IS NOT NULL", params![id.as_str()]) };
    assert_eq!(package(&env), 0, "nothing carried out");

    // Refusing with a reason is still possible; or, with the policy restored, completing works.
    write_policy(&env, "host-tracker", &saved);
    let (ok, out, err) = env.ops(&["complete", &id]);
    assert!(ok, "{err}");
    assert!(out.contains("is now completed"), "{out}");
    assert!(err.contains("no --config") && err.contains("built from the data stored"), "the source of the package is said: {err}");
    assert_eq!(package(&env), 1);
}

#[tokio::test]
async fn a_restriction_naming_a_vanished_category_is_refused_whole() {
    let env = Env::new().await;
    let olga = env.login("host-tracker", "olga-petrenko").await;
    let r = env.file(&olga, "rc-2", "restriction", json!({"categories": ["messenger_accounts", "profile"]})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert!(env.ops(&["start", &id]).0);

    let mut changed = read_policy(&env, "host-tracker");
    changed["categories"].as_array_mut().unwrap().retain(|c| c["id"] != "messenger_accounts");
    drop_references(&mut changed, "messenger_accounts");
    write_policy(&env, "host-tracker", &changed);
    let (ok, out, err) = env.ops(&["complete", &id]);
    assert!(!ok, "refused: {out}");
    assert!(err.contains(&id) && err.contains("details.categories[0]") && err.contains("no such data category"), "{err}");
    assert_eq!(restricted(&env, "olga-petrenko"), 0, "not even the category that still exists");
    let shown = env.get(&format!("/api/v1/requests/{id}"), &olga).await.json();
    assert_eq!(shown["status"], "in_progress");

    // The operator refuses it with a reason instead: the subject reads it.
    let (ok, _, err) = env.ops(&["refuse", &id, "--reason", "de gegevenssoort bestaat niet meer"]);
    assert!(ok, "{err}");
    let shown = env.get(&format!("/api/v1/requests/{id}"), &olga).await.json();
    assert_eq!(shown["status"], "refused");
}
