//! Configuration (issue 6): the TOML file, environment overrides, validation with errors that
//! name the key, and the binary refusing a bad file with exit code 2.

mod common;

use std::{collections::HashMap, path::Path, process::Command};

use common::{binary, Fixture};
use privacy_widget_server::config::{AdminTokenHash, ConfigError, Overrides, Rate, Settings};

fn load(text: &str, env: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.toml");
    std::fs::write(&file, text).unwrap();
    let env: HashMap<String, String> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Settings::load(Some(&file), &|name| env.get(name).cloned(), &Overrides::default())
}

fn errors(text: &str) -> Vec<String> {
    load(text, &[]).expect_err("should be refused").errors
}

#[test]
fn the_example_file_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let s = Settings::load(Some(&path), &|_| None, &Overrides::default()).unwrap();
    assert!(!s.demo);
    assert_eq!(s.sites.len(), 2);
    assert_eq!(s.sites[0].allowed_origins[0], "https://www.pcextreme.nl");
    assert_eq!(s.limits.per_ip, Rate { burst: 300, per_minute: 3000 });
    assert!(s.is_trusted_proxy("127.0.0.1".parse().unwrap()));
    let keys = privacy_widget_server::identity::Keyring::from_sites(&s.sites).unwrap();
    assert_eq!(keys.site("pcextreme").and_then(|k| k.alg("2026-01")), Some(privacy_widget_server::identity::SigninAlg::EdDSA));
}

#[test]
fn no_file_gives_the_defaults() {
    let s = Settings::load(None, &|_| None, &Overrides::default()).unwrap();
    assert_eq!(s, Settings::default());
    assert!(s.demo && s.trusted_proxies.is_empty() && s.smtp.is_none());
}

#[test]
fn unknown_keys_are_refused_by_name() {
    let e = errors("adr = \"127.0.0.1:1\"\n");
    assert!(e[0].contains("unknown field `adr`"), "{e:?}");
    assert!(e[0].contains("line 1"), "{e:?}");
    let e = errors("[smtp]\naddr = \"a:25\"\nform = \"x@y.nl\"\n");
    assert!(e[0].contains("unknown field `form`"), "{e:?}");
    let e = errors("[[sites]]\nid = \"a\"\norigins = []\n");
    assert!(e[0].contains("unknown field `origins`"), "{e:?}");
}

#[test]
fn every_bad_value_is_named() {
    let e = errors(
        r#"
addr = "localhost"
admin_token = "short"
trusted_proxies = ["10.0.0.0/8", "proxy.local"]
[smtp]
addr = "relay"
from = "nobody"
[limits]
per_ip = { burst = 10, per_minute = 0 }
[[sites]]
id = "Bad Id"
allowed_origins = ["https://ok.example", "https://x.example/path", "ftp://x.example", "https://Upper.example"]
[[sites]]
id = "twice"
[[sites]]
id = "twice"
policy = "/does/not/exist.json"
"#,
    );
    let joined = e.join("\n");
    for key in [
        "addr: ",
        "admin_token: ",
        "trusted_proxies[1]: ",
        "smtp.addr: ",
        "smtp.from: ",
        "limits.per_ip.per_minute: ",
        "sites[0].id: ",
        "sites[0].allowed_origins[1]: ",
        "sites[0].allowed_origins[2]: ",
        "sites[0].allowed_origins[3]: ",
        "sites[2].id: ",
        "sites[2].policy: ",
    ] {
        assert!(joined.contains(key), "no error for {key}\n{joined}");
    }
    assert!(!joined.contains("trusted_proxies[0]"), "{joined}");
    assert!(!joined.contains("allowed_origins[0]"), "{joined}");
    assert_eq!(errors("[smtp]\naddr = \"relay:25\"\n"), vec!["smtp.from: required when smtp.addr is set (or PW_SMTP_FROM)"]);
}

