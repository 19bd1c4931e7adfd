//! privacy-widget-server: the reference backend's binary (see the library for the parts).

use std::process::ExitCode;

use clap::Parser;
use privacy_widget_server::cli::{Cli, LogFormat};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    privacy_widget_server::panel::set_demo_mode(!cli.no_demo);
    if let Some(privacy_widget_server::cli::Command::Requests(args)) = &cli.command {
        return privacy_widget_server::panel::ops::run(args);
    }
    let Some(args) = cli.serve_args() else {
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("privacy-widget-server: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(privacy_widget_server::serve::serve(args)) {
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
