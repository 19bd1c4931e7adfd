//! The wire types against real bodies: every answer the reference server gave in a demo session
//! (fixtures/, recorded from `privacy-widget-server` on the pcextreme seed; the live view with a
//! data provider from a `--no-demo` session) is read into its type and written back to the same
//! JSON; what the server accepts refuses an unknown member, naming it.

use super::strict::{from_slice, BodyError};
use super::*;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Value};

/// Reads `text` as `T` and writes it back: the JSON must be the same, member for member.
fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let original: Value = serde_json::from_str(text).expect("fixture is JSON");
    let typed: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("fixture does not decode: {e}"));
    let again = serde_json::to_value(&typed).expect("encodes");
    assert_eq!(again, original, "the type loses or changes members");
    typed
}

fn field(e: Result<impl std::fmt::Debug, BodyError>) -> FieldError {
    match e {
        Err(BodyError::Field(f)) => f,
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn me_and_session_round_trip() {
    let me: Me = round_trip(include_str!("fixtures/me.json"));
    let me_again = me.clone();
    assert_eq!(me.customer, "jan-de-vries");
    let session: Session = round_trip(include_str!("fixtures/session.json"));
    assert_eq!(session.customer().map(|m| m.name), Some(me.name));
    let out: Session = round_trip(r#"{"signed_in":false}"#);
    assert_eq!(out.customer(), None);
    // The panel reads a session as its parts.
    let text = include_str!("fixtures/session.json");
    assert_eq!(serde_json::from_str::<SignedIn>(text).unwrap(), SignedIn { signed_in: true });
    assert_eq!(serde_json::from_str::<Me>(text).unwrap(), me_again);
    let customers: DemoCustomers = round_trip(include_str!("fixtures/demo_customers.json"));
    assert!(customers.customers.iter().any(|c| c.id == "jan-de-vries"));
}

#[test]
fn preferences_round_trip() {
    let prefs: Preferences = round_trip(include_str!("fixtures/preferences.json"));
    assert!(!prefs.preferences.is_empty());
    assert!(prefs.preferences.iter().any(|p| p.changed_at.is_some()), "a stored choice keeps its time and source");
}

#[test]
fn requests_round_trip_with_timeline_and_complaint() {
    // C-C2: status, received and due date, timeline, and the authority with a refusal.
    let list: RequestList = round_trip(include_str!("fixtures/requests.json"));
    assert!(list.requests.iter().any(|r| r.status == RequestStatus::Refused && r.complaint.is_some()));
    assert!(list.requests.iter().all(|r| !r.timeline.is_empty()));
    let refused = list.requests.iter().find(|r| r.status == RequestStatus::Refused).map(|r| &r.timeline);
    assert!(refused.is_some_and(|t| t.iter().any(|s| s.by == Actor::Operator && s.reason.is_some())));
}

#[test]
fn visitor_bodies_round_trip() {
    // C-C3: the code is mailed, the verification gives a status token, the token shows the status.
    let filed: Unverified = round_trip(include_str!("fixtures/unverified.json"));
    assert_eq!(filed.verification, Verification::CodeSent);
    let verified: Verified = round_trip(include_str!("fixtures/verified.json"));
    assert_eq!(verified.status_token.len(), 64);
    assert_eq!(verified.request.id, filed.id);
    // The panel reads the verify answer as its parts.
    let text = include_str!("fixtures/verified.json");
    let token: StatusToken = serde_json::from_str(text).unwrap();
    assert_eq!((token.status_token.as_str(), token.no_personal_data), (verified.status_token.as_str(), verified.no_personal_data));
    assert_eq!(serde_json::from_str::<DataRequest>(text).unwrap(), verified.request);
    let status: VisitorStatus = round_trip(include_str!("fixtures/visitor_status.json"));
    assert_eq!(status.id, filed.id);
}

#[test]
fn packages_round_trip() {
    // C-C4, C-C5: the live view (restriction marks), a request's package, a 'no personal data' answer.
    let data: Package = round_trip(include_str!("fixtures/package_data.json"));
    assert_eq!(data.kind, PackageKind::Data);
    assert!(data.categories.iter().flat_map(|c| &c.values).all(|v| v.restricted.is_some() && v.restricted_reason.is_some()));
    assert!(data.categories.iter().flat_map(|c| &c.values).all(|v| v.restriction().is_none()), "nothing restricted yet");
    let restricted: PackageValue = serde_json::from_value(json!({"field": "f", "label": "F", "value": "v",
        "restricted": true, "restricted_reason": "legal_hold"})).unwrap();
    assert_eq!(restricted.restriction(), Some(Some(RestrictedReason::LegalHold)));
    let access: Package = round_trip(include_str!("fixtures/package_access.json"));
    assert_eq!(access.kind, PackageKind::Access);
    assert!(!access.categories.is_empty());
    let none: Package = round_trip(include_str!("fixtures/package_no_data.json"));
    assert!(none.no_personal_data && none.categories.is_empty() && none.note.is_some());
}

#[test]
fn a_provider_package_keeps_the_values_the_statement_does_not_describe() {
    // Issue 14 §2, C-C4, C-E3: the live view of a site with a data provider (recorded from the
    // `--no-demo` server, pcextreme, with a provider answering two described and two undescribed
    // values): the undescribed ones are listed apart, as given, never dropped.
    let data: Package = round_trip(include_str!("fixtures/package_data_provider.json"));
    assert_eq!(data.kind, PackageKind::Data);
    let undescribed = data.not_described.as_deref().unwrap_or_default();
    assert_eq!(
        undescribed,
        [
            UndescribedValue { category: "hobbies".into(), field: "favourite".into(), value: "schaken".into() },
            UndescribedValue { category: "account".into(), field: "shoe_size".into(), value: "44".into() },
        ]
    );
    let account = data.categories.iter().find(|c| c.id == "account").expect("the described values");
    assert_eq!(account.values.iter().map(|v| v.field.as_str()).collect::<Vec<_>>(), ["name", "email"]);
    // A package without the member (no provider, a request's package) has none, and writes none.
    let stored: Package = round_trip(include_str!("fixtures/package_data.json"));
    assert_eq!(stored.not_described, None);
}

#[test]
fn problems_round_trip() {
    let p: Problem = round_trip(include_str!("fixtures/problem_validation.json"));
    assert!(p.is("validation") && !p.errors.is_empty());
    let p: Problem = round_trip(include_str!("fixtures/problem_stale.json"));
    assert!(p.is("stale-policy-version") && p.current_policy_version.is_some());
    let p: Problem = round_trip(include_str!("fixtures/problem_code.json"));
    assert_eq!((p.code_state, p.attempts_left), (Some(CodeState::Wrong), Some(4)));
}

#[test]
fn accepted_bodies_round_trip() {
    let login: DemoLogin = round_trip(r#"{"site":"pcextreme","customer":"jan-de-vries"}"#);
    assert_eq!(login.customer, "jan-de-vries");
    let update: PreferencesUpdate =
        round_trip(r#"{"policy_version":"2025-03","preferences":{"newsletter":true},"object_to_direct_marketing":true}"#);
    assert_eq!(update.preferences.get("newsletter"), Some(&true));
    let mine: NewRequest = round_trip(r#"{"kind":"restriction","details":{"categories":["account"],"note":"graag"}}"#);
    assert_eq!(mine.kind, RequestKind::Restriction);
    let visitor: NewRequest = round_trip(r#"{"site":"pcextreme","email":"a@example.nl","kind":"access","details":{}}"#);
    assert_eq!(visitor.email.as_deref(), Some("a@example.nl"));
    let code: Verify = round_trip(r#"{"code":"123456","page":"https://www.pcextreme.nl/privacy"}"#);
    assert_eq!(code.code, "123456");
    let _: Empty = round_trip("{}");
}

#[test]
fn an_unknown_member_is_refused_by_name() {
    let e = field(from_slice::<NewRequest>(br#"{"kind":"access","details":{},"priority":"high"}"#));
    assert_eq!(e, FieldError { field: "priority".into(), reason: "unknown field".into() });
    let e = field(from_slice::<PreferencesUpdate>(br#"{"policy_version":"1","preferences":{},"newsletter":true}"#));
    assert_eq!(e.field, "newsletter");
    let e = field(from_slice::<Verify>(br#"{"code":"123456","token":"x"}"#));
    assert_eq!(e.field, "token");
    let e = field(from_slice::<DemoLogin>(br#"{"site":"s","customer":"c","admin":true}"#));
    assert_eq!(e.field, "admin");
    let e = field(from_slice::<Empty>(br#"{"reason":"changed my mind"}"#));
    assert_eq!(e, FieldError { field: "reason".into(), reason: "unknown field".into() });
    // Plain serde says so too, with the name.
    let plain = serde_json::from_str::<NewRequest>(r#"{"kind":"access","priority":1}"#).unwrap_err().to_string();
    assert!(plain.contains("unknown field `priority`"), "{plain}");
}

#[test]
fn a_missing_or_mistyped_member_is_named() {
    let e = field(from_slice::<NewRequest>(br#"{"details":{}}"#));
    assert_eq!(e, FieldError { field: "kind".into(), reason: "required".into() });
    let e = field(from_slice::<NewRequest>(br#"{"kind":"delete"}"#));
    assert_eq!(e.field, "kind");
    assert!(e.reason.contains("unknown variant `delete`"), "{}", e.reason);
    let e = field(from_slice::<NewRequest>(br#"{"site":{},"kind":"access"}"#));
    assert_eq!(e.field, "site");
    let e = field(from_slice::<PreferencesUpdate>(br#"{"policy_version":"1","preferences":{"newsletter":"yes"}}"#));
    assert_eq!(e.field, "preferences.newsletter");
    let e = field(from_slice::<PreferencesUpdate>(br#"{"preferences":{}}"#));
    assert_eq!(e, FieldError { field: "policy_version".into(), reason: "required".into() });
}

#[test]
fn only_a_json_object_is_a_body() {
    assert_eq!(from_slice::<Empty>(b""), Ok(Empty {}), "an empty body is {{}}");
    for bad in [&b"\r"[..], b" ", b"[]", b"\"x\"", b"{", b"null"] {
        assert!(matches!(from_slice::<Empty>(bad), Err(BodyError::Malformed(_))), "{:?}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn request_kinds_and_statuses_keep_their_names() {
    assert_eq!(serde_json::to_value(RequestKind::Rectification).unwrap(), json!("rectification"));
    assert_eq!(serde_json::to_value(RequestStatus::InProgress).unwrap(), json!("in_progress"));
    assert_eq!(serde_json::to_value(Actor::System).unwrap(), json!("system"));
}
