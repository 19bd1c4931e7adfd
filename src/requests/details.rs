//! What each request kind needs to say, read from JSON and checked against the site's policy.
//!
//! JSON forms (every kind may add `"note"`, free text up to 1000 characters):
//! access / export `{}`; rectification `{"category": "account", "field": "phone", "value": "..."}`
//! (`category` may be left out when the field id is unique); erasure `{"confirm": true}`;
//! restriction `{"categories": ["calls"]}` (empty or absent: everything);
//! objection `{"purposes": ["newsletter"]}` or `{"purposes": ["direct_marketing"]}`.

use crate::prelude::*;

use serde_json::{Map, Value};

use super::kind::{RequestKind, DIRECT_MARKETING};
use crate::policy::{Id, Policy};

/// Longest rectified value or note, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;
/// Most categories or purposes one request may name.
const MAX_TARGETS: usize = 64;

/// One problem with the details: the member at fault (`details.value`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailError {
    /// Path of the member, starting with `details` (or `kind`).
    pub field: String,
    /// A short reason in English.
    pub reason: &'static str,
}

impl DetailError {
    fn new(field: &str, reason: &'static str) -> DetailError {
        DetailError { field: field.to_owned(), reason }
    }
}

/// An objection's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectionTarget {
    /// All direct marketing (Art. 21(2)); switches every marketing opt-in off (C-A11).
    DirectMarketing,
    /// One purpose of the policy, by id.
    Purpose(Id),
}

/// The validated details of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestDetails {
    /// A copy of the data and the facts about its processing (C-C4).
    Access {
        /// What the subject adds in their own words.
        note: Option<String>,
    },
    /// The data the subject provided, machine-readable (C-C5).
    Export {
        /// What the subject adds in their own words.
        note: Option<String>,
    },
    /// Correct `category`.`field` to `value` (C-C7).
    Rectification {
        /// The category holding the field.
        category: Id,
        /// The field to correct.
        field: Id,
        /// The correct value.
        value: String,
        /// What the subject adds in their own words.
        note: Option<String>,
    },
    /// Erase everything erasable; `confirm: true` was given (C-C6).
    Erasure {
        /// What the subject adds in their own words.
        note: Option<String>,
    },
    /// Restrict the listed categories; empty means all.
    Restriction {
        /// The categories to restrict; empty means all.
        categories: Vec<Id>,
        /// What the subject adds in their own words.
        note: Option<String>,
    },
    /// Stop processing for the listed purposes, or all direct marketing (Art. 21).
    Objection {
        /// What the subject objects to.
        targets: Vec<ObjectionTarget>,
        /// What the subject adds in their own words.
        note: Option<String>,
    },
}

