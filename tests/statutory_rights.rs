//! C-C1 per seed: the request kinds the law grants under each shipped policy, whatever its
//! statement mentions (PCextreme's names only access, rectification and erasure; Webanizr's only
//! erasure). Every seed leaves some purpose's legal basis unstated, so each gets all six.
#![cfg(not(target_arch = "wasm32"))]

use privacy_widget::policy::{parse_policy, Policy};
use privacy_widget::requests::{granted_rights, offered_kinds, RequestKind, REQUEST_KINDS_ALL};

fn policy(name: &str) -> Policy {
    let path = format!("{}/www/policies/{name}.json", env!("CARGO_MANIFEST_DIR"));
    parse_policy(&std::fs::read_to_string(&path).expect("policy file")).expect("valid policy")
}

fn names(kinds: &[RequestKind]) -> Vec<&'static str> {
    kinds.iter().map(|k| k.name()).collect()
}

fn mentioned(p: &Policy) -> Vec<&'static str> {
    p.rights.requests.iter().map(|o| o.kind.name()).collect()
}

#[test]
fn c_c1_every_seed_offers_all_six_kinds_whatever_its_statement_names() {
    let all = names(&REQUEST_KINDS_ALL);
    for (seed, statement) in [
        ("host-tracker", vec!["access", "export", "rectification", "erasure", "restriction"]),
        ("webhost", vec!["access", "rectification", "erasure"]),
        ("pcextreme", vec!["access", "rectification", "erasure"]),
        ("webanizr", vec!["erasure"]),
        ("manetti", vec!["access", "rectification", "erasure"]),
    ] {
        let p = policy(seed);
        assert_eq!(mentioned(&p), statement, "{seed}: what the statement names");
        assert_eq!(names(&offered_kinds(&p)), all, "{seed}: what the law grants");
    }
}

#[test]
fn c_c1_a_kind_the_statement_omits_has_no_offer_and_the_statutory_term() {
    let p = policy("pcextreme");
    let granted = granted_rights(&p);
    let restriction = granted.iter().find(|g| g.kind == RequestKind::Restriction).expect("restriction granted");
    assert!(restriction.offer.is_none(), "the statement does not mention it");
    let received = privacy_widget::policy::Date { year: 2025, month: 1, day: 31 };
    let due = privacy_widget::requests::due_date_for(&p, RequestKind::Restriction, received).unwrap();
    assert_eq!(due.to_string(), "2025-02-28", "one month, Art. 12(3)");
    // A shorter promise a statement makes is kept: Host-Tracker erases within 5 working days.
    let ht = policy("host-tracker");
    let erasure = granted_rights(&ht).into_iter().find(|g| g.kind == RequestKind::Erasure).unwrap();
    assert!(erasure.offer.and_then(|o| o.response_time).is_some());
}

#[test]
fn c_c1_the_servers_own_policy_grants_by_its_bases() {
    let p = policy("privacy-widget");
    // Its purposes rest on legal obligation, contract and legitimate interest: all six.
    assert_eq!(names(&offered_kinds(&p)), names(&REQUEST_KINDS_ALL));
    assert_eq!(mentioned(&p), names(&REQUEST_KINDS_ALL), "and its statement names each");
}
