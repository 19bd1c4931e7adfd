//! The server's top-level modules form layers: no two of them use each other, directly or
//! through others. Read from the source: every `use crate::…` path (also grouped, `use
//! crate::{a, b::c}`), every `crate::x::` path in code, and `super::` paths that leave a
//! top-level module, in every file under `server/src` (comments and strings left out). A cycle
//! fails the test with its modules named in order.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

/// The server's source folder (`LAYERS_SRC` checks another one, e.g. an older tree's).
fn src() -> PathBuf {
    std::env::var_os("LAYERS_SRC").map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), PathBuf::from)
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules: `src/x.rs` and `src/x/` (the crate root and the binary are not modules).
fn top_level_modules(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .expect("read src")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_owned();
            let module = p.is_dir() || p.extension().is_some_and(|e| e == "rs");
            (module && name != "lib" && name != "main").then_some(name)
        })
        .collect()
}

/// The top-level module a file belongs to (`src/panel/store.rs` → `panel`); `None` for the
/// crate root and the binary.
fn owner(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_owned())
}

/// The code without comments, string and char literals (so doc text and messages that name a
/// module are not read as uses).
fn code_only(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            i += end;
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(rest.len(), |e| e + 2);
            i += end;
        } else if rest.starts_with("r#\"") || rest.starts_with("r\"") {
            let hashes = rest[1..].chars().take_while(|c| *c == '#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let start = 2 + hashes;
            let end = rest[start..].find(&close).map_or(rest.len(), |e| start + e + close.len());
            out.push_str("\"\"");
            i += end;
        } else if rest.starts_with('"') {
            let mut j = 1;
            while j < rest.len() {
                match rest.as_bytes()[j] {
                    b'\\' => j += 2,
                    b'"' => break,
                    _ => j += 1,
                }
            }
            out.push_str("\"\"");
            i += (j + 1).min(rest.len());
        } else if rest.starts_with("'") && is_char_literal(rest) {
            let end = rest[1..].find('\'').map_or(rest.len(), |e| e + 2);
            out.push_str("' '");
            i += end;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// `'a'`, `'\n'`, `'\''` are char literals; `'a` (a lifetime) is not.
fn is_char_literal(rest: &str) -> bool {
    let mut chars = rest.chars().skip(1);
    match chars.next() {
        Some('\\') => true,
        Some(_) => chars.next() == Some('\''),
        None => false,
    }
}

/// The first segments of every path that starts at `root` (`crate` or `super`) in `code`,
/// `use` groups expanded one level: `crate::{a, b::c}` gives `a` and `b`.
fn paths_from(code: &str, root: &str) -> Vec<String> {
    let mut found = Vec::new();
    let pattern = format!("{root}::");
    let mut from = 0;
    while let Some(at) = code[from..].find(&pattern) {
        let start = from + at;
        from = start + pattern.len();
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') && !code[..start].ends_with('$') {
            continue;
        }
        let rest = &code[from..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut end = 0;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = k;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let mut depth = 0;
            let mut item = String::new();
            for c in group[..end].chars().chain(std::iter::once(',')) {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.push(first_segment(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
        } else {
            found.push(first_segment(rest));
        }
    }
    found.retain(|s| !s.is_empty());
    found
}

fn first_segment(path: &str) -> String {
    path.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// Which top-level modules each top-level module uses.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules = top_level_modules(src);
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules.iter().map(|m| (m.clone(), BTreeSet::new())).collect();
    for file in files {
        let Some(from) = owner(src, &file) else { continue };
        let code = code_only(&std::fs::read_to_string(&file).expect("read file"));
        let mut used = paths_from(&code, "crate");
        // `super::x` in a file directly under src/ (src/a.rs, or src/a/mod.rs's children
        // reaching the root through `super::super::`) is a path from the crate root.
        let depth = file.strip_prefix(src).map(|r| r.components().count()).unwrap_or(0);
        let is_mod_file = file.file_name().is_some_and(|n| n == "mod.rs");
        let levels_to_root = if is_mod_file { depth - 1 } else { depth };
        let root_super = vec!["super"; levels_to_root].join("::");
        if !root_super.is_empty() {
            used.extend(paths_from(&code, &root_super));
        }
        for to in used {
            if to != from && modules.contains(&to) {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    graph
}

/// A cycle through two or more modules, in order, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(node.to_owned(), Mark::Open);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            match marks.get(next).copied().unwrap_or(Mark::New) {
                Mark::Open => {
                    let at = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(cycle) = visit(next, graph, marks, stack) {
                        return Some(cycle);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks.insert(node.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if marks.get(node).copied().unwrap_or(Mark::New) == Mark::New {
            if let Some(cycle) = visit(node, graph, &mut marks, &mut Vec::new()) {
                return Some(cycle);
            }
        }
    }
    None
}

/// The modules in layer order (each after every module it uses), for the failure message and
/// for `--nocapture` runs.
fn layer_order(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut placed: Vec<String> = Vec::new();
    while placed.len() < graph.len() {
        let ready: Vec<String> = graph
            .iter()
            .filter(|(m, uses)| !placed.contains(m) && uses.iter().all(|u| placed.contains(u)))
            .map(|(m, _)| m.clone())
            .collect();
        if ready.is_empty() {
            break;
        }
        placed.extend(ready);
    }
    placed
}

#[test]
fn no_two_top_level_modules_of_the_server_use_each_other() {
    let graph = module_graph(&src());
    assert!(graph.len() > 5, "found only {:?} under {}", graph.keys(), src().display());
    for (module, uses) in &graph {
        println!("{module} -> {}", uses.iter().cloned().collect::<Vec<_>>().join(", "));
    }
    if let Some(cycle) = find_cycle(&graph) {
        panic!("the server's top-level modules form a cycle: {}", cycle.join(" -> "));
    }
    println!("layers, bottom up: {}", layer_order(&graph).join(" < "));
}

#[test]
fn the_reader_finds_grouped_nested_and_inline_paths_and_skips_comments_and_strings() {
    let code = code_only(
        "use crate::{a, b::c, d::{e, f}};\nuse crate::g;\nfn x() { crate::h::y(); \"crate::s::t\"; }\n// crate::k::z\n$crate::m::n\nuse super::p::q;",
    );
    let mut found = paths_from(&code, "crate");
    found.sort();
    assert_eq!(found, ["a", "b", "d", "g", "h", "m"]);
    assert_eq!(paths_from(&code, "super"), ["p"]);
    assert_eq!(paths_from("fn f<'a>(x: &'a str) -> char { 'c' } use crate::w;", "crate"), ["w"]);
}

#[test]
fn a_cycle_is_found_and_named() {
    let edges = [("cli", "config"), ("config", "panel"), ("panel", "state"), ("state", "cli"), ("db", "config")];
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in edges {
        graph.entry(from.into()).or_default().insert(to.into());
        graph.entry(to.into()).or_default();
    }
    let cycle = find_cycle(&graph).expect("a cycle");
    assert_eq!(cycle.first(), cycle.last());
    assert_eq!(cycle.len(), 5, "{cycle:?}");
    graph.get_mut("state").unwrap().remove("cli");
    assert_eq!(find_cycle(&graph), None);
    assert_eq!(layer_order(&graph), ["state", "panel", "config", "cli", "db"]);
}
