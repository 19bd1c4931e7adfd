//! Reading helpers for `parse`: objects with known fields, typed values, enum names, and
//! author-friendly reasons (with a "did you mean" for near-miss field names).

use crate::prelude::*;

use serde_json::{Map, Value};

use super::error::{cat, char_count, index_path, join_str, key_path, Errs};
use super::model::{Date, Period, Text};

/// What a JSON value is, for "expected …, found …" reasons.
pub(super) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn expected(what: &str, v: &Value) -> String {
    cat(&["expected ", what, ", found ", kind_of(v)])
}

/// An object being read: its known fields were checked on opening. When the value was not an
/// object (already reported), every read quietly yields nothing.
pub(super) struct Obj<'v> {
    map: Option<&'v Map<String, Value>>,
    /// The object's own path.
    pub path: String,
}

impl<'v> Obj<'v> {
    /// Opens `v` as an object whose fields must all be in `known`.
    pub fn open(v: &'v Value, path: &str, known: &[&str], e: &mut Errs) -> Obj<'v> {
        let Value::Object(map) = v else {
            e.push(path, expected("an object", v));
            return Obj::absent(path);
        };
        for key in sorted_keys(map) {
            if !known.contains(&key.as_str()) {
                e.push(&key_path(path, key), unknown_field(key, known));
                if let Some(near) = closest(key, known) {
                    e.suspect(key_path(path, near));
                }
            }
        }
        Obj { map: Some(map), path: path.to_string() }
    }

    /// An object that is missing or not an object (already reported): reads yield nothing.
    pub fn absent(path: &str) -> Obj<'v> {
        Obj { map: None, path: path.to_string() }
    }

    /// Whether the value was an object.
    pub fn is_object(&self) -> bool {
        self.map.is_some()
    }

    /// Reports every present field not in `allowed`, with `why` as the reason.
    pub fn forbid_except(&self, allowed: &[&str], why: &str, e: &mut Errs) {
        if let Some(map) = self.map {
            for key in sorted_keys(map).into_iter().filter(|k| !allowed.contains(&k.as_str())) {
                e.push(&key_path(&self.path, key), why);
            }
        }
    }

    /// The field's value and path, if present.
    pub fn get(&self, key: &str) -> Option<(&'v Value, String)> {
        let v = self.map?.get(key)?;
        Some((v, key_path(&self.path, key)))
    }

    /// The field's value and path; reports it missing when the object has no such field.
    pub fn req(&self, key: &str, e: &mut Errs) -> Option<(&'v Value, String)> {
        let map = self.map?;
        match map.get(key) {
            Some(v) => Some((v, key_path(&self.path, key))),
            None => {
                e.push(&key_path(&self.path, key), "required field is missing");
                None
            }
        }
    }

    /// A required field read with `read`; `None` when missing or wrong.
    pub fn req_with<T>(&self, key: &str, e: &mut Errs, read: impl FnOnce(&'v Value, &str, &mut Errs) -> Option<T>) -> Option<T> {
        let (v, p) = self.req(key, e)?;
        read(v, &p, e)
    }

    /// An optional field read with `read`; `None` when absent or wrong.
    pub fn opt_with<T>(&self, key: &str, e: &mut Errs, read: impl FnOnce(&'v Value, &str, &mut Errs) -> Option<T>) -> Option<T> {
        let (v, p) = self.get(key)?;
        read(v, &p, e)
    }

    /// A required nested object, opened with its known fields (absent when missing).
    pub fn obj(&self, key: &str, known: &[&str], e: &mut Errs) -> Obj<'v> {
        match self.req(key, e) {
            Some((v, p)) => Obj::open(v, &p, known, e),
            None => Obj::absent(&key_path(&self.path, key)),
        }
    }

    /// An optional array field; every item is read with `read` (which keeps a placeholder for
    /// a bad item so that indexes stay true). Absent means empty.
    pub fn list<T>(&self, key: &str, e: &mut Errs, mut read: impl FnMut(&'v Value, &str, &mut Errs) -> T) -> Vec<T> {
        let Some((v, p)) = self.get(key) else { return Vec::new() };
        array(v, &p, e, &mut read).unwrap_or_default()
    }

    /// A required string (empty placeholder when missing or wrong).
    pub fn string(&self, key: &str, e: &mut Errs) -> String {
        self.req_with(key, e, string).unwrap_or_default()
    }

    /// An optional string.
    pub fn opt_string(&self, key: &str, e: &mut Errs) -> Option<String> {
        self.opt_with(key, e, string)
    }

    /// A required text (empty placeholder when missing or wrong).
    pub fn text(&self, key: &str, e: &mut Errs) -> Text {
        self.req_with(key, e, text).unwrap_or_else(|| Text::Plain(String::new()))
    }

    /// An optional text.
    pub fn opt_text(&self, key: &str, e: &mut Errs) -> Option<Text> {
        self.opt_with(key, e, text)
    }

    /// A list of strings (an empty-string placeholder for a bad item).
    pub fn strings(&self, key: &str, e: &mut Errs) -> Vec<String> {
        self.list(key, e, |v, p, e| string(v, p, e).unwrap_or_default())
    }

    /// A list of texts.
    pub fn texts(&self, key: &str, e: &mut Errs) -> Vec<Text> {
        self.list(key, e, |v, p, e| text(v, p, e).unwrap_or_else(|| Text::Plain(String::new())))
    }

    /// A required boolean (`false` placeholder).
    pub fn boolean(&self, key: &str, e: &mut Errs) -> bool {
        self.req_with(key, e, |v, p, e| match v {
            Value::Bool(b) => Some(*b),
            _ => {
                e.push(p, expected("true or false", v));
                None
            }
        })
        .unwrap_or(false)
    }
}

/// An object's keys in order, so that its problems are reported in the same order whatever
/// order serde_json keeps them in.
fn sorted_keys(map: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    keys
}

/// An array; every item is read with `read`, which keeps a placeholder for a bad item.
pub(super) fn array<'v, T>(
    v: &'v Value,
    path: &str,
    e: &mut Errs,
    mut read: impl FnMut(&'v Value, &str, &mut Errs) -> T,
) -> Option<Vec<T>> {
    let Value::Array(items) = v else {
        e.push(path, expected("an array", v));
        return None;
    };
    Some(items.iter().enumerate().map(|(i, item)| read(item, &index_path(path, i), e)).collect())
}

/// A string value.
pub(super) fn string(v: &Value, path: &str, e: &mut Errs) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        _ => {
            e.push(path, expected("a string", v));
            None
        }
    }
}

