//! Requests from filing to answer through the operator command: due dates (C-C2), the access
//! package and the export (C-C4, C-C5), erasure with legal holds (C-C6), rectification (C-C7),
//! opt-in eligibility and the objection to direct marketing (C-A11).

mod panel_support;

use panel_support::Env;
use privacy_widget::{
    policy::{Date, Period, PeriodUnit},
    requests::due_date,
};
use serde_json::{json, Value};

fn today() -> Date {
    let days = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() / 86_400;
    Date::from_days(days as i64).unwrap()
}

#[tokio::test]
async fn due_dates_follow_the_month_or_the_shorter_promise() {
    // C-C2: one month after receipt; Host-Tracker promises erasure within 5 working days.
    let env = Env::new().await;
    let olga = env.login("host-tracker", "olga-petrenko").await;
    let erasure = env.file(&olga, "ht-erase", "erasure", json!({"confirm": true})).await.json();
    let five = Period { amount: 5, unit: PeriodUnit::WorkingDays };
    assert_eq!(erasure["due_on"], due_date(today(), Some(five)).unwrap().to_string());
    assert_eq!(erasure["received_on"], today().to_string());
    let access = env.file(&olga, "ht-access", "access", json!({})).await.json();
    assert_eq!(access["due_on"], today().add_months(1).unwrap().to_string());

    // Extension by two months with a reason, within the first month; only once.
    let id = access["id"].as_str().unwrap();
    assert!(env.ops(&["start", id]).0);
    let (ok, _, err) = env.ops(&["extend", id, "--reason", ""]);
    assert!(!ok && err.contains("reason"), "{err}");
    let (ok, out, err) = env.ops(&["extend", id, "--reason", "veel gegevens in meerdere systemen"]);
    assert!(ok, "{err}");
    assert!(out.contains(&today().add_months(3).unwrap().to_string()), "{out}");
    let r = env.get(&format!("/api/v1/requests/{id}"), &olga).await.json();
    assert_eq!(r["status"], "extended");
    assert_eq!(r["extended"], true);
    assert_eq!(r["timeline"][3]["reason"], "veel gegevens in meerdere systemen");
    assert!(!env.ops(&["extend", id, "--reason", "nog eens"]).0, "only one extension");

    // Refusal gives a reason and the right to complain.
    let (ok, _, err) = env.ops(&["refuse", id, "--reason", "kennelijk ongegrond"]);
    assert!(ok, "{err}");
    let r = env.get(&format!("/api/v1/requests/{id}"), &olga).await.json();
    assert_eq!(r["status"], "refused");
    assert!(r["complaint"]["authority"].as_str().unwrap().contains("Autoriteit"));
    assert_eq!(r["can_cancel"], false);
    let c = env.post(&format!("/api/v1/requests/{id}/cancel"), &olga, &json!({}), &[]).await;
    assert_eq!(c.status, 409);
}