impl RequestDetails {
    /// Reads and checks `details` for `kind` against `policy`: every error at once.
    /// The kind itself must be one the law grants under the policy (C-C1), mentioned or not.
    pub fn parse(kind: RequestKind, details: &Value, policy: &Policy) -> Result<RequestDetails, Vec<DetailError>> {
        let mut errors = Vec::new();
        if !super::rights::is_granted(policy, kind) {
            errors.push(DetailError::new("kind", "this site does not offer this kind of request (the law does not grant it under this policy)"));
        }
        let empty = Map::new();
        let object = match details {
            Value::Object(map) => map,
            Value::Null => &empty,
            _ => {
                errors.push(DetailError::new("details", "must be an object"));
                return Err(errors);
            }
        };
        let allowed: &[&str] = match kind {
            RequestKind::Access | RequestKind::Export => &["note"],
            RequestKind::Rectification => &["note", "category", "field", "value"],
            RequestKind::Erasure => &["note", "confirm"],
            RequestKind::Restriction => &["note", "categories"],
            RequestKind::Objection => &["note", "purposes"],
        };
        for key in object.keys().filter(|k| !allowed.contains(&k.as_str())) {
            errors.push(DetailError { field: format!("details.{key}"), reason: "unknown member" });
        }
        let note = text(object, "note", false, &mut errors);
        let details = match kind {
            RequestKind::Access => RequestDetails::Access { note },
            RequestKind::Export => RequestDetails::Export { note },
            RequestKind::Rectification => rectification(object, policy, note, &mut errors),
            RequestKind::Erasure => {
                if object.get("confirm") != Some(&Value::Bool(true)) {
                    errors.push(DetailError::new("details.confirm", "erasure needs explicit confirmation (true)"));
                }
                RequestDetails::Erasure { note }
            }
            RequestKind::Restriction => {
                let categories = id_list(object, "categories", false, &mut errors);
                for (i, id) in categories.iter().enumerate() {
                    if !policy.categories.iter().any(|c| &c.id == id) {
                        errors.push(DetailError {
                            field: format!("details.categories[{i}]"),
                            reason: "no such data category",
                        });
                    }
                }
                RequestDetails::Restriction { categories, note }
            }
            RequestKind::Objection => {
                let ids = id_list(object, "purposes", true, &mut errors);
                let mut targets = Vec::with_capacity(ids.len());
                for (i, id) in ids.into_iter().enumerate() {
                    if id == DIRECT_MARKETING {
                        targets.push(ObjectionTarget::DirectMarketing);
                    } else if policy.purposes.iter().any(|p| p.id == id) {
                        targets.push(ObjectionTarget::Purpose(id));
                    } else {
                        errors.push(DetailError {
                            field: format!("details.purposes[{i}]"),
                            reason: "no such purpose (or \"direct_marketing\")",
                        });
                    }
                }
                RequestDetails::Objection { targets, note }
            }
        };
        if errors.is_empty() {
            Ok(details)
        } else {
            Err(errors)
        }
    }

    /// The request kind these details belong to.
    pub fn kind(&self) -> RequestKind {
        match self {
            RequestDetails::Access { .. } => RequestKind::Access,
            RequestDetails::Export { .. } => RequestKind::Export,
            RequestDetails::Rectification { .. } => RequestKind::Rectification,
            RequestDetails::Erasure { .. } => RequestKind::Erasure,
            RequestDetails::Restriction { .. } => RequestKind::Restriction,
            RequestDetails::Objection { .. } => RequestKind::Objection,
        }
    }

    /// Whether this is an objection to all direct marketing (C-A11).
    pub fn objects_to_direct_marketing(&self) -> bool {
        matches!(self, RequestDetails::Objection { targets, .. }
            if targets.contains(&ObjectionTarget::DirectMarketing))
    }

    /// The canonical JSON form (what [`RequestDetails::parse`] reads back).
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        let note = match self {
            RequestDetails::Access { note } | RequestDetails::Export { note } => note,
            RequestDetails::Rectification { category, field, value, note } => {
                map.insert("category".into(), Value::String(category.clone()));
                map.insert("field".into(), Value::String(field.clone()));
                map.insert("value".into(), Value::String(value.clone()));
                note
            }
            RequestDetails::Erasure { note } => {
                map.insert("confirm".into(), Value::Bool(true));
                note
            }
            RequestDetails::Restriction { categories, note } => {
                let list = categories.iter().cloned().map(Value::String).collect();
                map.insert("categories".into(), Value::Array(list));
                note
            }
            RequestDetails::Objection { targets, note } => {
                let list = targets
                    .iter()
                    .map(|t| match t {
                        ObjectionTarget::DirectMarketing => Value::String(DIRECT_MARKETING.into()),
                        ObjectionTarget::Purpose(id) => Value::String(id.clone()),
                    })
                    .collect();
                map.insert("purposes".into(), Value::Array(list));
                note
            }
        };
        if let Some(note) = note {
            map.insert("note".into(), Value::String(note.clone()));
        }
        Value::Object(map)
    }
}

