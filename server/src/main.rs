//! privacy-widget-server: the reference backend's binary (see the library for the parts).

fn main() -> std::process::ExitCode {
    privacy_widget_server::cli::main()
}
