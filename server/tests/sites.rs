//! The demo site's real policies load with the shared parser, as the server does on start.

use std::path::Path;

use privacy_widget_server::sites::{gpc_governed, Sites};

#[test]
fn the_five_demo_policies_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/policies");
    let sites = Sites::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = sites.iter().map(|s| s.id.as_str()).collect();
    for id in ["host-tracker", "webhost", "pcextreme", "webanizr", "manetti"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    // C-B1: PCextreme's advertising purposes are asked in the banner and governed by GPC.
    let pcx = sites.get("pcextreme").unwrap();
    assert!(pcx.browser_purposes().any(|(_, kind)| gpc_governed(kind)));
}
