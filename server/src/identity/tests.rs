//! Native tests of the sign-in tokens (C-C3, C-E3): every algorithm with keys made here, every
//! refusal, and the key configuration's errors.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use ed25519_dalek::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _};

use super::*;
use crate::config::{SigninKeySettings, SiteSettings};

const SITE: &str = "pcextreme";
const NOW: i64 = 1_800_000_000;
const SECRET: &str = "0123456789abcdef0123456789abcdef-hs";

struct Keys {
    ed: TokenSigner,
    ed_pem: String,
    ec: TokenSigner,
    ec_pem: String,
    hs: TokenSigner,
}

fn random32() -> [u8; 32] {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).unwrap();
    b
}

fn ed25519(kid: &str) -> (TokenSigner, String) {
    let key = ed25519_dalek::SigningKey::from_bytes(&random32());
    let der = key.to_pkcs8_der().unwrap();
    let pem = key.verifying_key().to_public_key_pem(Default::default()).unwrap();
    (TokenSigner::from_parts(kid, SigninAlg::EdDSA, der.as_bytes()), pem)
}

fn p256_key(kid: &str) -> (TokenSigner, String) {
    let key = p256::SecretKey::from_slice(&random32()).unwrap();
    let der = key.to_pkcs8_der().unwrap();
    let pem = key.public_key().to_public_key_pem(Default::default()).unwrap();
    (TokenSigner::from_parts(kid, SigninAlg::ES256, der.as_bytes()), pem)
}

fn keys() -> Keys {
    let (ed, ed_pem) = ed25519("ed1");
    let (ec, ec_pem) = p256_key("ec1");
    let hs = TokenSigner::from_parts("hs1", SigninAlg::HS256, SECRET.as_bytes());
    Keys { ed, ed_pem, ec, ec_pem, hs }
}

fn key(kid: &str, alg: &str, public_key: Option<&str>, secret: Option<&str>) -> SigninKeySettings {
    SigninKeySettings {
        kid: kid.into(),
        alg: alg.into(),
        public_key: public_key.map(Into::into),
        secret: secret.map(Into::into),
    }
}

fn site(id: &str, signin_keys: Vec<SigninKeySettings>) -> SiteSettings {
    SiteSettings { id: id.into(), signin_keys, ..SiteSettings::default() }
}

fn ring(k: &Keys) -> Keyring {
    Keyring::from_sites(&[site(
        SITE,
        vec![
            key("ed1", "EdDSA", Some(&k.ed_pem), None),
            key("ec1", "ES256", Some(&k.ec_pem), None),
            key("hs1", "HS256", None, Some(SECRET)),
        ],
    )])
    .unwrap()
}

fn claims() -> Claims {
    let mut c = Claims::new(SITE, "cust-42", NOW - 10, 120).unwrap();
    c.email = Some("jan@example.nl".into());
    c.name = Some("Jan Jansen".into());
    c.plan = Some("vps-2".into());
    c.locale = Some("nl".into());
    c
}

/// A token with the given header and payload JSON, signed over those bytes by `signer`'s
/// algorithm is not needed for shape checks: the signature part is arbitrary.
fn raw_token(header: &str, payload: &str, signature: &str) -> String {
    format!("{}.{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(payload), signature)
}

#[test]
fn c_c3_every_algorithm_signs_in_with_all_claims() {
    let k = keys();
    let ring = ring(&k);
    for signer in [&k.ed, &k.ec, &k.hs] {
        let c = claims();
        let token = signer.sign(&c).unwrap();
        let who = ring.verify(&token, NOW).unwrap_or_else(|e| panic!("{}: {e}", signer.kid()));
        assert_eq!(who.site, SITE);
        assert_eq!(who.sub, "cust-42");
        assert_eq!(who.jti, c.jti);
        assert_eq!(who.exp, NOW + 110);
        assert_eq!(who.email.as_deref(), Some("jan@example.nl"));
        assert_eq!(who.name.as_deref(), Some("Jan Jansen"));
        assert_eq!(who.plan.as_deref(), Some("vps-2"));
        assert_eq!(who.locale.as_deref(), Some("nl"));
    }
}

#[test]
fn c_e3_a_signature_from_another_key_of_the_same_algorithm_is_bad() {
    let k = keys();
    let ring = ring(&k);
    let (other_ed, _) = ed25519("ed1");
    let (other_ec, _) = p256_key("ec1");
    let other_hs = TokenSigner::from_parts("hs1", SigninAlg::HS256, b"another-secret-of-at-least-32-bytes!");
    for signer in [&other_ed, &other_ec, &other_hs] {
        let token = signer.sign(&claims()).unwrap();
        assert_eq!(ring.verify(&token, NOW), Err(Refusal::BadSignature(signer.kid().into())), "{}", signer.kid());
    }
}

#[test]
fn c_e3_a_changed_payload_breaks_the_signature() {
    let k = keys();
    let token = k.ed.sign(&claims()).unwrap();
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut c = claims();
    c.sub = "someone-else".into();
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).unwrap());
    let forged = parts.join(".");
    assert!(matches!(ring(&k).verify(&forged, NOW), Err(Refusal::BadSignature(_))));
}

