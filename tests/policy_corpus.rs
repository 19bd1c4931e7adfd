//! The malformed-policy corpus: every `tests/policy_corpus/NN-name.json` must fail with exactly
//! the errors listed in `NN-name.errors.txt` (one `path: reason` per line, in order).
//!
//! After a deliberate change of messages, `UPDATE_CORPUS=1 cargo test --test policy_corpus`
//! rewrites the expected files; review the diff before committing.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use privacy_widget::policy::{parse_policy, MAX_DOCUMENT_BYTES};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/policy_corpus")
}

fn documents() -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/policy_corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    docs.sort();
    docs
}

fn actual_errors(text: &str) -> Vec<String> {
    match parse_policy(text) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.lines(),
    }
}

#[test]
fn the_corpus_is_large_enough() {
    assert!(documents().len() >= 35, "only {} malformed documents", documents().len());
}

#[test]
fn every_malformed_document_fails_with_exactly_its_errors() {
    let update = std::env::var_os("UPDATE_CORPUS").is_some();
    let mut failures = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("readable");
        let actual = actual_errors(&text);
        let expected_path = doc.with_extension("errors.txt");
        if update {
            std::fs::write(&expected_path, actual.join("\n") + "\n").expect("write expected errors");
            continue;
        }
        let name = doc.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Ok(expected) = std::fs::read_to_string(&expected_path) else {
            failures.push(format!("{name}: no {}", expected_path.display()));
            continue;
        };
        let expected: Vec<String> = expected.lines().filter(|l| !l.is_empty()).map(str::to_string).collect();
        if actual.is_empty() {
            failures.push(format!("{name}: was accepted"));
        } else if actual != expected {
            failures.push(format!("{name}:\n  expected:\n    {}\n  actual:\n    {}", expected.join("\n    "), actual.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_document_over_one_megabyte_is_refused_before_reading() {
    let huge = format!("{{\"notes\": [\"{}\"]}}", "x".repeat(MAX_DOCUMENT_BYTES));
    assert_eq!(actual_errors(&huge), vec![format!("(document): document is {} bytes; the limit is 1000000 (1 MB)", huge.len())]);
}

#[test]
fn errors_carry_path_and_reason_separately() {
    let err = parse_policy("{\"site\": 1}").unwrap_err();
    let first = &err.0[0];
    assert_eq!((first.path.as_str(), first.reason.as_str()), ("site", "expected a string, found a number"));
    assert_eq!(first.to_string(), "site: expected a string, found a number");
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let fixture = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.json")).expect("fixture");
    assert!(parse_policy(&format!("\u{feff}{fixture}")).is_ok());
}

#[test]
fn a_policy_built_in_code_is_checked_by_validate() {
    let fixture = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.json")).expect("fixture");
    let mut policy = parse_policy(&fixture).expect("fixture is valid");
    assert!(privacy_widget::policy::validate(&policy).is_empty());
    policy.purposes[1].recipients.push("meta".into());
    policy.purposes[0].id = "analytics".into();
    let errors: Vec<String> = privacy_widget::policy::validate(&policy).iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "purposes[1].recipients[1]: unknown recipient \"meta\" (declared: google)",
            "purposes[1].id: duplicate purpose id \"analytics\" (first at purposes[0])",
        ]
    );
}
