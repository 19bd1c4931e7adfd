//! Checking one token: size, shape, header (`alg`, `kid`) against the issuing site's keys,
//! the signature (jsonwebtoken), then the claims, each refusal named.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use jsonwebtoken::{errors::ErrorKind, Validation};
use serde_json::{Map, Value};

use super::{
    keys::SigninAlg, Keyring, Refusal, AUDIENCE, LEEWAY_SECS, MAX_LIFETIME_SECS, MAX_SUB_CHARS, MAX_TOKEN_BYTES,
};

/// A customer the site's backend vouched for: the verified claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// The site id (`iss`).
    pub site: String,
    /// The customer's id in the company's systems (`sub`).
    pub sub: String,
    /// The token's single-use id (`jti`); the caller stores it until `exp`.
    pub jti: String,
    /// When the token expires (Unix seconds): how long its `jti` must be remembered.
    pub exp: i64,
    /// The customer's e-mail address, if the token carries it.
    pub email: Option<String>,
    /// The customer's display name, if the token carries it.
    pub name: Option<String>,
    /// The customer's plan, if the token carries it.
    pub plan: Option<String>,
    /// The customer's preferred language, if the token carries it.
    pub locale: Option<String>,
}

impl Keyring {
    /// Verifies `token` as of `now` (Unix seconds). Signature first, so claims are only ever
    /// judged on a token the site really signed.
    pub fn verify(&self, token: &str, now: i64) -> Result<SignedIn, Refusal> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(Refusal::malformed(format!("the token is longer than {MAX_TOKEN_BYTES} bytes")));
        }
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(_signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Refusal::malformed("not a JWS compact token (header.payload.signature)"));
        };
        let header = segment(header, "header")?;
        let alg = match header.get("alg") {
            Some(Value::String(alg)) => alg.as_str(),
            _ => return Err(Refusal::malformed("the header has no alg")),
        };
        if alg.eq_ignore_ascii_case("none") {
            return Err(Refusal::AlgorithmNotAllowed("unsigned tokens (alg none) are refused"));
        }
        let Some(alg) = SigninAlg::from_name(alg) else {
            return Err(Refusal::AlgorithmNotAllowed("only EdDSA, ES256 and HS256 are accepted"));
        };
        if header.contains_key("crit") {
            return Err(Refusal::malformed("the header's crit extensions are not supported"));
        }
        // The site is the (still unverified) issuer: its keys decide whether the token is real.
        let claims = segment(payload, "payload")?;
        let site = match claims.get("iss") {
            Some(Value::String(iss)) => iss.as_str(),
            Some(_) => return Err(Refusal::malformed("iss must be a string")),
            None => return Err(Refusal::malformed("the claim iss is missing")),
        };
        let kid = match header.get("kid") {
            Some(Value::String(kid)) => Some(kid.as_str()),
            _ => None,
        };
        let key = self.key(site, kid).ok_or(Refusal::WrongIssuer)?.ok_or(Refusal::UnknownKid)?;
        let kid = kid.unwrap_or_default();
        if key.alg != alg {
            return Err(Refusal::AlgorithmNotAllowed("the token's alg is not the one configured for its kid"));
        }
        let mut validation = Validation::new(alg.jwt());
        validation.leeway = 0;
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.required_spec_claims.clear();
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[site]);
        if let Err(e) = jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &validation) {
            return Err(match e.kind() {
                ErrorKind::InvalidSignature => Refusal::BadSignature(kid.to_owned()),
                ErrorKind::InvalidAlgorithm => Refusal::AlgorithmNotAllowed("the token's alg does not fit its key"),
                ErrorKind::InvalidAudience | ErrorKind::MissingRequiredClaim(_) => Refusal::WrongAudience,
                ErrorKind::InvalidIssuer => Refusal::WrongIssuer,
                ErrorKind::InvalidClaimFormat(claim) => Refusal::malformed(format!("{claim}: wrong type")),
                ErrorKind::Base64(_) => Refusal::malformed("not base64url"),
                _ => Refusal::malformed(format!("cannot be read ({e})")),
            });
        }
        if !claims.contains_key("aud") {
            return Err(Refusal::WrongAudience);
        }
        check_claims(site, &claims, now)
    }
}

/// A base64url-encoded JSON object (the header or the payload).
fn segment(text: &str, what: &str) -> Result<Map<String, Value>, Refusal> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| Refusal::malformed(format!("the {what} is not base64url")))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Refusal::malformed(format!("the {what} is not a JSON object"))),
    }
}

/// The time claims and the customer's claims of a token whose signature verified.
fn check_claims(site: &str, claims: &Map<String, Value>, now: i64) -> Result<SignedIn, Refusal> {
    let iat = seconds(claims, "iat")?.ok_or_else(|| Refusal::malformed("the claim iat is missing"))?;
    let exp = seconds(claims, "exp")?.ok_or_else(|| Refusal::malformed("the claim exp is missing"))?;
    if exp < iat {
        return Err(Refusal::malformed("exp is before iat"));
    }
    if exp - iat > MAX_LIFETIME_SECS {
        return Err(Refusal::TooLongLived);
    }
    if now > exp + LEEWAY_SECS {
        return Err(Refusal::Expired);
    }
    let nbf = seconds(claims, "nbf")?.unwrap_or(iat);
    if iat.max(nbf) > now + LEEWAY_SECS {
        return Err(Refusal::NotYetValid);
    }
    let sub = text(claims, "sub", MAX_SUB_CHARS)?.ok_or_else(|| Refusal::malformed("the claim sub is missing"))?;
    let jti = text(claims, "jti", 256)?.ok_or_else(|| Refusal::malformed("the claim jti is missing"))?;
    Ok(SignedIn {
        site: site.to_owned(),
        sub,
        jti,
        exp,
        email: text(claims, "email", 254)?,
        name: text(claims, "name", 200)?,
        plan: text(claims, "plan", 64)?,
        locale: text(claims, "locale", 35)?,
    })
}

/// A NumericDate claim as whole seconds, if present.
fn seconds(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>, Refusal> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .filter(|s| *s >= 0)
            .map(Some)
            .ok_or_else(|| Refusal::malformed(format!("{name} must be a whole number of seconds since 1970"))),
    }
}

/// A string claim of 1 to `max` characters without control characters, if present.
fn text(claims: &Map<String, Value>, name: &str, max: usize) -> Result<Option<String>, Refusal> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control) => {
            Ok(Some(s.clone()))
        }
        Some(_) => Err(Refusal::malformed(format!("{name} must be a string of 1 to {max} characters without control characters"))),
    }
}
