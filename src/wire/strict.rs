//! Reading a body the server accepts: a JSON object decoded into its wire type, and on failure
//! what the server's problem+json answer says: 400 when the body is not a JSON object, 422
//! naming the field at fault (`kind`, `preferences.newsletter`, an unknown member's own name)
//! and why. Native only (the server and the tests); the panel never reads these bodies.

use serde::de::DeserializeOwned;

use super::FieldError;

/// Why a body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// Not JSON, or JSON but not an object (400 malformed-body); the words say which.
    #[error("{0}")]
    Malformed(String),
    /// A JSON object with a member that is missing, unknown or of the wrong type (422
    /// validation), named by its dotted path.
    #[error("{}: {}", .0.field, .0.reason)]
    Field(FieldError),
}

/// Decodes `body` as `T`. An empty body is read as `{}` (the calls that send nothing may send
/// nothing); a body of only whitespace is not JSON.
pub fn from_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, BodyError> {
    let body: &[u8] = if body.is_empty() { b"{}" } else { body };
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| BodyError::Malformed(format!("not JSON: {e}")))?;
    if !value.is_object() {
        return Err(BodyError::Malformed("expected a JSON object".to_owned()));
    }
    serde_path_to_error::deserialize(value).map_err(|e| BodyError::Field(field_error(&e)))
}

/// The field a serde error is about, and why: `unknown field `x`` and `missing field `x``
/// name the field inside the path they happened at.
fn field_error(e: &serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let path = e.path().to_string();
    let message = e.inner().to_string();
    let named = |prefix: &str| {
        let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
        rest.split('`').next().map(str::to_owned)
    };
    let join = |name: &str| if path == "." { name.to_owned() } else { format!("{path}.{name}") };
    if let Some(name) = named("unknown field ") {
        // serde_path_to_error points at the member itself, or (at the top) at the object.
        let field = if path == "." { name } else if path.ends_with(name.as_str()) { path } else { join(&name) };
        return FieldError { field, reason: "unknown field".to_owned() };
    }
    if let Some(name) = named("missing field ") {
        return FieldError { field: join(&name), reason: "required".to_owned() };
    }
    FieldError { field: if path == "." { String::new() } else { path }, reason: message }
}
