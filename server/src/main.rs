//! privacy-widget-server: the reference backend's binary (see the library for the parts).

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use privacy_widget_server::cli::{Cli, LogFormat};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    init_tracing(cli.log_format);
    privacy_widget_server::panel::set_demo_mode(!cli.no_demo);
    match &cli.command {
        Some(privacy_widget_server::cli::Command::Requests(args)) => return privacy_widget_server::panel::ops::run(args),
        Some(privacy_widget_server::cli::Command::Notice(args)) => return privacy_widget_server::notice::run(args),
        _ => {}
    }
    let settings = match cli.settings(&matches) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("privacy-widget-server: {e}");
            return ExitCode::from(2);
        }
    };
    privacy_widget_server::panel::set_demo_mode(settings.demo);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("privacy-widget-server: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(privacy_widget_server::serve::serve_with(settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("privacy-widget-server: {e}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
