//! `--no-demo`: the real binary over real HTTP offers no demo logins and no outbox page.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::Path,
    process::{Command, Stdio},
};

fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.split(' ').nth(1).unwrap().parse().unwrap();
    (status, out)
}

fn serve(dir: &Path, extra: &[&str]) -> (std::process::Child, String) {
    let www = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www");
    let mut child = Command::new(env!("CARGO_BIN_EXE_privacy-widget-server"))
        .args(["--addr", "127.0.0.1:0", "--db"])
        .arg(dir.join("db.sqlite3"))
        .arg("--www")
        .arg(&www)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().rsplit("http://").next().unwrap().trim_end_matches('/').to_owned();
    (child, addr)
}

#[test]
fn demo_mode_is_on_by_default_and_off_with_no_demo() {
    let dir = tempfile::tempdir().unwrap();
    let (mut on, addr) = serve(dir.path(), &[]);
    let (status, body) = get(&addr, "/api/v1/demo/customers?site=pcextreme");
    on.kill().unwrap();
    on.wait().unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("jan-de-vries"));

    let (mut off, addr) = serve(dir.path(), &["--no-demo"]);
    let customers = get(&addr, "/api/v1/demo/customers?site=pcextreme");
    let outbox = get(&addr, "/demo/outbox");
    off.kill().unwrap();
    off.wait().unwrap();
    assert_eq!(customers.0, 404, "{}", customers.1);
    assert!(customers.1.contains("demo mode is off"));
    assert_eq!(outbox.0, 404);
}
