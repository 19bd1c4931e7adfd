//! Load benchmark for webhook delivery (issue 14 section 3): EVENTS events waiting in the durable
//! outbox of DB (recorded through the server's own `outbox::record`, as a route does inside its
//! transaction), delivered by a running server to a receiver on loopback that verifies every
//! Standard Webhooks signature with the `standardwebhooks` crate; prints deliveries per second
//! from the first delivery to the last distinct `webhook-id`.
//!
//! `cargo run --release -p privacy-widget-server --example bench_webhooks -- DB EVENTS SITE SECRET URL_FILE`
//! fills the outbox of DB (a SQLite file or a `postgres://` URL; migrated first) with EVENTS
//! `request.created` events of SITE, starts the receiver on a free port of 127.0.0.1 and writes its
//! URL to URL_FILE: start the server then, with `[[sites.webhooks]] url = <that URL>`, `secret =
//! SECRET`, `events = ["request.*"]` for SITE. Prints, once every event has arrived (or after 600 s):
//! `N deliveries in T s: R deliveries/s, unverified: U, repeated: D`.

use std::{
    collections::HashSet,
    path::Path,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{body::Bytes, extract::State, http::HeaderMap, http::StatusCode, routing::post, Router};
use privacy_widget_server::{
    db::Db,
    events::{outbox, EventData, EventRequest, EventType},
};

/// Events recorded per transaction while filling.
const FILL_BATCH: usize = 1000;
/// Longest the receiver waits for every event.
const LIMIT: Duration = Duration::from_secs(600);

#[derive(Default)]
struct Tally {
    ids: HashSet<String>,
    first: Option<Instant>,
    last: Option<Instant>,
    unverified: u64,
    repeated: u64,
}

struct Receiver {
    hook: standardwebhooks::Webhook,
    tally: Mutex<Tally>,
}

async fn receive(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let verified = r.hook.verify(&body, &headers).is_ok();
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let now = Instant::now();
    let mut t = r.tally.lock().unwrap_or_else(|e| e.into_inner());
    t.first.get_or_insert(now);
    if !verified {
        t.unverified += 1;
        return StatusCode::UNAUTHORIZED;
    }
    if t.ids.insert(id) {
        t.last = Some(now);
    } else {
        t.repeated += 1;
    }
    StatusCode::NO_CONTENT
}

async fn fill(db: &Path, events: usize, site: &str) {
    let db = Db::open(db).await.expect("open the database");
    let now = privacy_widget_server::time::now_ms();
    for start in (0..events).step_by(FILL_BATCH) {
        let (site, end) = (site.to_owned(), (start + FILL_BATCH).min(events));
        db.write(move |conn| {
            for i in start..end {
                let request = EventRequest {
                    id: format!("r_bench{i:08}"),
                    kind: "access".into(),
                    status: "verified".into(),
                    due_at: "2027-01-04".into(),
                };
                let data = EventData {
                    site: site.clone(),
                    subject: Some(format!("bench-{i}")),
                    request: Some(request),
                    consent: None,
                };
                outbox::record(conn, EventType::RequestCreated, data, now)?;
            }
            Ok(())
        })
        .await
        .expect("record the events");
    }
    db.close().await;
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, db, events, site, secret, url_file] = args.as_slice() else {
        eprintln!("usage: bench_webhooks DB EVENTS SITE SECRET URL_FILE");
        std::process::exit(2);
    };
    let events: usize = events.parse().expect("EVENTS: a number");
    fill(Path::new(db), events, site).await;

    let hook = standardwebhooks::Webhook::new(secret).expect("SECRET: a whsec_ secret");
    let receiver = Arc::new(Receiver {
        hook,
        tally: Mutex::new(Tally::default()),
    });
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(Arc::clone(&receiver));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the receiver");
    let url = format!(
        "http://{}/hook",
        listener.local_addr().expect("receiver address")
    );
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    std::fs::write(url_file, &url).expect("write URL_FILE");

    let started = Instant::now();
    let done = loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let t = receiver.tally.lock().unwrap_or_else(|e| e.into_inner());
        if t.ids.len() >= events || started.elapsed() > LIMIT {
            break t.ids.len() >= events;
        }
    };
    let t = receiver.tally.lock().unwrap_or_else(|e| e.into_inner());
    let seconds = match (t.first, t.last) {
        (Some(a), Some(b)) => (b - a).as_secs_f64().max(0.001),
        _ => LIMIT.as_secs_f64(),
    };
    println!(
        "{} deliveries in {seconds:.1} s: {:.0} deliveries/s, unverified: {}, repeated: {}",
        t.ids.len(),
        t.ids.len() as f64 / seconds,
        t.unverified,
        t.repeated
    );
    if !done {
        eprintln!(
            "bench_webhooks: only {} of {events} events arrived within {} s",
            t.ids.len(),
            LIMIT.as_secs()
        );
        std::process::exit(1);
    }
}