fn rectification(
    object: &Map<String, Value>,
    policy: &Policy,
    note: Option<String>,
    errors: &mut Vec<DetailError>,
) -> RequestDetails {
    let field = text(object, "field", true, errors).unwrap_or_default();
    let category = text(object, "category", false, errors);
    let value = text(object, "value", true, errors).unwrap_or_default();
    let found = policy
        .categories
        .iter()
        .filter(|c| category.as_ref().map_or(true, |id| &c.id == id))
        .filter(|c| c.fields.iter().any(|f| f.id == field))
        .map(|c| c.id.clone())
        .collect::<Vec<_>>();
    let category = match (found.as_slice(), &category) {
        _ if field.is_empty() => String::new(),
        ([one], _) => one.clone(),
        ([], Some(_)) => {
            errors.push(DetailError::new("details.field", "the category has no such field"));
            String::new()
        }
        ([], None) => {
            errors.push(DetailError::new("details.field", "no data category has this field"));
            String::new()
        }
        (_, _) => {
            errors.push(DetailError::new("details.category", "several categories have this field: name the category"));
            String::new()
        }
    };
    RequestDetails::Rectification { category, field, value, note }
}

/// A string member: trimmed, at most [`MAX_TEXT_CHARS`]; `required` also means non-empty.
fn text(object: &Map<String, Value>, key: &str, required: bool, errors: &mut Vec<DetailError>) -> Option<String> {
    let path = format!("details.{key}");
    match object.get(key) {
        None | Some(Value::Null) if required => {
            errors.push(DetailError { field: path, reason: "required" });
            None
        }
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.chars().count() > MAX_TEXT_CHARS {
                errors.push(DetailError { field: path, reason: "longer than 1000 characters" });
                None
            } else if s.is_empty() && required {
                errors.push(DetailError { field: path, reason: "must not be empty" });
                None
            } else if s.is_empty() {
                None
            } else {
                Some(s.to_owned())
            }
        }
        Some(_) => {
            errors.push(DetailError { field: path, reason: "must be a string" });
            None
        }
    }
}

