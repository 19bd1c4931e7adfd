//! The sites' sign-in keys, checked once on start: every problem named by its key path
//! (`sites[0].signin_keys[1].public_key: …`), so a bad PEM never waits for the first token.

use std::collections::BTreeMap;

use ed25519_dalek::pkcs8::DecodePublicKey as _;
use jsonwebtoken::{Algorithm, DecodingKey};

use crate::config::{SigninKeySettings, SiteSettings};

/// The shortest HS256 secret accepted, in bytes (RFC 7518 3.2: at least the hash's size).
pub const MIN_SECRET_BYTES: usize = 32;

/// The algorithms a key may be configured for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigninAlg {
    /// Ed25519 (the default): the site's backend holds the private key, we the public one.
    EdDSA,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// HMAC-SHA256 with a shared secret, for panels that can only do HMAC.
    HS256,
}

impl SigninAlg {
    /// The name in the configuration and in a token's `alg` header.
    pub fn name(self) -> &'static str {
        match self {
            SigninAlg::EdDSA => "EdDSA",
            SigninAlg::ES256 => "ES256",
            SigninAlg::HS256 => "HS256",
        }
    }

    /// The algorithm named `name` exactly as in a JWS header, if we accept it.
    pub fn from_name(name: &str) -> Option<SigninAlg> {
        [SigninAlg::EdDSA, SigninAlg::ES256, SigninAlg::HS256].into_iter().find(|a| a.name() == name)
    }

    pub(crate) fn jwt(self) -> Algorithm {
        match self {
            SigninAlg::EdDSA => Algorithm::EdDSA,
            SigninAlg::ES256 => Algorithm::ES256,
            SigninAlg::HS256 => Algorithm::HS256,
        }
    }
}

/// One loaded key.
pub(crate) struct SigninKey {
    pub(crate) alg: SigninAlg,
    pub(crate) key: DecodingKey,
}

/// One site's keys by `kid`.
#[derive(Default)]
pub struct SiteKeys {
    pub(crate) keys: BTreeMap<String, SigninKey>,
}

impl SiteKeys {
    /// The algorithm configured for `kid`, if the site has that key.
    pub fn alg(&self, kid: &str) -> Option<SigninAlg> {
        self.keys.get(kid).map(|k| k.alg)
    }
}

/// Every site's sign-in keys; a site without keys is not in it (its tokens are refused as
/// coming from the wrong issuer).
#[derive(Default)]
pub struct Keyring {
    pub(crate) sites: BTreeMap<String, SiteKeys>,
    /// Keys valid for every site (the demo key).
    every_site: SiteKeys,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kids: BTreeMap<_, Vec<_>> = self.sites.iter().map(|(s, k)| (s, k.keys.keys().collect())).collect();
        f.debug_struct("Keyring").field("kids", &kids).finish()
    }
}

impl Keyring {
    /// Loads every site's `signin_keys`, or lists every problem as `key path: reason`.
    pub fn from_sites(sites: &[SiteSettings]) -> Result<Keyring, Vec<String>> {
        let mut ring = Keyring::default();
        let mut errors = Vec::new();
        for (i, site) in sites.iter().enumerate() {
            let mut kids = std::collections::BTreeSet::new();
            for (j, settings) in site.signin_keys.iter().enumerate() {
                let path = format!("sites[{i}].signin_keys[{j}]");
                if !kids.insert(settings.kid.as_str()) {
                    errors.push(format!("{path}.kid: {:?} is configured twice for site {:?}", settings.kid, site.id));
                    continue;
                }
                match load(settings) {
                    Ok(key) => {
                        ring.sites.entry(site.id.clone()).or_default().keys.insert(settings.kid.clone(), key);
                    }
                    Err((member, reason)) => errors.push(format!("{path}.{member}: {reason}")),
                }
            }
        }
        if errors.is_empty() {
            Ok(ring)
        } else {
            Err(errors)
        }
    }

    /// Adds (or replaces) an Ed25519 key given as its 32 raw public bytes (the demo key).
    pub fn insert_ed25519(&mut self, site: &str, kid: &str, public: [u8; 32]) {
        self.sites.entry(site.to_owned()).or_default().keys.insert(kid.to_owned(), ed25519(public));
    }

