//! The data provider (pull): when a signed-in customer opens their data, the site's provider is
//! asked, with a Standard-Webhooks-signed `subject.data.requested`, what the company holds about
//! them. 5 s timeout, no redirect followed, answers over [`MAX_ANSWER_BYTES`] refused, the answer
//! checked against the seed files' shape. Nothing pulled is stored.

use std::{collections::BTreeMap, time::Duration};

use serde::Deserialize;

use super::{message_id, DataRequest, Signer};
use crate::config::DataProvider;

/// Longest the provider may take to answer.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest answer read (1 MiB); a larger one is refused.
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;
/// Most values one answer may hold.
pub const MAX_VALUES: usize = 10_000;

/// What the provider answers: `{"plan", "events": {…}, "values": [{"category", "field", "value"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderAnswer {
    /// The customer's plan, as the provider knows it.
    #[serde(default)]
    pub plan: Option<String>,
    /// Account-wide event dates (`{"trial_end": "2025-01-31"}`).
    #[serde(default)]
    pub events: BTreeMap<String, String>,
    /// The values the provider holds about the subject.
    #[serde(default)]
    pub values: Vec<ProvidedValue>,
}

/// One value as the provider gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvidedValue {
    /// The data category of the value.
    pub category: String,
    /// The field name within the category.
    pub field: String,
    /// The value itself.
    pub value: String,
    /// The value's own event dates (`{"invoice_date": "2019-01-05"}`).
    #[serde(default)]
    pub events: BTreeMap<String, String>,
}

/// Why the data could not be had (logged for the operator; the customer is told only that it
/// cannot be fetched right now).
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider did not answer in time.
    #[error("the data provider did not answer within {} s", PROVIDER_TIMEOUT.as_secs())]
    Timeout,
    /// The provider could not be reached (why).
    #[error("cannot reach the data provider: {0}")]
    Unreachable(String),
    /// The provider answered with this non-success status.
    #[error("the data provider answered {0}")]
    Status(u16),
    /// The provider answered with a redirect, which is not followed.
    #[error("the data provider answered a redirect ({0}), which is not followed")]
    Redirect(u16),
    /// The answer exceeded the size limit.
    #[error("the data provider's answer is larger than {MAX_ANSWER_BYTES} bytes")]
    TooLarge,
    /// The answer was not the expected JSON (why).
    #[error("the data provider's answer is not valid: {0}")]
    Invalid(String),
    /// The request to the provider could not be signed.
    #[error("cannot sign the call: {0}")]
    Sign(#[from] super::EventsError),
}

fn transport(e: &reqwest::Error) -> ProviderError {
    if e.is_timeout() {
        ProviderError::Timeout
    } else {
        ProviderError::Unreachable(e.to_string().chars().take(200).collect())
    }
}

/// Asks `provider` for `subject` of `site`.
pub async fn fetch(client: &reqwest::Client, provider: &DataProvider, site: &str, subject: &str) -> Result<ProviderAnswer, ProviderError> {
    let now = crate::time::now_ms();
    let body = serde_json::to_string(&DataRequest::new(site, subject, now)).map_err(|e| ProviderError::Invalid(e.to_string()))?;
    let signed = Signer::new(&provider.secret)?.sign(&message_id(), now / 1000, body.as_bytes())?;
    let mut request = client.post(&provider.url).timeout(PROVIDER_TIMEOUT).header("content-type", "application/json").body(body);
    for (name, value) in signed.pairs() {
        request = request.header(name, value);
    }
    let mut response = request.send().await.map_err(|e| transport(&e))?;
    let status = response.status();
    if status.is_redirection() {
        return Err(ProviderError::Redirect(status.as_u16()));
    }
    if !status.is_success() {
        return Err(ProviderError::Status(status.as_u16()));
    }
    if response.content_length().is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
        return Err(ProviderError::TooLarge);
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = tokio::time::timeout(PROVIDER_TIMEOUT, response.chunk()).await.map_err(|_| ProviderError::Timeout)?.map_err(|e| transport(&e))? {
        if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(ProviderError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    parse_answer(&bytes)
}

/// Reads and checks an answer: the seed files' shape, text values, at most [`MAX_VALUES`].
pub fn parse_answer(bytes: &[u8]) -> Result<ProviderAnswer, ProviderError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| ProviderError::Invalid(e.to_string()))?;
    if !value.is_object() {
        return Err(ProviderError::Invalid("not a JSON object".into()));
    }
    let answer: ProviderAnswer = serde_json::from_value(value).map_err(|e| ProviderError::Invalid(e.to_string()))?;
    if answer.values.len() > MAX_VALUES {
        return Err(ProviderError::Invalid(format!("more than {MAX_VALUES} values")));
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_seed_shape_and_refuses_others() {
        let a = parse_answer(br#"{"plan": "paid", "events": {"paid_period_end": "2026-03-31"},
            "values": [{"category": "profile", "field": "first_name", "value": "Olga"}]}"#)
        .unwrap();
        assert_eq!(a.plan.as_deref(), Some("paid"));
        assert_eq!(a.values[0].field, "first_name");
        assert!(parse_answer(b"{}").unwrap().values.is_empty());
        for bad in [&b"not json"[..], br#"{"values": [{"category": "p", "field": "f", "value": 3}]}"#, br#"{"vals": []}"#, b"[]"] {
            assert!(matches!(parse_answer(bad), Err(ProviderError::Invalid(_))), "{}", String::from_utf8_lossy(bad));
        }
    }
}
