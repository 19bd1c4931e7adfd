//! The widget crate's layering, read from its source: no two top-level modules of `src/` reach
//! each other through `crate::`/`super::`/`self::` paths (in `use` lines, grouped or not, and
//! inline in code), no module's direct sub-modules do either (`policy`, `ui::panel`,
//! `ui::panel::visitor`, ...), and the pure modules never name a web binding (`wasm_bindgen`,
//! `web_sys`, `js_sys`, `gloo_*`).
//!
//! Comments and string literals are not code: a doc comment may name any module. A failure
//! names the cycle and, for each step, the file and line that makes it.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// The modules the server and the native tests reuse: no web bindings in them (DESIGN.md).
const PURE: &[&str] = &["consent", "i18n", "policy", "requests", "prelude", "wire"];
/// Crates that only exist in a browser.
const WEB_CRATES: &[&str] = &["wasm_bindgen", "wasm_bindgen_futures", "web_sys", "js_sys", "serde_wasm_bindgen"];

/// One source file: its module path and its code with comments and literals blanked out.
struct File {
    path: String,
    module: Vec<String>,
    code: String,
}

/// A reference from code at `file:line` to the module path `target` (absolute, from the crate root).
#[derive(Debug, Clone)]
struct Reference {
    file: String,
    line: usize,
    /// The module the reference is made from (the file's, plus inline `mod x { … }` blocks).
    from: Vec<String>,
    target: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Reading the source

fn source_files(root: &Path) -> Vec<File> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir).expect("src/ is readable").map(|e| e.expect("entry").path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let rel = path.strip_prefix(root).expect("under src/");
                let text = std::fs::read_to_string(&path).expect("readable source");
                out.push(File { path: format!("src/{}", rel.display()), module: module_of(rel), code: strip(&text) });
            }
        }
    }
    out
}

/// `lib.rs` → `[]`, `a.rs` and `a/mod.rs` → `[a]`, `a/b.rs` → `[a, b]`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !(parts.is_empty() && stem == "lib") && stem != "mod" {
        parts.push(stem.to_string());
    }
    parts
}

