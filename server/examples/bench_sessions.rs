//! Load benchmark for `POST /api/v1/sessions` (the sign-in handoff): N keep-alive clients for S
//! seconds against a running server, each signing a fresh Ed25519 token per request the way a
//! panel backend does (client-side signing is ~20 µs, beside the server's verify + durable
//! commit of the `jti`, the customer and the session); prints exchanges per second and p50/p99.
//!
//! `cargo run --release -p privacy-widget-server --example bench_sessions -- ADDR CLIENTS SECONDS SITE KEY.pem KID`
//! where KEY.pem is the Ed25519 private key (`openssl genpkey -algorithm ed25519`) whose public
//! key the server has under `[[sites.signin_keys]] kid = KID` for SITE. Customers: 200 per client
//! (`bench-<client>-<n>`), so most exchanges update a customer the run created.

mod load;

use ed25519_dalek::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use privacy_widget_server::identity::{Claims, SigninAlg, TokenSigner};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let addr = args.get(1).cloned().unwrap_or_else(|| "127.0.0.1:8080".into());
    let clients: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(50);
    let seconds: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    let site = args.get(4).cloned().unwrap_or_else(|| "pcextreme".into());
    let pem = std::fs::read_to_string(args.get(5).expect("KEY.pem")).expect("read the key");
    let kid = args.get(6).cloned().unwrap_or_else(|| "bench".into());
    let key = ed25519_dalek::SigningKey::from_pkcs8_pem(&pem).expect("an Ed25519 private key in PEM");
    let der = key.to_pkcs8_der().expect("pkcs8").as_bytes().to_vec();
    let target = addr.clone();
    load::run(&addr, clients, seconds, 201, "exchanges", move |c| {
        let (addr, site) = (target.clone(), site.clone());
        let signer = TokenSigner::from_parts(&kid, SigninAlg::EdDSA, &der);
        move |i| {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64;
            let mut claims = Claims::new(&site, &format!("bench-{c}-{}", i % 200), now, 120).expect("randomness");
            claims.name = Some(format!("Bench {c}-{}", i % 200));
            let body = format!("{{\"token\":\"{}\"}}", signer.sign(&claims).expect("sign"));
            format!(
                "POST /api/v1/sessions HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            )
        }
    });
}
