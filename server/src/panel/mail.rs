//! Sending codes: through SMTP when configured (`[smtp]` or `PW_SMTP_ADDR`, `PW_SMTP_FROM`; plain SMTP to a
//! local relay), else, in demo mode, into an in-memory outbox shown at `/demo/outbox`.

use std::{collections::VecDeque, sync::Mutex, time::Duration};

use serde::Serialize;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

/// Mails kept in the demo outbox (oldest dropped first).
const OUTBOX_SIZE: usize = 200;
/// Longest an SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// One message.
#[derive(Debug, Clone, Serialize)]
pub struct Mail {
    /// The site the mail is sent for.
    pub site: String,
    /// The recipient address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// When it was sent, Unix milliseconds.
    pub at_ms: i64,
}

/// Where mail goes.
pub struct Mailer {
    smtp: Option<(String, String)>,
    demo: bool,
    outbox: Mutex<VecDeque<Mail>>,
}

impl Mailer {
    /// SMTP when configured (`smtp.addr`/`smtp.from`, or `PW_SMTP_ADDR`/`PW_SMTP_FROM`), else
    /// the demo outbox in demo mode.
    pub fn new(smtp: Option<&crate::config::Smtp>, demo: bool) -> Mailer {
        let smtp = smtp.map(|s| (s.addr.clone(), s.from.clone()));
        Mailer { smtp, demo, outbox: Mutex::new(VecDeque::new()) }
    }

    /// Delivers `mail`; returns how (`smtp`, `demo_outbox`) or `None` when it could not.
    pub async fn send(&self, mail: Mail) -> Option<&'static str> {
        if let Some((addr, from)) = &self.smtp {
            match tokio::time::timeout(SMTP_TIMEOUT, smtp_send(addr, from, &mail)).await {
                Ok(Ok(())) => return Some("smtp"),
                Ok(Err(e)) => tracing::error!(error = %e, "SMTP delivery failed"),
                Err(_) => tracing::error!("SMTP delivery timed out"),
            }
            return None;
        }
        if self.demo {
            if let Ok(mut outbox) = self.outbox.lock() {
                if outbox.len() >= OUTBOX_SIZE {
                    outbox.pop_front();
                }
                outbox.push_back(mail);
                return Some("demo_outbox");
            }
        }
        tracing::warn!("no SMTP configured and demo mode off: mail not sent");
        None
    }

    /// The demo outbox, newest first.
    pub fn outbox(&self) -> Vec<Mail> {
        self.outbox.lock().map(|o| o.iter().rev().cloned().collect()).unwrap_or_default()
    }
}

async fn expect(reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>, code: &str) -> std::io::Result<()> {
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Err(std::io::Error::other("connection closed"));
        }
        if !line.starts_with(code) {
            return Err(std::io::Error::other(format!("unexpected reply: {}", line.trim_end())));
        }
        // "250-..." continues, "250 ..." ends the reply.
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok(());
        }
    }
}

/// A bare SMTP conversation (no TLS, no auth): for a relay on loopback or a private network.
async fn smtp_send(addr: &str, from: &str, mail: &Mail) -> std::io::Result<()> {
    let clean = |s: &str| s.replace(['\r', '\n'], " ");
    let stream = TcpStream::connect(addr).await?;
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    expect(&mut reader, "220").await?;
    let steps: [(String, &str); 4] = [
        ("EHLO privacy-widget-server\r\n".into(), "250"),
        (format!("MAIL FROM:<{}>\r\n", clean(from)), "250"),
        (format!("RCPT TO:<{}>\r\n", clean(&mail.to)), "250"),
        ("DATA\r\n".into(), "354"),
    ];
    for (command, code) in steps {
        write.write_all(command.as_bytes()).await?;
        expect(&mut reader, code).await?;
    }
    let body = mail.body.replace("\r\n", "\n").replace('\n', "\r\n").replace("\r\n.", "\r\n..");
    let message = format!(
        "From: <{}>\r\nTo: <{}>\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n.\r\n",
        clean(from),
        clean(&mail.to),
        clean(&mail.subject),
        body
    );
    write.write_all(message.as_bytes()).await?;
    expect(&mut reader, "250").await?;
    write.write_all(b"QUIT\r\n").await?;
    Ok(())
}
