//! Data-subject requests: kinds, validation, lifecycle and due dates.
//!
//! Pure Rust, shared by the widget and the reference server: the server checks a request with
//! the very code the widget uses to build it.

mod details;
mod due;
mod erasure;
mod kind;
mod lifecycle;
mod package;
mod rights;
mod stored;

pub use details::{DetailError, ObjectionTarget, RequestDetails, MAX_TEXT_CHARS};
pub use due::{due_date, due_date_for, extended_due, legal_due};
pub use erasure::{plan_erasure, Disposition, ErasurePlan, Kept, PlannedValue};
pub use kind::{is_direct_marketing, RequestKind, DIRECT_MARKETING, REQUEST_KINDS_ALL};
pub use lifecycle::{advance, RequestStatus, RequestStep, MAX_REASON_CHARS, REQUEST_STATUSES};
pub use crate::policy::{statutory_kinds_for, Ground};
pub use rights::{granted_rights, is_granted, offered_kinds, GrantedRight};
pub use package::{data_package, erasure_plan_json, text_json, PACKAGE_FORMAT};
pub use stored::{latest_date, purposes_using, recipients_of, retention_of, StoredValue, Subject};

use crate::policy::Date;

/// Why a request step or date computation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The step is not allowed from the current status.
    #[error("a {} request cannot become {}", from.name(), to.name())]
    Transition {
        /// The request's current status.
        from: RequestStatus,
        /// The status the step would lead to.
        to: RequestStatus,
    },
    /// An extension or refusal without a reason (C-C2).
    #[error("a reason is required")]
    ReasonRequired,
    /// The reason is longer than [`MAX_REASON_CHARS`].
    #[error("the reason is too long")]
    ReasonTooLong,
    /// The extension comes after the first month (C-C2).
    #[error("the deadline can only be extended up to the original due date {legal_due}")]
    ExtensionTooLate {
        /// The due date one month after the request, the last day an extension may be made.
        legal_due: Date,
    },
    /// A date beyond the calendar's range.
    #[error("date out of range")]
    DateOutOfRange,
}