// C-E3: the webhooks, the data provider and the per-site admin token are checked on start,
// each problem named by its key; a secret must be whsec_ with a real (non-empty) key.
#[test]
fn c_e3_webhooks_data_provider_and_site_tokens_are_validated_by_key() {
    let good = r#"
[[sites]]
id = "a"
admin_token = "site-a-token-site-a-token-site-a-token"
[[sites.webhooks]]
url = "https://panel.example.nl/privacy/hook"
secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
events = ["request.*", "preferences.changed"]
[sites.data_provider]
url = "http://127.0.0.1:9000/privacy/data"
secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
"#;
    let s = load(good, &[]).unwrap();
    let site = &s.sites[0];
    assert_eq!(site.webhooks.len(), 1);
    assert!(site.webhooks[0].events.matches("request.overdue"));
    assert!(!site.webhooks[0].events.matches("consent.recorded"));
    assert_eq!(site.data_provider.as_ref().unwrap().url, "http://127.0.0.1:9000/privacy/data");
    // Only the token's hash is kept, and it is never printed.
    assert_eq!(site.admin_token, Some(AdminTokenHash::of("site-a-token-site-a-token-site-a-token")));
    assert!(!format!("{s:?}").contains("site-a-token"));

    let e = errors(
        r#"
[[sites]]
id = "a"
admin_token = "short"
[[sites.webhooks]]
url = "panel.example.nl/hook"
secret = "whsec_"
events = ["request.*", "requets.*"]
[[sites.webhooks]]
events = ["*"]
[sites.data_provider]
url = "ftp://x.example/"
secret = "C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
"#,
    );
    let joined = e.join("\n");
    for key in [
        "sites[0].admin_token: must be at least 32",
        "sites[0].webhooks[0].url: ",
        "sites[0].webhooks[0].secret: must not be empty",
        "sites[0].webhooks[0].events[1]: \"requets.*\" matches no event type",
        "sites[0].webhooks[1].url: required",
        "sites[0].webhooks[1].secret: required",
        "sites[0].data_provider.url: \"ftp://x.example/\" the scheme must be http or https",
        "sites[0].data_provider.secret: must start with whsec_",
    ] {
        assert!(joined.contains(key), "no error for {key}\n{joined}");
    }
    let e = errors("[[sites]]\nid = \"a\"\n[[sites.webhooks]]\nurl = \"https://x.example/\"\nsecret = \"whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD\"\nevent = [\"*\"]\n");
    assert!(e[0].contains("unknown field `event`"), "{e:?}");
}

