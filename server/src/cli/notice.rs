//! `privacy-widget-server notice <policy.json> [--lang nl]`: validates a policy file as the
//! server does on start and prints its consent notice, for sites that host the notice as a
//! static file next to the script tag.

use std::{io::Write, path::PathBuf, process::ExitCode};

use clap::Args;

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

/// Runs `notice`: the JSON and a newline on stdout (exit 0), or the problems on stderr (exit 2).
pub fn run(args: &NoticeArgs) -> ExitCode {
    match crate::notice::compile_file(&args.policy, args.lang.as_deref()) {
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
