//! The token signers under examples/signin/ (PHP with libsodium, Node, Python) mint tokens the real server
//! (`--no-demo`) exchanges for a session: what the README tells a hosting company to run.

mod common;
mod signin_support;

use std::{path::PathBuf, process::Command};

use common::{Fixture, SITE};
use signin_support::{start, Keys};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/signin")
}

/// The Python with `cryptography`: scripts/setup.sh's venv, else `python3`.
fn python() -> PathBuf {
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/examples-py/bin/python3");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// Runs a signer; its standard output is the token.
fn mint(program: &PathBuf, script: &str, key: &std::path::Path, sub: &str, name: &str) -> String {
    let out = Command::new(program)
        .arg(examples().join(script))
        .arg("--key")
        .arg(key)
        .args(["--kid", "ed1", "--site", SITE, "--sub", sub, "--name", name, "--email", "klant@example.nl"])
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    assert!(
        out.status.success(),
        "{script} failed (PHP needs php-cli with sodium, Python needs `cryptography`: scripts/setup.sh installs both): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn c_c3_the_php_node_and_python_example_signers_sign_in_at_the_real_server() {
    let fx = Fixture::new();
    let keys = Keys::new();
    let key = fx.dir.path().join("panel-signing.pem");
    std::fs::write(&key, &keys.ed_private_pem).unwrap();
    let server = start(&fx, &keys);
    let signers = [
        (PathBuf::from("php"), "sign-token.php", "php-42"),
        (PathBuf::from("node"), "sign-token.mjs", "node-42"),
        (python(), "sign_token.py", "python-42"),
    ];
    for (program, script, sub) in signers {
        let token = mint(&program, script, &key, sub, "Klant Één");
        let session = server.sign_in(&token);
        let me = server.get_bearer("/api/v1/me", &session).json();
        assert_eq!((me["customer"].as_str(), me["name"].as_str()), (Some(sub), Some("Klant Één")), "{script}");
        assert!(server.exchange(&token).refusal().starts_with("replayed:"), "{script}: each token once");
    }
}
