//! The checks, each a walk over the raw JSON that adds a [`Raw`] finding where the statement
//! is silent. A member of the wrong type counts as missing.

use serde_json::Value;

use super::fixes::Fix;
use super::{Finding, Langs};
use crate::policy::{LegalBasis, PurposeKind, LEGAL_BASES, PURPOSE_KINDS};
use crate::policy::statutory_kinds_for;

/// A finding before its fix is written out in the policy's languages.
pub(super) struct Raw {
    path: String,
    subject: Option<String>,
    fix: Fix,
}

impl Raw {
    pub(super) fn new(path: &str, subject: Option<&str>, fix: Fix) -> Raw {
        Raw { path: path.to_owned(), subject: subject.map(str::to_owned), fix }
    }

    pub(super) fn finish(self, langs: Langs) -> Finding {
        Finding {
            article: self.fix.article(),
            fix_nl: langs.nl.then(|| self.fix.nl()),
            fix_en: langs.en.then(|| self.fix.en()),
            path: self.path,
            subject: self.subject,
        }
    }
}

/// Every check, in document order.
pub(super) fn all(doc: &Value) -> Vec<Raw> {
    let mut out = Vec::new();
    controller(doc, &mut out);
    categories(doc, &mut out);
    recipients(doc, &mut out);
    purposes(doc, &mut out);
    tracking(doc, &mut out);
    rights(doc, &mut out);
    disclosures(doc, &mut out);
    out
}

/// A human text that says something: a non-blank string, or a map with a non-blank string.
fn says(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Object(m)) => m.values().any(|v| v.as_str().is_some_and(|s| !s.trim().is_empty())),
        _ => false,
    }
}

fn list<'v>(doc: &'v Value, key: &str) -> &'v [Value] {
    doc.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn id(v: &Value) -> Option<&str> {
    v.get("id").and_then(Value::as_str)
}

fn at(list: &str, i: usize) -> String {
    format!("{list}[{i}]")
}

fn controller(doc: &Value, out: &mut Vec<Raw>) {
    let Some(c) = doc.get("controller").filter(|c| c.is_object()) else {
        out.push(Raw::new("controller", None, Fix::Controller));
        out.push(Raw::new("controller.supervisory_authority", None, Fix::Complaint));
        return;
    };
    if !says(c.get("name")) {
        out.push(Raw::new("controller.name", None, Fix::ControllerName));
    }
    let contact = says(c.get("address")) || says(c.get("email")) || says(c.get("phone"));
    if !contact {
        out.push(Raw::new("controller", None, Fix::ControllerContact));
    }
    if !says(c.get("supervisory_authority").and_then(|a| a.get("name"))) {
        out.push(Raw::new("controller.supervisory_authority", None, Fix::Complaint));
    }
}

fn categories(doc: &Value, out: &mut Vec<Raw>) {
    let categories = list(doc, "categories");
    if categories.is_empty() {
        out.push(Raw::new("categories", None, Fix::NoCategories));
    }
    let used = |cat: &str| list(doc, "purposes").iter().any(|p| list(p, "categories").iter().any(|c| c.as_str() == Some(cat)));
    for (i, c) in categories.iter().enumerate() {
        let path = at("categories", i);
        if !id(c).is_some_and(used) {
            out.push(Raw::new(&path, id(c), Fix::CategoryUnused));
        }
        let from_elsewhere = c.get("source").and_then(Value::as_str) == Some("third_party");
        if from_elsewhere && !says(c.get("source_note")) {
            out.push(Raw::new(&format!("{path}.source_note"), id(c), Fix::Source));
        }
        if let Some(hold) = c.get("legal_hold") {
            retention(hold.get("retention"), &format!("{path}.legal_hold.retention"), id(c), out);
        }
    }
}

fn recipients(doc: &Value, out: &mut Vec<Raw>) {
    if !doc.get("recipients").is_some_and(Value::is_array) {
        out.push(Raw::new("recipients", None, Fix::Recipients));
    }
    for (i, r) in list(doc, "recipients").iter().enumerate() {
        let path = at("recipients", i);
        match r.get("outside_eu") {
            Some(Value::Bool(false)) => {}
            Some(Value::Bool(true)) => {
                if !says(r.get("safeguard")) {
                    out.push(Raw::new(&format!("{path}.safeguard"), id(r), Fix::Safeguard));
                }
            }
            _ => out.push(Raw::new(&format!("{path}.outside_eu"), id(r), Fix::Location)),
        }
    }
}

fn basis_of(p: &Value) -> LegalBasis {
    let name = p.get("legal_basis").and_then(Value::as_str);
    LEGAL_BASES.iter().find(|(n, _)| Some(*n) == name).map_or(LegalBasis::Unspecified, |(_, b)| *b)
}

