//! C-E1: `privacy-widget-server lint <policy.json>… [--format json]` through the built binary,
//! and the findings logged as warnings when the server starts (it still starts).

mod common;

use std::{
    io::{BufRead, BufReader, Read},
    path::PathBuf,
    process::{Command, Stdio},
};

use common::{binary, Fixture};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn lint(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(binary()).arg("lint").args(args).env("RUST_LOG", "off").output().expect("run lint");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn c_e1_a_seed_with_findings_exits_1_and_prints_the_golden_text() {
    let file = "www/policies/pcextreme.json";
    let (code, stdout, stderr) = lint(&[repo(file).to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    // The same text as the golden file, but for the path given on the command line.
    let golden = std::fs::read_to_string(repo("tests/lint_golden/pcextreme.txt")).unwrap();
    assert_eq!(stdout, golden.replacen(file, repo(file).to_str().unwrap(), 1));
}

#[test]
fn c_e1_the_servers_own_statement_exits_0() {
    let (code, stdout, stderr) = lint(&[repo("www/policies/privacy-widget.json").to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.ends_with("privacy-widget.json: no findings\n"), "{stdout}");
}

#[test]
fn c_e1_json_for_tools_covers_every_file() {
    let (a, b) = (repo("www/policies/webhost.json"), repo("www/policies/privacy-widget.json"));
    let (code, stdout, stderr) = lint(&["--format", "json", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    let files = v.as_array().expect("an array");
    assert_eq!(files.len(), 2);
    let golden: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(repo("tests/lint_golden/webhost.json")).unwrap()).unwrap();
    assert_eq!(files[0]["findings"], golden["findings"]);
    assert_eq!(files[1]["findings"], serde_json::json!([]));
    // Dutch only, like the statement.
    assert!(files[0]["findings"][0]["fix"]["nl"].is_string() && files[0]["findings"][0]["fix"].get("en").is_none());
}

#[test]
fn c_e1_a_document_missing_whole_sections_lints_and_an_unreadable_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("bare.json");
    std::fs::write(&bare, r#"{"site": "x", "languages": ["en"]}"#).unwrap();
    let (code, stdout, stderr) = lint(&[bare.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    for path in ["  controller —", "  categories —", "  recipients —", "  purposes —", "  disclosures.provision —"] {
        assert!(stdout.contains(path), "{path} in {stdout}");
    }
    assert!(stdout.contains("    en: ") && !stdout.contains("    nl: "), "English only: {stdout}");
    assert!(!stderr.contains("panicked"));

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"site\": ").unwrap();
    let (code, stdout, _) = lint(&[broken.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stdout.contains("(document) — GDPR Art. 12(1)"), "{stdout}");

    let missing = dir.path().join("nope.json");
    let (code, stdout, stderr) = lint(&[missing.to_str().unwrap(), bare.to_str().unwrap()]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stderr.contains("nope.json") && stderr.contains("cannot read"), "{stderr}");
    assert!(stdout.contains("bare.json"), "the readable file is still checked: {stdout}");
}

#[test]
fn c_e1_the_server_logs_findings_as_warnings_at_start_and_on_reload_and_still_starts() {
    let fx = Fixture::new();
    let mut child = Command::new(binary())
        .env("PW_ADDR", "127.0.0.1:0")
        .env("PW_DB", &fx.args.db)
        .env("PW_WWW", &fx.args.www)
        .env("PW_WIDGET_DIR", &fx.args.widget_dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.starts_with("privacy-widget-server listening on "), "it starts: {line:?}");
    // A new version of the policy, then SIGHUP: reloaded, and linted again.
    fx.set_policy(&common::policy("2"));
    let _ = Command::new("kill").args(["-HUP", &child.id().to_string()]).status();
    std::thread::sleep(std::time::Duration::from_secs(2));
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(stderr.contains("WARN") && stderr.contains("policy lint"), "{stderr}");
    assert!(stderr.contains("disclosures.provision"), "a finding by path: {stderr}");
    assert!(stderr.contains("GDPR Art. 13(2)(e)"), "with its article: {stderr}");
    let summaries = stderr.lines().filter(|l| l.contains("policy lint: the statement lacks")).count();
    assert_eq!(summaries, 2, "once at start, once on the reload: {stderr}");
}
