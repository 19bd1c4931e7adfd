//! Reading one policy document into a [`Site`] with the widget's own
//! parser and validator (`privacy_widget::policy::parse_policy`), so that the server accepts
//! exactly the documents the widget accepts.

use std::{collections::BTreeMap, sync::Arc};

use privacy_widget::policy::parse_policy;

use super::Site;

/// Parses and validates a policy document; on failure returns every error as `path: reason`.
pub fn parse(text: &str) -> Result<Site, Vec<String>> {
    let policy = parse_policy(text).map_err(|errors| errors.lines())?;
    let purposes: BTreeMap<_, _> = policy
        .purposes
        .iter()
        .map(|p| (p.id.clone(), (p.kind, p.consent)))
        .collect();
    Ok(Site {
        id: policy.site.clone(),
        version: policy.version.clone(),
        languages: policy.languages.clone(),
        earlier_versions: Vec::new(),
        purposes,
        allowed_origins: Vec::new(),
        cookie_domain: None,
        file: Default::default(),
        source: Arc::from(text),
        policy: Arc::new(policy),
    })
}
