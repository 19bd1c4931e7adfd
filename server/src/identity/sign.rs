//! Signing sign-in tokens the way a company's panel backend does: used by the demo "host
//! backend" (an Ed25519 key made at start, never written anywhere) and by the tests.

use jsonwebtoken::{EncodingKey, Header};
use serde::Serialize;

use super::{SigninAlg, AUDIENCE};

/// The claims of a sign-in token as a panel backend writes them.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Claims {
    /// The issuer: the site's panel backend.
    pub iss: String,
    /// The audience: this server.
    pub aud: String,
    /// The subject: the customer's id at the site.
    pub sub: String,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Expires at, Unix seconds.
    pub exp: i64,
    /// The token id, accepted once.
    pub jti: String,
    /// The customer's e-mail address, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The customer's display name, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The customer's plan, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// The customer's preferred language, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

impl Claims {
    /// A token for `sub` of `site`, issued at `now` and valid for `lifetime` seconds, with a
    /// random `jti`.
    pub fn new(site: &str, sub: &str, now: i64, lifetime: i64) -> Result<Claims, getrandom::Error> {
        Ok(Claims {
            iss: site.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: sub.to_owned(),
            iat: now,
            exp: now + lifetime,
            jti: random_id()?,
            email: None,
            name: None,
            plan: None,
            locale: None,
        })
    }
}

/// A private key (or HS256 secret) and its `kid`.
pub struct TokenSigner {
    kid: String,
    alg: SigninAlg,
    key: EncodingKey,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner").field("kid", &self.kid).field("alg", &self.alg).finish_non_exhaustive()
    }
}

/// The PKCS#8 v1 DER prefix of an Ed25519 private key (RFC 8410 section 7); the 32-byte seed follows.
const ED25519_PKCS8_PREFIX: [u8; 16] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

impl TokenSigner {
    /// A new random Ed25519 key: the signer and the 32 raw bytes of its public key.
    pub fn new_ed25519(kid: &str) -> Result<(TokenSigner, [u8; 32]), getrandom::Error> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)?;
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key().to_bytes();
        let mut der = ED25519_PKCS8_PREFIX.to_vec();
        der.extend_from_slice(&seed);
        let signer = TokenSigner { kid: kid.to_owned(), alg: SigninAlg::EdDSA, key: EncodingKey::from_ed_der(&der) };
        Ok((signer, public))
    }

    /// A signer over a PKCS#8 DER private key (EdDSA or ES256) or an HS256 secret.
    pub fn from_parts(kid: &str, alg: SigninAlg, key_material: &[u8]) -> TokenSigner {
        let key = match alg {
            SigninAlg::EdDSA => EncodingKey::from_ed_der(key_material),
            SigninAlg::ES256 => EncodingKey::from_ec_der(key_material),
            SigninAlg::HS256 => EncodingKey::from_secret(key_material),
        };
        TokenSigner { kid: kid.to_owned(), alg, key }
    }

    /// The key's id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The JWS compact token of `claims` (usually [`Claims`]), with `alg` and `kid` in its header.
    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, jsonwebtoken::errors::Error> {
        let mut header = Header::new(self.alg.jwt());
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.key)
    }
}

/// 128 random bits as hex (a fresh `jti`).
fn random_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
