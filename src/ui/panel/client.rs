//! The control-panel calls to the backend (`/api/v1/me…`, `/api/v1/requests…`, demo login) and
//! the reading of their JSON answers into the shared request types.

use crate::api::{self, ApiError};
use crate::policy::{Date, RetentionEvent, RETENTION_EVENTS};
use crate::requests::{StoredValue, Subject};
use serde_json::{Map, Value};

/// The signed-in customer.
#[derive(Debug, Clone, Default)]
pub struct Me {
    pub name: String,
    pub email: String,
    pub plan: Option<String>,
}

/// A demo customer one can sign in as.
#[derive(Debug, Clone)]
pub struct DemoCustomer {
    pub id: String,
    pub name: String,
    pub plan: Option<String>,
}

/// Why a stored value is restricted (kept, but no longer used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restricted {
    /// At the customer's request (a completed restriction request).
    Requested,
    /// Kept after an erasure because of a legal hold (C-C6).
    LegalHold,
    /// Kept after an erasure because the category cannot be erased.
    NotErasable,
    /// Restricted, the server did not say why.
    Unspecified,
}

/// What the backend holds about the customer.
#[derive(Debug, Clone, Default)]
pub struct Data {
    pub subject: Subject,
    pub values: Vec<StoredValue>,
    /// Per value (same order): whether and why it is restricted.
    pub restricted: Vec<Option<Restricted>>,
}

/// One account opt-in as the server has it.
#[derive(Debug, Clone)]
pub struct Preference {
    pub purpose: String,
    pub granted: bool,
}

/// One step of a request's timeline.
#[derive(Debug, Clone)]
pub struct Step {
    pub status: String,
    pub at: String,
    pub reason: Option<String>,
}

/// A data-subject request with its status and timeline.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub received_on: Option<Date>,
    pub due_on: Option<Date>,
    pub timeline: Vec<Step>,
    /// What was asked: the request's `details` as filed (categories, purposes, field and new
    /// value, note); shown as text only.
    pub details: Value,
    /// Answered with "no personal data is linked to this address" (a visitor's request).
    pub no_personal_data: bool,
}

/// The backend's base URL and the site.
#[derive(Debug, Clone)]
pub struct Client {
    pub api: String,
    pub site: String,
}

fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn first(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| s(v, k))
}

fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    match v {
        Value::Array(items) => items,
        _ => v.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice),
    }
}

fn events(v: Option<&Value>) -> Vec<(RetentionEvent, Date)> {
    let Some(Value::Object(map)) = v else { return Vec::new() };
    map.iter()
        .filter_map(|(k, d)| {
            let event = RETENTION_EVENTS.iter().find(|(n, _)| n == k).map(|(_, e)| *e)?;
            Some((event, Date::parse(d.as_str()?)?))
        })
        .collect()
}

fn parse(body: &str) -> Result<Value, ApiError> {
    serde_json::from_str(body).map_err(|_| ApiError::Malformed)
}

impl Client {
    fn url(&self, path: &str) -> String {
        let mut u = self.api.clone();
        u.push_str(path);
        u
    }

