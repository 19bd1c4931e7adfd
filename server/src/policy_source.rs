//! Reading one policy document into a [`Site`](crate::sites::Site).
//!
//! Interim: until `privacy_widget::policy::parse_policy` lands, this reads only the members
//! the server needs (site, version, languages, purposes' id/kind/consent), with errors that
//! name the JSON path. Swap the body of [`parse`] for the shared parser once it exists, so
//! that the server validates exactly what the widget validates.

use std::collections::BTreeMap;

use privacy_widget::policy::{ConsentScope, PurposeKind};
use serde_json::Value;

use crate::sites::Site;

/// Parses a policy document; on failure returns every error as `path: reason`.
pub fn parse(text: &str) -> Result<Site, Vec<String>> {
    let doc: Value = serde_json::from_str(text).map_err(|e| vec![format!("not JSON: {e}")])?;
    let mut errors = Vec::new();
    let Some(obj) = doc.as_object() else {
        return Err(vec!["(root): expected an object".into()]);
    };
    let string = |key: &str, errors: &mut Vec<String>| match obj.get(key).and_then(Value::as_str) {
        Some(s) if !s.is_empty() => s.to_owned(),
        _ => {
            errors.push(format!("{key}: expected a non-empty string"));
            String::new()
        }
    };
    let id = string("site", &mut errors);
    let version = string("version", &mut errors);
    let languages: Vec<String> = match obj.get("languages").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => list
            .iter()
            .enumerate()
            .filter_map(|(i, v)| match v.as_str() {
                Some(s) => Some(s.to_owned()),
                None => {
                    errors.push(format!("languages[{i}]: expected a string"));
                    None
                }
            })
            .collect(),
        _ => {
            errors.push("languages: expected a non-empty array".into());
            Vec::new()
        }
    };
    let mut purposes = BTreeMap::new();
    match obj.get("purposes").and_then(Value::as_array) {
        Some(list) => {
            for (i, p) in list.iter().enumerate() {
                let pid = p.get("id").and_then(Value::as_str);
                let kind = p.get("kind").and_then(Value::as_str).and_then(purpose_kind);
                let scope = p.get("consent").and_then(Value::as_str).and_then(consent_scope);
                if pid.is_none() {
                    errors.push(format!("purposes[{i}].id: expected a string"));
                }
                if kind.is_none() {
                    errors.push(format!("purposes[{i}].kind: unknown or missing purpose kind"));
                }
                if scope.is_none() {
                    errors.push(format!("purposes[{i}].consent: expected \"none\", \"browser\" or \"account\""));
                }
                if let (Some(pid), Some(kind), Some(scope)) = (pid, kind, scope) {
                    if purposes.insert(pid.to_owned(), (kind, scope)).is_some() {
                        errors.push(format!("purposes[{i}].id: duplicate id \"{pid}\""));
                    }
                }
            }
        }
        None => errors.push("purposes: expected an array".into()),
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Site {
        id,
        version,
        languages,
        earlier_versions: Vec::new(),
        purposes,
        allowed_origins: Vec::new(),
        file: Default::default(),
    })
}

fn purpose_kind(s: &str) -> Option<PurposeKind> {
    Some(match s {
        "essential" => PurposeKind::Essential,
        "service" => PurposeKind::Service,
        "billing" => PurposeKind::Billing,
        "support" => PurposeKind::Support,
        "security" => PurposeKind::Security,
        "legal" => PurposeKind::Legal,
        "service_mail" => PurposeKind::ServiceMail,
        "analytics" => PurposeKind::Analytics,
        "advertising" => PurposeKind::Advertising,
        "personalised_ads" => PurposeKind::PersonalisedAds,
        "audience_sharing" => PurposeKind::AudienceSharing,
        "newsletter" => PurposeKind::Newsletter,
        "product_mail" => PurposeKind::ProductMail,
        "support_access" => PurposeKind::SupportAccess,
        "other" => PurposeKind::Other,
        _ => return None,
    })
}

fn consent_scope(s: &str) -> Option<ConsentScope> {
    Some(match s {
        "none" => ConsentScope::None,
        "browser" => ConsentScope::Browser,
        "account" => ConsentScope::Account,
        _ => return None,
    })
}
