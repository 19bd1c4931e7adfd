//! The errors a policy document can have: each names a JSON path and a reason an author understands.

use crate::prelude::*;

/// One problem in a policy document, at a JSON path such as `purposes[3].retention.event`
/// (dots for keys, `[i]` for indexes; empty for the document as a whole).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {reason}", shown_path(.path))]
pub struct PolicyError {
    /// Where the problem is; empty means the whole document.
    pub path: String,
    /// What is wrong, in words a policy author understands.
    pub reason: String,
}

/// Every problem found in a document, in a stable order: shape errors in reading order first,
/// then errors of meaning.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", joined(.0))]
pub struct PolicyErrors(pub Vec<PolicyError>);

impl PolicyErrors {
    /// The errors one per line, as `path: reason`.
    pub fn lines(&self) -> Vec<String> {
        self.0.iter().map(|e| cat(&[shown_path(&e.path), ": ", &e.reason])).collect()
    }
}

fn shown_path(path: &str) -> &str {
    if path.is_empty() {
        "(document)"
    } else {
        path
    }
}

fn joined(errors: &[PolicyError]) -> String {
    let mut out = String::new();
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(shown_path(&e.path));
        out.push_str(": ");
        out.push_str(&e.reason);
    }
    out
}

/// The path of `key` inside the object at `path`.
pub(crate) fn key_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        let mut p = String::with_capacity(path.len() + 1 + key.len());
        p.push_str(path);
        p.push('.');
        p.push_str(key);
        p
    }
}

/// The path of item `index` of the array at `path`.
pub(crate) fn index_path(path: &str, index: usize) -> String {
    let mut p = String::with_capacity(path.len() + 6);
    p.push_str(path);
    p.push('[');
    push_u64(&mut p, index as u64);
    p.push(']');
    p
}

/// Collects errors while a document is read or checked; the second list holds paths that are
/// suspect without an error of their own (a field that a typo probably meant to give).
#[derive(Debug, Default)]
pub(crate) struct Errs(pub Vec<PolicyError>, pub Vec<String>);

impl Errs {
    /// Records a problem at `path`.
    pub fn push(&mut self, path: &str, reason: impl Into<String>) {
        self.0.push(PolicyError { path: path.to_string(), reason: reason.into() });
    }

    /// Marks `path` as suspect: checks that depend on it are skipped.
    pub fn suspect(&mut self, path: String) {
        self.1.push(path);
    }
}

/// The number of characters in `s` (what `chars().count()` gives, with less code in the wasm).
pub(crate) fn char_count(s: &str) -> usize {
    s.bytes().filter(|&b| (b as i8) >= -0x40).count()
}

/// `items` joined with `sep` (what `join` gives, with less code in the wasm).
pub(crate) fn join_str<S: AsRef<str>>(items: &[S], sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item.as_ref());
    }
    out
}

/// `parts` put together: messages are built with this instead of `format!`, whose machinery
/// is large in the wasm.
pub(crate) fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `n` in decimal.
pub(crate) fn num(n: usize) -> String {
    let mut out = String::new();
    push_u64(&mut out, n as u64);
    out
}

/// Appends the decimal digits of `n` without the formatting machinery (large in the wasm).
pub fn push_u64(out: &mut String, n: u64) {
    // Most significant digit first, by recursion (at most twenty deep): no buffer, no index
    // (a bounds-check panic path would pull integer formatting into the wasm).
    if n >= 10 {
        push_u64(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}