    /// The signed-in customer; `Ok(None)` when nobody is signed in (`signed_in: false`, or a
    /// 401 from a backend without `/session`).
    pub async fn me(&self) -> Result<Option<Me>, ApiError> {
        match api::get_text(&self.url("/session")).await {
            Ok(body) => {
                let v = parse(&body)?;
                // A server may answer 200 `{"signed_in": false}` instead of 401.
                if v.get("signed_in").and_then(Value::as_bool) == Some(false) {
                    return Ok(None);
                }
                let c = v.get("customer").filter(|c| c.is_object()).unwrap_or(&v);
                Ok(Some(Me {
                    name: first(c, &["name", "display_name"]).unwrap_or_default(),
                    email: s(c, "email").unwrap_or_default(),
                    plan: s(c, "plan"),
                }))
            }
            Err(ApiError::Rejected(401, _)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The demo customers of the site.
    pub async fn demo_customers(&self) -> Result<Vec<DemoCustomer>, ApiError> {
        let mut path = String::from("/demo/customers?site=");
        path.push_str(&String::from(js_sys::encode_uri_component(&self.site)));
        let v = parse(&api::get_text(&self.url(&path)).await?)?;
        Ok(list(&v, "customers")
            .iter()
            .filter_map(|c| {
                Some(DemoCustomer {
                    id: first(c, &["id", "handle"])?,
                    name: first(c, &["name", "display_name"]).unwrap_or_default(),
                    plan: s(c, "plan"),
                })
            })
            .collect())
    }

    /// Signs in as a demo customer (the server sets the session cookie).
    pub async fn demo_login(&self, customer: &str) -> Result<(), ApiError> {
        let body = serde_json::json!({ "site": self.site, "customer": customer }).to_string();
        api::send_json("POST", &self.url("/demo/login"), &body, None).await.map(|_| ())
    }

    /// Signs out.
    pub async fn logout(&self) -> Result<(), ApiError> {
        api::send_json("POST", &self.url("/logout"), "{}", None).await.map(|_| ())
    }

    /// The stored values (the data package of kind `data`, or a flat `values` list).
    pub async fn data(&self) -> Result<Data, ApiError> {
        let v = parse(&api::get_text(&self.url("/me/data")).await?)?;
        Ok(read_data(&v))
    }

    /// The account opt-ins.
    pub async fn preferences(&self) -> Result<Vec<Preference>, ApiError> {
        let v = parse(&api::get_text(&self.url("/me/preferences")).await?)?;
        Ok(read_preferences(&v))
    }

    /// Stores opt-in changes (`purpose → granted`) shown under `policy_version`, or an objection
    /// to all direct marketing (C-A11); returns the preferences afterwards.
    pub async fn put_preferences(&self, changes: &[(String, bool)], object: bool, policy_version: &str) -> Result<Vec<Preference>, ApiError> {
        let mut prefs = Map::new();
        for (p, g) in changes {
            prefs.insert(p.clone(), Value::Bool(*g));
        }
        let mut body = serde_json::json!({ "policy_version": policy_version, "preferences": prefs });
        if object {
            body["object_to_direct_marketing"] = Value::Bool(true);
        }
        let body = body.to_string();
        let reply = api::send_json("PUT", &self.url("/me/preferences"), &body, None).await?;
        match parse(&reply.body) {
            Ok(v) => Ok(read_preferences(&v)),
            // Stored, but the answer is unreadable: ask what the server holds now.
            Err(_) => self.preferences().await,
        }
    }

    /// The customer's requests, newest first as the server gives them.
    pub async fn requests(&self) -> Result<Vec<RequestRecord>, ApiError> {
        let v = parse(&api::get_text(&self.url("/requests")).await?)?;
        Ok(list(&v, "requests").iter().filter_map(read_request).collect())
    }

    /// Files a request (`details` is the canonical JSON of [`crate::requests::RequestDetails`]).
    pub async fn file_request(&self, kind: &str, details: Value, key: &str) -> Result<Option<RequestRecord>, ApiError> {
        let body = request_body(kind, details);
        let reply = api::send_json("POST", &self.url("/requests"), &body, Some(key)).await?;
        Ok(parse(&reply.body).ok().as_ref().and_then(read_request))
    }

    /// Cancels a pending request.
    pub async fn cancel(&self, id: &str) -> Result<(), ApiError> {
        let mut path = String::from("/requests/");
        path.push_str(id);
        path.push_str("/cancel");
        api::send_json("POST", &self.url(&path), "{}", None).await.map(|_| ())
    }

    /// The data package of a completed access or export request (JSON text).
    pub async fn package(&self, id: &str) -> Result<String, ApiError> {
        let mut path = String::from("/requests/");
        path.push_str(id);
        path.push_str("/package");
        api::get_text(&self.url(&path)).await
    }

    /// The URL requests are posted to (for the outbox).
    pub fn requests_url(&self) -> String {
        self.url("/requests")
    }
}

/// The JSON body of a new request.
pub fn request_body(kind: &str, details: Value) -> String {
    serde_json::json!({ "kind": kind, "details": details }).to_string()
}

fn read_data(v: &Value) -> Data {
    let mut data = Data {
        subject: Subject { plan: s(v, "plan"), events: events(v.get("account_events").or_else(|| v.get("events"))) },
        ..Data::default()
    };
    let mut push = |category: String, item: &Value| {
        let Some(field) = s(item, "field") else { return };
        let value = match item.get("value") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        data.values.push(StoredValue { category, field, value, events: events(item.get("events")) });
        let restricted = item.get("restricted").and_then(Value::as_bool).unwrap_or(false).then(|| {
            match item.get("restricted_reason").and_then(Value::as_str) {
                Some("restriction_request") => Restricted::Requested,
                Some("legal_hold") => Restricted::LegalHold,
                Some("not_erasable") => Restricted::NotErasable,
                _ => Restricted::Unspecified,
            }
        });
        data.restricted.push(restricted);
    };
    for c in list(v, "categories") {
        let Some(id) = s(c, "id") else { continue };
        for item in list(c, "values") {
            push(id.clone(), item);
        }
    }
    for item in v.get("values").and_then(Value::as_array).map_or(&[][..], Vec::as_slice) {
        if let Some(category) = s(item, "category") {
            push(category, item);
        }
    }
    data
}

fn read_preferences(v: &Value) -> Vec<Preference> {
    let v = v.get("preferences").unwrap_or(v);
    match v {
        Value::Object(map) => map
            .iter()
            .filter_map(|(k, g)| {
                let granted = g.as_bool().or_else(|| g.get("granted").and_then(Value::as_bool))?;
                Some(Preference { purpose: k.clone(), granted })
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|p| Some(Preference { purpose: s(p, "purpose")?, granted: p.get("granted")?.as_bool()? }))
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads one request (or `{request: …}`) of the API into a [`RequestRecord`].
pub fn read_request(v: &Value) -> Option<RequestRecord> {
    let v = v.get("request").unwrap_or(v);
    let timeline = ["timeline", "events"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_array))
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(|e| {
            Some(Step {
                status: s(e, "status")?,
                at: first(e, &["at", "date", "on"]).unwrap_or_default(),
                reason: s(e, "reason"),
            })
        })
        .collect();
    let date = |keys: &[&str]| first(v, keys).as_deref().and_then(|d| Date::parse(d.get(..10).unwrap_or(d)));
    Some(RequestRecord {
        id: s(v, "id")?,
        kind: s(v, "kind")?,
        status: s(v, "status").unwrap_or_default(),
        received_on: date(&["received_on", "received"]),
        due_on: date(&["due_on", "due"]),
        timeline,
        details: v.get("details").filter(|d| d.is_object()).cloned().unwrap_or(Value::Null),
        no_personal_data: v.get("no_personal_data").and_then(Value::as_bool).unwrap_or(false),
    })
}
