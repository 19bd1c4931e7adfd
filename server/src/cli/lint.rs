//! `privacy-widget-server lint <policy.json>… [--format json]`: the policy lint (C-E1) for
//! operators and a company's CI. The checks are the widget crate's (`privacy_widget::policy::lint`).

use std::{io::Write, path::PathBuf, process::ExitCode};

use clap::{Args, ValueEnum};
use privacy_widget::policy::lint::{lint_str, render_json, render_text};

/// Options of `lint`.
#[derive(Debug, Clone, Args)]
pub struct LintArgs {
    /// The policy documents (JSON) to check.
    #[arg(required = true, value_name = "POLICY_JSON")]
    pub files: Vec<PathBuf>,
    /// `text` for people (default), `json` for tools: one array with `{"file", "findings": [{"path",
    /// "subject", "article", "fix": {"nl", "en"}}]}` per readable file.
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub format: LintFormat,
}

/// How `lint` writes its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// Human-readable lines, one finding each.
    Text,
    /// One JSON object listing every file and its findings.
    Json,
}

/// Runs `lint`: the findings on stdout; exit 0 when there are none, 1 when there are, 2 when a
/// file cannot be read (named on stderr; the other files are still checked).
pub fn run(args: &LintArgs) -> ExitCode {
    let (mut out_text, mut out_json) = (String::new(), Vec::new());
    let (mut findings, mut unreadable) = (0usize, false);
    for file in &args.files {
        let label = file.display().to_string();
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("privacy-widget-server: {label}: cannot read: {e}");
                unreadable = true;
                continue;
            }
        };
        let found = lint_str(&text);
        findings += found.len();
        match args.format {
            LintFormat::Text => out_text.push_str(&render_text(&label, &found)),
            LintFormat::Json => out_json.push(render_json(&label, &found)),
        }
    }
    let body = match args.format {
        LintFormat::Text => out_text,
        LintFormat::Json => serde_json::Value::Array(out_json).to_string() + "\n",
    };
    let mut out = std::io::stdout().lock();
    if out.write_all(body.as_bytes()).and_then(|()| out.flush()).is_err() {
        return ExitCode::from(2);
    }
    match (unreadable, findings) {
        (true, _) => ExitCode::from(2),
        (false, 0) => ExitCode::SUCCESS,
        (false, _) => ExitCode::from(1),
    }
}
