//! A compiled notice kept as bytes in each content coding the server sends (identity, gzip,
//! brotli), each with its own strong `ETag`, and the little HTTP it needs: choosing the coding
//! from `Accept-Encoding` and matching `If-None-Match`.
//!
//! The notice is compressed here, once, rather than by the compression layer on every
//! response: that layer leaves a response with a `Content-Encoding` alone, and a strong
//! entity tag must differ between a gzip and a plain representation (RFC 9110, 8.8.3).

use std::io::Write;

use axum::{
    body::Bytes,
    http::{header, HeaderMap},
};
use sha2::{Digest, Sha256};

/// A content coding of a notice response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// Uncompressed.
    Identity,
    /// Gzip-compressed.
    Gzip,
    /// Brotli-compressed.
    Brotli,
}

impl Coding {
    /// The best coding `Accept-Encoding` allows: the highest q-value of `br` and `gzip`
    /// (`x-gzip` and `*` count; `q=0` refuses), brotli on a tie, else identity.
    pub fn negotiate(headers: &HeaderMap) -> Coding {
        let (mut br, mut gzip, mut any) = (None, None, None);
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let q = parts
                    .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                match name.as_str() {
                    "br" => br = Some(q),
                    "gzip" | "x-gzip" => gzip = Some(gzip.map_or(q, |g: f32| g.max(q))),
                    "*" => any = Some(q),
                    _ => {}
                }
            }
        }
        let br = br.or(any).unwrap_or(0.0);
        let gzip = gzip.or(any).unwrap_or(0.0);
        if br > 0.0 && br >= gzip {
            Coding::Brotli
        } else if gzip > 0.0 {
            Coding::Gzip
        } else {
            Coding::Identity
        }
    }

    /// The `Content-Encoding` value, none for identity.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Brotli => Some("br"),
        }
    }
}

/// A body and its strong entity tag.
#[derive(Debug, Clone)]
struct Representation {
    etag: String,
    body: Bytes,
}

impl Representation {
    fn new(body: Vec<u8>) -> Representation {
        let digest = Sha256::digest(&body);
        let mut etag = String::with_capacity(34);
        etag.push('"');
        for b in &digest[..16] {
            etag.push_str(&format!("{b:02x}"));
        }
        etag.push('"');
        Representation { etag, body: Bytes::from(body) }
    }
}

/// A notice's JSON in every coding.
#[derive(Debug, Clone)]
pub struct Encoded {
    identity: Representation,
    gzip: Representation,
    brotli: Representation,
}

impl Encoded {
    /// Compresses `json` both ways (best compression: it is done once).
    pub fn new(json: Vec<u8>) -> Encoded {
        Encoded { gzip: Representation::new(gzip(&json)), brotli: Representation::new(brotli(&json)), identity: Representation::new(json) }
    }

    /// The entity tag and the bytes of the notice in `coding`.
    pub fn representation(&self, coding: Coding) -> (&str, &Bytes) {
        let r = match coding {
            Coding::Identity => &self.identity,
            Coding::Gzip => &self.gzip,
            Coding::Brotli => &self.brotli,
        };
        (&r.etag, &r.body)
    }

    /// The uncompressed JSON.
    pub fn json(&self) -> &[u8] {
        &self.identity.body
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        // Quality 11, a 256 KiB window (notices are a few KiB).
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 18);
        let _ = writer.write_all(data);
    }
    out
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 13.1.2 says) or is `*`.
pub fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use axum::http::HeaderValue;

    use super::*;

    fn accept(value: &str) -> Coding {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        Coding::negotiate(&headers)
    }

    #[test]
    fn the_coding_follows_accept_encoding() {
        assert_eq!(Coding::negotiate(&HeaderMap::new()), Coding::Identity);
        assert_eq!(accept("gzip, deflate, br, zstd"), Coding::Brotli);
        assert_eq!(accept("gzip"), Coding::Gzip);
        assert_eq!(accept("x-gzip"), Coding::Gzip);
        assert_eq!(accept("br;q=0.5, gzip"), Coding::Gzip);
        assert_eq!(accept("br;q=0, gzip;q=0"), Coding::Identity);
        assert_eq!(accept("*"), Coding::Brotli);
        assert_eq!(accept("*;q=0.1, br;q=0"), Coding::Gzip);
        assert_eq!(accept("deflate, identity"), Coding::Identity);
    }

    #[test]
    fn each_coding_has_its_own_tag_and_decodes_to_the_json() {
        let json = br#"{"notice":1,"site":"s","purposes":[]}"#.repeat(20);
        let e = Encoded::new(json.clone());
        let (plain, gz, br) = (e.representation(Coding::Identity), e.representation(Coding::Gzip), e.representation(Coding::Brotli));
        assert_eq!(plain.1.as_ref(), json.as_slice());
        assert!(plain.0 != gz.0 && gz.0 != br.0 && plain.0 != br.0);
        assert_eq!(plain.0.len(), 34, "a quoted 128-bit hash: {}", plain.0);
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(gz.1.as_ref()).read_to_end(&mut out).unwrap();
        assert_eq!(out, json);
        out.clear();
        brotli::Decompressor::new(br.1.as_ref(), 4096).read_to_end(&mut out).unwrap();
        assert_eq!(out, json);
        assert_eq!(Encoded::new(json).representation(Coding::Brotli).0, br.0, "the same bytes, the same tag");
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        let tag = "\"abc\"";
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(v).unwrap());
            none_match(&h, tag)
        };
        assert!(with("\"abc\""));
        assert!(with("W/\"abc\""));
        assert!(with("\"x\", \"abc\""));
        assert!(with("*"));
        assert!(!with("\"abcd\""));
        assert!(!none_match(&HeaderMap::new(), tag));
    }
}
