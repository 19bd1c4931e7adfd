//! Load benchmark for `POST /api/v1/consents`: N keep-alive clients for S seconds against a
//! running server; prints durable records per second and p50/p99 latency.
//!
//! `cargo run --release -p privacy-widget-server --example bench_consents -- ADDR CLIENTS SECONDS SITE PURPOSES VERSION`
//! e.g. `127.0.0.1:8080 50 10 pcextreme analytics=true,ad_measurement=false,remarketing=false 2019-02-25`:
//! the site must be loaded by the server, PURPOSES must name each of its browser-consent purposes.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let addr = args.get(1).cloned().unwrap_or_else(|| "127.0.0.1:8080".into());
    let clients: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(50);
    let seconds: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    let site = args.get(4).cloned().unwrap_or_else(|| "testsite".into());
    let version = args.get(6).cloned().unwrap_or_else(|| "1".into());
    let purposes = args.get(5).cloned().unwrap_or_else(|| "analytics=true".into());
    let purposes_json = purposes
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| format!("\"{k}\":{v}"))
        .collect::<Vec<_>>()
        .join(",");
    let run = format!("{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (addr, site, purposes_json, run, version) =
                (addr.clone(), site.clone(), purposes_json.clone(), run.clone(), version.clone());
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                let stream = TcpStream::connect(&addr).expect("connect");
                stream.set_nodelay(true).ok();
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut writer = stream;
                let mut i = 0u64;
                while Instant::now() < deadline {
                    i += 1;
                    let body = format!(
                        "{{\"site\":\"{site}\",\"consent_id\":\"bench-{run}-{c:04}-{i:010}\",\"policy_version\":\"{version}\",\
                         \"language\":\"nl\",\"action\":\"custom\",\"purposes\":{{{purposes_json}}},\
                         \"origin\":\"http://{addr}\",\"widget_version\":\"0.1.0\",\"gpc\":false}}"
                    );
                    let req = format!(
                        "POST /api/v1/consents HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
                         Idempotency-Key: b-{run}-{c}-{i}\r\nContent-Length: {}\r\n\r\n{body}",
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
        "{} requests in {elapsed:.1} s with {clients} clients: {:.0} records/s, p50 {:.2} ms, p99 {:.2} ms, non-201: {errors}",
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
