//! The control-panel calls to the backend (`/api/v1/session`, `/api/v1/me…`, `/api/v1/requests…`,
//! demo login): each body written from and each answer read into its [`crate::wire`] type, and the
//! answers turned into what the views show ([`Data`], [`RequestRecord`]).

use crate::api::{self, ApiError};
use crate::policy::{Date, RetentionEvent, RETENTION_EVENTS};
use crate::requests::{RequestKind, RequestStatus, StoredValue, Subject};
use crate::wire::{self, DemoCustomer, Me, Preference, RestrictedReason};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// What the backend holds about the customer (read from the live view's [`wire::Package`]).
#[derive(Debug, Clone, Default)]
pub struct Data {
    /// The plan and the account's retention event dates.
    pub subject: Subject,
    /// Every stored value, category by category.
    pub values: Vec<StoredValue>,
    /// Per value (same order): why it is restricted, if it is (`None` inside: the server did
    /// not say why).
    pub restricted: Vec<Option<Option<RestrictedReason>>>,
    /// Values the site's data provider gave that the privacy statement does not describe
    /// (shown apart, as given).
    pub not_described: Vec<wire::UndescribedValue>,
}

/// A data-subject request as the panel and the visitor's view show it: a customer's
/// [`wire::DataRequest`] or a visitor's [`wire::VisitorStatus`].
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// The request's id.
    pub id: String,
    /// What was asked.
    pub kind: RequestKind,
    /// Where it stands.
    pub status: RequestStatus,
    /// When it was received.
    pub received_on: Option<Date>,
    /// When it must be answered (C-C2).
    pub due_on: Option<Date>,
    /// Every step, oldest first.
    pub timeline: Vec<wire::Step>,
    /// What was asked: the request's `details` as filed (categories, purposes, field and new
    /// value, note); shown as text only. `Null` for a visitor (the token never shows them).
    pub details: Value,
    /// Answered with "no personal data is linked to this address" (a visitor's request).
    pub no_personal_data: bool,
}

fn day(text: &str) -> Option<Date> {
    Date::parse(text.get(..10).unwrap_or(text))
}

impl RequestRecord {
    /// A record without details, from the members both answers share.
    fn new(id: String, kind: RequestKind, status: RequestStatus, dates: (&str, &str), timeline: Vec<wire::Step>) -> RequestRecord {
        let (received_on, due_on) = (day(dates.0), day(dates.1));
        RequestRecord { id, kind, status, received_on, due_on, timeline, details: Value::Null, no_personal_data: false }
    }
}

impl From<wire::DataRequest> for RequestRecord {
    fn from(r: wire::DataRequest) -> RequestRecord {
        let details = r.details;
        RequestRecord { details, ..RequestRecord::new(r.id, r.kind, r.status, (&r.received_on, &r.due_on), r.timeline) }
    }
}

impl From<wire::VisitorStatus> for RequestRecord {
    fn from(r: wire::VisitorStatus) -> RequestRecord {
        let no_personal_data = r.no_personal_data;
        RequestRecord { no_personal_data, ..RequestRecord::new(r.id, r.kind, r.status, (&r.received_on, &r.due_on), r.timeline) }
    }
}

/// The backend's base URL and the site.
#[derive(Debug, Clone)]
pub struct Client {
    /// The backend's base URL, e.g. `/api/v1`.
    pub api: String,
    /// The site.
    pub site: String,
}

/// Reads an answer into its wire type: parsed once into a `serde_json::Value`, then read from
/// it. (Reading each type straight from the text puts a copy of the JSON parser into every
/// type's decoder; from the parsed value the module is smaller.)
pub fn decode<T: DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    serde_json::from_str::<Value>(body).and_then(serde_json::from_value).map_err(|_| ApiError::Malformed)
}

/// Writes a body from its wire type.
pub fn encode<T: Serialize>(body: &T) -> String {
    serde_json::to_string(body).unwrap_or_else(|_| String::from("{}"))
}

fn events(map: &BTreeMap<String, String>) -> Vec<(RetentionEvent, Date)> {
    map.iter()
        .filter_map(|(k, d)| {
            let event = RETENTION_EVENTS.iter().find(|(n, _)| n == k).map(|(_, e)| *e)?;
            Some((event, Date::parse(d)?))
        })
        .collect()
}

impl Client {
    fn url(&self, path: &str) -> String {
        let mut u = self.api.clone();
        u.push_str(path);
        u
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        decode(&api::get_text(&self.url(path)).await?)
    }

