//! Catalog completeness: every key in both languages, every used key present.

use super::*;
use alloc::collections::BTreeSet;

fn keys(table: &[(&str, &str)]) -> BTreeSet<String> {
    table.iter().map(|(k, _)| (*k).to_string()).collect()
}

#[test]
fn nl_and_en_have_the_same_keys_and_no_duplicates() {
    for (nl, en) in catalog::AREAS {
        assert_eq!(keys(nl).len(), nl.len(), "duplicate key in an NL table");
        assert_eq!(keys(en).len(), en.len(), "duplicate key in an EN table");
        let missing_en: Vec<_> = keys(nl).difference(&keys(en)).cloned().collect();
        let missing_nl: Vec<_> = keys(en).difference(&keys(nl)).cloned().collect();
        assert!(missing_en.is_empty(), "keys missing in en: {missing_en:?}");
        assert!(missing_nl.is_empty(), "keys missing in nl: {missing_nl:?}");
        for (k, v) in nl.iter().chain(en.iter()) {
            assert!(!v.trim().is_empty(), "empty text for {k}");
        }
    }
}

/// Scans `src/` for `t(<lang>, "key")` calls and checks that each key is in the catalogs.
#[test]
fn every_used_key_is_in_every_catalog() {
    let mut all = BTreeSet::new();
    for (nl, _) in catalog::AREAS {
        all.extend(keys(nl));
    }
    let mut used = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                if !path.ends_with("i18n") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                // `t!(lang, "key")` (compile-time lookup) is checked like `t(lang, "key")`.
                let text = std::fs::read_to_string(&path).expect("utf-8 source").replace("t!(", "t(");
                // Only files that use the catalogs; other modules may have their own `t(..)`.
                if !text.contains("i18n::") {
                    continue;
                }
                for (i, _) in text.match_indices("t(") {
                    let before = text[..i].chars().last();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let call = &text[i + 2..];
                    let Some(comma) = call.find(',') else { continue };
                    if call.find(')').is_some_and(|close| close < comma) {
                        continue; // a one-argument call such as `t(&text)`, not a catalog lookup
                    }
                    let arg = call[comma + 1..].trim_start();
                    if let Some(rest) = arg.strip_prefix('"') {
                        if let Some(end) = rest.find('"') {
                            used.insert(rest[..end].to_string());
                        }
                    }
                }
            }
        }
    }
    let missing: Vec<_> = used.difference(&all).collect();
    assert!(missing.is_empty(), "keys used in src/ but missing from the catalogs: {missing:?}");
    assert!(used.contains("state.unavailable") || all.contains("state.unavailable"));
}

#[test]
fn language_choice_follows_element_then_document_then_browser_then_dutch() {
    assert_eq!(Lang::choose(["en", "nl"]), Lang::En);
    assert_eq!(Lang::choose(["fr", "en-GB"]), Lang::En);
    assert_eq!(Lang::choose(["", "de", "fr"]), Lang::Nl);
    assert_eq!(Lang::choose([]), Lang::Nl);
    assert_eq!(Lang::from_tag("NL-be"), Some(Lang::Nl));
}

#[test]
fn fill_inserts_values_and_keeps_unknown_placeholders() {
    assert_eq!(fill("Tot {date} ({n})", &[("date", "5-1-2026"), ("n", "7")]), "Tot 5-1-2026 (7)");
    assert_eq!(fill("{x} en {y", &[("x", "a")]), "a en {y");
    assert_eq!(fill("{unknown}", &[]), "{unknown}");
}

#[test]
fn the_compile_time_lookup_gives_the_catalog_text() {
    assert_eq!(crate::t!(Lang::Nl, "consent.save"), t(Lang::Nl, "consent.save"));
    assert_eq!(crate::t!(Lang::En, "action.close"), "Close");
}

#[test]
fn missing_key_falls_back_to_the_key() {
    assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
    assert_eq!(t(Lang::Nl, "action.close"), "Sluiten");
}