#[test]
fn the_environment_overrides_the_file_and_the_command_line_overrides_both() {
    let text = "addr = \"127.0.0.1:1000\"\nlog_requests = false\n[smtp]\naddr = \"file:25\"\nfrom = \"file@x.nl\"\n";
    let s = load(
        text,
        &[("PW_ADDR", "127.0.0.1:2000"), ("PW_SMTP_ADDR", "env:2525"), ("PW_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2"), ("PW_LOG_REQUESTS", "1")],
    )
    .unwrap();
    assert_eq!(s.addr.port(), 2000);
    let smtp = s.smtp.unwrap();
    assert_eq!((smtp.addr.as_str(), smtp.from.as_str()), ("env:2525", "file@x.nl"));
    assert_eq!(s.trusted_proxies.len(), 2);
    assert!(s.log_requests);
    let e = load("", &[("PW_ADMIN_TOKEN", "too-short")]).unwrap_err();
    assert_eq!(e.errors, vec!["admin_token: must be at least 32 characters (e.g. `openssl rand -hex 32`)"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(&file, text).unwrap();
    let overrides = Overrides { addr: Some("127.0.0.1:3000".parse().unwrap()), no_demo: true, ..Overrides::default() };
    let s = Settings::load(Some(&file), &|n| (n == "PW_ADDR").then(|| "127.0.0.1:2000".into()), &overrides).unwrap();
    assert_eq!(s.addr.port(), 3000);
    assert!(!s.demo);
}

fn run_with_config(fx: &Fixture, text: &str) -> (Option<i32>, String) {
    let file = fx.dir.path().join("server.toml");
    std::fs::write(&file, text).unwrap();
    let out = Command::new(binary())
        .args(["--config", file.to_str().unwrap(), "--addr", "127.0.0.1:0", "--db", fx.db_path().to_str().unwrap()])
        .args(["--www", fx.args.www.to_str().unwrap(), "--widget", fx.args.widget_dir.to_str().unwrap()])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn the_binary_refuses_a_bad_configuration_with_exit_code_2_naming_the_key() {
    let fx = Fixture::new();
    let (code, stderr) = run_with_config(&fx, "[[sites]]\nid = \"testsite\"\nallowed_origins = [\"https://shop.example/\"]\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("invalid configuration"), "{stderr}");
    assert!(stderr.contains("sites[0].allowed_origins[0]"), "{stderr}");
    let (code, stderr) = run_with_config(&fx, "[[sites]]\nid = \"nosuchsite\"\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("sites[0].id: no policy defines site \"nosuchsite\""), "{stderr}");
    let (code, stderr) = run_with_config(&fx, "demo = \"yes\"\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("line 1 (demo = \"yes\")"), "{stderr}");
    assert!(!fx.db_path().exists(), "nothing is created when the configuration is invalid");
}

#[test]
fn c_e3_bad_signin_keys_stop_the_start_naming_each_key_path() {
    let fx = Fixture::new();
    let text = "[[sites]]\nid = \"pcextreme\"\n\
        [[sites.signin_keys]]\nkid = \"k1\"\npublic_key = \"-----BEGIN PUBLIC KEY-----\\nbm9wZQ==\\n-----END PUBLIC KEY-----\"\n\
        [[sites.signin_keys]]\nkid = \"k2\"\nalg = \"HS256\"\nsecret = \"too short\"\n\
        [[sites.signin_keys]]\nkid = \"k2\"\nalg = \"HS256\"\nsecret = \"0123456789abcdef0123456789abcdef\"\n\
        [[sites.signin_keys]]\nkid = \"k4\"\nalg = \"RS256\"\npublic_key = \"x\"\n";
    let (code, stderr) = run_with_config(&fx, text);
    assert_eq!(code, Some(2), "{stderr}");
    for expected in [
        "sites[0].signin_keys[0].public_key: not an Ed25519 public key in PEM",
        "sites[0].signin_keys[1].secret: must be at least 32 bytes (it has 9)",
        "sites[0].signin_keys[2].kid: \"k2\" is configured twice for site \"pcextreme\"",
        "sites[0].signin_keys[3].alg: \"RS256\" is not one of \"EdDSA\", \"ES256\", \"HS256\"",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    assert!(!fx.db_path().exists(), "nothing is created when a key is refused");
    let (code, stderr) = run_with_config(&fx, "[[sites]]\nid = \"pcextreme\"\n[[sites.signin_keys]]\nkid = \"k1\"\npublickey = \"x\"\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("unknown field `publickey`"), "{stderr}");
}

#[test]
fn the_policies_folder_comes_from_the_file_the_environment_or_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let default = Settings::load(None, &|_| None, &Overrides::default()).unwrap();
    assert_eq!(default.policies, None);
    assert_eq!(default.policies_dir(), Path::new("www/policies"), "<www>/policies by default");
    let file = format!("www = \"site\"\npolicies = {:?}\n", a.to_str().unwrap());
    assert_eq!(load(&file, &[]).unwrap().policies_dir(), a);
    assert_eq!(load(&file, &[("PW_POLICIES", b.to_str().unwrap())]).unwrap().policies_dir(), b, "the environment wins over the file");
    let overrides = Overrides { policies: Some(a.clone()), ..Overrides::default() };
    let s = Settings::load(None, &|name| (name == "PW_POLICIES").then(|| b.to_str().unwrap().to_owned()), &overrides).unwrap();
    assert_eq!(s.policies_dir(), a, "the command line wins");
    assert_eq!(load("www = \"site\"\n", &[]).unwrap().policies_dir(), Path::new("site/policies"));
    let e = errors(&format!("policies = {:?}\n", dir.path().join("missing").to_str().unwrap()));
    assert!(e.iter().any(|e| e.starts_with("policies: ") && e.ends_with("missing is not a folder")), "{e:?}");
}