    /// Makes an Ed25519 key valid for every site, beside the sites' own keys (the demo key in
    /// demo mode; the caller still checks that the token's site is served).
    pub fn insert_ed25519_for_every_site(&mut self, kid: &str, public: [u8; 32]) {
        self.every_site.keys.insert(kid.to_owned(), ed25519(public));
    }

    /// The keys of `site`, if it has any.
    pub fn site(&self, site: &str) -> Option<&SiteKeys> {
        self.sites.get(site)
    }

    /// The key `kid` for `site`: the site's own, else one valid for every site. `None` for the
    /// site when neither exists (wrong issuer), `Some(None)` when the site has keys but not `kid`.
    pub(crate) fn key(&self, site: &str, kid: Option<&str>) -> Option<Option<&SigninKey>> {
        let own = self.sites.get(site);
        if own.is_none() && self.every_site.keys.is_empty() {
            return None;
        }
        Some(kid.and_then(|kid| own.and_then(|k| k.keys.get(kid)).or_else(|| self.every_site.keys.get(kid))))
    }

    /// Whether no site has a key (nobody can sign in by token).
    pub fn is_empty(&self) -> bool {
        self.sites.is_empty() && self.every_site.keys.is_empty()
    }
}

fn ed25519(public: [u8; 32]) -> SigninKey {
    SigninKey { alg: SigninAlg::EdDSA, key: DecodingKey::from_ed_der(&public) }
}

/// Checks and loads one key; on failure, the member at fault and why.
fn load(settings: &SigninKeySettings) -> Result<SigninKey, (&'static str, String)> {
    let kid_ok = !settings.kid.is_empty()
        && settings.kid.len() <= 64
        && settings.kid.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !kid_ok {
        return Err(("kid", format!("{:?} must be 1-64 of A-Z, a-z, 0-9, -, _ and .", settings.kid)));
    }
    let Some(alg) = SigninAlg::from_name(&settings.alg) else {
        return Err(("alg", format!("{:?} is not one of \"EdDSA\", \"ES256\", \"HS256\"", settings.alg)));
    };
    let material = match alg {
        SigninAlg::HS256 => {
            if settings.public_key.is_some() {
                return Err(("public_key", "HS256 takes a secret, not a public key".into()));
            }
            let Some(secret) = &settings.secret else {
                return Err(("secret", "required for HS256 (at least 32 bytes)".into()));
            };
            if secret.len() < MIN_SECRET_BYTES {
                return Err(("secret", format!("must be at least {MIN_SECRET_BYTES} bytes (it has {})", secret.len())));
            }
            DecodingKey::from_secret(secret.as_bytes())
        }
        SigninAlg::EdDSA | SigninAlg::ES256 => {
            if settings.secret.is_some() {
                return Err(("secret", format!("{} takes a public key (PEM), not a secret", alg.name())));
            }
            let Some(pem) = &settings.public_key else {
                return Err(("public_key", format!("required for {} (-----BEGIN PUBLIC KEY-----)", alg.name())));
            };
            public_key(alg, pem.trim()).map_err(|reason| ("public_key", reason))?
        }
    };
    Ok(SigninKey { alg, key: material })
}

/// The verifying key of a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) of the algorithm's curve.
fn public_key(alg: SigninAlg, pem: &str) -> Result<DecodingKey, String> {
    if pem.contains("PRIVATE KEY") {
        return Err("this is a private key: configure the public key only (keep the private key in your panel's backend)".into());
    }
    match alg {
        SigninAlg::EdDSA => ed25519_dalek::VerifyingKey::from_public_key_pem(pem)
            .map(|k| DecodingKey::from_ed_der(k.as_bytes()))
            .map_err(|e| format!("not an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----): {e}")),
        SigninAlg::ES256 => p256::PublicKey::from_public_key_pem(pem)
            .map(|k| {
                use p256::elliptic_curve::sec1::ToEncodedPoint as _;
                DecodingKey::from_ec_der(k.to_encoded_point(false).as_bytes())
            })
            .map_err(|e| format!("not a P-256 public key in PEM (-----BEGIN PUBLIC KEY-----): {e}")),
        SigninAlg::HS256 => Err("HS256 takes a secret".into()),
    }
}
