//! The policy lint (C-E1): what GDPR Art. 13 (and 14 where data is not collected from the
//! person) and Telecommunicatiewet Art. 11.7a require a privacy statement to say, checked
//! against a policy document. Each finding names the JSON path, the article and a one-line fix in
//! plain language, in Dutch, English or both, following the policy's `languages`.
//!
//! The lint reads the raw JSON value, not the parsed [`super::Policy`]: a document the strict
//! reader refuses (a missing section, a wrong type) still lints, and every missing part is a
//! finding rather than a stop. It never panics and has no error type: whatever the value, it
//! gives a list. Native only (the server and the tests); the wasm builds leave it out.

mod checks;
mod fixes;
mod output;

pub use output::{render_json, render_text};

use serde_json::Value;

/// One thing the statement does not say that the law says it must.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Where in the document: `purposes[3].legal_basis`; `""` is the whole document.
    pub path: String,
    /// The id (or name) of the object the path points into, for people: `"fraud_prevention"`.
    pub subject: Option<String>,
    /// The provision that asks for it: `"GDPR Art. 13(1)(c)"`.
    pub article: &'static str,
    /// The one-line fix in Dutch, when the policy is in Dutch (or in neither nl nor en).
    pub fix_nl: Option<String>,
    /// The one-line fix in English, when the policy is in English (or in neither nl nor en).
    pub fix_en: Option<String>,
}

/// Which languages the fixes are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Langs {
    /// Whether to write the Dutch text of each fix.
    pub nl: bool,
    /// Whether to write the English text of each fix.
    pub en: bool,
}

impl Langs {
    /// The policy's `languages` that the lint speaks; both when it speaks none of them (or the
    /// list is missing).
    pub fn of(doc: &Value) -> Langs {
        let has = |tag: &str| {
            doc.get("languages")
                .and_then(Value::as_array)
                .is_some_and(|l| l.iter().filter_map(Value::as_str).any(|s| s == tag || s.starts_with(&format!("{tag}-"))))
        };
        let (nl, en) = (has("nl"), has("en"));
        if nl || en {
            Langs { nl, en }
        } else {
            Langs { nl: true, en: true }
        }
    }
}

/// Every finding for a policy document, in document order.
pub fn lint(doc: &Value) -> Vec<Finding> {
    let langs = Langs::of(doc);
    checks::all(doc).into_iter().map(|raw| raw.finish(langs)).collect()
}

/// Lints a document's text: JSON that does not parse is one finding at the root.
pub fn lint_str(text: &str) -> Vec<Finding> {
    match serde_json::from_str::<Value>(text.strip_prefix('\u{feff}').unwrap_or(text)) {
        Ok(doc) => lint(&doc),
        Err(err) => vec![checks::Raw::new("", None, fixes::Fix::NotJson(err.to_string())).finish(Langs { nl: true, en: true })],
    }
}

#[cfg(test)]
mod tests;
