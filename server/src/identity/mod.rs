//! Who is signed in: the sign-in tokens a site's control-panel backend signs (JWS compact,
//! EdDSA by default, ES256 or HS256), checked against the site's configured keys
//! ([`Keyring`]) and turned into a [`SignedIn`] customer, or refused with a [`Refusal`] that
//! names the reason. Single use (`jti`) is the caller's part: it stores the id until `exp`.
//!
//! Depends only on the configuration's plain data ([`crate::config::SigninKeySettings`]).

mod keys;
mod refusal;
mod sign;
mod verify;

#[cfg(test)]
mod tests;

pub use keys::{Keyring, SigninAlg, SiteKeys};
pub use refusal::Refusal;
pub use sign::{Claims, TokenSigner};
pub use verify::SignedIn;

/// The `aud` every token must name.
pub const AUDIENCE: &str = "privacy-widget";
/// The longest token accepted, in bytes; a longer one is refused before it is parsed.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;
/// The longest lifetime a token may claim: `exp` at most this many seconds after `iat`.
pub const MAX_LIFETIME_SECS: i64 = 300;
/// Clock difference tolerated between the signer and this server, in seconds.
pub const LEEWAY_SECS: i64 = 60;
/// The longest `sub` (the customer's id in the company's systems), in characters.
pub const MAX_SUB_CHARS: usize = 128;
