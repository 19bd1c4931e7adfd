//! The sign-in handoff against the real binary (`--no-demo`, a configuration file with the
//! fixture site's sign-in keys): keys made in the test, plain HTTP/1.1 on loopback.
#![allow(dead_code)]

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    process::{Child, Command, Stdio},
    time::Duration,
};

use ed25519_dalek::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _};
use privacy_widget_server::identity::{Claims, SigninAlg, TokenSigner};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use serde_json::Value;

use crate::common::{binary, listening_addr, Fixture, SITE};

/// The HS256 secret of the fixture site's `hs1` key.
pub const SECRET: &str = "the-fixture-site-hs256-secret-0123456789";
/// An origin the fixture site allows (a control panel on another origin).
pub const PANEL_ORIGIN: &str = "https://panel.example";

/// The fixture site's keys: `ed1` (EdDSA), `ec1` (ES256), `hs1` (HS256), with their signers and
/// the Ed25519 private key as PKCS#8 PEM (for the example signers).
pub struct Keys {
    pub ed: TokenSigner,
    pub ed_private_pem: String,
    pub ed_public_pem: String,
    pub ec: TokenSigner,
    pub ec_public_pem: String,
    pub hs: TokenSigner,
}

fn random32() -> [u8; 32] {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).unwrap();
    b
}

impl Keys {
    pub fn new() -> Keys {
        let seed = random32();
        let ed = ed25519_dalek::SigningKey::from_bytes(&seed);
        let ed_der = ed.to_pkcs8_der().unwrap();
        // PKCS#8 v1 as `openssl genpkey -algorithm ed25519` writes it (RFC 8410 section 7).
        let mut v1 = vec![0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
        v1.extend_from_slice(&seed);
        let ed_private_pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", STANDARD.encode(v1));
        let ec = p256::SecretKey::from_slice(&random32()).unwrap();
        let ec_der = ec.to_pkcs8_der().unwrap();
        Keys {
            ed: TokenSigner::from_parts("ed1", SigninAlg::EdDSA, ed_der.as_bytes()),
            ed_private_pem,
            ed_public_pem: ed.verifying_key().to_public_key_pem(Default::default()).unwrap(),
            ec: TokenSigner::from_parts("ec1", SigninAlg::ES256, ec_der.as_bytes()),
            ec_public_pem: ec.public_key().to_public_key_pem(Default::default()).unwrap(),
            hs: TokenSigner::from_parts("hs1", SigninAlg::HS256, SECRET.as_bytes()),
        }
    }

    /// The configuration file's text: the fixture site with these keys and [`PANEL_ORIGIN`].
    pub fn config(&self) -> String {
        format!(
            "[[sites]]\nid = \"{SITE}\"\nallowed_origins = [\"{PANEL_ORIGIN}\"]\n\
             [[sites.signin_keys]]\nkid = \"ed1\"\npublic_key = \"\"\"\n{}\"\"\"\n\
             [[sites.signin_keys]]\nkid = \"ec1\"\nalg = \"ES256\"\npublic_key = \"\"\"\n{}\"\"\"\n\
             [[sites.signin_keys]]\nkid = \"hs1\"\nalg = \"HS256\"\nsecret = \"{SECRET}\"\n",
            self.ed_public_pem, self.ec_public_pem
        )
    }
}

/// Claims for `sub` of the fixture site, issued now, valid two minutes, with a fresh `jti`.
pub fn claims(sub: &str) -> Claims {
    Claims::new(SITE, sub, now(), 120).unwrap()
}

/// Now in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A running server; killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary with `--no-demo` and the keys' configuration over the fixture's paths.
pub fn start(fx: &Fixture, keys: &Keys) -> Server {
    let config = fx.dir.path().join("server.toml");
    std::fs::write(&config, keys.config()).unwrap();
    let mut child = Command::new(binary())
        .args(["--no-demo", "--addr", "127.0.0.1:0", "--config"])
        .arg(&config)
        .arg("--db")
        .arg(&fx.args.db)
        .arg("--www")
        .arg(&fx.args.www)
        .arg("--widget")
        .arg(&fx.args.widget_dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn server");
    let addr = listening_addr(&mut child, String::new);
    Server { child, addr: addr.parse().unwrap() }
}

/// An answer: status, headers (names lower case) and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The problem's `detail`, after checking it is a 401 problem+json.
    pub fn refusal(&self) -> String {
        assert_eq!(self.status, 401, "{}", self.body);
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "{}", self.body);
        self.json()["detail"].as_str().unwrap_or_default().to_owned()
    }
}

impl Server {
    /// One HTTP/1.1 request on a fresh connection.
    pub fn call(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n", self.addr, body.len());
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        self.raw(req.as_bytes())
    }

    /// `request` as written, on a fresh connection (a write the server cut short is not an
    /// error: its answer is read all the same).
    pub fn raw(&self, request: &[u8]) -> Answer {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = stream.write_all(request);
        let mut out = String::new();
        let _ = stream.read_to_string(&mut out);
        let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.get(9..12)).and_then(|s| s.parse().ok()).unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Answer { status, headers, body: body.to_owned() }
    }

    /// `POST /api/v1/sessions {"token": token}` from this server's own origin.
    pub fn exchange(&self, token: &str) -> Answer {
        let origin = format!("http://{}", self.addr);
        let body = serde_json::json!({ "token": token }).to_string();
        self.call("POST", "/api/v1/sessions", &[("Content-Type", "application/json"), ("Origin", &origin)], &body)
    }

    /// Exchanges `token` and returns the session (asserting 201).
    pub fn sign_in(&self, token: &str) -> String {
        let answer = self.exchange(token);
        assert_eq!(answer.status, 201, "{}", answer.body);
        answer.json()["session"].as_str().unwrap().to_owned()
    }

    /// `GET path` with `Authorization: Bearer session`.
    pub fn get_bearer(&self, path: &str, session: &str) -> Answer {
        self.call("GET", path, &[("Authorization", &format!("Bearer {session}"))], "")
    }
}
