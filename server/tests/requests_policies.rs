//! The operator's `requests` command reads the site policies from `--policies DIR` /
//! `PW_POLICIES` like the server, so that a restriction or objection is carried out under the
//! policy it was accepted under (C-C1).

mod panel_support;

use std::{path::Path, process::Command};

use panel_support::Env;
use serde_json::{json, Value};

fn requests(db: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_privacy-widget-server"));
    command.arg("requests").arg("--db").arg(db).args(args).env("RUST_LOG", "off").env_remove("PW_POLICIES").env_remove("PW_WWW");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("run the binary");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test]
async fn the_requests_command_reads_the_policies_folder_it_is_given() {
    let env = Env::new().await;
    let olga = env.login("host-tracker", "olga-petrenko").await;
    let r = env.file(&olga, "restrict-1", "restriction", json!({"categories": ["messenger_accounts"]})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let policies = env.www.join("policies");
    let elsewhere = env.dir.path().join("no-www");

    // A www folder without policies: the site is unknown, the step is refused, nothing changes.
    let (code, _, stderr) = requests(&env.db, &["--www", elsewhere.to_str().unwrap(), "start", &id], &[]);
    assert_ne!(code, 0, "no policies, no site: {stderr}");

    // An explicit folder must exist.
    let (code, _, stderr) = requests(&env.db, &["--policies", elsewhere.to_str().unwrap(), "list"], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no-www"), "{stderr}");

    // --policies names the folder (the --www default is not used).
    let (code, stdout, stderr) = requests(&env.db, &["--www", elsewhere.to_str().unwrap(), "--policies", policies.to_str().unwrap(), "start", &id], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("is now in_progress"), "{stdout}");

    // PW_POLICIES does the same; completing restricts the chosen category only.
    let (code, stdout, stderr) = requests(&env.db, &["--www", elsewhere.to_str().unwrap(), "complete", &id], &[("PW_POLICIES", policies.to_str().unwrap())]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("is now completed"), "{stdout}");
    let shown = env.get(&format!("/api/v1/requests/{id}"), &olga).await.json();
    assert_eq!(shown["status"], "completed");
    assert_eq!(shown["result"]["categories"], json!(["messenger_accounts"]));
    assert!(shown["result"]["restricted_count"].as_u64().unwrap() > 0, "{shown}");
    let data: Value = env.get("/api/v1/me/data", &olga).await.json();
    for c in data["categories"].as_array().unwrap() {
        for v in c["values"].as_array().unwrap() {
            assert_eq!(v["restricted"], c["id"] == "messenger_accounts", "{} {}", c["id"], v["field"]);
            // The reason travels with the flag: the customer's restriction request, not a legal hold.
            let reason = if c["id"] == "messenger_accounts" { json!("restriction_request") } else { Value::Null };
            assert_eq!(v["restricted_reason"], reason, "{} {}", c["id"], v["field"]);
        }
    }
}
