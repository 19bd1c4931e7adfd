//! C-E1: the policy lint's exact findings for the five seed policies and the server's own,
//! as text and as JSON, against the golden files in `tests/lint_golden/`.
//!
//! After a deliberate change to the lint or a policy, regenerate them and review the diff:
//! `LINT_GOLDEN_WRITE=1 cargo test -p privacy-widget --no-default-features --target x86_64-unknown-linux-gnu --test lint_golden`
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use privacy_widget::policy::lint::{lint_str, render_json, render_text};

const POLICIES: &[&str] = &["host-tracker", "webhost", "pcextreme", "webanizr", "manetti", "privacy-widget"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check(golden: &str, actual: &str) {
    let path = root().join("tests/lint_golden").join(golden);
    if std::env::var_os("LINT_GOLDEN_WRITE").is_some() {
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} missing; see this file's header", path.display()));
    assert_eq!(actual, expected, "{golden} differs; see this file's header to regenerate");
}

#[test]
fn c_e1_lint_findings_match_the_golden_files() {
    for name in POLICIES {
        let label = format!("www/policies/{name}.json");
        let text = std::fs::read_to_string(root().join(&label)).expect("policy file");
        let findings = lint_str(&text);
        check(&format!("{name}.txt"), &render_text(&label, &findings));
        let json = serde_json::to_string_pretty(&render_json(&label, &findings)).expect("json") + "\n";
        check(&format!("{name}.json"), &json);
    }
}

#[test]
fn c_e1_the_servers_own_statement_has_no_findings() {
    let text = std::fs::read_to_string(root().join("www/policies/privacy-widget.json")).expect("policy file");
    assert_eq!(lint_str(&text), vec![]);
}

#[test]
fn c_e1_every_seed_has_findings_the_issue_names() {
    // None names a legal basis for every purpose; each is told so per purpose.
    for name in &POLICIES[..5] {
        let text = std::fs::read_to_string(root().join(format!("www/policies/{name}.json"))).expect("policy file");
        let findings = lint_str(&text);
        assert!(findings.iter().any(|f| f.path.ends_with(".legal_basis")), "{name}");
        assert!(findings.iter().all(|f| !f.article.is_empty() && (f.fix_nl.is_some() || f.fix_en.is_some())), "{name}");
    }
}
