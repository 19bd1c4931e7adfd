//! A named invalid field (`purposes.analytics: unknown purpose`): what the domain's validation
//! reports, and what a problem+json answer lists in its `errors` member. The type is the wire
//! module's, so the server writes what the panel reads.

pub use privacy_widget::wire::FieldError;

/// The field error `field: reason`.
pub fn invalid_field(field: impl Into<String>, reason: impl Into<String>) -> FieldError {
    FieldError { field: field.into(), reason: reason.into() }
}
