//! The JSON form of a [`Notice`]: written by the backend, read by the marketing-page module.
//!
//! ```json
//! {"notice":2,"site":"pcextreme","version":"2024-05-01","lang":"nl","controller":"PCextreme B.V.",
//!  "controller_line":"PCextreme B.V. · privacy@pcextreme.nl",
//!  "ui":{"banner_label":"Cookie- en privacykeuze","banner_text":"PCextreme B.V. wil …", …},
//!  "purposes":[{"id":"analytics","kind":"analytics","label":"Statistieken","description":"…",
//!    "retention":"26 maanden na het verzamelen",
//!    "recipients":[{"id":"google","text":"Google (VS, buiten de EU)"}],
//!    "services":[{"id":"ga","text":"Google Analytics — Cookies: _ga (2 jaar)"}]}],
//!  "services":[{"id":"ga","vendor":"google","purposes":["analytics"],"cookies":["_ga"],"storage":[]}]}
//! ```
//! `ui` holds every text of [`UI_NAMES`]. Optional members (`description`) may be left out;
//! lists may be empty. Reading stops at the first problem and names its path
//! (`purposes[2].kind: unknown value`). Format 1 (no `ui`, structured recipients and cookies)
//! is refused with a message saying so.

use crate::prelude::*;

use super::notice::{Notice, NoticeLine, NoticePurpose, NoticeService, NOTICE_FORMAT, UI_NAMES};
use crate::policy::{push_u64, PURPOSE_KINDS, VENDORS};
use serde_json::{Map, Value};

/// Why a notice could not be read: where, and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeError {
    /// JSON path (`purposes[2].kind`), or empty for the document.
    pub path: String,
    /// What is wrong at `path`, in a sentence.
    pub reason: String,
}

impl NoticeError {
    /// `notice purposes[2].kind: unknown value`.
    pub fn message(&self) -> String {
        let mut out = String::from("notice ");
        out.push_str(if self.path.is_empty() { "(document)" } else { &self.path });
        out.push_str(": ");
        out.push_str(&self.reason);
        out
    }
}

impl core::fmt::Display for NoticeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for NoticeError {}

/// Where a value is, built only when there is a problem to report (`purposes[2].kind`).
#[derive(Clone, Copy)]
struct At<'a> {
    parent: Option<&'a At<'a>>,
    key: &'static str,
    index: Option<usize>,
}

const ROOT: At<'static> = At { parent: None, key: "", index: None };

impl<'a> At<'a> {
    fn key(&'a self, key: &'static str) -> At<'a> {
        At { parent: Some(self), key, index: None }
    }

    fn item(&'a self, index: usize) -> At<'a> {
        At { parent: Some(self), key: "", index: Some(index) }
    }

    fn write(&self, out: &mut String) {
        if let Some(parent) = self.parent {
            parent.write(out);
        }
        if let Some(i) = self.index {
            out.push('[');
            push_u64(out, i as u64);
            out.push(']');
        } else if !self.key.is_empty() {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(self.key);
        }
    }
}

/// A JSON value as the notice reader sees it: a serde_json [`Value`] (the server, native
/// tests), or in the marketing page the browser's `JSON.parse` result (`src/browser/js.rs`),
/// so that the script tag's wasm carries no JSON parser. Both give the same notice and the
/// same errors.
pub trait NoticeSource: Sized {
    /// The member `key` of an object; `None` when it is missing or `self` is no object.
    fn member(&self, key: &str) -> Option<Self>;
    /// Whether this is an object (not a list).
    fn is_object(&self) -> bool;
    /// Whether this is `null`.
    fn is_null(&self) -> bool;
    /// The text of a string.
    fn text(&self) -> Option<String>;
    /// The items of a list.
    fn items(&self) -> Option<Vec<Self>>;
    /// The value of a number.
    fn number(&self) -> Option<f64>;
}