#[test]
fn c_e3_expired_and_not_yet_valid_with_60_s_leeway() {
    let k = keys();
    let ring = ring(&k);
    let token = k.ed.sign(&claims()).unwrap(); // exp = NOW + 110
    assert!(ring.verify(&token, NOW + 110 + 60).is_ok(), "within the leeway");
    assert_eq!(ring.verify(&token, NOW + 110 + 61), Err(Refusal::Expired));
    let mut future = claims();
    future.iat = NOW + 61;
    future.exp = NOW + 200;
    assert_eq!(ring.verify(&k.ed.sign(&future).unwrap(), NOW), Err(Refusal::NotYetValid));
    future.iat = NOW + 60;
    assert!(ring.verify(&k.ed.sign(&future).unwrap(), NOW).is_ok(), "iat within the leeway");
}

#[test]
fn c_e3_a_lifetime_over_300_s_is_refused() {
    let k = keys();
    let ring = ring(&k);
    let mut c = claims();
    c.iat = NOW;
    c.exp = NOW + 301;
    assert_eq!(ring.verify(&k.hs.sign(&c).unwrap(), NOW), Err(Refusal::TooLongLived));
    c.exp = NOW + 300;
    assert!(ring.verify(&k.hs.sign(&c).unwrap(), NOW).is_ok());
}

