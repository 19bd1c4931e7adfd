//! Load benchmark for `POST /api/v1/sessions` (the sign-in handoff): N keep-alive clients for S
//! seconds against a running server, each signing a fresh Ed25519 token per request the way a
//! panel backend does (client-side signing is ~20 µs, beside the server's verify + durable
//! commit of the `jti`, the customer and the session); prints exchanges per second and p50/p99.
//!
//! `cargo run --release -p privacy-widget-server --example bench_sessions -- ADDR CLIENTS SECONDS SITE KEY.pem KID`
//! where KEY.pem is the Ed25519 private key (`openssl genpkey -algorithm ed25519`) whose public
//! key the server has under `[[sites.signin_keys]] kid = KID` for SITE. Customers: 200 per client
//! (`bench-<client>-<n>`), so most exchanges update a customer the run created.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

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
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (addr, site, kid, der) = (addr.clone(), site.clone(), kid.clone(), der.clone());
            std::thread::spawn(move || {
                let signer = TokenSigner::from_parts(&kid, SigninAlg::EdDSA, &der);
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                let stream = TcpStream::connect(&addr).expect("connect");
                stream.set_nodelay(true).ok();
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut writer = stream;
                let mut i = 0u64;
                while Instant::now() < deadline {
                    i += 1;
                    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64;
                    let mut claims = Claims::new(&site, &format!("bench-{c}-{}", i % 200), now, 120).expect("randomness");
                    claims.name = Some(format!("Bench {c}-{}", i % 200));
                    let token = signer.sign(&claims).expect("sign");
                    let body = format!("{{\"token\":\"{token}\"}}");
                    let req = format!(
                        "POST /api/v1/sessions HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nContent-Type: application/json\r\n\
                         Content-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let t = Instant::now();
                    writer.write_all(req.as_bytes()).expect("write");
                    let (status, _) = read_response(&mut reader);
                    latencies.push(t.elapsed().as_micros() as u32);
                    if status != 201 {
                        errors += 1;
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for t in threads {
        let (l, e) = t.join().expect("client");
        all.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or(0) as f64 / 1000.0;
    println!(
        "{} requests in {elapsed:.1} s with {clients} clients: {:.0} exchanges/s, p50 {:.2} ms, p99 {:.2} ms, non-201: {errors}",
        all.len(),
        all.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99)
    );
}

fn read_response(reader: &mut BufReader<TcpStream>) -> (u16, Vec<u8>) {
    let mut line = String::new();
    reader.read_line(&mut line).expect("status line");
    let status = line.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut length = 0usize;
    loop {
        line.clear();
        reader.read_line(&mut line).expect("header");
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("body");
    (status, body)
}