impl<'a> NoticeSource for &'a Value {
    fn member(&self, key: &str) -> Option<&'a Value> {
        Value::get(self, key)
    }

    fn is_object(&self) -> bool {
        Value::is_object(self)
    }

    fn is_null(&self) -> bool {
        Value::is_null(self)
    }

    fn text(&self) -> Option<String> {
        Value::as_str(self).map(str::to_string)
    }

    fn items(&self) -> Option<Vec<&'a Value>> {
        Value::as_array(self).map(|items| items.iter().collect())
    }

    fn number(&self) -> Option<f64> {
        Value::as_f64(self)
    }
}

/// Reads values, keeping the first problem (later ones follow from it or can wait).
#[derive(Default)]
struct Reader {
    error: Option<NoticeError>,
}

impl Reader {
    fn fail(&mut self, at: &At, reason: &'static str) {
        if self.error.is_none() {
            let mut path = String::new();
            at.write(&mut path);
            self.error = Some(NoticeError { path, reason: reason.to_string() });
        }
    }

    /// The string `m` (the member `key` of a value at `at`); `null` is none.
    fn text_of<V: NoticeSource>(&mut self, m: &V, at: &At, key: &'static str) -> Option<String> {
        if m.is_null() {
            return None;
        }
        let text = m.text();
        if text.is_none() {
            self.fail(&at.key(key), "expected a string");
        }
        text
    }

    fn optional<V: NoticeSource>(&mut self, v: &V, at: &At, key: &'static str) -> Option<String> {
        let m = v.member(key)?;
        self.text_of(&m, at, key)
    }

    fn string<V: NoticeSource>(&mut self, v: &V, at: &At, key: &'static str) -> String {
        match v.member(key) {
            None => {
                self.fail(&at.key(key), "missing");
                String::new()
            }
            Some(m) => self.text_of(&m, at, key).unwrap_or_default(),
        }
    }

    fn items<V: NoticeSource>(&mut self, v: &V, at: &At, key: &'static str) -> Vec<V> {
        let Some(m) = v.member(key) else { return Vec::new() };
        let items = m.items();
        if items.is_none() {
            self.fail(&at.key(key), "expected a list");
        }
        items.unwrap_or_default()
    }

    fn strings<V: NoticeSource>(&mut self, v: &V, at: &At, key: &'static str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, item) in self.items(v, at, key).iter().enumerate() {
            match item.text() {
                Some(s) => out.push(s),
                None => self.fail(&at.key(key).item(i), "expected a string"),
            }
        }
        out
    }

    /// The index in `names` of the string at `key`.
    fn name_of<V: NoticeSource>(&mut self, names: &[&'static str], v: &V, at: &At, key: &'static str) -> usize {
        let name = self.string(v, at, key);
        match names.iter().position(|n| *n == name) {
            Some(i) => i,
            None => {
                self.fail(&at.key(key), "unknown value");
                0
            }
        }
    }

    /// `[{"id":…,"text":…}]` at `key`.
    fn lines<V: NoticeSource>(&mut self, v: &V, at: &At, key: &'static str) -> Vec<NoticeLine> {
        let list = at.key(key);
        let mut out = Vec::new();
        for (i, l) in self.items(v, at, key).iter().enumerate() {
            let at = list.item(i);
            out.push(NoticeLine { id: self.string(l, &at, "id"), text: self.string(l, &at, "text") });
        }
        out
    }

    fn purpose<V: NoticeSource>(&mut self, p: &V, at: &At) -> Option<NoticePurpose> {
        let kind = self.name_of(&PURPOSE_KIND_NAMES, p, at, "kind");
        Some(NoticePurpose {
            id: self.string(p, at, "id"),
            kind: PURPOSE_KINDS.get(kind)?.1,
            label: self.string(p, at, "label"),
            description: self.optional(p, at, "description"),
            retention: self.string(p, at, "retention"),
            recipients: self.lines(p, at, "recipients"),
            services: self.lines(p, at, "services"),
        })
    }

    fn service<V: NoticeSource>(&mut self, s: &V, at: &At) -> Option<NoticeService> {
        let vendor = self.name_of(&VENDOR_NAMES, s, at, "vendor");
        Some(NoticeService {
            id: self.string(s, at, "id"),
            vendor: VENDORS.get(vendor)?.1,
            purposes: self.strings(s, at, "purposes"),
            cookies: self.strings(s, at, "cookies"),
            storage: self.strings(s, at, "storage"),
        })
    }

    /// The `ui` object's texts, in [`UI_NAMES`] order.
    fn ui<V: NoticeSource>(&mut self, doc: &V) -> Vec<String> {
        let at = ROOT.key("ui");
        let Some(ui) = doc.member("ui").filter(|u| u.is_object()) else {
            self.fail(&at, "expected an object of texts");
            return Vec::new();
        };
        UI_NAMES.iter().map(|name| self.string(&ui, &at, name)).collect()
    }
}

