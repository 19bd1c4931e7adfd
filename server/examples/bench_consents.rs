//! Load benchmark for `POST /api/v1/consents`: N keep-alive clients for S seconds against a
//! running server; prints durable records per second and p50/p99 latency.
//!
//! `cargo run --release -p privacy-widget-server --example bench_consents -- ADDR CLIENTS SECONDS SITE PURPOSES VERSION`
//! e.g. `127.0.0.1:8080 50 10 pcextreme analytics=true,ad_measurement=false,remarketing=false 2019-02-25`:
//! the site must be loaded by the server, PURPOSES must name each of its browser-consent purposes.

mod load;

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
    let target = addr.clone();
    load::run(&addr, clients, seconds, 201, "records", move |c| {
        let (addr, site, purposes_json, run, version) = (target.clone(), site.clone(), purposes_json.clone(), run.clone(), version.clone());
        move |i| {
            let body = format!(
                "{{\"site\":\"{site}\",\"consent_id\":\"bench-{run}-{c:04}-{i:010}\",\"policy_version\":\"{version}\",\
                 \"language\":\"nl\",\"action\":\"custom\",\"purposes\":{{{purposes_json}}},\
                 \"origin\":\"http://{addr}\",\"widget_version\":\"0.1.0\",\"gpc\":false}}"
            );
            format!(
                "POST /api/v1/consents HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
                 Idempotency-Key: b-{run}-{c}-{i}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
        }
    });
}
