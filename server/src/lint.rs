//! The policy lint's findings (C-E1) logged as warnings when the server loads a policy, on start
//! and on every reload. Findings are advice to the company, never errors: the server still
//! starts. The checks are the widget crate's (`privacy_widget::policy::lint`); the operator's
//! command is `cli::lint`.

use privacy_widget::policy::lint::lint_str;

/// Logs a loaded policy's findings as warnings, one line each (site, file, path, article, fix in
/// English if the policy has it, else Dutch), and their count; nothing when there are none.
pub fn log_findings(site: &str, file: &std::path::Path, source: &str) {
    let found = lint_str(source);
    if found.is_empty() {
        return;
    }
    tracing::warn!(site, file = %file.display(), findings = found.len(), "policy lint: the statement lacks what GDPR Art. 13 asks (advice, not an error; `privacy-widget-server lint {}` lists it)", file.display());
    for f in &found {
        let fix = f.fix_en.as_deref().or(f.fix_nl.as_deref()).unwrap_or("");
        tracing::warn!(site, path = %f.path, article = f.article, "policy lint: {fix}");
    }
}