/// A list of distinct ids; `required` means at least one.
fn id_list(object: &Map<String, Value>, key: &str, required: bool, errors: &mut Vec<DetailError>) -> Vec<Id> {
    let path = format!("details.{key}");
    let items = match object.get(key) {
        None | Some(Value::Null) => &Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.push(DetailError { field: path, reason: "must be an array of ids" });
            return Vec::new();
        }
    };
    if items.is_empty() && required {
        errors.push(DetailError { field: path, reason: "name at least one" });
        return Vec::new();
    }
    if items.len() > MAX_TARGETS {
        errors.push(DetailError { field: path, reason: "too many entries" });
        return Vec::new();
    }
    let mut ids: Vec<Id> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item.as_str() {
            Some(id) if ids.iter().any(|seen| seen == id) => {
                errors.push(DetailError { field: format!("{path}[{i}]"), reason: "listed twice" });
            }
            Some(id) => ids.push(id.to_owned()),
            None => errors.push(DetailError { field: format!("{path}[{i}]"), reason: "must be a string" }),
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse_policy;
    use serde_json::json;

    fn policy() -> Policy {
        let mut v: Value = serde_json::from_str(include_str!("package_test_policy.json")).unwrap();
        // On legitimate interest: the law grants objection, not portability (C-C1).
        v["purposes"][0]["legal_basis"] = json!("legitimate_interest");
        v["rights"]["requests"] = json!([
            {"kind": "access"}, {"kind": "rectification"}, {"kind": "erasure"},
            {"kind": "restriction"}, {"kind": "objection"}
        ]);
        parse_policy(&v.to_string()).unwrap()
    }

    fn fields(r: Result<RequestDetails, Vec<DetailError>>) -> Vec<String> {
        r.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn rectification_names_an_existing_field_and_a_value() {
        // C-C7
        let p = policy();
        let ok = RequestDetails::parse(RequestKind::Rectification, &json!({"field": "name", "value": " Jan Jansen "}), &p);
        assert_eq!(
            ok.unwrap(),
            RequestDetails::Rectification { category: "account".into(), field: "name".into(), value: "Jan Jansen".into(), note: None }
        );
        let r = RequestDetails::parse(RequestKind::Rectification, &json!({"field": "shoe_size", "value": "44"}), &p);
        assert_eq!(fields(r), ["details.field"]);
        let r = RequestDetails::parse(RequestKind::Rectification, &json!({"category": "invoices", "field": "name", "value": "x"}), &p);
        assert_eq!(fields(r), ["details.field"]);
        let r = RequestDetails::parse(RequestKind::Rectification, &json!({"field": "name", "value": "  "}), &p);
        assert_eq!(fields(r), ["details.value"]);
        let long = "é".repeat(MAX_TEXT_CHARS + 1);
        let r = RequestDetails::parse(RequestKind::Rectification, &json!({"field": "name", "value": long}), &p);
        assert_eq!(fields(r), ["details.value"]);
        let exact = "é".repeat(MAX_TEXT_CHARS);
        assert!(RequestDetails::parse(RequestKind::Rectification, &json!({"field": "name", "value": exact}), &p).is_ok());
    }

    #[test]
    fn erasure_needs_explicit_confirmation() {
        // C-C6: the visitor confirms after seeing what goes and what stays.
        let p = policy();
        assert_eq!(fields(RequestDetails::parse(RequestKind::Erasure, &json!({}), &p)), ["details.confirm"]);
        assert_eq!(fields(RequestDetails::parse(RequestKind::Erasure, &json!({"confirm": "yes"}), &p)), ["details.confirm"]);
        assert!(RequestDetails::parse(RequestKind::Erasure, &json!({"confirm": true}), &p).is_ok());
    }

    #[test]
    fn objection_names_purposes_or_direct_marketing() {
        let p = policy();
        let d = RequestDetails::parse(RequestKind::Objection, &json!({"purposes": ["direct_marketing"]}), &p).unwrap();
        assert!(d.objects_to_direct_marketing());
        let d = RequestDetails::parse(RequestKind::Objection, &json!({"purposes": ["admin"]}), &p).unwrap();
        assert!(!d.objects_to_direct_marketing());
        assert_eq!(fields(RequestDetails::parse(RequestKind::Objection, &json!({}), &p)), ["details.purposes"]);
        assert_eq!(
            fields(RequestDetails::parse(RequestKind::Objection, &json!({"purposes": ["admin", "nope", "admin"]}), &p)),
            ["details.purposes[2]", "details.purposes[1]"]
        );
    }

    #[test]
    fn c_c1_kinds_the_law_does_not_grant_and_unknown_members_are_refused() {
        // C-C1: kinds as far as the law grants them under the policy: no portability when no
        // purpose rests on consent or contract; restriction though the statement omits it.
        let p = policy();
        assert_eq!(fields(RequestDetails::parse(RequestKind::Export, &json!({}), &p)), ["kind"]);
        let mut v: Value = serde_json::from_str(include_str!("package_test_policy.json")).unwrap();
        v["rights"]["requests"] = json!([{"kind": "access"}]);
        let statement_omits = parse_policy(&v.to_string()).unwrap();
        assert!(RequestDetails::parse(RequestKind::Restriction, &json!({}), &statement_omits).is_ok());
        assert!(RequestDetails::parse(RequestKind::Export, &json!({}), &statement_omits).is_ok(), "contract: portability");
        assert_eq!(fields(RequestDetails::parse(RequestKind::Objection, &json!({"purposes": ["admin"]}), &statement_omits)), ["kind"]);
        assert_eq!(fields(RequestDetails::parse(RequestKind::Access, &json!({"why": "x"}), &p)), ["details.why"]);
        assert_eq!(fields(RequestDetails::parse(RequestKind::Access, &json!([1]), &p)), ["details"]);
        assert_eq!(
            fields(RequestDetails::parse(RequestKind::Restriction, &json!({"categories": ["account", "x"]}), &p)),
            ["details.categories[1]"]
        );
    }

    #[test]
    fn json_form_round_trips() {
        let p = policy();
        for (kind, details) in [
            (RequestKind::Access, json!({"note": "graag snel"})),
            (RequestKind::Rectification, json!({"category": "account", "field": "name", "value": "Jan"})),
            (RequestKind::Erasure, json!({"confirm": true})),
            (RequestKind::Restriction, json!({"categories": ["account"]})),
            (RequestKind::Objection, json!({"purposes": ["direct_marketing", "admin"]})),
        ] {
            let parsed = RequestDetails::parse(kind, &details, &p).unwrap();
            assert_eq!(parsed.kind(), kind);
            assert_eq!(parsed.to_json(), details);
            assert_eq!(RequestDetails::parse(kind, &parsed.to_json(), &p).unwrap(), parsed);
        }
    }
}
