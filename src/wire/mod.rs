//! The typed bodies the control panel and the reference server exchange (server/openapi.yaml):
//! one serde type per JSON body, used by the server to read what it accepts and to write its
//! answers, and by the panel to write its calls and read the answers.
//!
//! - What the server accepts ([`DemoLogin`], [`PreferencesUpdate`], [`NewRequest`], [`Verify`],
//!   [`Empty`]) refuses members it does not know (`deny_unknown_fields`); [`strict`] (native)
//!   reads such a body and names the field at fault, for the server's problem+json answer.
//! - What the server answers ([`Me`], [`Session`], [`Preferences`], [`DataRequest`],
//!   [`VisitorStatus`], [`Package`], [`Problem`], …) is read leniently by the panel: a member it
//!   does not know is skipped, so a server may add members without breaking older widgets.
//!   The two answers that extend another body ([`Session`], [`Verified`], `#[serde(flatten)]`)
//!   are read by the panel as their parts ([`SignedIn`] then [`Me`]; [`DataRequest`] and
//!   [`StatusToken`]): flattening makes serde buffer the body, whose code the panel's module
//!   would otherwise carry.
//!
//! Built natively (the server, the tests) and in the panel's wasm build, never in the marketing
//! page's: it needs `std` and serde's derive code, which the 40 KB page has no room for.

mod account;
mod package;
mod problem;
mod request;
#[cfg(not(target_arch = "wasm32"))]
pub mod strict;

#[cfg(test)]
mod tests;

pub use account::{DemoCustomer, DemoCustomers, DemoLogin, Empty, Me, Preference, Preferences, PreferencesUpdate, Session, SignedIn};
pub use package::{
    Package, PackageCategory, PackageController, PackageCustomer, PackageKind, PackagePurpose, PackageRecipient,
    PackageValue, RestrictedReason, RetentionLine, UndescribedValue, PACKAGE_FORMAT,
};
pub use problem::{CodeState, FieldError, Problem};
pub use request::{
    Actor, Complaint, DataRequest, NewRequest, RequestList, StatusToken, Step, Unverified, Verification, Verified, Verify,
    VisitorStatus,
};

/// The kinds and statuses of requests, as the bodies name them (re-exported from the pure core).
pub use crate::requests::{RequestKind, RequestStatus};

/// For `skip_serializing_if`: leave a `false` flag out of the body.
fn is_false(b: &bool) -> bool {
    !*b
}
