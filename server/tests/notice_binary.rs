//! The built binary and the consent notice: `notice <policy.json> [--lang]` prints what the
//! route serves (exit 2 on an invalid policy, naming the file), and `--policies DIR` /
//! `PW_POLICIES` decide which sites a server knows, over real HTTP.

mod common;

use std::{
    io::{Read, Write},
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    time::Duration,
};

use common::{binary, Fixture};
use privacy_widget::{consent::Notice, i18n::Lang, policy::parse_policy};

fn seed(site: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../www/policies/{site}.json"))
}

fn notice_command(args: &[&str]) -> Output {
    Command::new(binary()).arg("notice").args(args).env("RUST_LOG", "off").output().expect("run the binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_notice_command_prints_the_notice_of_a_policy_file() {
    let file = seed("pcextreme");
    let policy = parse_policy(&std::fs::read_to_string(&file).unwrap()).unwrap();
    for (lang, expected) in [(Some("en"), Lang::En), (Some("en-GB"), Lang::En), (Some("nl"), Lang::Nl), (None, Lang::Nl)] {
        let mut args = vec![file.to_str().unwrap()];
        if let Some(lang) = lang {
            args.extend(["--lang", lang]);
        }
        let out = notice_command(&args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(stdout.ends_with('\n') && stdout.lines().count() == 1, "one line of JSON: {stdout}");
        let read = Notice::read(stdout.trim_end()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read, Notice::compile(&policy, expected), "{lang:?}");
        assert_eq!(read.version, policy.version);
    }
    // A Dutch-only policy asked for English stays Dutch.
    let out = notice_command(&[seed("webhost").to_str().unwrap(), "--lang", "en"]);
    assert_eq!(Notice::read(text(&out.stdout).trim_end()).unwrap().lang, "nl");
}

#[test]
fn the_notice_command_refuses_an_invalid_policy_with_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad-policy.json");
    let mut policy = common::policy("1");
    policy["version"] = serde_json::json!(7);
    policy["purposes"][1]["kind"] = serde_json::json!("spying");
    std::fs::write(&bad, policy.to_string()).unwrap();
    let out = notice_command(&[bad.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains(bad.to_str().unwrap()), "{stderr}");
    assert!(stderr.contains("version") && stderr.contains("purposes[1].kind"), "every error: {stderr}");
    assert!(!stderr.contains("panicked"));
    // Not JSON; a missing file; a notice instead of a policy.
    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{ nope").unwrap();
    let compiled = dir.path().join("notice.json");
    std::fs::write(&compiled, text(&notice_command(&[seed("webhost").to_str().unwrap()]).stdout)).unwrap();
    let missing = dir.path().join("missing.json");
    for file in [&garbage, &missing, &compiled] {
        let out = notice_command(&[file.to_str().unwrap()]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", file.display());
        assert!(stderr.contains(file.to_str().unwrap()), "{stderr}");
        assert!(out.stdout.is_empty());
    }
    let out = notice_command(&[]);
    assert_eq!(out.status.code(), Some(2), "clap's usage error: {}", text(&out.stderr));
}

/// Starts the binary with `extra` arguments and environment, returns it and its address.
fn start(fx: &Fixture, extra: &[&str], env: &[(&str, &Path)]) -> (Child, String) {
    let mut command = Command::new(binary());
    command
        .args(extra)
        .args(["--addr", "127.0.0.1:0", "--db", fx.db_path().to_str().unwrap()])
        .args(["--www", fx.args.www.to_str().unwrap(), "--widget", fx.args.widget_dir.to_str().unwrap()])
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let addr = common::listening_addr(&mut child, String::new);
    (child, addr)
}

/// `GET path` over TCP: the status line's code.
fn status(addr: &str, path: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out[9..12].parse().unwrap()
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_policies_folder_with_one_policy_serves_only_that_site() {
    let fx = Fixture::new();
    let folder = fx.dir.path().join("only-webhost");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(seed("webhost"), folder.join("webhost.json")).unwrap();
    let by_flag: (&[&str], &[(&str, &Path)]) = (&["serve", "--policies", folder.to_str().unwrap()], &[]);
    let by_env: (&[&str], &[(&str, &Path)]) = (&[], &[("PW_POLICIES", &folder)]);
    for (args, env) in [by_flag, by_env] {
        let (child, addr) = start(&fx, args, env);
        let got = [
            status(&addr, "/api/v1/sites/webhost/notice?lang=nl"),
            status(&addr, "/api/v1/sites/testsite/notice"),
            status(&addr, "/api/v1/sites/pcextreme/notice"),
        ];
        stop(child);
        assert_eq!(got, [200, 404, 404], "webhost only, not the <www>/policies site nor a seed left out");
    }
    // Without the option, <www>/policies as before.
    let (child, addr) = start(&fx, &[], &[]);
    let got = [status(&addr, "/api/v1/sites/testsite/notice"), status(&addr, "/api/v1/sites/webhost/notice")];
    stop(child);
    assert_eq!(got, [200, 404]);
}

#[test]
fn a_missing_policies_folder_or_a_bad_policy_in_it_is_refused_with_exit_2() {
    let fx = Fixture::new();
    let run = |folder: &Path| {
        let out = Command::new(binary())
            .args(["--policies", folder.to_str().unwrap(), "--addr", "127.0.0.1:0", "--db", fx.db_path().to_str().unwrap()])
            .args(["--www", fx.args.www.to_str().unwrap(), "--widget", fx.args.widget_dir.to_str().unwrap()])
            .env("RUST_LOG", "off")
            .output()
            .unwrap();
        (out.status.code(), text(&out.stderr))
    };
    let missing = fx.dir.path().join("no-such-folder");
    let (code, stderr) = run(&missing);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("policies:") && stderr.contains("no-such-folder"), "{stderr}");
    let hostile = fx.dir.path().join("hostile");
    std::fs::create_dir_all(&hostile).unwrap();
    std::fs::write(hostile.join("broken.json"), "{\"site\": 7}").unwrap();
    let (code, stderr) = run(&hostile);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("broken.json"), "{stderr}");
    assert!(fx.is_postgres() || !fx.db_path().exists(), "nothing is created when the policies are invalid");
}
