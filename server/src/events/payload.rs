//! The thin payloads sent to the company: ids and states, never stored values, so that reading
//! personal data always goes through an authenticated call (Standard Webhooks' advice, C-E3).

use serde::{Deserialize, Serialize};

use crate::config::EVENT_TYPES;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    /// A request was filed (a visitor's once verified).
    #[serde(rename = "request.created")]
    RequestCreated,
    /// The subject withdrew a pending request.
    #[serde(rename = "request.cancelled")]
    RequestCancelled,
    /// An open request is due within 7 days.
    #[serde(rename = "request.due_soon")]
    RequestDueSoon,
    /// An open request passed its due date.
    #[serde(rename = "request.overdue")]
    RequestOverdue,
    /// A request was answered.
    #[serde(rename = "request.completed")]
    RequestCompleted,
    /// A request was refused.
    #[serde(rename = "request.refused")]
    RequestRefused,
    /// An account opt-in or opt-out changed (also an objection).
    #[serde(rename = "preferences.changed")]
    PreferencesChanged,
    /// A marketing-page consent was recorded (sent only to endpoints that name it).
    #[serde(rename = "consent.recorded")]
    ConsentRecorded,
}

impl EventType {
    /// Every type, in [`EVENT_TYPES`] order.
    pub const ALL: [EventType; 8] = [
        EventType::RequestCreated,
        EventType::RequestCancelled,
        EventType::RequestDueSoon,
        EventType::RequestOverdue,
        EventType::RequestCompleted,
        EventType::RequestRefused,
        EventType::PreferencesChanged,
        EventType::ConsentRecorded,
    ];

    /// The wire name (`"request.created"`).
    pub fn name(self) -> &'static str {
        let index = Self::ALL.iter().position(|t| *t == self).unwrap_or(0);
        EVENT_TYPES.get(index).copied().unwrap_or("")
    }

    /// Reads a wire name.
    pub fn from_name(name: &str) -> Option<EventType> {
        EVENT_TYPES.iter().position(|t| *t == name).and_then(|i| Self::ALL.get(i).copied())
    }
}

/// The request an event is about: its id and state, nothing the subject wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRequest {
    /// The event id, unique per event, for the receiver to drop repeats.
    pub id: String,
    /// `access`, `erasure`, …
    pub kind: String,
    /// `verified`, `completed`, …
    pub status: String,
    /// The due date (`YYYY-MM-DD`).
    pub due_at: String,
}

/// The consent record a `consent.recorded` event is about: its ids and the decision's kind,
/// never the choices per purpose (`GET /api/v1/consents/{consent_id}` has those).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventConsent {
    /// The record's id (the `id` of the receipt the page got).
    pub id: i64,
    /// The visitor's pseudonymous consent id (a random id, not a person).
    pub consent_id: String,
    /// What the visitor did: `accept_all`, `reject_all`, `custom`, `gpc` or `withdraw`.
    pub action: String,
}

/// Who and what an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventData {
    /// The site the event concerns.
    pub site: String,
    /// The customer's id in the company's systems; `None` for a visitor not matched to one.
    pub subject: Option<String>,
    /// The data-subject request the event is about, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub request: Option<EventRequest>,
    /// The consent record a `consent.recorded` event is about.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub consent: Option<EventConsent>,
}

/// One event as POSTed: `{"type", "timestamp", "data": {"site", "subject", "request"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The event type.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// When it happened, RFC 3339 in UTC.
    pub timestamp: String,
    /// What the event carries.
    pub data: EventData,
}

impl Event {
    /// An event of `kind` that happened at `at_ms` (UTC milliseconds).
    pub fn new(kind: EventType, at_ms: i64, data: EventData) -> Event {
        Event { kind, timestamp: crate::time::rfc3339_ms(at_ms), data }
    }

    /// The body as sent (compact JSON).
    pub fn to_body(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

/// Who the data provider is asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRequestSubject {
    /// The site the subject is a customer of.
    pub site: String,
    /// The subject's customer id at that site.
    pub subject: String,
}

/// The call to the data provider: `{"type": "subject.data.requested", "timestamp", "data": {"site", "subject"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRequest {
    /// The call's type, `subject.data.requested`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When the call is made, UTC, RFC 3339 with milliseconds.
    pub timestamp: String,
    /// Who the provider is asked about.
    pub data: DataRequestSubject,
}

impl DataRequest {
    /// The type name of the call.
    pub const TYPE: &'static str = "subject.data.requested";

    /// The call asking for `subject` of `site`, made at `at_ms`.
    pub fn new(site: &str, subject: &str, at_ms: i64) -> DataRequest {
        DataRequest {
            kind: Self::TYPE.to_owned(),
            timestamp: crate::time::rfc3339_ms(at_ms),
            data: DataRequestSubject { site: site.to_owned(), subject: subject.to_owned() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn type_names_match_the_configuration_list() {
        for (t, name) in EventType::ALL.iter().zip(EVENT_TYPES) {
            assert_eq!(t.name(), *name);
            assert_eq!(serde_json::to_value(t).unwrap(), json!(name));
            assert_eq!(EventType::from_name(name), Some(*t));
        }
        assert_eq!(EventType::ALL.len(), EVENT_TYPES.len());
        assert_eq!(EventType::from_name("request.*"), None);
    }

    // C-E3: the payload carries ids and states, never stored values.
    #[test]
    fn c_e3_events_are_thin() {
        let e = Event::new(
            EventType::RequestCreated,
            1_764_806_400_000,
            EventData {
                site: "pcextreme".into(),
                subject: Some("cust-42".into()),
                request: Some(EventRequest { id: "r1".into(), kind: "erasure".into(), status: "verified".into(), due_at: "2026-01-03".into() }),
                consent: None,
            },
        );
        let v: serde_json::Value = serde_json::from_str(&e.to_body().unwrap()).unwrap();
        assert_eq!(
            v,
            json!({"type": "request.created", "timestamp": "2025-12-04T00:00:00.000Z",
                   "data": {"site": "pcextreme", "subject": "cust-42",
                            "request": {"id": "r1", "kind": "erasure", "status": "verified", "due_at": "2026-01-03"}}})
        );
        let prefs = Event::new(EventType::PreferencesChanged, 0, EventData { site: "s".into(), subject: Some("c".into()), request: None, consent: None });
        let v: serde_json::Value = serde_json::from_str(&prefs.to_body().unwrap()).unwrap();
        assert_eq!(v["data"], json!({"site": "s", "subject": "c"}));
        let consent = EventConsent { id: 7, consent_id: "0123456789abcdef0123".into(), action: "custom".into() };
        let recorded = Event::new(EventType::ConsentRecorded, 0, EventData { site: "s".into(), subject: None, request: None, consent: Some(consent) });
        let v: serde_json::Value = serde_json::from_str(&recorded.to_body().unwrap()).unwrap();
        assert_eq!(v["data"], json!({"site": "s", "subject": null, "consent": {"id": 7, "consent_id": "0123456789abcdef0123", "action": "custom"}}));
    }

    #[test]
    fn the_data_request_names_site_and_subject() {
        let v = serde_json::to_value(DataRequest::new("pcextreme", "cust-42", 0)).unwrap();
        assert_eq!(
            v,
            json!({"type": "subject.data.requested", "timestamp": "1970-01-01T00:00:00.000Z",
                   "data": {"site": "pcextreme", "subject": "cust-42"}})
        );
    }
}
