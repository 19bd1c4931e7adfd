//! What the contract layer (scripts/schemathesis.sh, signed in as a seed customer) found in the
//! control-panel API: each test pins one fix so that `server/openapi.yaml` and the handlers
//! keep agreeing.

mod panel_support;

use panel_support::Env;
use serde_json::json;

/// `POST /api/v1/logout` and `POST /api/v1/requests/{id}/cancel` carry nothing, but the CSRF
/// guard wants `application/json`; the spec declared no body, so every call made by the spec
/// was a 403. They now take the spec's `Empty` body: nothing or `{}` (what the widget sends);
/// a member is 422 and a body that is not a JSON object 400, as for the visitor's cancel.
#[tokio::test]
async fn logout_and_cancel_take_an_empty_json_body_and_refuse_any_other() {
    let env = Env::new().await;
    let cookie = env.login("pcextreme", "jan-de-vries").await;
    let filed = env.file(&cookie, "k-cancel-1", "access", json!({})).await;
    assert_eq!(filed.status, 201, "{}", filed.text());
    let id = filed.json()["id"].as_str().unwrap().to_owned();
    let cancel = format!("/api/v1/requests/{id}/cancel");
    let json_headers = [("content-type", "application/json"), ("origin", panel_support::ORIGIN)];

    for path in [cancel.as_str(), "/api/v1/logout"] {
        let member = env.post(path, &cookie, &json!({"id": "r_x"}), &[]).await;
        assert_eq!(member.status, 422, "{path}: {}", member.text());
        assert_eq!(member.json()["type"], "/problems/validation");
        assert_eq!(member.json()["errors"][0]["field"], "id");
        let array = env.post(path, &cookie, &json!([]), &[]).await;
        assert_eq!(array.status, 400, "{path}: {}", array.text());
        assert_eq!(array.json()["type"], "/problems/malformed-body");
        // Only an empty body is "nothing": whitespace declared JSON is not JSON (schemathesis
        // sent `\r` to the visitor's cancel and got 200).
        for raw in [&b"\r"[..], b" ", b"\n\n"] {
            let blank = env.call_raw("POST", path, &cookie, raw).await;
            assert_eq!(blank.status, 400, "{path} {raw:?}: {}", blank.text());
            assert_eq!(blank.json()["type"], "/problems/malformed-body");
        }
    }
    // The refused calls changed nothing: the request is pending, the session alive.
    let pending = env.get(&format!("/api/v1/requests/{id}"), &cookie).await;
    assert_eq!(pending.json()["status"], "verified");
    assert_eq!(env.get("/api/v1/me", &cookie).await.status, 200);

    // An empty body declared JSON is the spec's "nothing to send".
    let cancelled = env.call("POST", &cancel, &cookie, None, &json_headers).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text());
    assert_eq!(cancelled.json()["status"], "cancelled");
    let out = env.call("POST", "/api/v1/logout", &cookie, None, &json_headers).await;
    assert_eq!(out.status, 204, "{}", out.text());
    assert_eq!(env.get("/api/v1/me", &cookie).await.status, 401);
}
