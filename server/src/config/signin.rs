//! The sign-in keys a site's control-panel backend signs its tokens with, as configured
//! (`[[sites.signin_keys]]`): plain data; [`crate::identity`] checks and loads them on start.

use serde::Deserialize;

/// One key as written under `[[sites.signin_keys]]`; unknown members are refused.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigninKeySettings {
    /// The key's id, matched against the token header's `kid` (rotate by adding a new one).
    pub kid: String,
    /// `"EdDSA"` (Ed25519, the default), `"ES256"` or `"HS256"`.
    #[serde(default = "default_alg")]
    pub alg: String,
    /// The public key in PEM (`-----BEGIN PUBLIC KEY-----`) for EdDSA and ES256.
    pub public_key: Option<String>,
    /// The shared secret for HS256 (at least 32 bytes).
    pub secret: Option<String>,
}

fn default_alg() -> String {
    "EdDSA".to_owned()
}