#[tokio::test]
async fn erasure_of_a_pcextreme_customer_keeps_invoices_under_legal_hold() {
    // C-C6: invoices stay (7 years, Dutch tax law), restricted; the rest goes.
    let env = Env::new().await;
    let jan = env.login("pcextreme", "jan-de-vries").await;
    let plan = env.get("/api/v1/me/erasure-plan", &jan).await.json();
    let kept: Vec<&Value> = plan["keep"].as_array().unwrap().iter().collect();
    assert_eq!(kept.len(), 3, "{plan}");
    assert!(kept.iter().all(|k| k["category"] == "invoices" && k["legal_hold"] == true));
    assert_eq!(kept[0]["until"], "2026-01-05", "invoice of 2019-01-05 kept 7 years");
    assert!(kept[0]["reason"].as_str().unwrap().contains("belasting"));
    assert!(!plan["erase"].as_array().unwrap().is_empty());

    let unconfirmed = env.file(&jan, "er-0", "erasure", json!({})).await;
    assert_eq!(unconfirmed.status, 422);
    assert_eq!(unconfirmed.json()["errors"][0]["field"], "details.confirm");
    let r = env.file(&jan, "er-1", "erasure", json!({"confirm": true})).await;
    assert_eq!(r.status, 201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert!(env.ops(&["start", &id]).0);
    let (ok, out, err) = env.ops(&["complete", &id]);
    assert!(ok, "{err}");
    assert!(out.contains("kept 3"), "{out}");

    let rows: Vec<(String, i64)> = env
        .db()
        .rows("SELECT v.category, v.restricted FROM customer_values v JOIN customers c ON c.id = v.customer_id WHERE c.handle = 'jan-de-vries'", &[])
        .iter()
        .map(|r| (r.get(0).unwrap(), r.get(1).unwrap()))
        .collect();
    assert_eq!(rows, vec![("invoices".to_owned(), 1); 3]);
    // The other customer is untouched; Jan's opt-ins are off and the session ended.
    let fatima: i64 =
        env.db().one("SELECT COUNT(*) FROM customer_values v JOIN customers c ON c.id = v.customer_id WHERE c.handle = 'fatima-el-amrani'", &[]);
    assert!(fatima > 10);
    assert_eq!(env.get("/api/v1/me", &jan).await.status, 401);
    let jan = env.login("pcextreme", "jan-de-vries").await;
    let prefs = env.get("/api/v1/me/preferences", &jan).await.json();
    assert!(prefs["preferences"].as_array().unwrap().iter().all(|p| p["granted"] == false));
    let data = env.get("/api/v1/me/data", &jan).await.json();
    let values = data["categories"][0]["values"].as_array().unwrap();
    assert_eq!(data["categories"].as_array().unwrap().len(), 1);
    assert!(values.iter().all(|v| v["restricted"] == true && v["legal_hold"]["until"].is_string()));
    // Why they are restricted: the legal hold after the erasure, not a restriction request.
    assert!(values.iter().all(|v| v["restricted_reason"] == "legal_hold"), "{data}");
    let r = env.get(&format!("/api/v1/requests/{id}"), &jan).await.json();
    assert_eq!(r["result"]["kept_count"], 3);
    assert!(r["result"]["consequences"].is_null() || r["result"]["consequences"].is_string());
}

#[tokio::test]
async fn access_package_and_export_hold_every_stored_value() {
    // C-C4 access content, C-C5 machine-readable export.
    let env = Env::new().await;
    let olga = env.login("host-tracker", "olga-petrenko").await;
    let stored: Vec<String> =
        env.db().column("SELECT v.value FROM customer_values v JOIN customers c ON c.id = v.customer_id WHERE c.handle = 'olga-petrenko'", &[]);
    let export = env.get("/api/v1/me/export", &olga).await;
    assert!(export.header("content-disposition").contains("export.json"));
    let export = export.json();
    let values: Vec<String> = export["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["values"].as_array().unwrap().iter().map(|v| v["value"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(values.len(), stored.len());
    for s in &stored {
        assert!(values.contains(s), "{s}");
    }
    // Retention per value joins the plan and the paid period end: 2 years after 2026-03-31.
    assert!(export.to_string().contains("2028-03-31"), "{export}");

    let id = env.file(&olga, "acc", "access", json!({})).await.json()["id"].as_str().unwrap().to_owned();
    let early = env.get(&format!("/api/v1/requests/{id}/package"), &olga).await;
    assert_eq!(early.status, 409);
    assert!(env.ops(&["start", &id]).0);
    let (ok, out, _) = env.ops(&["complete", &id]);
    assert!(ok && out.contains(&format!("{} values", stored.len())), "{out}");
    let p = env.get(&format!("/api/v1/requests/{id}/package"), &olga).await.json();
    assert_eq!(p["kind"], "access");
    let project = |v: &Value| -> Vec<(String, String, String)> {
        v["categories"].as_array().unwrap().iter().flat_map(|c| {
            c["values"].as_array().unwrap().iter().map(|x| (c["id"].to_string(), x["field"].to_string(), x["value"].to_string())).collect::<Vec<_>>()
        }).collect()
    };
    assert_eq!(project(&p), project(&export), "the package is built from the same stored data");
    for key in ["recipients", "rights", "complaint", "controller"] {
        assert!(!p[key].is_null(), "{key}");
    }
    let cat = &p["categories"][0];
    assert!(cat["purposes"][0]["legal_basis"].is_string() && cat["source"].is_string());
}

#[tokio::test]
async fn rectification_is_applied_on_completion_and_checked_against_the_policy() {
    // C-C7
    let env = Env::new().await;
    let jan = env.login("pcextreme", "jan-de-vries").await;
    let bad = env.file(&jan, "rx-0", "rectification", json!({"field": "shoe_size", "value": "44"})).await;
    assert_eq!(bad.status, 422);
    let long = env.file(&jan, "rx-1", "rectification", json!({"category": "account", "field": "phone", "value": "9".repeat(1001)})).await;
    assert_eq!(long.json()["errors"][0]["field"], "details.value");
    let ok = env.file(&jan, "rx-2", "rectification", json!({"category": "account", "field": "phone", "value": "+31 6 99999999"})).await;
    assert_eq!(ok.status, 201, "{}", ok.text());
    let id = ok.json()["id"].as_str().unwrap().to_owned();
    let (_, list, _) = env.ops(&["list", "--site", "pcextreme", "--status", "verified"]);
    assert!(list.contains(&id) && list.contains("rectification") && list.contains("jan-de-vries"), "{list}");
    assert!(env.ops(&["start", &id]).0);
    assert!(env.ops(&["complete", &id]).0);
    let data = env.get("/api/v1/me/data", &jan).await.text();
    assert!(data.contains("+31 6 99999999"));
    let (_, list, _) = env.ops(&["list", "--status", "completed"]);
    assert!(list.contains(&id), "{list}");
    let (ok, _, err) = env.ops(&["list", "--status", "done"]);
    assert!(!ok && err.contains("unknown status"));
}

#[tokio::test]
async fn opt_in_eligibility_follows_the_plan() {
    // Webanizr: never a newsletter for a free account.
    let env = Env::new().await;
    let free = env.login("webanizr", "pieter-visser").await;
    let prefs = env.get("/api/v1/me/preferences", &free).await.json();
    let version = prefs["policy_version"].clone();
    let newsletter = prefs["preferences"].as_array().unwrap().iter().find(|p| p["purpose"] == "newsletter").unwrap().clone();
    assert_eq!(newsletter["eligible"], false);
    let r = env.send_json("PUT", "/api/v1/me/preferences", &free, &json!({"policy_version": version, "preferences": {"newsletter": true}}), &[]).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["errors"][0]["field"], "preferences.newsletter");
    let r = env.send_json("PUT", "/api/v1/me/preferences", &free, &json!({"policy_version": version, "preferences": {"support_access": true}}), &[]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let paid = env.login("webanizr", "lisa-de-boer").await;
    let r = env.send_json("PUT", "/api/v1/me/preferences", &paid, &json!({"policy_version": version, "preferences": {"newsletter": false}}), &[]).await;
    assert_eq!(r.status, 200);
    let r = env.send_json("PUT", "/api/v1/me/preferences", &paid, &json!({"policy_version": version, "preferences": {"newsletter": true}}), &[]).await;
    assert_eq!(r.status, 200);
    let p = r.json()["preferences"].as_array().unwrap().iter().find(|p| p["purpose"] == "newsletter").unwrap().clone();
    assert_eq!((p["granted"].clone(), p["source"].clone(), p["policy_version"].clone()), (json!(true), json!("control_panel"), version.clone()));
    // Browser-scoped or unknown purposes are not account opt-ins; a stale version is refused.
    let r = env.send_json("PUT", "/api/v1/me/preferences", &paid, &json!({"policy_version": version, "preferences": {"statistics": true, "nope": false}}), &[]).await;
    assert_eq!(r.json()["errors"].as_array().unwrap().len(), 2);
    let r = env.send_json("PUT", "/api/v1/me/preferences", &paid, &json!({"policy_version": "0", "preferences": {}}), &[]).await;
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["current_policy_version"], version);
    // Append-only history: seed + off + on for Lisa's newsletter.
    let n: i64 = env
        .db()
        .one("SELECT COUNT(*) FROM preference_changes p JOIN customers c ON c.id = p.customer_id WHERE c.handle = 'lisa-de-boer' AND purpose = 'newsletter'", &[]);
    assert_eq!(n, 3);
    assert!(env.db().execute("DELETE FROM preference_changes", &[]).is_err());
}

#[tokio::test]
async fn an_objection_to_direct_marketing_switches_every_marketing_opt_in_off() {
    // C-A11: one objection, all marketing opt-ins off at once (support access is not marketing).
    let env = Env::new().await;
    let jan = env.login("pcextreme", "jan-de-vries").await;
    let version = env.get("/api/v1/me/preferences", &jan).await.json()["policy_version"].clone();
    let r = env.send_json("PUT", "/api/v1/me/preferences", &jan, &json!({"policy_version": version, "preferences": {"audience_sharing": true}}), &[]).await;
    assert_eq!(r.status, 200);
    let granted = |v: &Value| -> Vec<String> {
        v["preferences"].as_array().unwrap().iter().filter(|p| p["granted"] == true).map(|p| p["purpose"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(granted(&r.json()), ["newsletter", "product_mail", "audience_sharing"]);
    let r = env.send_json("PUT", "/api/v1/me/preferences", &jan, &json!({"policy_version": version, "object_to_direct_marketing": true}), &[]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(granted(&r.json()).is_empty());
    assert!(r.json()["preferences"].as_array().unwrap().iter().all(|p| p["source"] == "objection"));

    // The same through an objection request at Webanizr's paid customer (support access stays).
    // Webanizr's statement names erasure only, but its newsletter is direct marketing, so the
    // law grants objection all the same (C-C1; this was a 422 while the statement decided).
    let lisa = env.login("webanizr", "lisa-de-boer").await;
    let r = env.file(&lisa, "obj", "objection", json!({"purposes": ["direct_marketing"]})).await;
    assert_eq!(r.status, 201, "C-C1: objection granted by law: {}", r.text());
    assert_eq!(granted(&env.get("/api/v1/me/preferences", &lisa).await.json()), ["support_access"]);
}

/// The granted flag, source and stored-change count of `purpose` for a customer.
async fn choice(env: &Env, cookie: &str, purpose: &str) -> (Value, Value, Value) {
    let prefs = env.get("/api/v1/me/preferences", cookie).await.json();
    let p = prefs["preferences"].as_array().unwrap().iter().find(|p| p["purpose"] == purpose).unwrap().clone();
    (p["granted"].clone(), p["source"].clone(), p["consent"].clone())
}

fn stored(env: &Env, handle: &str, purpose: &str) -> Vec<(i64, String)> {
    env.db()
        .rows(
            "SELECT p.granted, p.source FROM preference_changes p JOIN customers c ON c.id = p.customer_id \
             WHERE c.handle = ?1 AND p.purpose = ?2 ORDER BY p.id",
            &[handle.into(), purpose.into()],
        )
        .iter()
        .map(|r| (i64::from(r.get::<bool>(0).unwrap()), r.get::<String>(1).unwrap()))
        .collect()
}

#[tokio::test]
async fn opt_out_marketing_mail_is_on_until_turned_off_and_the_change_is_proven() {
    // Host-Tracker's company news goes to the order address unless the customer turns it off
    // (Telecommunicatiewet 11.7(3)); turning it off is free, at once, and recorded (C-A11, C-A8).
    let env = Env::new().await;
    let olga = env.login("host-tracker", "olga-petrenko").await;
    assert_eq!(choice(&env, &olga, "company_news").await, (json!(true), Value::Null, json!("account_opt_out")));
    assert!(stored(&env, "olga-petrenko", "company_news").is_empty(), "the default is not a stored choice");
    let version = env.get("/api/v1/me/preferences", &olga).await.json()["policy_version"].clone();
    // Saying "on" to what is already on stores nothing.
    let r = env.send_json("PUT", "/api/v1/me/preferences", &olga, &json!({"policy_version": version, "preferences": {"company_news": true}}), &[]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(stored(&env, "olga-petrenko", "company_news").is_empty());
    let r = env.send_json("PUT", "/api/v1/me/preferences", &olga, &json!({"policy_version": version, "preferences": {"company_news": false}}), &[]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let p = r.json()["preferences"].as_array().unwrap().iter().find(|p| p["purpose"] == "company_news").unwrap().clone();
    assert_eq!((p["granted"].clone(), p["source"].clone(), p["policy_version"].clone()), (json!(false), json!("control_panel"), version.clone()));
    assert!(p["changed_at"].is_string());
    assert_eq!(stored(&env, "olga-petrenko", "company_news"), [(0, "control_panel".to_owned())]);
    // Off stays off after signing in again; another customer still receives it.
    let olga = env.login("host-tracker", "olga-petrenko").await;
    assert_eq!(choice(&env, &olga, "company_news").await.0, json!(false));
    let mark = env.login("host-tracker", "mark-jansen").await;
    assert_eq!(choice(&env, &mark, "company_news").await.0, json!(true));
    // The objection switch turns it off too.
    let r = env.send_json("PUT", "/api/v1/me/preferences", &mark, &json!({"policy_version": version, "object_to_direct_marketing": true}), &[]).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(choice(&env, &mark, "company_news").await, (json!(false), json!("objection"), json!("account_opt_out")));

    // Webanizr's newsletter: on for a paying customer with no stored choice, never for a free one.
    let pieter = env.login("webanizr", "pieter-visser").await;
    assert_eq!(choice(&env, &pieter, "newsletter").await.0, json!(false));
}

#[tokio::test]
async fn an_objection_request_and_an_erasure_turn_opt_out_marketing_mail_off() {
    // C-A11: an objection to direct marketing always wins, also over mail sent by default.
    // Host-Tracker's text offers no objection; here its policy does (served after a reload).
    let env = Env::new().await;
    let file = env.www.join("policies/host-tracker.json");
    let mut policy: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    policy["version"] = json!("2018-05-23-objection");
    policy["rights"]["requests"].as_array_mut().unwrap().push(json!({"kind": "objection"}));
    std::fs::write(&file, policy.to_string()).unwrap();
    let outcome = env.state.reloader().reload().await.unwrap();
    assert!(outcome.refused.is_empty(), "{outcome:?}");

    let olga = env.login("host-tracker", "olga-petrenko").await;
    assert_eq!(choice(&env, &olga, "company_news").await.0, json!(true));
    let r = env.file(&olga, "obj-dm", "objection", json!({"purposes": ["direct_marketing"]})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    // Off as soon as the objection is received, recorded with its source.
    assert_eq!(choice(&env, &olga, "company_news").await, (json!(false), json!("objection"), json!("account_opt_out")));
    assert!(env.ops(&["start", &id]).0);
    let (ok, _, err) = env.ops(&["complete", &id]);
    assert!(ok, "{err}");
    assert_eq!(stored(&env, "olga-petrenko", "company_news"), [(0, "objection".to_owned())]);
    assert_eq!(choice(&env, &olga, "company_news").await.0, json!(false));

    // An erased customer receives nothing either, though they never turned it off.
    let sanne = env.login("host-tracker", "sanne-bakker").await;
    let r = env.file(&sanne, "er-ht", "erasure", json!({"confirm": true})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert!(env.ops(&["start", &id]).0);
    let (ok, _, err) = env.ops(&["complete", &id]);
    assert!(ok, "{err}");
    assert_eq!(stored(&env, "sanne-bakker", "company_news"), [(0, "erasure".to_owned())]);
}