fn kind_of(p: &Value) -> PurposeKind {
    let name = p.get("kind").and_then(Value::as_str);
    PURPOSE_KINDS.iter().find(|(n, _)| Some(*n) == name).map_or(PurposeKind::Other, |(_, k)| *k)
}

fn purposes(doc: &Value, out: &mut Vec<Raw>) {
    let purposes = list(doc, "purposes");
    if purposes.is_empty() {
        out.push(Raw::new("purposes", None, Fix::NoPurposes));
    }
    for (i, p) in purposes.iter().enumerate() {
        let path = at("purposes", i);
        match basis_of(p) {
            LegalBasis::Unspecified => out.push(Raw::new(&format!("{path}.legal_basis"), id(p), Fix::LegalBasis)),
            LegalBasis::LegitimateInterest if !says(p.get("legitimate_interest")) => {
                out.push(Raw::new(&format!("{path}.legitimate_interest"), id(p), Fix::LegitimateInterest));
            }
            LegalBasis::Consent => {
                let scope = p.get("consent").and_then(Value::as_str);
                if !matches!(scope, Some("browser" | "account")) {
                    out.push(Raw::new(&format!("{path}.consent"), id(p), Fix::Withdrawal));
                }
            }
            _ => {}
        }
        retention(p.get("retention"), &format!("{path}.retention"), id(p), out);
    }
}

/// A retention rule that gives no term, however deep in a `by_plan` rule.
fn retention(rule: Option<&Value>, path: &str, subject: Option<&str>, out: &mut Vec<Raw>) {
    let kind = rule.and_then(|r| r.get("kind")).and_then(Value::as_str);
    match kind {
        Some("fixed" | "after" | "until" | "after_use" | "indefinite") => {}
        Some("by_plan") => {
            let rule = rule.unwrap_or(&Value::Null);
            for (i, branch) in list(rule, "rules").iter().enumerate() {
                retention(branch.get("rule"), &format!("{path}.rules[{i}].rule"), subject, out);
            }
            if let Some(otherwise) = rule.get("otherwise") {
                retention(Some(otherwise), &format!("{path}.otherwise"), subject, out);
            }
        }
        _ => out.push(Raw::new(path, subject, Fix::Retention)),
    }
}

fn tracking(doc: &Value, out: &mut Vec<Raw>) {
    for (i, s) in list(doc, "tracking").iter().enumerate() {
        let path = at("tracking", i);
        if list(s, "purposes").is_empty() {
            out.push(Raw::new(&format!("{path}.purposes"), id(s), Fix::CookiePurpose));
        }
        if s.get("recipient").and_then(Value::as_str).is_none() {
            out.push(Raw::new(&format!("{path}.recipient"), id(s), Fix::CookieThirdParty));
        }
        if list(s, "cookies").is_empty() && list(s, "storage").is_empty() {
            out.push(Raw::new(&format!("{path}.cookies"), id(s), Fix::CookieList));
        }
        for (j, c) in list(s, "cookies").iter().enumerate() {
            let lifetime = c.get("lifetime");
            // Absent is a session cookie; anything but a period string says nothing.
            if lifetime.is_some_and(|l| !l.is_string()) {
                let name = c.get("name").and_then(Value::as_str);
                out.push(Raw::new(&format!("{path}.cookies[{j}].lifetime"), name, Fix::CookieLifetime));
            }
        }
    }
}

fn rights(doc: &Value, out: &mut Vec<Raw>) {
    let offered = doc.get("rights").map_or(&[][..], |r| list(r, "requests"));
    let mentioned = |name: &str| offered.iter().any(|o| o.get("kind").and_then(Value::as_str) == Some(name));
    let pairs = list(doc, "purposes").iter().map(|p| (basis_of(p), kind_of(p)));
    for (kind, _) in statutory_kinds_for(pairs) {
        if !mentioned(kind.name()) {
            out.push(Raw::new("rights.requests", Some(kind.name()), Fix::Right(kind)));
        }
    }
}

fn disclosures(doc: &Value, out: &mut Vec<Raw>) {
    let d = doc.get("disclosures").unwrap_or(&Value::Null);
    if let Some(dpo) = d.get("dpo") {
        if !(says(dpo.get("email")) || says(dpo.get("phone")) || says(dpo.get("address"))) {
            out.push(Raw::new("disclosures.dpo", None, Fix::DpoContact));
        }
    }
    if !says(d.get("provision")) {
        out.push(Raw::new("disclosures.provision", None, Fix::Provision));
    }
    match d.get("automated_decisions") {
        Some(a) if a.get("used").and_then(Value::as_bool) == Some(false) => {}
        Some(a) if a.get("used").and_then(Value::as_bool) == Some(true) => {
            if !says(a.get("logic")) {
                out.push(Raw::new("disclosures.automated_decisions.logic", None, Fix::AutomatedLogic));
            }
        }
        _ => out.push(Raw::new("disclosures.automated_decisions", None, Fix::Automated)),
    }
}