#[test]
fn c_e3_unknown_or_missing_kid() {
    let k = keys();
    let ring = ring(&k);
    let (stranger, _) = ed25519("k9");
    assert_eq!(ring.verify(&stranger.sign(&claims()).unwrap(), NOW), Err(Refusal::UnknownKid));
    let no_kid = raw_token(r#"{"alg":"EdDSA"}"#, &serde_json::to_string(&claims()).unwrap(), "AAAA");
    assert_eq!(ring.verify(&no_kid, NOW), Err(Refusal::UnknownKid));
}

#[test]
fn c_e3_alg_none_and_foreign_algorithms_are_refused() {
    let ring = ring(&keys());
    let payload = serde_json::to_string(&claims()).unwrap();
    for alg in ["none", "None", "RS256", "HS512", "ES384"] {
        let token = raw_token(&format!(r#"{{"alg":"{alg}","kid":"ed1"}}"#), &payload, "");
        assert!(matches!(ring.verify(&token, NOW), Err(Refusal::AlgorithmNotAllowed(_))), "{alg}");
    }
}

#[test]
fn c_e3_hs_asymmetric_confusion_is_refused() {
    // The classic attack: HMAC over the token with the *public key's PEM* as the secret,
    // naming the Ed25519 or P-256 key's kid.
    let k = keys();
    let ring = ring(&k);
    for (kid, pem) in [("ed1", &k.ed_pem), ("ec1", &k.ec_pem)] {
        let forger = TokenSigner::from_parts(kid, SigninAlg::HS256, pem.as_bytes());
        assert!(
            matches!(ring.verify(&forger.sign(&claims()).unwrap(), NOW), Err(Refusal::AlgorithmNotAllowed(_))),
            "{kid}"
        );
    }
    // And the other way round: an EdDSA token naming the HS256 kid.
    let (ed_as_hs, _) = ed25519("hs1");
    assert!(matches!(ring.verify(&ed_as_hs.sign(&claims()).unwrap(), NOW), Err(Refusal::AlgorithmNotAllowed(_))));
}

#[test]
fn c_e3_wrong_issuer_and_audience() {
    let k = keys();
    let ring = ring(&k);
    let mut c = claims();
    c.iss = "webanizr".into();
    assert_eq!(ring.verify(&k.ed.sign(&c).unwrap(), NOW), Err(Refusal::WrongIssuer));
    let mut c = claims();
    c.aud = "another-service".into();
    assert_eq!(ring.verify(&k.ed.sign(&c).unwrap(), NOW), Err(Refusal::WrongAudience));
    #[derive(serde::Serialize)]
    struct NoAud<'a> {
        iss: &'a str,
        sub: &'a str,
        iat: i64,
        exp: i64,
        jti: &'a str,
    }
    let token = k.ed.sign(&NoAud { iss: SITE, sub: "c", iat: NOW, exp: NOW + 60, jti: "j" }).unwrap();
    assert_eq!(ring.verify(&token, NOW), Err(Refusal::WrongAudience));
}

#[test]
fn c_e3_a_token_naming_another_site_is_refused() {
    // Site B's token signed with site A's key (same kid name): B's key does not verify it.
    let (a, a_pem) = ed25519("k1");
    let (_, b_pem) = ed25519("k1");
    let ring = Keyring::from_sites(&[
        site("pcextreme", vec![key("k1", "EdDSA", Some(&a_pem), None)]),
        site("webanizr", vec![key("k1", "EdDSA", Some(&b_pem), None)]),
    ])
    .unwrap();
    let mut c = claims();
    c.iss = "webanizr".into();
    assert!(matches!(ring.verify(&a.sign(&c).unwrap(), NOW), Err(Refusal::BadSignature(_))));
    assert!(ring.verify(&a.sign(&claims()).unwrap(), NOW).is_ok());
}

#[test]
fn c_e3_sub_and_jti_are_checked() {
    let k = keys();
    let ring = ring(&k);
    let refused = |c: &Claims, what: &str| match ring.verify(&k.ed.sign(c).unwrap(), NOW) {
        Err(Refusal::Malformed(why)) => assert!(why.contains(what), "{why}"),
        other => panic!("{other:?}"),
    };
    let mut c = claims();
    c.sub = "cust\n42".into();
    refused(&c, "sub");
    c.sub = String::new();
    refused(&c, "sub");
    c.sub = "x".repeat(129);
    refused(&c, "sub");
    c.sub = "é".repeat(128);
    assert!(ring.verify(&k.ed.sign(&c).unwrap(), NOW).is_ok(), "128 characters are fine");
    let mut c = claims();
    c.jti = String::new();
    refused(&c, "jti");
    let mut c = claims();
    c.email = Some("a\u{7}@example.nl".into());
    refused(&c, "email");
    #[derive(serde::Serialize)]
    struct NoJti<'a> {
        iss: &'a str,
        aud: &'a str,
        sub: &'a str,
        iat: i64,
        exp: i64,
    }
    let token = k.ed.sign(&NoJti { iss: SITE, aud: AUDIENCE, sub: "c", iat: NOW, exp: NOW + 60 }).unwrap();
    assert_eq!(ring.verify(&token, NOW), Err(Refusal::Malformed("the claim jti is missing".into())));
}

#[test]
fn c_e3_oversized_and_broken_tokens_are_malformed() {
    let ring = ring(&keys());
    let huge = "a".repeat(100 * 1024);
    assert_eq!(ring.verify(&huge, NOW), Err(Refusal::Malformed("the token is longer than 8192 bytes".into())));
    for broken in ["", "abc", "a.b", "a.b.c.d", "!!.??.xx", &raw_token("[]", "{}", ""), &raw_token(r#"{"alg":"EdDSA","kid":"ed1"}"#, "7", "")] {
        assert!(matches!(ring.verify(broken, NOW), Err(Refusal::Malformed(_))), "{broken:?}");
    }
}

#[test]
fn every_refusal_names_its_reason_first() {
    let cases = [
        (Refusal::Expired, "expired"),
        (Refusal::NotYetValid, "not yet valid"),
        (Refusal::BadSignature("k1".into()), "bad signature"),
        (Refusal::UnknownKid, "unknown kid"),
        (Refusal::AlgorithmNotAllowed("x"), "algorithm not allowed"),
        (Refusal::WrongIssuer, "wrong issuer"),
        (Refusal::WrongAudience, "wrong audience"),
        (Refusal::Replayed, "replayed"),
        (Refusal::TooLongLived, "too long-lived"),
        (Refusal::Malformed("x".into()), "malformed"),
    ];
    for (refusal, reason) in cases {
        assert!(refusal.to_string().starts_with(&format!("{reason}:")), "{refusal}");
        assert_eq!(refusal.code(), reason.replace([' ', '-'], "_"));
    }
}

#[test]
fn key_configuration_errors_name_the_key_path() {
    let k = keys();
    let errors = Keyring::from_sites(&[
        site("a", vec![key("k1", "EdDSA", Some(&k.ed_pem), None), key("k1", "EdDSA", Some(&k.ed_pem), None)]),
        site(
            "b",
            vec![
                key("k1", "EdDSA", Some("-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----"), None),
                key("k2", "HS256", None, Some("short")),
                key("k3", "RS256", Some(&k.ed_pem), None),
                key("k4", "ES256", Some(&k.ed_pem), None),
                key("k5", "EdDSA", Some("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"), None),
                key("k6", "EdDSA", None, None),
                key("", "EdDSA", Some(&k.ed_pem), None),
            ],
        ),
    ])
    .unwrap_err();
    let expect = [
        "sites[0].signin_keys[1].kid: \"k1\" is configured twice",
        "sites[1].signin_keys[0].public_key: not an Ed25519 public key",
        "sites[1].signin_keys[1].secret: must be at least 32 bytes (it has 5)",
        "sites[1].signin_keys[2].alg: \"RS256\" is not one of",
        "sites[1].signin_keys[3].public_key: not a P-256 public key",
        "sites[1].signin_keys[4].public_key: this is a private key",
        "sites[1].signin_keys[5].public_key: required for EdDSA",
        "sites[1].signin_keys[6].kid:",
    ];
    assert_eq!(errors.len(), expect.len(), "{errors:#?}");
    for (error, start) in errors.iter().zip(expect) {
        assert!(error.starts_with(start), "{error} should start with {start}");
    }
}

#[test]
fn several_keys_per_site_rotate() {
    let (old, old_pem) = ed25519("2026-01");
    let (new, new_pem) = ed25519("2026-06");
    let ring = Keyring::from_sites(&[site(
        SITE,
        vec![key("2026-01", "EdDSA", Some(&old_pem), None), key("2026-06", "EdDSA", Some(&new_pem), None)],
    )])
    .unwrap();
    assert!(ring.verify(&old.sign(&claims()).unwrap(), NOW).is_ok());
    assert!(ring.verify(&new.sign(&claims()).unwrap(), NOW).is_ok());
}

#[test]
fn the_demo_key_made_at_start_signs_for_its_site() {
    let (signer, public) = TokenSigner::new_ed25519("demo").unwrap();
    let mut ring = Keyring::default();
    ring.insert_ed25519(SITE, "demo", public);
    assert!(ring.verify(&signer.sign(&claims()).unwrap(), NOW).is_ok());
    let (other, _) = TokenSigner::new_ed25519("demo").unwrap();
    assert!(matches!(ring.verify(&other.sign(&claims()).unwrap(), NOW), Err(Refusal::BadSignature(_))));
}

#[test]
fn a_key_for_every_site_signs_for_any_site_beside_the_sites_own_keys() {
    let k = keys();
    let mut ring = ring(&k);
    let (demo, public) = TokenSigner::new_ed25519("demo").unwrap();
    ring.insert_ed25519_for_every_site("demo", public);
    let mut c = claims();
    c.iss = "webanizr".into();
    assert_eq!(ring.verify(&demo.sign(&c).unwrap(), NOW).map(|w| w.site), Ok("webanizr".into()));
    assert!(ring.verify(&demo.sign(&claims()).unwrap(), NOW).is_ok(), "beside pcextreme's own keys");
    assert!(ring.verify(&k.ed.sign(&claims()).unwrap(), NOW).is_ok());
    assert_eq!(ring.verify(&k.ed.sign(&c).unwrap(), NOW), Err(Refusal::UnknownKid), "pcextreme's key is not webanizr's");
}
