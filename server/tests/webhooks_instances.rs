//! Several servers on one PostgreSQL database (issue 14 section 3, C-E3): a burst of requests
//! filed on both yields exactly one delivery per event. Runs under scripts/with-postgres.sh
//! (`PW_TEST_DATABASE_URL`); on SQLite (one server per file) it says so and checks nothing.

mod common;
mod events_support;

use std::{collections::HashMap, time::Duration};

use common::Fixture;
use events_support::{customer, of_type, write_config, Mode, Receiver, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn c_e3_two_servers_on_one_postgres_deliver_each_event_exactly_once() {
    let fx = Fixture::new();
    if !fx.is_postgres() {
        eprintln!("skipped: needs PostgreSQL (scripts/with-postgres.sh)");
        return;
    }
    let hook = Receiver::start(Mode::Ok).await;
    let config = write_config(&fx, &[&hook.url]);
    const N: usize = 40;
    let tokens: Vec<String> = (0..N).map(|i| customer(&fx, &format!("burst-{i}"))).collect();
    let a = Server::start(&fx, &config);
    let b = Server::start(&fx, &config);
    // The burst: every request at once, alternately on each server.
    let mut filing = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let base = if i % 2 == 0 { a.base.clone() } else { b.base.clone() };
        filing.push(tokio::spawn(events_support::try_file(base, token.clone(), "access", format!("burst-{i}"))));
    }
    let mut ids = Vec::new();
    for f in filing {
        ids.push(f.await.unwrap().unwrap_or_else(|e| panic!("{e}\n{}\n{}", a.log(), b.log())));
    }
    hook.wait_for(Duration::from_secs(30), |c| of_type(c, "request.created").len() >= N).await;
    // Both servers look for work every 200 ms; give a double a chance to show up.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let calls = hook.calls();
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for c in &calls {
        assert!(c.verified);
        *per_id.entry(c.id.clone()).or_default() += 1;
    }
    assert_eq!(calls.len(), N, "one delivery per event, no more: {per_id:?}");
    assert!(per_id.values().all(|&n| n == 1), "{per_id:?}");
    let mut requests: Vec<String> = calls.iter().map(|c| c.body["data"]["request"]["id"].as_str().unwrap().to_owned()).collect();
    requests.sort();
    let mut filed = ids.clone();
    filed.sort();
    assert_eq!(requests, filed, "every filed request was announced");
}
