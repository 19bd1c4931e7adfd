//! The lint's two outputs: text for people and JSON for tools.

use serde_json::{json, Value};

use super::Finding;

/// The findings for one file as text: a heading line with the count, then per finding its path
/// (and the id it points into), the article, and the fix per language, one line each.
pub fn render_text(file: &str, findings: &[Finding]) -> String {
    let mut out = String::new();
    match findings.len() {
        0 => out.push_str(&format!("{file}: no findings\n")),
        1 => out.push_str(&format!("{file}: 1 finding\n")),
        n => out.push_str(&format!("{file}: {n} findings\n")),
    }
    for f in findings {
        let path = if f.path.is_empty() { "(document)" } else { &f.path };
        match &f.subject {
            Some(s) => out.push_str(&format!("  {path} [{s}] — {}\n", f.article)),
            None => out.push_str(&format!("  {path} — {}\n", f.article)),
        }
        if let Some(nl) = &f.fix_nl {
            out.push_str(&format!("    nl: {nl}\n"));
        }
        if let Some(en) = &f.fix_en {
            out.push_str(&format!("    en: {en}\n"));
        }
    }
    out
}

/// The findings for one file as JSON:
/// `{"file", "findings": [{"path", "subject", "article", "fix": {"nl", "en"}}]}` (a language the
/// policy is not written in is left out of `fix`).
pub fn render_json(file: &str, findings: &[Finding]) -> Value {
    let findings: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut fix = serde_json::Map::new();
            if let Some(nl) = &f.fix_nl {
                fix.insert("nl".into(), Value::from(nl.as_str()));
            }
            if let Some(en) = &f.fix_en {
                fix.insert("en".into(), Value::from(en.as_str()));
            }
            json!({"path": f.path, "subject": f.subject, "article": f.article, "fix": fix})
        })
        .collect();
    json!({"file": file, "findings": findings})
}
