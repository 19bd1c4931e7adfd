//! The runnable examples of README "Connecting your control panel": examples/webhook-receiver.mjs
//! and examples/data-provider.mjs (plain Node), run against the real binary with `--no-demo`.
//! Each verifies our signatures and refuses a call that is not signed with its secret.

mod common;
mod events_support;

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, ChildStdout, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use common::Fixture;
use events_support::{customer, file_request, write_config_with, Server, SECRET};
use serde_json::Value;

struct Example {
    child: Child,
    url: String,
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `node examples/<file>` with the secret under `secret_var`; waits for its start line.
fn run(file: &str, secret_var: &str, path: &str) -> (Example, ChildStdout) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let port = free_port();
    let mut child = Command::new("node")
        .arg(root.join("examples").join(file))
        .env(secret_var, SECRET)
        .env("PORT", port.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs the example");
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.contains(&format!("127.0.0.1:{port}")), "{file}: {line}");
    let stdout = child.stdout.take().unwrap();
    (Example { child, url: format!("http://127.0.0.1:{port}{path}") }, stdout)
}

/// The receiver's stdout lines, read on a thread.
fn lines(stdout: ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

async fn forged(url: &str) -> u16 {
    let body = r#"{"type":"request.created","timestamp":"2025-01-01T00:00:00.000Z","data":{"site":"testsite","subject":"x"}}"#;
    let now = privacy_widget_server::time::now_ms() / 1000;
    events_support::client()
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", "msg_forged")
        .header("webhook-timestamp", now.to_string())
        .header("webhook-signature", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_receiver_and_provider_verify_our_signatures() {
    let (receiver, out) = run("webhook-receiver.mjs", "PW_WEBHOOK_SECRET", "/privacy/events");
    let (provider, _) = run("data-provider.mjs", "PW_PROVIDER_SECRET", "/privacy/data");
    let events = lines(out);
    let fx = Fixture::new();
    let config = write_config_with(&fx, &[&receiver.url], Some(&provider.url));
    let token = customer(&fx, "cust-42");
    let server = Server::start(&fx, &config);

    let id = file_request(&server, &token, "access", "k1").await;
    let line = events.recv_timeout(Duration::from_secs(20)).expect("the receiver printed the event");
    let event: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(event["type"], "request.created");
    assert_eq!(event["subject"], "cust-42");
    assert_eq!(event["request"]["id"], id.as_str());
    assert_eq!(forged(&receiver.url).await, 401, "the example refuses a forged signature");

    let data = events_support::client()
        .get(format!("{}/api/v1/me/data", server.base))
        .header("cookie", format!("pw_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(data.status(), 200);
    let text = data.text().await.unwrap();
    assert!(text.contains("2025-11-30"), "the provider's values are shown: {text}");
    assert_eq!(forged(&provider.url).await, 401, "the example provider refuses an unsigned call");
    assert!(events.try_recv().is_err(), "the forged event was not handled");
}
