//! The stored decision and its compact, cookie-safe encoding (the `pw_consent` cookie).
//!
//! Format (fields separated by `~`, every character a valid cookie octet):
//! `1~<consent id>~<policy version, %-escaped>~<purpose:0|1 joined by .>~<method>~<lang>~<decided>~<first>`
//! e.g. `1~3f9c…~2024-05-01~analytics:1.advertising:0~c~nl~1767225600~1767225600`.
//! Times are seconds since the Unix epoch. Anything that does not decode is treated as
//! "no decision" (the banner asks again); decoding never panics.

use crate::prelude::*;

use super::{Choice, Method};
use crate::policy::push_u64;

/// The cookie's name.
pub const COOKIE_NAME: &str = "pw_consent";

/// The cookie's lifetime: 13 months, rounded down to whole days (C-A10).
pub const MAX_AGE_SECS: u64 = 390 * 24 * 3600;

/// Longest cookie value we write or accept; browsers keep about 4 KB per cookie.
const MAX_ENCODED: usize = 3_000;

/// One visitor's decision as remembered in the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    /// Random pseudonymous id (hex), the same across this browser's decisions (C-A8).
    pub consent_id: String,
    /// The policy version the decision was made on (C-A9).
    pub policy_version: String,
    /// Each browser-consent purpose of that version, granted or not.
    pub choices: Vec<Choice>,
    /// How the decision was made (the record's `action`, C-A8).
    pub method: Method,
    /// Language tag of the texts shown (`nl`, `en`).
    pub lang: String,
    /// When this decision was made (seconds since the epoch).
    pub decided_at: u64,
    /// When this browser first decided (seconds since the epoch).
    pub first_at: u64,
}

impl ConsentRecord {
    /// Whether `purpose` was granted; unknown purposes are not (C-A2, C-A9).
    pub fn granted(&self, purpose: &str) -> bool {
        self.choices.iter().any(|(id, on)| id == purpose && *on)
    }

    /// Whether any purpose was granted.
    pub fn any_granted(&self) -> bool {
        self.choices.iter().any(|(_, on)| *on)
    }

    /// The cookie value.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(96);
        out.push_str("1~");
        out.push_str(&self.consent_id);
        out.push('~');
        escape_into(&self.policy_version, &mut out);
        out.push('~');
        for (i, (id, on)) in self.choices.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(id);
            out.push(':');
            out.push(if *on { '1' } else { '0' });
        }
        out.push('~');
        out.push(self.method.code());
        out.push('~');
        out.push_str(&self.lang);
        out.push('~');
        push_u64(&mut out, self.decided_at);
        out.push('~');
        push_u64(&mut out, self.first_at);
        out
    }

    /// Reads a cookie value; `None` for anything malformed.
    pub fn decode(value: &str) -> Option<ConsentRecord> {
        // Byte scans and `str::get` throughout: `str::split(char)` and `str::parse` bring index
        // panics (and with them integer formatting) into the wasm.
        if value.len() > MAX_ENCODED || !value.is_ascii() {
            return None;
        }
        let mut fields = pieces(value, b'~');
        if fields.next()? != "1" {
            return None;
        }
        let consent_id = fields.next()?;
        if !is_id(consent_id) {
            return None;
        }
        let policy_version = unescape(fields.next()?)?;
        if policy_version.is_empty() {
            return None;
        }
        let choices = decode_choices(fields.next()?)?;
        let method = Method::from_code(fields.next()?)?;
        let lang = fields.next()?;
        if lang.is_empty() || lang.len() > 12 || !lang.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return None;
        }
        let decided_at = parse_u64(fields.next()?)?;
        let first_at = parse_u64(fields.next()?)?;
        if fields.next().is_some() || first_at > decided_at {
            return None;
        }
        Some(ConsentRecord {
            consent_id: consent_id.to_string(),
            policy_version,
            choices,
            method,
            lang: lang.to_string(),
            decided_at,
            first_at,
        })
    }
}

