//! The signed-in customer, the demo sign-in, and the account opt-ins: `/api/v1/session`,
//! `/api/v1/me`, `/api/v1/demo/…`, `/api/v1/me/preferences`, and the empty body of the calls that
//! send nothing.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The signed-in customer (`GET /api/v1/me`, the demo login's answer; openapi `Me`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Me {
    /// The customer's handle within the site (the company's customer id).
    pub customer: String,
    /// The name shown in the panel's heading.
    pub name: String,
    /// The customer's e-mail address.
    pub email: String,
    /// The site the customer belongs to.
    pub site: String,
    /// The customer's plan id, if the policy has plans.
    #[serde(default)]
    pub plan: Option<String>,
    /// The plan's label in the policy's default language.
    #[serde(default)]
    pub plan_label: Option<String>,
    /// The version of the policy the site serves now.
    #[serde(default)]
    pub policy_version: Option<String>,
}

/// Who is signed in (`GET /api/v1/session`): `{"signed_in": true, …the members of Me}`, or
/// only `{"signed_in": false}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Whether a session cookie names a live session.
    pub signed_in: bool,
    /// The session's customer, when signed in.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub me: Option<Me>,
}

impl Session {
    /// The signed-in customer, if any (`signed_in` true and the customer's members present).
    pub fn customer(self) -> Option<Me> {
        self.me.filter(|_| self.signed_in)
    }
}

/// The first member of a [`Session`], read on its own: whether the rest is a [`Me`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    /// Whether a session cookie names a live session.
    pub signed_in: bool,
}

/// A demo customer one can sign in as (an item of `GET /api/v1/demo/customers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoCustomer {
    /// The handle to sign in with ([`DemoLogin::customer`]).
    pub id: String,
    /// The customer's name.
    pub name: String,
}

/// The demo customers of a site (`GET /api/v1/demo/customers?site=…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoCustomers {
    /// The site asked for.
    pub site: String,
    /// Its demo customers.
    pub customers: Vec<DemoCustomer>,
}

/// Sign in as a demo customer (`POST /api/v1/demo/login`); accepted by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoLogin {
    /// The site.
    pub site: String,
    /// The demo customer's handle ([`DemoCustomer::id`]).
    pub customer: String,
}

/// The body of a call that sends nothing (`POST /api/v1/logout`, the cancels): `{}`, or an
/// empty body, which the server reads as `{}`. Any member is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// One account opt-in or opt-out as the server has it (an item of openapi `Preferences`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preference {
    /// The purpose id of the policy.
    pub purpose: String,
    /// The purpose's kind (`newsletter`, `product_mail`, …).
    pub kind: String,
    /// `account` (an opt-in, off until given) or `account_opt_out` (on until turned off).
    #[serde(default)]
    pub consent: Option<String>,
    /// The purpose's label in the answer's language.
    pub label: String,
    /// The purpose's description in the answer's language.
    #[serde(default)]
    pub description: Option<String>,
    /// The effective state: stored choice, else the scope's default (an objection to direct
    /// marketing turns opt-out purposes off too, C-A11).
    pub granted: bool,
    /// Whether the customer's plan may have it.
    pub eligible: bool,
    /// Whether an objection to direct marketing switches it off (C-A11).
    pub direct_marketing: bool,
    /// When the stored choice was made (RFC 3339, ms), if one is stored.
    #[serde(default)]
    pub changed_at: Option<String>,
    /// Where the stored choice came from (`control_panel`, `objection`, …).
    #[serde(default)]
    pub source: Option<String>,
    /// The policy version the stored choice was made under.
    #[serde(default)]
    pub policy_version: Option<String>,
}

/// The account opt-ins (`GET`/`PUT /api/v1/me/preferences`; openapi `Preferences`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    /// The version of the policy they are shown under (send it back in [`PreferencesUpdate`]).
    pub policy_version: String,
    /// Every account opt-in and opt-out purpose of the policy, in policy order.
    pub preferences: Vec<Preference>,
}

/// Changes to the account opt-ins (`PUT /api/v1/me/preferences`); accepted by the server.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreferencesUpdate {
    /// The policy version the customer saw (another one is 409 stale-policy-version).
    pub policy_version: String,
    /// Purpose id → wanted state.
    #[serde(default)]
    pub preferences: BTreeMap<String, bool>,
    /// An objection to all direct marketing (C-A11): every marketing purpose off at once.
    #[serde(default, skip_serializing_if = "super::is_false")]
    pub object_to_direct_marketing: bool,
}
