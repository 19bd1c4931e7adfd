//! Every shipped policy in `www/policies/` (and the test fixture) passes the Rust validator and
//! the published JSON Schema, and names each purpose, category and recipient in every language.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use privacy_widget::policy::{parse_policy, Policy, Text};
use serde_json::Value;

/// The five seed companies; each must have `www/policies/<name>.json`.
const SEEDS: &[&str] = &["host-tracker", "webhost", "pcextreme", "webanizr", "manetti"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("www/policies/policy.schema.json")).expect("schema file");
    serde_json::from_str(&text).expect("schema is JSON")
}

/// Every policy document: `www/policies/*.json` except the schema, and the fixture.
fn documents() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("www/policies"))
        .expect("www/policies")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| p.file_name() != Some(std::ffi::OsStr::new("policy.schema.json")))
        .collect();
    paths.sort();
    paths.push(root().join("tests/fixtures/minimal.json"));
    paths
}

fn name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

#[test]
fn every_seed_policy_is_present() {
    let missing: Vec<&str> =
        SEEDS.iter().copied().filter(|s| !root().join(format!("www/policies/{s}.json")).is_file()).collect();
    assert!(missing.is_empty(), "seed policies missing from www/policies/: {missing:?}");
}

#[test]
fn every_policy_passes_the_rust_validator() {
    let mut failures = Vec::new();
    for path in documents() {
        let text = std::fs::read_to_string(&path).expect("readable");
        if let Err(errors) = parse_policy(&text) {
            failures.push(format!("{}:\n{errors}", name(&path)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_policy_passes_the_json_schema() {
    let validator = jsonschema::draft202012::new(&schema()).expect("the schema is a valid draft 2020-12 schema");
    let mut failures = Vec::new();
    for path in documents() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let doc: Value = serde_json::from_str(&text).expect("JSON");
        for error in validator.iter_errors(&doc) {
            failures.push(format!("{} at {}: {error}", name(&path), error.instance_path));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A label is blank in some declared language.
fn blank_labels(policy: &Policy) -> Vec<String> {
    let mut labels: Vec<(String, &Text)> = Vec::new();
    labels.extend(policy.purposes.iter().map(|p| (format!("purpose {}", p.id), &p.label)));
    labels.extend(policy.categories.iter().map(|c| (format!("category {}", c.id), &c.label)));
    labels.extend(policy.recipients.iter().map(|r| (format!("recipient {}", r.id), &r.name)));
    let mut blank = Vec::new();
    for (what, text) in labels {
        for lang in &policy.languages {
            let shown = match text {
                Text::Plain(s) => Some(s.as_str()),
                Text::ByLang(map) => map.get(lang).map(String::as_str),
            };
            let empty = match shown {
                Some(s) => s.trim().is_empty(),
                None => true,
            };
            if empty {
                blank.push(format!("{what} has no label in {lang}"));
            }
        }
    }
    blank
}

#[test]
fn every_label_is_there_in_every_declared_language() {
    let mut failures = Vec::new();
    for path in documents() {
        let text = std::fs::read_to_string(&path).expect("readable");
        if let Ok(policy) = parse_policy(&text) {
            failures.extend(blank_labels(&policy).into_iter().map(|b| format!("{}: {b}", name(&path))));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_schema_rejects_what_the_validator_rejects_in_shape() {
    let validator = jsonschema::draft202012::new(&schema()).expect("schema");
    let fixture = std::fs::read_to_string(root().join("tests/fixtures/minimal.json")).expect("fixture");
    let base: Value = serde_json::from_str(&fixture).expect("JSON");
    let edits: &[(&str, Value)] = &[
        ("/purposes/0/legal_bassis", Value::String("contract".into())),
        ("/purposes/0/retention/period", Value::String("7 jaar".into())),
        ("/date", Value::String("01-05-2024".into())),
        ("/categories/0/source", Value::String("klant".into())),
        ("/purposes/1/retention", serde_json::json!({"kind": "after", "period": "2 years", "event": "einde"})),
        ("/controller/name", serde_json::json!(42)),
    ];
    for (pointer, value) in edits {
        let mut doc = base.clone();
        let (parent, key) = pointer.rsplit_once('/').expect("pointer");
        doc.pointer_mut(parent).and_then(Value::as_object_mut).expect("parent object").insert(key.into(), value.clone());
        assert!(!validator.is_valid(&doc), "schema accepted {pointer} = {value}");
        assert!(parse_policy(&doc.to_string()).is_err(), "validator accepted {pointer} = {value}");
    }
}

/// Corpus documents whose only faults are of meaning (references, duplicates, languages,
/// consent scope, sizes the schema does not count): the schema accepts them, the validator does not.
const MEANING_ONLY: &[&str] = &[
    "10-dangling-category",
    "11-dangling-recipient",
    "12-dangling-plan",
    "13-duplicate-ids",
    "16-bad-dates",
    "20-unknown-language-key",
    "21-consent-scope-mismatch",
    "25-duplicate-request-kind",
    "31-tracking-dangling-refs",
    "36-response-time-too-long",
    "40-duplicate-field-ids",
    "47-no-plans-declared",
    "49-period-too-long",
    "53-opt-out-scope",
];

#[test]
fn the_schema_rejects_every_corpus_document_with_a_fault_of_shape() {
    let validator = jsonschema::draft202012::new(&schema()).expect("schema");
    let mut accepted = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("tests/policy_corpus"))
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("readable");
        let Ok(doc) = serde_json::from_str::<Value>(&text) else { continue };
        if validator.is_valid(&doc) {
            accepted.push(name(&path).trim_end_matches(".json").to_string());
        }
    }
    assert_eq!(accepted, MEANING_ONLY, "corpus documents the schema accepts");
}
