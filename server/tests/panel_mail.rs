//! With SMTP configured (`PW_SMTP_ADDR`, `PW_SMTP_FROM`) the code goes out by SMTP and not into
//! the demo outbox. A tiny SMTP server on loopback plays the relay.

mod panel_support;

use panel_support::Env;
use serde_json::json;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

/// Accepts one message and returns (recipient, data).
async fn fake_relay(listener: TcpListener) -> (String, String) {
    let (stream, _) = listener.accept().await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 relay.test ESMTP\r\n").await.unwrap();
    let (mut rcpt, mut data, mut in_data) = (String::new(), String::new(), false);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.unwrap() == 0 {
            break;
        }
        if in_data {
            if line == ".\r\n" {
                in_data = false;
                write.write_all(b"250 queued\r\n").await.unwrap();
            } else {
                data.push_str(&line);
            }
            continue;
        }
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            write.write_all(b"250-relay.test\r\n250 8BITMIME\r\n").await.unwrap();
        } else if upper.starts_with("RCPT TO:") {
            rcpt = line[8..].trim().trim_matches(['<', '>']).to_owned();
            write.write_all(b"250 ok\r\n").await.unwrap();
        } else if upper.starts_with("DATA") {
            in_data = true;
            write.write_all(b"354 go ahead\r\n").await.unwrap();
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await.unwrap();
            break;
        } else {
            write.write_all(b"250 ok\r\n").await.unwrap();
        }
    }
    (rcpt, data)
}

#[tokio::test]
async fn codes_go_out_by_smtp_when_configured() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Only this test runs in this binary, so setting the process environment is safe here.
    std::env::set_var("PW_SMTP_ADDR", addr.to_string());
    std::env::set_var("PW_SMTP_FROM", "privacy@panel.test");
    let relay = tokio::spawn(fake_relay(listener));
    let env = Env::new().await;
    let r = env
        .post(
            "/api/v1/requests",
            "",
            &json!({"site": "webanizr", "email": "lisa@deboer-design.example", "kind": "erasure", "details": {"confirm": true}}),
            &[("idempotency-key", "smtp-1")],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let (rcpt, data) = relay.await.unwrap();
    assert_eq!(rcpt, "lisa@deboer-design.example");
    let at = data.find("Uw code is ").expect("code in the mail") + "Uw code is ".len();
    let code = &data[at..at + 6];
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{data}");
    let outbox = env.get("/demo/outbox", "").await.json();
    assert_eq!(outbox["messages"].as_array().unwrap().len(), 0, "not in the demo outbox");
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let v = env.post(&format!("/api/v1/requests/{id}/verify"), "", &json!({"code": code}), &[]).await;
    assert_eq!(v.status, 200, "{}", v.text());
}
