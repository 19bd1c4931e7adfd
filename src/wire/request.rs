//! Data-subject requests on the wire: filing one (a customer or a visitor), verifying a
//! visitor's code, and the request with its timeline as the customer and the visitor see it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{RequestKind, RequestStatus};

/// A new request (`POST /api/v1/requests`); accepted by the server. A signed-in customer sends
/// `kind` and `details`; a visitor also `site` and `email`, and gets a code by mail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// The site (a visitor's request; a customer's must match the session).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// The visitor's address the code goes to (absent for a signed-in customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// What is asked.
    pub kind: RequestKind,
    /// The kind's details (`crate::requests::RequestDetails`' JSON: categories, purposes,
    /// field and value, confirmation, note); checked against the policy by the server.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub details: Value,
}

/// A visitor's six-digit code (`POST /api/v1/requests/{id}/verify`, C-C3); accepted by the
/// server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verify {
    /// The code from the mail.
    pub code: String,
    /// The page the visitor verifies on, linked in the mail that says the answer is ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

/// Who took a step of a request's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The customer or visitor the request is about.
    Subject,
    /// The company's operator.
    Operator,
    /// The server by itself (verification of a signed-in customer, an automatic answer).
    System,
}

/// One step of a request's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The status the request reached.
    pub status: RequestStatus,
    /// When (RFC 3339, UTC, ms).
    pub at: String,
    /// Why (an extension or a refusal, C-C2), else `null`.
    #[serde(default)]
    pub reason: Option<String>,
    /// Who took the step.
    pub by: Actor,
}

/// The supervisory authority to complain to, given with a refusal (C-C2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    /// The authority's name.
    pub authority: String,
    /// Its website.
    #[serde(default)]
    pub website: Option<String>,
}

/// A customer's request with its status and timeline (openapi `DataRequest`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataRequest {
    /// The request's id (`r_…`).
    pub id: String,
    /// The site.
    pub site: String,
    /// What was asked.
    pub kind: RequestKind,
    /// Where it stands.
    pub status: RequestStatus,
    /// What was asked in detail, as filed (shown as text only).
    pub details: Value,
    /// When it was received (`YYYY-MM-DD`; for a visitor, the day of verification).
    pub received_on: String,
    /// When it must be answered (`YYYY-MM-DD`, C-C2).
    pub due_on: String,
    /// Whether the deadline was extended.
    pub extended: bool,
    /// Pending (received or verified), so still cancellable.
    pub can_cancel: bool,
    /// A completed access or export request whose package can be downloaded.
    pub package_available: bool,
    /// Every step, oldest first.
    pub timeline: Vec<Step>,
    /// With a refusal: the authority to complain to (`null` when the site is no longer served).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint: Option<Complaint>,
    /// What completion did (erasure report, rectified value, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
}

/// The customer's requests, newest first (`GET /api/v1/requests`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestList {
    /// The requests.
    pub requests: Vec<DataRequest>,
}

/// How a visitor's request waits for its verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// A code was mailed to the address.
    CodeSent,
}

/// A visitor's request as filed, before its code is entered (openapi `UnverifiedRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unverified {
    /// The request's id, for [`Verify`].
    pub id: String,
    /// The site.
    pub site: String,
    /// What was asked.
    pub kind: RequestKind,
    /// `received` (it counts once verified, C-C3).
    pub status: RequestStatus,
    /// The code was mailed.
    pub verification: Verification,
    /// When the code stops working (RFC 3339).
    pub code_expires_at: String,
}

/// The answer to a correct code: the request, and the visitor's status token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verified {
    /// The request, now verified (or already answered).
    #[serde(flatten)]
    pub request: DataRequest,
    /// The key to [`VisitorStatus`] (64 hex digits); shown once.
    pub status_token: String,
    /// The address is linked to no customer: answered at once with "no personal data".
    #[serde(default)]
    pub no_personal_data: bool,
}

/// The members a [`Verified`] answer adds to its [`DataRequest`], read on their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusToken {
    /// The key to [`VisitorStatus`] (64 hex digits); shown once.
    pub status_token: String,
    /// The address is linked to no customer: answered at once with "no personal data".
    #[serde(default)]
    pub no_personal_data: bool,
}

/// What a visitor's status token shows (`GET /api/v1/visitor-requests/{token}`, its cancel;
/// openapi `VisitorRequestStatus`): never the details, the address or the answer itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitorStatus {
    /// The request's id.
    pub id: String,
    /// The site.
    pub site: String,
    /// What was asked.
    pub kind: RequestKind,
    /// Where it stands.
    pub status: RequestStatus,
    /// When it was received (`YYYY-MM-DD`).
    pub received_on: String,
    /// When it must be answered (`YYYY-MM-DD`).
    pub due_on: String,
    /// Whether the deadline was extended.
    pub extended: bool,
    /// Every step, oldest first.
    pub timeline: Vec<Step>,
    /// With a refusal: the authority to complain to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint: Option<Complaint>,
    /// Pending, so the visitor can still cancel it.
    pub can_cancel: bool,
    /// A completed access or export request whose answer can be downloaded.
    pub package_available: bool,
    /// Answered with "no personal data is linked to this address".
    #[serde(default)]
    pub no_personal_data: bool,
}
