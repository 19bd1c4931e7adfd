//! What every check of meaning shares: the size [`Limits`], the state of one check run
//! ([`Ctx`]: where reading already failed, so that nothing is reported twice), and the checks
//! of ids and references that the rules of `validate_rules` use.

use crate::prelude::*;

use super::error::{cat, char_count, join_str, num, index_path as at, key_path as key, Errs, PolicyError};
use super::model::*;

/// Size limits a policy must stay within.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most plans, categories, recipients, purposes or tracking services (each).
    pub items: usize,
    /// Most fields over all categories.
    pub fields: usize,
    /// Most entries in any other list (domains, cookies, notes, plan rules, ...).
    pub list: usize,
    /// Longest text or string, in characters.
    pub text_chars: usize,
    /// Longest id, in characters.
    pub id_chars: usize,
    /// Most languages.
    pub languages: usize,
}

/// The limits every policy is checked against.
pub const LIMITS: Limits =
    Limits { items: 200, fields: 1000, list: 200, text_chars: 10_000, id_chars: 64, languages: 20 };

/// The state of one check run.
pub(super) struct Ctx<'a> {
    e: Errs,
    shape: &'a [PolicyError],
    suspects: &'a [String],
    /// Whether `languages` was read without error (else language checks are skipped).
    pub languages_ok: bool,
}

fn is_within(inner: &str, outer: &str) -> bool {
    outer.is_empty()
        || inner == outer
        || (inner.starts_with(outer) && matches!(inner.as_bytes().get(outer.len()), Some(b'.' | b'[')))
}

impl<'a> Ctx<'a> {
    /// A run that skips what depends on the places in `shape` (errors of reading) and
    /// `suspects` (fields a typo probably meant to give).
    pub fn new(shape: &'a [PolicyError], suspects: &'a [String]) -> Ctx<'a> {
        Ctx { e: Errs::default(), shape, suspects, languages_ok: true }
    }

    /// The problems reported.
    pub fn into_errors(self) -> Vec<PolicyError> {
        self.e.0
    }

    /// Reports a problem unless its place (or a parent) already failed to read.
    pub fn report(&mut self, path: &str, reason: impl Into<String>) {
        if !self.poisoned(path) {
            self.e.push(path, reason);
        }
    }

    /// Whether reading failed at `path` or at a parent of it.
    pub fn poisoned(&self, path: &str) -> bool {
        self.shape.iter().any(|s| is_within(path, &s.path)) || self.suspects.iter().any(|s| is_within(path, s))
    }

    /// Whether reading failed anywhere at, above or inside `path`.
    pub fn touched(&self, path: &str) -> bool {
        self.poisoned(path) || self.shape.iter().any(|s| is_within(&s.path, path))
    }

    /// Whether the rule at `path` was replaced by a placeholder because it could not be read.
    pub fn rule_unread(&self, path: &str) -> bool {
        ["kind", "period", "event"].iter().any(|k| self.poisoned(&key(path, k))) || self.poisoned(path)
    }

    /// Whether every id of the list at `list` (with `n` items) was read, so references to it can be checked.
    pub fn ids_complete(&self, list: &str, n: usize) -> bool {
        !self.poisoned(list) && (0..n).all(|i| !self.poisoned(&key(&at(list, i), "id")))
    }

    /// Checks an id's form: `[a-z0-9][a-z0-9_-]*`, at most 64 characters.
    pub fn id(&mut self, path: &str, id: &str) {
        let mut chars = id.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if id.is_empty() {
            self.report(path, "id must not be empty");
        } else if !first_ok || !rest_ok {
            self.report(
                path,
                cat(&["invalid id \"", id, "\": use lowercase letters a-z, digits, \"_\" and \"-\", starting with a letter or digit"]),
            );
        } else if char_count(id) > LIMITS.id_chars {
            self.report(path, cat(&["id is ", &num(char_count(id)), " characters; the limit is ", &num(LIMITS.id_chars)]));
        }
    }

    /// Checks a list's length against `limit`; `what` names its items.
    pub fn count(&mut self, path: &str, n: usize, limit: usize, what: &str) {
        if n > limit {
            self.report(path, cat(&[&num(n), " ", what, "; the limit is ", &num(limit)]));
        }
    }

    /// Checks a plain string's length (and, if `required`, that it is not blank).
    pub fn string(&mut self, path: &str, s: &str, required: bool) {
        let n = char_count(s);
        if required && s.trim().is_empty() {
            self.report(path, "must not be empty");
        } else if n > LIMITS.text_chars {
            self.report(path, cat(&["text is ", &num(n), " characters; the limit is ", &num(LIMITS.text_chars)]));
        }
    }

    /// Checks a text: every declared language present, no undeclared one, lengths, and (if
    /// `required`) no empty string.
    pub fn text(&mut self, path: &str, text: &Text, required: bool, languages: &[Lang]) {
        if self.touched(path) {
            return;
        }
        match text {
            Text::Plain(s) => self.string(path, s, required),
            Text::ByLang(map) => {
                if self.languages_ok {
                    for lang in languages {
                        if !map.contains_key(lang) {
                            self.report(path, cat(&["missing text for language \"", lang, "\""]));
                        }
                    }
                }
                for (lang, s) in map {
                    let p = key(path, lang);
                    if self.languages_ok && !languages.contains(lang) {
                        self.report(&p, cat(&["language \"", lang, "\" is not in languages (", &join_str(languages, ", "), ")"]));
                    } else {
                        self.string(&p, s, required);
                    }
                }
            }
        }
    }

    /// Checks an optional text.
    pub fn opt_text(&mut self, path: &str, text: &Option<Text>, languages: &[Lang]) {
        if let Some(t) = text {
            self.text(path, t, false, languages);
        }
    }
}

/// Reports each repeated id of `ids` (the items of the list at `list`), naming its first place.
pub(super) fn unique_ids<'a>(c: &mut Ctx, list: &str, ids: impl Iterator<Item = &'a str>, what: &str) {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for (i, id) in ids.enumerate() {
        if id.is_empty() {
            continue;
        }
        match seen.iter().find(|(s, _)| *s == id) {
            Some((_, first)) => {
                let first = at(list, *first);
                c.report(&key(&at(list, i), "id"), cat(&["duplicate ", what, " id \"", id, "\" (first at ", &first, ")"]));
            }
            None => seen.push((id, i)),
        }
    }
}

/// Checks a list of references at `list`: each names an existing id of `known` (when that id
/// space was read completely) and appears once.
pub(super) fn references(c: &mut Ctx, list: &str, refs: &[Id], known: &[&str], complete: bool, what: &str) {
    for (i, r) in refs.iter().enumerate() {
        let p = at(list, i);
        if refs.iter().take(i).any(|x| x == r) {
            c.report(&p, cat(&[what, " \"", r, "\" is listed twice"]));
        } else {
            reference(c, &p, r, known, complete, what);
        }
    }
}

/// Checks one reference to an id of `known`.
pub(super) fn reference(c: &mut Ctx, path: &str, r: &str, known: &[&str], complete: bool, what: &str) {
    if !complete || known.contains(&r) {
        return;
    }
    let mut reason = cat(&["unknown ", what, " \"", r, "\""]);
    match super::read::closest(r, known) {
        Some(near) => reason.push_str(&cat(&["; did you mean \"", near, "\"?"])),
        None if known.is_empty() => reason.push_str(&cat(&[" (the policy declares no ", what, "s)"])),
        None => reason.push_str(&cat(&[" (declared: ", &join_str(known, ", "), ")"])),
    }
    c.report(path, reason);
}
