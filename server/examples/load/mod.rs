//! The load driver the server benchmarks share: `clients` keep-alive connections, each sending
//! the requests its closure makes until the deadline, one at a time; counts the answers that are
//! not the expected status and prints the rate and p50/p99 latency.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

/// Runs the load and prints `N requests in T s with C clients: R <unit>/s, p50 A ms, p99 B ms,
/// non-<expect>: E` (the line scripts/bench-server.sh reads). `request(client, i)` makes the
/// i-th HTTP/1.1 request text of a client (its thread builds its own state with `setup`).
pub fn run<S, F>(addr: &str, clients: usize, seconds: u64, expect: u16, unit: &str, setup: F)
where
    F: Fn(usize) -> S + Send + Sync + Clone + 'static,
    S: FnMut(u64) -> String,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (addr, setup) = (addr.to_owned(), setup.clone());
            std::thread::spawn(move || {
                let mut request = setup(c);
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                let stream = TcpStream::connect(&addr).expect("connect");
                stream.set_nodelay(true).ok();
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut writer = stream;
                let mut i = 0u64;
                while Instant::now() < deadline {
                    i += 1;
                    let req = request(i);
                    let t = Instant::now();
                    writer.write_all(req.as_bytes()).expect("write");
                    let (status, _) = read_response(&mut reader);
                    latencies.push(t.elapsed().as_micros() as u32);
                    if status != expect {
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
        "{} requests in {elapsed:.1} s with {clients} clients: {:.0} {unit}/s, p50 {:.2} ms, p99 {:.2} ms, non-{expect}: {errors}",
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