/// The text with comments, string and character literals replaced by spaces (newlines kept,
/// so that lines still count).
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        let at = |k: usize| c.get(i + k).copied().unwrap_or('\0');
        if at(0) == '/' && at(1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
                out.push(' ');
            }
        } else if at(0) == '/' && at(1) == '*' {
            let mut depth = 0;
            loop {
                let at = |k: usize| c.get(i + k).copied().unwrap_or('\0');
                if i >= c.len() {
                    break;
                }
                if at(0) == '/' && at(1) == '*' {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if at(0) == '*' && at(1) == '/' {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if (at(0) == 'r' || (at(0) == 'b' && at(1) == 'r')) && !prev_is_ident(&c, i) && raw_string_hashes(&c, i).is_some() {
            let start = if at(0) == 'b' { i + 2 } else { i + 1 };
            let hashes = raw_string_hashes(&c, i).unwrap_or(0);
            let mut j = start + hashes + 1;
            while j < c.len() && !(c[j] == '"' && (0..hashes).all(|k| c.get(j + 1 + k) == Some(&'#'))) {
                j += 1;
            }
            let end = (j + 1 + hashes).min(c.len());
            for &ch in &c[i..end] {
                blank(&mut out, ch);
            }
            i = end;
        } else if at(0) == '"' {
            blank(&mut out, '"');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            if i < c.len() {
                out.push(' ');
                i += 1;
            }
        } else if at(0) == '\'' && (at(1) == '\\' || at(2) == '\'') {
            // A character literal ('x', '\n', '\u{1F600}'); a lifetime ('a) has no closing quote.
            let mut j = i + 1;
            if at(1) == '\\' {
                j += 2;
            }
            while j < c.len() && c[j] != '\'' {
                j += 1;
            }
            for _ in i..=j.min(c.len() - 1) {
                out.push(' ');
            }
            i = j + 1;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(c: &[char], i: usize) -> bool {
    i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_')
}

/// At `r"`, `r#"`, `br"` …: the number of `#`.
fn raw_string_hashes(c: &[char], i: usize) -> Option<usize> {
    let mut j = if c.get(i) == Some(&'b') { i + 2 } else { i + 1 };
    let mut hashes = 0;
    while c.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (c.get(j) == Some(&'"')).then_some(hashes)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Colons,
    Punct(char),
}

fn tokens(code: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch.is_alphanumeric() || ch == '_' || (ch == '$' && c.get(i + 1).is_some_and(|n| n.is_alphabetic())) {
            let start = i;
            i += 1;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            // `r#name` is the identifier `name`.
            let word = word.strip_prefix("r#").map(str::to_string).unwrap_or(word);
            out.push((Tok::Ident(word), line));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push((Tok::Colons, line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

/// Every path of a file that names a module of this crate, resolved to an absolute path.
fn references(file: &File, modules: &BTreeSet<Vec<String>>) -> Vec<Reference> {
    let toks = tokens(&file.code);
    let mut out = Vec::new();
    // Inline `mod name { … }` blocks: (name, brace depth inside it).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let current = || {
            let mut m = file.module.clone();
            m.extend(inline.iter().map(|(n, _)| n.clone()));
            m
        };
        match &toks[i].0 {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(w) if w == "mod" => {
                if let (Some((Tok::Ident(name), _)), Some((Tok::Punct('{'), _))) = (toks.get(i + 1), toks.get(i + 2)) {
                    inline.push((name.clone(), depth + 1));
                    depth += 1;
                    i += 3;
                    continue;
                }
            }
            Tok::Ident(w) if w == "use" => {
                let end = toks[i..].iter().position(|(t, _)| *t == Tok::Punct(';')).map_or(toks.len(), |p| i + p);
                let here = current();
                for (path, line) in use_paths(&toks[i + 1..end]) {
                    if let Some(target) = resolve(&path, &here, modules, true) {
                        out.push(Reference { file: file.path.clone(), line, from: here.clone(), target });
                    }
                }
                i = end + 1;
                continue;
            }
            Tok::Ident(w) if matches!(w.as_str(), "crate" | "$crate" | "super" | "self") && toks.get(i + 1).is_some_and(|t| t.0 == Tok::Colons) => {
                let line = toks[i].1;
                let mut path = vec![w.clone()];
                let mut j = i + 1;
                while let (Some((Tok::Colons, _)), Some((Tok::Ident(seg), _))) = (toks.get(j), toks.get(j + 1)) {
                    path.push(seg.clone());
                    j += 2;
                }
                if let Some(target) = resolve(&path, &current(), modules, false) {
                    out.push(Reference { file: file.path.clone(), line, from: current(), target });
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The paths of a use tree (`a::{b, c::{d, e as f}, self}`), each with its line.
fn use_paths(toks: &[(Tok, usize)]) -> Vec<(Vec<String>, usize)> {
    fn tree(toks: &[(Tok, usize)], i: &mut usize, prefix: &[String], out: &mut Vec<(Vec<String>, usize)>) {
        let mut path = prefix.to_vec();
        let mut line = toks.get(*i).map_or(0, |t| t.1);
        loop {
            match toks.get(*i) {
                Some((Tok::Ident(w), l)) if w == "as" => {
                    *i += 2;
                    line = *l;
                }
                Some((Tok::Ident(w), l)) => {
                    if w != "self" || path.is_empty() {
                        path.push(w.clone());
                    }
                    line = *l;
                    *i += 1;
                }
                Some((Tok::Colons, _)) => *i += 1,
                Some((Tok::Punct('*'), _)) => *i += 1,
                Some((Tok::Punct('{'), _)) => {
                    *i += 1;
                    loop {
                        match toks.get(*i) {
                            None => return,
                            Some((Tok::Punct('}'), _)) => {
                                *i += 1;
                                return;
                            }
                            Some((Tok::Punct(','), _)) => *i += 1,
                            Some(_) => tree(toks, i, &path, out),
                        }
                    }
                }
                _ => break,
            }
        }
        if !path.is_empty() {
            out.push((path, line));
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    // `pub use`, `pub(crate) use`: the visibility comes before `use` and is not in `toks`.
    while i < toks.len() {
        tree(toks, &mut i, &[], &mut out);
        i += 1;
    }
    out
}

/// The absolute module path a path names (as far as it names modules), or `None` for a path
/// into another crate. In a `use`, a first segment naming a child module is relative.
fn resolve(path: &[String], here: &[String], modules: &BTreeSet<Vec<String>>, in_use: bool) -> Option<Vec<String>> {
    let mut abs: Vec<String>;
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate" | "$crate") => {
            abs = Vec::new();
            rest = &path[1..];
        }
        Some("super" | "self") => {
            abs = here.to_vec();
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "super" => {
                        abs.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
        Some(first) if in_use => {
            let mut child = here.to_vec();
            child.push(first.to_string());
            if !modules.contains(&child) {
                return None;
            }
            abs = here.to_vec();
        }
        _ => return None,
    }
    for seg in rest {
        abs.push(seg.clone());
    }
    Some(abs)
}

/// `#[macro_export]` macros live at the crate root: a path to one is a path to the module that
/// defines it.
fn exported_macros(files: &[File]) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for f in files {
        let toks = tokens(&f.code);
        for (i, (t, _)) in toks.iter().enumerate() {
            if *t == Tok::Ident("macro_export".into()) {
                let name = toks[i..].windows(3).find_map(|w| match w {
                    [(Tok::Ident(m), _), (Tok::Punct('!'), _), (Tok::Ident(n), _)] if m == "macro_rules" => Some(n.clone()),
                    _ => None,
                });
                if let Some(name) = name {
                    out.insert(name, f.module.clone());
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The graph

/// An edge between two modules with the places that make it.
type Graph = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// The graph of the direct sub-modules of `parent` (`[]` for the crate's top-level modules).
fn graph(files: &[File], parent: &[String]) -> Graph {
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.module.clone()).collect();
    let macros = exported_macros(files);
    let child_of = |path: &[String]| -> Option<String> {
        if path.len() > parent.len() && path.starts_with(parent) {
            let child = &path[parent.len()];
            let mut m = parent.to_vec();
            m.push(child.clone());
            return modules.contains(&m).then(|| child.clone());
        }
        None
    };
    let mut g = Graph::new();
    for f in files {
        for r in references(f, &modules) {
            let target = match (r.target.as_slice(), parent.is_empty()) {
                ([name, ..], true) if macros.contains_key(name) && !modules.contains(&vec![name.clone()]) => macros[name].clone(),
                _ => r.target.clone(),
            };
            let (Some(from), Some(to)) = (child_of(&r.from), child_of(&target)) else { continue };
            if from != to {
                g.entry(from).or_default().entry(to).or_default().push(format!("{}:{}", r.file, r.line));
            }
        }
    }
    g
}

/// Every cycle of the graph, each once, as `a -> b -> a` with the places of its steps.
fn cycles(g: &Graph) -> Vec<String> {
    let mut found = BTreeSet::new();
    let mut out = Vec::new();
    for start in g.keys() {
        // Shortest way back to `start`, breadth first.
        let mut prev: BTreeMap<&String, &String> = BTreeMap::new();
        let mut queue: VecDeque<&String> = VecDeque::from([start]);
        let mut back = None;
        while let Some(node) = queue.pop_front() {
            for next in g.get(node).map(|m| m.keys().collect::<Vec<_>>()).unwrap_or_default() {
                if next == start {
                    back = Some(node);
                    break;
                }
                if !prev.contains_key(next) {
                    prev.insert(next, node);
                    queue.push_back(next);
                }
            }
            if back.is_some() {
                break;
            }
        }
        let Some(mut node) = back else { continue };
        let mut ring = vec![start.clone()];
        let mut rest = vec![node.clone()];
        while node != start {
            node = prev[node];
            if node != start {
                rest.push(node.clone());
            }
        }
        rest.reverse();
        ring.extend(rest);
        let key: BTreeSet<String> = ring.iter().cloned().collect();
        if !found.insert(key) {
            continue;
        }
        let mut text = String::new();
        for (k, from) in ring.iter().enumerate() {
            let to = &ring[(k + 1) % ring.len()];
            let places = &g[from][to];
            text.push_str(&format!("\n    {from} -> {to}  ({})", places.join(", ")));
        }
        out.push(text);
    }
    out
}

fn crate_files() -> Vec<File> {
    source_files(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src"))
}

// ---------------------------------------------------------------------------------------------
// The checks

#[test]
fn no_two_top_level_modules_reach_each_other() {
    let g = graph(&crate_files(), &[]);
    assert!(g.len() >= 8, "the graph of src/ looks empty: {g:?}");
    let found = cycles(&g);
    assert!(found.is_empty(), "top-level modules of src/ import each other:{}", found.join("\n"));
}

#[test]
fn no_module_s_sub_modules_import_each_other() {
    let files = crate_files();
    let parents: BTreeSet<Vec<String>> =
        files.iter().filter(|f| f.module.len() > 1).map(|f| f.module[..f.module.len() - 1].to_vec()).collect();
    assert!(parents.contains(&vec!["policy".to_string()]), "policy has sub-modules: {parents:?}");
    let visitor: Vec<String> = ["ui", "panel", "visitor"].map(String::from).to_vec();
    assert!(parents.contains(&visitor), "ui::panel::visitor has sub-modules: {parents:?}");
    let mut found = Vec::new();
    for parent in &parents {
        let name = parent.join("::");
        for cycle in cycles(&graph(&files, parent)) {
            found.push(format!("in {name}:{cycle}"));
        }
    }
    assert!(found.is_empty(), "sub-modules import each other:\n{}", found.join("\n"));
}

#[test]
fn pure_modules_never_name_a_web_binding() {
    let mut found = Vec::new();
    for f in crate_files().iter().filter(|f| f.module.first().is_some_and(|m| PURE.contains(&m.as_str()))) {
        for (tok, line) in tokens(&f.code) {
            if let Tok::Ident(w) = tok {
                if WEB_CRATES.contains(&w.as_str()) || w.starts_with("gloo") {
                    found.push(format!("{}:{line}: {w}", f.path));
                }
            }
        }
    }
    assert!(found.is_empty(), "pure modules use web bindings:\n  {}", found.join("\n  "));
}

// ---------------------------------------------------------------------------------------------
// The reader itself, on small texts (so that the checks above can fail)

fn file(path: &str, text: &str) -> File {
    File { path: path.to_string(), module: module_of(Path::new(path.trim_start_matches("src/"))), code: strip(text) }
}

fn top_graph(files: &[File]) -> Graph {
    graph(files, &[])
}

#[test]
fn grouped_nested_relative_and_inline_paths_are_all_read() {
    let files = [
        file("src/lib.rs", "mod a; mod b; mod c; mod d; mod e;"),
        file("src/a/mod.rs", "use crate::{b::X, c::{self, Y as Z}};\nmod inner;"),
        file("src/a/inner.rs", "fn f() { super::super::d::g(); }"),
        file("src/b.rs", "pub(crate) use self::x::Y; mod x { pub fn f() { crate::e::h(); } }"),
        file("src/c.rs", "fn f() -> u8 { 1 }"),
        file("src/d.rs", ""),
        file("src/e.rs", ""),
    ];
    let g = top_graph(&files);
    let edges: Vec<(String, String)> = g.iter().flat_map(|(a, m)| m.keys().map(move |b| (a.clone(), b.clone()))).collect();
    let pairs = [("a", "b"), ("a", "c"), ("a", "d"), ("b", "e")];
    assert_eq!(edges, pairs.map(|(a, b)| (a.to_string(), b.to_string())).to_vec());
    assert_eq!(g["a"]["d"], ["src/a/inner.rs:1"]);
}

#[test]
fn comments_and_strings_are_not_code_but_a_cycle_is_named_with_its_places() {
    let files = [
        file("src/lib.rs", ""),
        file("src/ui/mod.rs", "//! see crate::surface\n/* crate::surface */ const S: &str = \"crate::surface\";\nuse crate::surface::decision;"),
        file("src/surface.rs", "const R: &str = r#\"crate::api\"#; const C: char = '\"';\nfn f<'a>() { crate::ui::page::start(); }"),
        file("src/api.rs", ""),
    ];
    let g = top_graph(&files);
    assert!(!g.get("surface").is_some_and(|m| m.contains_key("api")), "a raw string is no path: {g:?}");
    let found = cycles(&g);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("surface -> ui  (src/surface.rs:2)"), "{}", found[0]);
    assert!(found[0].contains("ui -> surface  (src/ui/mod.rs:3)"), "{}", found[0]);
}

#[test]
fn a_longer_circle_and_an_inline_test_module_are_resolved() {
    let files = [
        file("src/lib.rs", ""),
        file("src/policy/mod.rs", "mod parse; mod read; mod retention_parse;"),
        file("src/policy/parse.rs", "use super::read::Obj; #[cfg(test)] mod tests { use super::*; }"),
        file("src/policy/read.rs", "use super::retention_parse::rule;"),
        file("src/policy/retention_parse.rs", "use super::parse::blank_rule;"),
    ];
    let found = cycles(&graph(&files, &["policy".to_string()]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("parse -> read") && found[0].contains("read -> retention_parse") && found[0].contains("retention_parse -> parse"));
}