/// The names of a `(name, value)` table, for [`Reader::name_of`].
const fn names<T: Copy, const N: usize>(table: &[(&'static str, T)]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = table[i].0;
        i += 1;
    }
    out
}

const PURPOSE_KIND_NAMES: [&str; PURPOSE_KINDS.len()] = names(PURPOSE_KINDS);
const VENDOR_NAMES: [&str; VENDORS.len()] = names(VENDORS);

impl Notice {
    /// Reads a notice's JSON text; the error names the first problem's path.
    pub fn read(text: &str) -> Result<Notice, NoticeError> {
        let doc: Value = serde_json::from_str(text).map_err(|e| NoticeError { path: String::new(), reason: e.to_string() })?;
        Notice::read_value(&&doc)
    }

    /// Reads a parsed notice; the error names the first problem's path.
    pub fn read_value<V: NoticeSource>(doc: &V) -> Result<Notice, NoticeError> {
        let mut r = Reader::default();
        if !doc.is_object() {
            r.fail(&ROOT, "expected an object");
        } else {
            match doc.member("notice").and_then(|n| n.number()) {
                Some(n) if n == f64::from(NOTICE_FORMAT) => {}
                Some(n) if n < f64::from(NOTICE_FORMAT) => {
                    r.fail(&ROOT.key("notice"), "an older format (1) without the banner texts; the backend must be updated")
                }
                Some(_) => r.fail(&ROOT.key("notice"), "a format this widget does not read"),
                None => r.fail(&ROOT.key("notice"), "missing (is this a policy instead of its notice?)"),
            }
        }
        if let Some(e) = r.error.take() {
            return Err(e);
        }
        let mut purposes = Vec::new();
        let list = ROOT.key("purposes");
        for (i, p) in r.items(doc, &ROOT, "purposes").iter().enumerate() {
            purposes.extend(r.purpose(p, &list.item(i)));
        }
        let mut services = Vec::new();
        let list = ROOT.key("services");
        for (i, s) in r.items(doc, &ROOT, "services").iter().enumerate() {
            services.extend(r.service(s, &list.item(i)));
        }
        let notice = Notice {
            site: r.string(doc, &ROOT, "site"),
            version: r.string(doc, &ROOT, "version"),
            lang: r.string(doc, &ROOT, "lang"),
            controller: r.string(doc, &ROOT, "controller"),
            controller_line: r.string(doc, &ROOT, "controller_line"),
            ui: r.ui(doc),
            purposes,
            services,
        };
        match r.error {
            Some(e) => Err(e),
            None => Ok(notice),
        }
    }

    /// The JSON text (compact, members in key order).
    pub fn to_json(&self) -> String {
        let text = |s: &str| Value::from(s);
        let strings = |items: &[String]| Value::from_iter(items.iter().map(|s| text(s)));
        let lines = |items: &[NoticeLine]| Value::from_iter(items.iter().map(|l| object([("id", text(&l.id)), ("text", text(&l.text))])));
        let ui = Value::Object(UI_NAMES.iter().zip(&self.ui).map(|(name, t)| (name.to_string(), text(t))).collect());
        let purposes = self.purposes.iter().map(|p| {
            let mut o = object([
                ("id", text(&p.id)),
                ("kind", text(p.kind.name())),
                ("label", text(&p.label)),
                ("retention", text(&p.retention)),
                ("recipients", lines(&p.recipients)),
                ("services", lines(&p.services)),
            ]);
            if let (Some(d), Value::Object(o)) = (&p.description, &mut o) {
                o.insert("description".to_string(), text(d));
            }
            o
        });
        let services = self.services.iter().map(|s| {
            object([
                ("id", text(&s.id)),
                ("vendor", text(s.vendor.name())),
                ("purposes", strings(&s.purposes)),
                ("cookies", strings(&s.cookies)),
                ("storage", strings(&s.storage)),
            ])
        });
        object([
            ("notice", Value::from(NOTICE_FORMAT)),
            ("site", text(&self.site)),
            ("version", text(&self.version)),
            ("lang", text(&self.lang)),
            ("controller", text(&self.controller)),
            ("controller_line", text(&self.controller_line)),
            ("ui", ui),
            ("purposes", Value::from_iter(purposes)),
            ("services", Value::from_iter(services)),
        ])
        .to_string()
    }
}

/// A JSON object of these members.
fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
    Value::Object(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<String, Value>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        Notice::read(text).map(|_| ()).expect_err("must not read").message()
    }

    /// A format-2 document up to (not including) `purposes`, with every `ui` text.
    fn base() -> String {
        let ui: Vec<String> = UI_NAMES.iter().map(|n| format!("\"{n}\":\"t\"")).collect();
        format!(r#"{{"notice":2,"site":"s","version":"1","lang":"nl","controller":"C","controller_line":"C","ui":{{{}}},"#, ui.join(","))
    }

    #[test]
    fn a_policy_an_old_notice_or_garbage_is_refused_with_the_reason() {
        assert_eq!(error(r#"{"site":"pcextreme","version":"1"}"#), "notice notice: missing (is this a policy instead of its notice?)");
        assert_eq!(error("[1]"), "notice (document): expected an object");
        assert!(error("{").starts_with("notice (document): "), "{}", error("{"));
        assert_eq!(error(r#"{"notice":3}"#), "notice notice: a format this widget does not read");
        assert_eq!(
            error(r#"{"notice":1,"site":"s","version":"1","lang":"nl","controller":"C","contact":[],"purposes":[],"services":[]}"#),
            "notice notice: an older format (1) without the banner texts; the backend must be updated"
        );
    }

    #[test]
    fn a_wrong_member_is_named_by_its_path() {
        let base = base();
        let p = |purposes: &str| format!("{base}\"purposes\":[{purposes}]}}");
        assert!(Notice::read(&p("")).is_ok(), "{:?}", Notice::read(&p("")));
        assert_eq!(error(&format!("{base}\"services\":[{{\"id\":\"x\",\"vendor\":\"google\",\"cookies\":\"_ga\"}}]}}")), "notice services[0].cookies: expected a list");
        assert_eq!(
            error(&p(r#"{"id":"a","kind":"analytics","label":"A","retention":"r"},{"id":"b","kind":"spying","label":"B","retention":"r"}"#)),
            "notice purposes[1].kind: unknown value"
        );
        assert_eq!(
            error(&p(r#"{"id":"a","kind":"analytics","label":"A","retention":"r","recipients":[{"id":"g","name":"G"}]}"#)),
            "notice purposes[0].recipients[0].text: missing"
        );
        assert_eq!(
            error(&p(r#"{"id":"a","kind":"analytics","label":"A","retention":"r","services":[{"id":"g","text":7}]}"#)),
            "notice purposes[0].services[0].text: expected a string"
        );
        assert_eq!(error(&p(r#"{"id":"a","kind":"analytics","label":7,"retention":"r"}"#)), "notice purposes[0].label: expected a string");
        assert_eq!(error(&format!("{base}\"version\":7}}")), "notice version: expected a string");
    }

    #[test]
    fn every_ui_text_is_required() {
        let without = base().replace(r#""gpc_note":"t","#, "");
        assert_eq!(error(&format!("{without}\"purposes\":[]}}")), "notice ui.gpc_note: missing");
        let no_ui = r#"{"notice":2,"site":"s","version":"1","lang":"nl","controller":"C","controller_line":"C","ui":["x"]}"#;
        assert_eq!(error(no_ui), "notice ui: expected an object of texts");
        let with_number = base().replace(r#""saved":"t""#, r#""saved":1"#);
        assert_eq!(error(&format!("{with_number}\"purposes\":[]}}")), "notice ui.saved: expected a string");
    }
}
