//! Why a sign-in token was refused: one reason per variant, its message the `detail` the
//! client sees (it starts with the reason's words).

/// A refused sign-in token. The caller answers every one with 401 and stores nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// `exp` (plus the leeway) is in the past.
    #[error("expired: the token's exp has passed")]
    Expired,
    /// `iat` or `nbf` is in the future (beyond the leeway).
    #[error("not yet valid: the token's iat or nbf is in the future")]
    NotYetValid,
    /// The signature does not verify with the key the header names.
    #[error("bad signature: the token's signature does not verify with key {0}")]
    BadSignature(String),
    /// The header names no `kid`, or one the site has not configured.
    #[error("unknown kid: the site has no sign-in key with the token's kid")]
    UnknownKid,
    /// `alg: none`, an algorithm we do not accept, or one other than the one configured for
    /// the `kid` (this covers HS/asymmetric confusion).
    #[error("algorithm not allowed: {0}")]
    AlgorithmNotAllowed(&'static str),
    /// `iss` names no site with sign-in keys.
    #[error("wrong issuer: iss must be the id of a site with sign-in keys")]
    WrongIssuer,
    /// `aud` is missing or is not `privacy-widget`.
    #[error("wrong audience: aud must be \"privacy-widget\"")]
    WrongAudience,
    /// The `jti` was used before.
    #[error("replayed: this token (jti) was already exchanged")]
    Replayed,
    /// `exp` is more than 300 s after `iat`.
    #[error("too long-lived: exp must be at most 300 s after iat")]
    TooLongLived,
    /// Not a JWS compact token, or a claim is missing or of the wrong shape (named).
    #[error("malformed: {0}")]
    Malformed(String),
}

impl Refusal {
    /// A stable machine-readable code (`expired`, `not_yet_valid`, `bad_signature`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Expired => "expired",
            Refusal::NotYetValid => "not_yet_valid",
            Refusal::BadSignature(_) => "bad_signature",
            Refusal::UnknownKid => "unknown_kid",
            Refusal::AlgorithmNotAllowed(_) => "algorithm_not_allowed",
            Refusal::WrongIssuer => "wrong_issuer",
            Refusal::WrongAudience => "wrong_audience",
            Refusal::Replayed => "replayed",
            Refusal::TooLongLived => "too_long_lived",
            Refusal::Malformed(_) => "malformed",
        }
    }

    pub(crate) fn malformed(why: impl Into<String>) -> Refusal {
        Refusal::Malformed(why.into())
    }
}