    /// The signed-in customer; `Ok(None)` when nobody is signed in (`signed_in: false`, or a
    /// 401 from a backend without `/session`).
    pub async fn me(&self) -> Result<Option<Me>, ApiError> {
        // A session answer is `signed_in` and, when true, the members of `Me`.
        let body = match api::get_text(&self.url("/session")).await {
            Ok(body) => body,
            Err(ApiError::Rejected(401, _)) => return Ok(None),
            Err(e) => return Err(e),
        };
        match decode::<wire::SignedIn>(&body)? {
            wire::SignedIn { signed_in: false } => Ok(None),
            wire::SignedIn { signed_in: true } => decode::<Me>(&body).map(Some),
        }
    }

    /// The demo customers of the site.
    pub async fn demo_customers(&self) -> Result<Vec<DemoCustomer>, ApiError> {
        let mut path = String::from("/demo/customers?site=");
        path.push_str(&String::from(js_sys::encode_uri_component(&self.site)));
        Ok(self.get::<wire::DemoCustomers>(&path).await?.customers)
    }

    /// Signs in as a demo customer (the server sets the session cookie).
    pub async fn demo_login(&self, customer: &str) -> Result<(), ApiError> {
        let body = encode(&wire::DemoLogin { site: self.site.clone(), customer: customer.to_owned() });
        api::send_json("POST", &self.url("/demo/login"), &body, None).await.map(|_| ())
    }

    /// Signs out.
    pub async fn logout(&self) -> Result<(), ApiError> {
        api::send_json("POST", &self.url("/logout"), &encode(&wire::Empty {}), None).await.map(|_| ())
    }

    /// The stored values (the live view's data package).
    pub async fn data(&self) -> Result<Data, ApiError> {
        Ok(data_of(self.get::<wire::Package>("/me/data").await?))
    }

    /// The account opt-ins.
    pub async fn preferences(&self) -> Result<Vec<Preference>, ApiError> {
        Ok(self.get::<wire::Preferences>("/me/preferences").await?.preferences)
    }

    /// Stores opt-in changes (`purpose → granted`) shown under `policy_version`, or an objection
    /// to all direct marketing (C-A11); returns the preferences afterwards.
    pub async fn put_preferences(&self, changes: &[(String, bool)], object: bool, policy_version: &str) -> Result<Vec<Preference>, ApiError> {
        let body = wire::PreferencesUpdate {
            policy_version: policy_version.to_owned(),
            preferences: changes.iter().cloned().collect(),
            object_to_direct_marketing: object,
        };
        let reply = api::send_json("PUT", &self.url("/me/preferences"), &encode(&body), None).await?;
        match decode::<wire::Preferences>(&reply.body) {
            Ok(p) => Ok(p.preferences),
            // Stored, but the answer is unreadable: ask what the server holds now.
            Err(_) => self.preferences().await,
        }
    }

    /// The customer's requests, newest first as the server gives them.
    pub async fn requests(&self) -> Result<Vec<RequestRecord>, ApiError> {
        Ok(self.get::<wire::RequestList>("/requests").await?.requests.into_iter().map(RequestRecord::from).collect())
    }

    /// Files a request (`details` is the JSON of [`crate::requests::RequestDetails`]).
    pub async fn file_request(&self, kind: RequestKind, details: Value, key: &str) -> Result<Option<RequestRecord>, ApiError> {
        let body = request_body(kind, details);
        let reply = api::send_json("POST", &self.url("/requests"), &body, Some(key)).await?;
        Ok(decode::<wire::DataRequest>(&reply.body).ok().map(RequestRecord::from))
    }

    /// Cancels a pending request.
    pub async fn cancel(&self, id: &str) -> Result<(), ApiError> {
        let mut path = String::from("/requests/");
        path.push_str(id);
        path.push_str("/cancel");
        api::send_json("POST", &self.url(&path), &encode(&wire::Empty {}), None).await.map(|_| ())
    }

    /// The data package of a completed access or export request, as the server sent it (the
    /// download keeps its bytes; [`decode`] it as a [`wire::Package`] to show it).
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

/// The JSON body of a signed-in customer's new request.
pub fn request_body(kind: RequestKind, details: Value) -> String {
    encode(&wire::NewRequest { site: None, email: None, kind, details })
}

/// The panel's view of the live data package: every value under its category, with its
/// restriction.
fn data_of(package: wire::Package) -> Data {
    let mut data = Data {
        subject: Subject { plan: package.plan, events: events(&package.account_events) },
        not_described: package.not_described.unwrap_or_default(),
        ..Data::default()
    };
    for category in package.categories {
        for v in category.values {
            data.restricted.push(v.restriction());
            data.values.push(StoredValue { category: category.id.clone(), field: v.field, value: v.value, events: events(&v.events) });
        }
    }
    data
}
