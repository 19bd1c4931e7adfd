//! Web Storage: clearing a withdrawn purpose's keys (C-A7) and the outbox's one key.

use crate::prelude::*;

use crate::consent::wildcard_match;
use web_sys::Storage;

fn local() -> Option<Storage> {
    crate::browser::js::window()?.local_storage().ok().flatten()
}

/// Removes every localStorage and sessionStorage key matching one of `patterns`.
pub fn clear_matching(patterns: &[&str]) -> usize {
    let Some(window) = crate::browser::js::window() else { return 0 };
    let mut removed = 0;
    for store in [window.local_storage(), window.session_storage()] {
        if let Ok(Some(store)) = store {
            removed += clear_in(&store, patterns);
        }
    }
    removed
}

fn clear_in(store: &Storage, patterns: &[&str]) -> usize {
    let len = store.length().unwrap_or(0);
    let mut doomed = Vec::new();
    for i in 0..len {
        if let Ok(Some(key)) = store.key(i) {
            if patterns.iter().any(|p| wildcard_match(p, &key)) {
                doomed.push(key);
            }
        }
    }
    for key in &doomed {
        let _ = store.remove_item(key);
    }
    doomed.len()
}

/// Reads a localStorage item (None when storage is blocked).
pub fn get(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

/// Writes a localStorage item; false when storage is blocked or full.
pub fn set(key: &str, value: &str) -> bool {
    local().is_some_and(|s| s.set_item(key, value).is_ok())
}

/// Removes a localStorage item.
pub fn remove(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(key);
    }
}
