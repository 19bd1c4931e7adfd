//! The data package (`/api/v1/me/data`, `/api/v1/me/export`, a completed access or export
//! request's `/package`; C-C4, C-C5): every stored value under its category, joined to the
//! policy, in one language. `crate::requests::data_package` writes it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

use super::{Complaint, RequestKind};

/// The `format` member of every package.
pub use crate::requests::PACKAGE_FORMAT;

/// Which view of the data a package is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageKind {
    /// The live view of the panel's "Mijn gegevens".
    Data,
    /// The answer to an access request (C-C4).
    Access,
    /// The answer to an export request (C-C5).
    Export,
}

/// The controller as the package names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageController {
    /// Its name.
    pub name: String,
    /// Its e-mail address.
    #[serde(default)]
    pub email: Option<String>,
}

/// The signed-in customer a live view or export is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageCustomer {
    /// The customer's handle.
    pub id: String,
    /// The name.
    pub name: String,
    /// The e-mail address.
    pub email: String,
}

/// How long a value is kept for one purpose, or under a legal hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionLine {
    /// The purpose (absent for a legal hold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// The concrete last day (`YYYY-MM-DD`), when the event date is known.
    #[serde(default)]
    pub until: Option<String>,
    /// The period as a sentence.
    pub text: String,
    /// Why a legal hold keeps it (legal holds only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Why a restricted value is kept but no longer used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestrictedReason {
    /// A completed restriction request.
    RestrictionRequest,
    /// Kept after an erasure under a legal hold (C-C6).
    LegalHold,
    /// Kept after an erasure because the category cannot be erased.
    NotErasable,
}

/// One stored value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageValue {
    /// The field id of the policy's category.
    pub field: String,
    /// The field's label.
    pub label: String,
    /// The value as stored.
    pub value: String,
    /// Dates of the value's own retention events (event name → `YYYY-MM-DD`).
    #[serde(default)]
    pub events: BTreeMap<String, String>,
    /// How long it is kept, per purpose.
    #[serde(default)]
    pub retention: Vec<RetentionLine>,
    /// The last day any purpose keeps it, when known.
    #[serde(default)]
    pub kept_until: Option<String>,
    /// The category's legal hold, if it has one.
    #[serde(default)]
    pub legal_hold: Option<RetentionLine>,
    /// Whether it is kept but no longer used (the live view and the export mark every value;
    /// absent in a request's package).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted: Option<bool>,
    /// Why it is restricted: `Some(None)` is the `null` the live view writes for a value that
    /// is not; `None`, absent (a request's package).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub restricted_reason: Option<Option<RestrictedReason>>,
}

impl PackageValue {
    /// Why the value is restricted, if it is (`Some(None)`: restricted, the server did not say
    /// why).
    pub fn restriction(&self) -> Option<Option<RestrictedReason>> {
        self.restricted.filter(|r| *r).map(|_| self.restricted_reason.flatten())
    }
}

/// A member that is present, even as `null`, is `Some` (absent members take the default).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A purpose that uses a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackagePurpose {
    /// The purpose id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Its kind (`analytics`, `billing`, …).
    pub kind: String,
    /// Its legal basis (`contract`, `consent`, …).
    pub legal_basis: String,
    /// Its retention as a sentence.
    pub retention: String,
    /// The recipient ids it shares with.
    #[serde(default)]
    pub recipients: Vec<String>,
}

/// One category with the customer's values in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageCategory {
    /// The category id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Where the data comes from (`subject`, `observed`, …), when the policy knows the category.
    #[serde(default)]
    pub source: Option<String>,
    /// Whether an erasure deletes it.
    #[serde(default)]
    pub erasable: bool,
    /// The purposes that use it.
    #[serde(default)]
    pub purposes: Vec<PackagePurpose>,
    /// The recipient ids of those purposes.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// The values.
    pub values: Vec<PackageValue>,
}

/// A recipient of the policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageRecipient {
    /// The recipient id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `processor`, `controller`, `joint_controller` or `authority`.
    pub role: String,
    /// ISO 3166-1 alpha-2 country code, when known.
    #[serde(default)]
    pub country: Option<String>,
    /// `true`, `false`, or `"unknown"` when the policy does not say (C-C4).
    pub outside_eu: Value,
}

/// A value the company holds (from its data provider, or stored) of a category or field the
/// privacy statement does not describe (an item of a package's `not_described`): shown as
/// given, with no policy label, never dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndescribedValue {
    /// The category id as the provider named it.
    pub category: String,
    /// The field id as the provider named it.
    pub field: String,
    /// The value.
    pub value: String,
}

/// A data package (openapi `DataPackage`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Package {
    /// [`PACKAGE_FORMAT`].
    pub format: String,
    /// Which view this is.
    pub kind: PackageKind,
    /// The site.
    pub site: String,
    /// The policy version it was made under.
    pub policy_version: String,
    /// When it was made (`YYYY-MM-DD`).
    #[serde(default)]
    pub generated_on: Option<String>,
    /// The language of its texts.
    #[serde(default)]
    pub language: Option<String>,
    /// The controller.
    #[serde(default)]
    pub controller: Option<PackageController>,
    /// The customer's plan.
    #[serde(default)]
    pub plan: Option<String>,
    /// Dates of the account's retention events (event name → `YYYY-MM-DD`).
    #[serde(default)]
    pub account_events: BTreeMap<String, String>,
    /// The categories with values, policy order first.
    pub categories: Vec<PackageCategory>,
    /// Every recipient of the policy.
    pub recipients: Vec<PackageRecipient>,
    /// The request kinds the site offers.
    pub rights: Vec<RequestKind>,
    /// The authority to complain to.
    pub complaint: Complaint,
    /// The signed-in customer (live view and export).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<PackageCustomer>,
    /// A visitor's address linked to no customer: no categories, `note` says so.
    #[serde(default, skip_serializing_if = "super::is_false")]
    pub no_personal_data: bool,
    /// Said in the package's language with `no_personal_data`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The values the company holds (from its data provider, or stored) that the privacy
    /// statement does not describe: in every package the server builds now (empty when every
    /// value is described); absent in a package built before the member existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_described: Option<Vec<UndescribedValue>>,
}
