//! privacy-widget-server: the reference backend.
fn main() {}