/// A text: a plain string, or an object of language to string.
pub(super) fn text(v: &Value, path: &str, e: &mut Errs) -> Option<Text> {
    match v {
        Value::String(s) => Some(Text::Plain(s.clone())),
        Value::Object(map) => {
            let mut out = super::model::LangTexts::default();
            let mut ok = true;
            for lang in sorted_keys(map) {
                let Some(value) = map.get(lang) else { continue };
                match value {
                    Value::String(s) => {
                        out.insert(lang.clone(), s.clone());
                    }
                    _ => {
                        e.push(&key_path(path, lang), expected("a string", value));
                        ok = false;
                    }
                }
            }
            ok.then_some(Text::ByLang(out))
        }
        _ => {
            e.push(path, expected("a string or an object of language to string", v));
            None
        }
    }
}

/// A `YYYY-MM-DD` date.
pub(super) fn date(v: &Value, path: &str, e: &mut Errs) -> Option<Date> {
    let Value::String(s) = v else {
        e.push(path, expected("a date \"YYYY-MM-DD\"", v));
        return None;
    };
    let date = Date::parse(s);
    if date.is_none() {
        e.push(path, cat(&["invalid date \"", s, "\": use YYYY-MM-DD with a real calendar day"]));
    }
    date
}

/// A period such as `"7 years"`.
pub(super) fn period(v: &Value, path: &str, e: &mut Errs) -> Option<Period> {
    let Value::String(s) = v else {
        e.push(path, expected("a period such as \"7 years\"", v));
        return None;
    };
    Period::parse(s).map_err(|reason| e.push(path, reason)).ok()
}

/// One of the names in `table`; `what` names the thing (`"legal basis"`) in the reason.
pub(super) fn name_of<T: Copy>(v: &Value, path: &str, e: &mut Errs, what: &str, table: &[(&str, T)]) -> Option<T> {
    // The work is in `name_index`, compiled once rather than once per enum.
    let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
    let i = name_index(v, path, e, what, &names)?;
    table.get(i).map(|(_, value)| *value)
}

fn name_index(v: &Value, path: &str, e: &mut Errs, what: &str, names: &[&str]) -> Option<usize> {
    let Value::String(s) = v else {
        e.push(path, expected(&cat(&["a ", what, " name"]), v));
        return None;
    };
    if let Some(i) = names.iter().position(|name| name == s) {
        return Some(i);
    }
    let mut reason = cat(&["unknown ", what, " \"", s, "\""]);
    if let Some(near) = closest(s, names) {
        reason.push_str(&cat(&["; did you mean \"", near, "\"?"]));
    } else {
        reason.push_str(&cat(&[" (allowed: ", &join_str(names, ", "), ")"]));
    }
    e.push(path, reason);
    None
}

fn unknown_field(key: &str, known: &[&str]) -> String {
    match closest(key, known) {
        Some(near) => cat(&["unknown field \"", key, "\"; did you mean \"", near, "\"?"]),
        None => cat(&["unknown field \"", key, "\" (allowed: ", &join_str(known, ", "), ")"]),
    }
}

/// The candidate nearest to `word` when it is near enough to be a typo.
pub(super) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    let limit = match char_count(&word) {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    };
    candidates
        .iter()
        .map(|c| (edit_distance(&word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance counting a swap of neighbours as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_field_names_are_suggested() {
        assert_eq!(closest("legal_bassis", &["legal_basis", "label"]), Some("legal_basis"));
        assert_eq!(closest("recipeints", &["recipients", "retention"]), Some("recipients"));
        assert_eq!(closest("colour", &["id", "label"]), None);
    }
}