/// `text` around the first `sep` (an ASCII byte): what precedes it and what follows it.
/// Like `str::split_once(char)`, without its slice-index panic paths (and so without integer
/// formatting in the wasm).
pub(crate) fn split_at_byte(text: &str, sep: u8) -> Option<(&str, &str)> {
    // An index loop (smaller code than `position`); an ASCII byte is always a char boundary,
    // so both `get`s succeed.
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == sep {
            return Some((text.get(..at)?, text.get(at + 1..)?));
        }
        at += 1;
    }
    None
}

/// `text` without the `byte`s (ASCII) at its end, like `str::trim_end_matches(char)` without
/// its generic searcher.
pub fn trim_end_byte(text: &str, byte: u8) -> &str {
    let n = text.bytes().rev().take_while(|b| *b == byte).count();
    text.get(..text.len() - n).unwrap_or(text)
}

/// The pieces of `text` between each `sep` (an ASCII byte), like `str::split(char)` without
/// its panic paths.
pub(crate) fn pieces(text: &str, sep: u8) -> Pieces<'_> {
    Pieces { rest: Some(text), sep }
}

/// The iterator of [`pieces`].
pub(crate) struct Pieces<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        Some(match split_at_byte(rest, self.sep) {
            Some((piece, tail)) => {
                self.rest = Some(tail);
                piece
            }
            None => {
                self.rest = None;
                rest
            }
        })
    }
}

