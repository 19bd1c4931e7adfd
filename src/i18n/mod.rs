//! The widget's own UI texts: nl and en catalogs, language choice and lookup.
//!
//! Catalogs live in `catalog/`, one file per area (`common`, `consent`, `store`, `panel`), each
//! with an `NL` and an `EN` table of `(key, text)`. Every key must exist in both tables; the test
//! `every_used_key_is_in_every_catalog` also checks that each `t(.., "key")` literal in `src/` is
//! present, so a missing key fails `cargo test`.

use crate::prelude::*;

mod catalog;

/// A language the widget's own texts exist in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Dutch (`nl`), the default.
    Nl,
    /// English (`en`).
    En,
}

impl Lang {
    /// The language tag, `"nl"` or `"en"`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// Reads a BCP 47 tag (`"en-GB"`, `"NL"`); `None` when the widget has no catalog for it.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        // The primary subtag: up to the first `-` or `_` (ASCII, so a char boundary).
        let end = tag.bytes().position(|b| b == b'-' || b == b'_').unwrap_or(tag.len());
        let primary = tag.get(..end).unwrap_or("").trim_ascii();
        if primary.eq_ignore_ascii_case("nl") {
            Some(Lang::Nl)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the language: the element's `lang` attribute, then `<html lang>`, then the
    /// browser's languages in order, then Dutch. Candidates without a catalog are skipped.
    pub fn choose<'a>(candidates: impl IntoIterator<Item = &'a str>) -> Lang {
        candidates.into_iter().find_map(Lang::from_tag).unwrap_or(Lang::Nl)
    }
}

/// Looks up a UI text. A key missing from the catalog returns the key itself (never panics);
/// the catalog tests make sure that cannot ship.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    for (nl, en) in catalog::AREAS {
        let table = match lang {
            Lang::Nl => nl,
            Lang::En => en,
        };
        if let Some((_, text)) = table.iter().find(|(k, _)| *k == key) {
            return text;
        }
    }
    key
}

/// Looks up a UI text while compiling: `t!(lang, "consent.save")` is the same text as
/// `t(lang, "consent.save")`, but a key missing from the catalogs fails the build, and the
/// binary holds only the two texts (no keys, no tables, no search): the marketing page's wasm
/// uses it; the control-panel views use [`t`].
#[macro_export]
macro_rules! t {
    ($lang:expr, $key:literal) => {
        match $lang {
            $crate::i18n::Lang::Nl => {
                const TEXT: &str = $crate::i18n::lookup(false, $key);
                TEXT
            }
            $crate::i18n::Lang::En => {
                const TEXT: &str = $crate::i18n::lookup(true, $key);
                TEXT
            }
        }
    };
}

/// The catalog text of `key` (Dutch, or English when `en`), for [`t!`] at compile time;
/// a missing key stops the build there.
#[doc(hidden)]
pub const fn lookup(en: bool, key: &str) -> &'static str {
    let mut a = 0;
    while a < catalog::AREAS.len() {
        let table = if en { catalog::AREAS[a].1 } else { catalog::AREAS[a].0 };
        let mut i = 0;
        while i < table.len() {
            if same(table[i].0, key) {
                return table[i].1;
            }
            i += 1;
        }
        a += 1;
    }
    panic!("privacy-widget: a t!(..) key is missing from the i18n catalogs")
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Replaces `{name}` placeholders in a catalog text with values (values are inserted as text,
/// never markup: the UI sets them with `set_text_content`).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    // Byte scans and `str::get`, not indexing or `split_once(char)`: no slice-index panic paths
    // (which format integers) in the wasm. `{` and `}` are ASCII, so every `get` succeeds.
    fn split_at(text: &str, sep: u8) -> Option<(&str, &str)> {
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if bytes[at] == sep {
                return Some((text.get(..at)?, text.get(at + 1..)?));
            }
            at += 1;
        }
        None
    }
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some((before, after)) = split_at(rest, b'{') {
        out.push_str(before);
        match split_at(after, b'}') {
            Some((name, tail)) => {
                match values.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = tail;
            }
            None => {
                out.push('{');
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
