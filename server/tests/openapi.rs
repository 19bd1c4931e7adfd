//! The contract: `server/openapi.yaml` and the router agree, route for route (issue 6).

mod common;

use std::{collections::BTreeSet, path::Path};

use axum::{body::Body, http::Request};
use common::{send, Fixture};
use privacy_widget_server::http::ProblemKind;
use yaml_rust2::{Yaml, YamlLoader};

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// The spec, parsed by a YAML parser: a syntax error fails every test that reads it.
fn spec() -> Yaml {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.yaml")).unwrap();
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("openapi.yaml is not valid YAML: {e}"));
    assert_eq!(docs.len(), 1, "openapi.yaml holds one document");
    docs.remove(0)
}

/// (path, method) pairs under `paths:` in the spec; a key under a path that is neither a method
/// nor `parameters`/`summary`/`description` fails, so a misspelt method cannot hide.
fn spec_routes(spec: &Yaml) -> BTreeSet<(String, String)> {
    let paths = spec["paths"].as_hash().expect("`paths` is a mapping");
    let mut out = BTreeSet::new();
    for (path, item) in paths {
        let path = path.as_str().expect("path keys are strings");
        assert!(path.starts_with('/'), "path {path:?} starts with /");
        let item = item.as_hash().unwrap_or_else(|| panic!("{path} is a mapping"));
        for key in item.keys() {
            let key = key.as_str().unwrap_or_else(|| panic!("{path}: keys are strings"));
            if METHODS.contains(&key) {
                out.insert((path.to_owned(), key.to_owned()));
            } else {
                assert!(["parameters", "summary", "description"].contains(&key), "{path}: unexpected key {key:?}");
            }
        }
    }
    out
}

/// (path, method) pairs from every `.route("…", get(…).post(…))` in the server's sources.
fn source_routes(dir: &Path, out: &mut BTreeSet<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_routes(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for piece in text.split(".route(\"").skip(1) {
                let Some((route, rest)) = piece.split_once('"') else { continue };
                let end = [".route(", ".layer(", ".merge(", ".nest", ";"]
                    .iter()
                    .filter_map(|stop| rest.find(stop))
                    .min()
                    .unwrap_or(rest.len());
                let handlers = &rest[..end];
                for method in METHODS {
                    let call = format!("{method}(");
                    if handlers.match_indices(&call).any(|(i, _)| i == 0 || !handlers.as_bytes()[i - 1].is_ascii_alphanumeric() && handlers.as_bytes()[i - 1] != b'_') {
                        out.insert((route.to_owned(), method.to_owned()));
                    }
                }
            }
        }
    }
}

#[test]
fn every_route_is_in_the_spec_and_every_spec_route_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = spec_routes(&spec());
    let mut code = BTreeSet::new();
    source_routes(&root.join("src"), &mut code);
    assert!(code.contains(&("/api/v1/consents".into(), "post".into())), "route scan found {code:?}");
    let missing_in_spec: Vec<_> = code.difference(&spec).collect();
    let missing_in_code: Vec<_> = spec.difference(&code).collect();
    assert!(missing_in_spec.is_empty(), "routes the spec lacks: {missing_in_spec:?}");
    assert!(missing_in_code.is_empty(), "spec routes with no handler: {missing_in_code:?}");
}

#[tokio::test]
async fn every_spec_route_is_routed() {
    let spec = spec_routes(&spec());
    let fx = Fixture::new();
    let (app, _) = fx.app().await;
    for (path, method) in spec {
        let concrete: String = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { "x123456789abcdefx" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        let request = Request::builder().method(method.to_uppercase().as_str()).uri(&concrete).body(Body::empty()).unwrap();
        let r = send(&app, request).await;
        assert_ne!(r.status, 405, "{method} {path}");
        let unrouted = r.status == 404 && r.json()["type"] == "/problems/not-found" && r.json().get("detail").is_none();
        assert!(!unrouted, "{method} {path} is not routed");
    }
}

#[test]
fn every_problem_type_is_in_the_spec() {
    let spec = spec();
    assert_eq!(spec["openapi"].as_str().map(|v| v.starts_with("3.1")), Some(true), "openapi: 3.1.x");
    let listed: BTreeSet<&str> = spec["components"]["schemas"]["Problem"]["properties"]["type"]["enum"]
        .as_vec()
        .expect("components.schemas.Problem.properties.type.enum is a list")
        .iter()
        .map(|v| v.as_str().expect("problem types are strings"))
        .collect();
    for kind in ProblemKind::ALL {
        assert!(listed.contains(kind.type_uri()), "{} missing from openapi.yaml's Problem.type enum", kind.type_uri());
    }
}