/// A fresh consent id from 16 random bytes (32 lowercase hex digits).
pub fn consent_id_from(bytes: &[u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(32);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// A consent or purpose id: 1 to 64 of `A-Z a-z 0-9 - _`.
fn is_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn decode_choices(field: &str) -> Option<Vec<Choice>> {
    if field.is_empty() {
        return Some(Vec::new());
    }
    let mut out: Vec<Choice> = Vec::new();
    for item in pieces(field, b'.') {
        let (id, on) = split_at_byte(item, b':')?;
        if !is_id(id) {
            return None;
        }
        let on = match on {
            "1" => true,
            "0" => false,
            _ => return None,
        };
        if out.iter().any(|(seen, _)| seen == id) {
            return None;
        }
        out.push((id.to_string(), on));
    }
    Some(out)
}

/// Percent-escapes everything but `A-Z a-z 0-9 . _ -` (the version is the only free-form field).
fn escape_into(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-' {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

/// Undoes [`escape_into`]; `None` for a broken escape or bytes that are not UTF-8.
fn unescape(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut it = text.bytes();
    while let Some(b) = it.next() {
        bytes.push(if b == b'%' { hex_value(it.next()?)? << 4 | hex_value(it.next()?)? } else { b });
    }
    utf8_to_string(&bytes)
}

/// The text `bytes` encode as UTF-8, or `None` where `core::str::from_utf8` would fail: a
/// sequence decoder with the same rules (no overlong forms, no surrogates, nothing above
/// U+10FFFF), far smaller in the wasm than core's validator.
fn utf8_to_string(bytes: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(bytes.len());
    let mut it = bytes.iter();
    while let Some(&lead) = it.next() {
        let (more, min, mut code) = match lead {
            0x00..=0x7f => (0, 0, u32::from(lead)),
            0xc0..=0xdf => (1, 0x80, u32::from(lead & 0x1f)),
            0xe0..=0xef => (2, 0x800, u32::from(lead & 0x0f)),
            0xf0..=0xf7 => (3, 0x1_0000, u32::from(lead & 0x07)),
            _ => return None,
        };
        for _ in 0..more {
            let &b = it.next()?;
            if b & 0xc0 != 0x80 {
                return None;
            }
            code = code << 6 | u32::from(b & 0x3f);
        }
        if code < min {
            return None;
        }
        out.push(char::from_u32(code)?);
    }
    Some(out)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// 1 to 15 decimal digits (no sign); 15 digits cannot overflow.
fn parse_u64(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 15 {
        return None;
    }
    text.bytes().try_fold(0u64, |n, b| b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0')))
}


#[cfg(test)]
mod tests {
    #[test]
    fn trim_end_byte_drops_only_the_trailing_bytes() {
        use super::trim_end_byte;
        assert_eq!(trim_end_byte("/api/v1//", b'/'), "/api/v1");
        assert_eq!(trim_end_byte("/api/v1", b'/'), "/api/v1");
        assert_eq!(trim_end_byte("///", b'/'), "");
        assert_eq!(trim_end_byte("", b'/'), "");
        assert_eq!(trim_end_byte("shop.example.nl.", b'.'), "shop.example.nl");
        assert_eq!(trim_end_byte("é/", b'/'), "é");
    }

    use super::*;

    fn sample() -> ConsentRecord {
        ConsentRecord {
            consent_id: consent_id_from(&[0xab; 16]),
            policy_version: "2024-05 rev~1;x".into(),
            choices: vec![("analytics".into(), true), ("advertising".into(), false), ("re_marketing-2".into(), true)],
            method: Method::Custom,
            lang: "nl".into(),
            decided_at: 1_767_225_600,
            first_at: 1_700_000_000,
        }
    }

    #[test]
    fn round_trips_every_field() {
        let r = sample();
        let encoded = r.encode();
        assert_eq!(ConsentRecord::decode(&encoded), Some(r));
        for m in [Method::AcceptAll, Method::RejectAll, Method::Custom, Method::Gpc, Method::Withdraw] {
            let r = ConsentRecord { method: m, ..sample() };
            assert_eq!(ConsentRecord::decode(&r.encode()).map(|d| d.method), Some(m));
        }
    }

    #[test]
    fn encoding_is_cookie_safe_and_compact() {
        let encoded = sample().encode();
        // RFC 6265 cookie-octet: no whitespace, DQUOTE, comma, semicolon or backslash.
        assert!(encoded.bytes().all(|b| b > 0x20 && b < 0x7f && !b"\",;\\".contains(&b)), "{encoded}");
        assert!(encoded.len() < 140, "{}", encoded.len());
        assert!(encoded.contains("analytics:1.advertising:0"));
    }

    #[test]
    fn no_choices_round_trip() {
        let r = ConsentRecord { choices: vec![], ..sample() };
        assert_eq!(ConsentRecord::decode(&r.encode()), Some(r));
    }

    #[test]
    fn garbage_is_no_decision_never_a_crash() {
        let good = sample().encode();
        let cases = [
            "".to_string(),
            "1".into(),
            "2~abc~v~~a~nl~1~1".into(),
            "1~~v~~a~nl~1~1".into(),
            "1~abc~~~a~nl~1~1".into(),
            "1~abc~v~analytics~a~nl~1~1".into(),
            "1~abc~v~analytics:2~a~nl~1~1".into(),
            "1~abc~v~a:1.a:0~a~nl~1~1".into(),
            "1~abc~v~~x~nl~1~1".into(),
            "1~abc~v~~a~~1~1".into(),
            "1~abc~v~~a~nl~-1~1".into(),
            "1~abc~v~~a~nl~1~2".into(),
            "1~abc~v~~a~nl~99999999999999999999~1".into(),
            "1~abc~v%zz~~a~nl~1~1".into(),
            "1~abc~v%~~a~nl~1~1".into(),
            "1~abc~%ff~~a~nl~1~1".into(),
            "1~ab c~v~~a~nl~1~1".into(),
            "1~abc~v~~a~nl~1~1~extra".into(),
            "1~abc~vé~~a~nl~1~1".into(),
            "x".repeat(10_000),
            good[..good.len() - 3].to_string() + "~",
            good.replace('~', ";"),
        ];
        for c in &cases {
            assert_eq!(ConsentRecord::decode(c), None, "{c}");
        }
        // Every prefix of a good value is either rejected or decodes without panicking.
        for i in 0..good.len() {
            let _ = ConsentRecord::decode(&good[..i]);
        }
    }

    #[test]
    fn byte_parsing_edge_cases() {
        let cases = [
            "1~abc~v~analytics:1.~a~nl~1~1",
            "1~abc~v~.analytics:1~a~nl~1~1",
            "1~abc~v~analytics:1:1~a~nl~1~1",
            "1~abc~v~:1~a~nl~1~1",
            "1~abc~v~~a~nl~+1~1",
            "1~abc~v~~a~nl~1~ 1",
            "1~abc~v~~a~nl~~1",
            "1~abc~v~~a~nl~1234567890123456~1",
            "1~abc~v~~ac~nl~1~1",
            "1~abc~v~~a~n_l~1~1",
            "1~abc~v%C0%AF~~a~nl~1~1",
            "1~abc~v%ED%A0%80~~a~nl~1~1",
            "1~abc~v%F4%90%80%80~~a~nl~1~1",
            "1~abc~v%E2%82~~a~nl~1~1",
            "1~abc~v%4~~a~nl~1~1",
            "~1~abc~v~~a~nl~1~1",
        ];
        for c in cases {
            assert_eq!(ConsentRecord::decode(c), None, "{c}");
        }
        let r = ConsentRecord::decode("1~abc~v%C3%A9%F0%9F%8D%AA%e2%82%ac~x:0~a~en-GB~999999999999999~0").unwrap();
        assert_eq!(r.policy_version, "vé🍪€");
        assert_eq!(r.choices, vec![("x".to_string(), false)]);
        assert_eq!((r.lang.as_str(), r.decided_at, r.first_at), ("en-GB", 999_999_999_999_999, 0));
        let versions = ["één ~ twee", "\u{10FFFF}\u{FFFF}\u{800}\u{7FF}\u{80}\u{7F}\u{0}", "v2;%"];
        for v in versions {
            let r = ConsentRecord { policy_version: v.into(), ..sample() };
            assert_eq!(ConsentRecord::decode(&r.encode()), Some(r));
        }
    }

    #[test]
    fn utf8_decoding_agrees_with_std() {
        // Every 1- and 2-byte input, and 3- and 4-byte inputs over the bytes where the rules bite.
        let edges: Vec<u8> = vec![0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7, 0xf8, 0xfe, 0xff];
        let mut inputs: Vec<Vec<u8>> = vec![vec![]];
        for a in 0..=255u8 {
            inputs.push(vec![a]);
            for b in 0..=255u8 {
                inputs.push(vec![a, b]);
            }
        }
        for &a in &edges {
            for &b in &edges {
                for &c in &edges {
                    inputs.push(vec![a, b, c]);
                    for &d in &edges {
                        inputs.push(vec![a, b, c, d]);
                    }
                }
            }
        }
        for bytes in &inputs {
            let std = core::str::from_utf8(bytes).ok().map(str::to_string);
            assert_eq!(utf8_to_string(bytes), std, "{bytes:x?}");
        }
    }

    #[test]
    fn pieces_split_like_str_split() {
        for text in ["", "~", "a", "a~b", "~a~~b~", "é~ü~", "abc"] {
            let ours: Vec<&str> = pieces(text, b'~').collect();
            let std: Vec<&str> = text.split('~').collect();
            assert_eq!(ours, std, "{text}");
            assert_eq!(split_at_byte(text, b'~'), text.split_once('~'), "{text}");
        }
    }

    #[test]
    fn granted_is_false_for_unknown_purposes() {
        let r = sample();
        assert!(r.granted("analytics"));
        assert!(!r.granted("advertising"));
        assert!(!r.granted("newly_added"));
        assert!(r.any_granted());
    }

    #[test]
    fn consent_id_is_32_hex_digits() {
        let id = consent_id_from(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 255]);
        assert_eq!(id, "000102030405060708090a0b0c0d0eff");
    }
}
