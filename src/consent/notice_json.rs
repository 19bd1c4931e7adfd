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
use crate::policy::json::{self, Json, Object};
use crate::policy::{PURPOSE_KINDS, VENDORS};

/// Why a notice could not be read: where, and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeError {
    /// JSON path (`purposes[2].kind`), or empty for the document.
    pub path: String,
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
            json::push_u64(out, i as u64);
            out.push(']');
        } else if !self.key.is_empty() {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(self.key);
        }
    }
}

/// A JSON value as the notice reader sees it: the crate's own [`Json`] (the server, native
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

impl<'a> NoticeSource for &'a Json {
    fn member(&self, key: &str) -> Option<&'a Json> {
        Json::get(self, key)
    }

    fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    fn text(&self) -> Option<String> {
        self.as_str().map(str::to_string)
    }

    fn items(&self) -> Option<Vec<&'a Json>> {
        Json::as_array(self).map(|items| items.iter().collect())
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
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
        let doc = json::parse(text).map_err(|e| NoticeError { path: String::new(), reason: e.message() })?;
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

    /// The JSON text.
    pub fn to_json(&self) -> String {
        let strings = |items: &[String]| Json::Array(items.iter().map(|s| Json::str(s)).collect());
        let lines = |items: &[NoticeLine]| {
            let line = |l: &NoticeLine| Json::Object(Object::new().with("id", Json::str(&l.id)).with("text", Json::str(&l.text)));
            Json::Array(items.iter().map(line).collect())
        };
        let mut ui = Object::new();
        for (name, text) in UI_NAMES.iter().zip(&self.ui) {
            ui.insert(name.to_string(), Json::str(text));
        }
        let purposes = self.purposes.iter().map(|p| {
            let mut o = Object::new()
                .with("id", Json::str(&p.id))
                .with("kind", Json::str(p.kind.name()))
                .with("label", Json::str(&p.label))
                .with("retention", Json::str(&p.retention))
                .with("recipients", lines(&p.recipients))
                .with("services", lines(&p.services));
            if let Some(d) = &p.description {
                o.insert("description".to_string(), Json::str(d));
            }
            Json::Object(o)
        });
        let services = self.services.iter().map(|s| {
            Json::Object(
                Object::new()
                    .with("id", Json::str(&s.id))
                    .with("vendor", Json::str(s.vendor.name()))
                    .with("purposes", strings(&s.purposes))
                    .with("cookies", strings(&s.cookies))
                    .with("storage", strings(&s.storage)),
            )
        });
        Json::Object(
            Object::new()
                .with("notice", Json::Number(f64::from(NOTICE_FORMAT)))
                .with("site", Json::str(&self.site))
                .with("version", Json::str(&self.version))
                .with("lang", Json::str(&self.lang))
                .with("controller", Json::str(&self.controller))
                .with("controller_line", Json::str(&self.controller_line))
                .with("ui", Json::Object(ui))
                .with("purposes", Json::Array(purposes.collect()))
                .with("services", Json::Array(services.collect())),
        )
        .encode()
    }
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
