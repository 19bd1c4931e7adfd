//! `privacy-widget-server notice <policy.json> [--lang nl]`: validates a policy file as the
//! server does on start and prints its consent notice, for sites that host the notice as a
//! static file next to the script tag.

use std::{io::Write, path::PathBuf, process::ExitCode};

use clap::Args;
use privacy_widget::consent::Notice;

/// Options of `notice`.
#[derive(Debug, Clone, Args)]
pub struct NoticeArgs {
    /// The policy document (JSON) to compile.
    pub policy: PathBuf,
    /// The language wanted (`nl`, `en`, `en-GB`); without it, or when the policy lacks it,
    /// the policy's default language.
    #[arg(long)]
    pub lang: Option<String>,
}

/// The notice JSON of the policy in `args`, or every problem with the file (one line each,
/// `file: json.path: reason`, as on start).
pub fn compile_file(args: &NoticeArgs) -> Result<String, Vec<String>> {
    let fail = |reasons: Vec<String>| reasons.into_iter().map(|r| format!("{}: {r}", args.policy.display())).collect::<Vec<_>>();
    let text = std::fs::read_to_string(&args.policy).map_err(|e| fail(vec![e.to_string()]))?;
    let site = crate::policy_source::parse(&text).map_err(fail)?;
    let lang = Notice::language_for(&site.policy, args.lang.as_deref().unwrap_or(""));
    Ok(Notice::compile(&site.policy, lang).to_json())
}

/// Runs `notice`: the JSON and a newline on stdout (exit 0), or the problems on stderr (exit 2).
pub fn run(args: &NoticeArgs) -> ExitCode {
    match compile_file(args) {
        Ok(json) => {
            let mut out = std::io::stdout().lock();
            if writeln!(out, "{json}").and_then(|()| out.flush()).is_err() {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(lines) => {
            eprintln!("privacy-widget-server: invalid policy:\n  {}", lines.join("\n  "));
            ExitCode::from(2)
        }
    }
}
