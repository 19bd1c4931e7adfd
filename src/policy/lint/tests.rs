//! Unit tests of the lint on small documents (the seeds' findings are the golden files of
//! `tests/lint_golden.rs`).

use serde_json::json;

use super::*;

fn paths(doc: &Value) -> Vec<String> {
    lint(doc).into_iter().map(|f| f.path).collect()
}

#[test]
fn c_e1_an_empty_or_hostile_document_lints_without_panicking() {
    for doc in [json!({}), json!(null), json!([1, 2]), json!("x"), json!({"purposes": "no", "controller": 3, "tracking": [null, 1]})] {
        let found = lint(&doc);
        assert!(found.iter().any(|f| f.path == "controller"), "{doc}: {found:?}");
        assert!(found.iter().any(|f| f.path == "purposes"), "{doc}");
        assert!(found.iter().all(|f| f.fix_nl.is_some() && f.fix_en.is_some()), "no languages: both");
    }
    let broken = lint_str("{\"site\": ");
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].path, "");
}

#[test]
fn c_e1_fixes_follow_the_policy_languages() {
    let nl = lint(&json!({"languages": ["nl"]}));
    assert!(nl.iter().all(|f| f.fix_nl.is_some() && f.fix_en.is_none()));
    let en = lint(&json!({"languages": ["en", "de"]}));
    assert!(en.iter().all(|f| f.fix_nl.is_none() && f.fix_en.is_some()));
    let both = lint(&json!({"languages": ["nl", "en"]}));
    assert!(both.iter().all(|f| f.fix_nl.is_some() && f.fix_en.is_some()));
}

#[test]
fn c_e1_purpose_basis_interest_retention_and_rights() {
    let doc = json!({
        "purposes": [
            {"id": "a", "legal_basis": "unspecified", "retention": {"kind": "unspecified", "note": "x"}, "categories": ["c"]},
            {"id": "b", "legal_basis": "legitimate_interest", "retention": {"kind": "by_plan", "rules": [
                {"plan": "p", "rule": {"kind": "fixed", "period": "1 year"}},
                {"plan": "q", "rule": {"kind": "unspecified", "note": "x"}}
            ]}},
            {"id": "c", "legal_basis": "legitimate_interest", "legitimate_interest": "security", "retention": {"kind": "after_use"}}
        ],
        "rights": {"requests": [{"kind": "access"}, {"kind": "erasure"}]}
    });
    let found = lint(&doc);
    let got: Vec<(&str, Option<&str>)> = found.iter().filter(|f| f.path.starts_with("purposes") || f.path.starts_with("rights")).map(|f| (f.path.as_str(), f.subject.as_deref())).collect();
    assert_eq!(
        got,
        [
            ("purposes[0].legal_basis", Some("a")),
            ("purposes[0].retention", Some("a")),
            ("purposes[1].legitimate_interest", Some("b")),
            ("purposes[1].retention.rules[1].rule", Some("b")),
            // Unstated basis: portability and objection too; restriction always.
            ("rights.requests", Some("export")),
            ("rights.requests", Some("rectification")),
            ("rights.requests", Some("restriction")),
            ("rights.requests", Some("objection")),
        ]
    );
}

#[test]
fn c_e1_transfers_and_cookies() {
    let doc = json!({
        "recipients": [
            {"id": "eu", "outside_eu": false},
            {"id": "us", "outside_eu": true},
            {"id": "us2", "outside_eu": true, "safeguard": "SCCs"},
            {"id": "where", "outside_eu": "unknown"}
        ],
        "tracking": [
            {"id": "ga", "purposes": ["analytics"], "recipient": "google", "cookies": [{"name": "_ga", "lifetime": "13 months"}, {"name": "s"}]},
            {"id": "px", "purposes": [], "cookies": [{"name": "x", "lifetime": 5}]},
            {"id": "bare", "purposes": ["a"], "recipient": "r"}
        ]
    });
    let p = paths(&doc);
    for want in ["recipients[1].safeguard", "recipients[3].outside_eu", "tracking[1].purposes", "tracking[1].recipient", "tracking[1].cookies[0].lifetime", "tracking[2].cookies"] {
        assert!(p.contains(&want.to_string()), "{want} in {p:?}");
    }
    for not in ["recipients[0]", "recipients[2]", "tracking[0]"] {
        assert!(!p.iter().any(|x| x.starts_with(not)), "{not} is fine: {p:?}");
    }
}
