//! Reading a policy document from JSON into the model, collecting every error at once with its
//! JSON path; then the checks of meaning in `validate`.

use crate::prelude::*;

use serde_json::Value;

use super::error::{cat, num, Errs, PolicyErrors};
use super::model::*;
use super::names::*;
use super::read::{array, date, kind_of, name_of, string, Obj};
use super::retention_parse::{blank_rule, retention};
use super::validate;

/// The largest document accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 1_000_000;

const POLICY: &[&str] = &[
    "site", "version", "date", "languages", "controller", "plans", "categories", "recipients", "purposes", "tracking",
    "rights", "notes", "disclosures",
];
const CONTROLLER: &[&str] =
    &["name", "address", "email", "phone", "website", "registration", "supervisory_authority"];
const AUTHORITY: &[&str] = &["name", "website"];
const PLAN: &[&str] = &["id", "label"];
const CATEGORY: &[&str] = &["id", "label", "description", "fields", "source", "source_note", "erasable", "legal_hold"];
const FIELD: &[&str] = &["id", "label", "reason"];
const LEGAL_HOLD: &[&str] = &["reason", "retention"];
const RECIPIENT: &[&str] = &["id", "name", "role", "country", "outside_eu", "description", "safeguard"];
const PURPOSE: &[&str] = &[
    "id", "kind", "label", "description", "legal_basis", "legitimate_interest", "categories", "recipients", "retention",
    "consent", "eligible_plans",
];
const TRACKING: &[&str] =
    &["id", "name", "purposes", "recipient", "vendor", "domains", "pages", "cookies", "storage", "description"];
const COOKIE: &[&str] = &["name", "lifetime", "description"];
const RIGHTS: &[&str] = &["requests", "how", "breach_notification", "processor_agreement"];
const REQUEST: &[&str] = &["kind", "response_time", "consequences", "description"];
const BREACH: &[&str] = &["within", "description"];

/// Reads and checks a policy document. On failure the error holds every problem found, each
/// with its JSON path; a JSON syntax error gives its line and column.
pub fn parse_policy(json: &str) -> Result<Policy, PolicyErrors> {
    let mut e = Errs::default();
    if json.len() > MAX_DOCUMENT_BYTES {
        let reason = cat(&["document is ", &num(json.len()), " bytes; the limit is ", &num(MAX_DOCUMENT_BYTES), " (1 MB)"]);
        e.push("", reason);
        return Err(PolicyErrors(e.0));
    }
    // A byte-order mark (some editors write one) is not an error of the author's.
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let value = match serde_json::from_str::<Value>(json) {
        Ok(v) => v,
        Err(err) => {
            let mut reason = String::from("not valid JSON: ");
            reason.push_str(&err.to_string());
            e.push("", reason);
            return Err(PolicyErrors(e.0));
        }
    };
    let policy = read_policy(&value, &mut e);
    let meaning_errors = validate::check(&policy, &e.0, &e.1);
    let shape_errors = e.0;
    if shape_errors.is_empty() && meaning_errors.is_empty() {
        Ok(policy)
    } else {
        let mut all = shape_errors;
        all.extend(meaning_errors);
        Err(PolicyErrors(all))
    }
}

/// Reads the document's shape; every problem goes to `e`, bad parts get placeholders.
fn read_policy(v: &Value, e: &mut Errs) -> Policy {
    let o = Obj::open(v, "", POLICY, e);
    Policy {
        site: o.string("site", e),
        version: o.string("version", e),
        date: o.req_with("date", e, date).unwrap_or(Date { year: 1970, month: 1, day: 1 }),
        languages: o
            .req_with("languages", e, |v, p, e| array(v, p, e, |v, p, e| string(v, p, e).unwrap_or_default()))
            .unwrap_or_default(),
        controller: controller(&o.obj("controller", CONTROLLER, e), e),
        plans: o.list("plans", e, |v, p, e| {
            let o = Obj::open(v, p, PLAN, e);
            Plan { id: o.string("id", e), label: o.text("label", e) }
        }),
        categories: o.list("categories", e, category),
        recipients: o.list("recipients", e, recipient),
        purposes: o.list("purposes", e, purpose),
        tracking: o.list("tracking", e, tracking),
        rights: rights(&o.obj("rights", RIGHTS, e), e),
        notes: o.texts("notes", e),
        disclosures: super::disclosures::read(&o, e),
    }
}

fn controller(o: &Obj, e: &mut Errs) -> Controller {
    let name = o.text("name", e);
    let address = o.opt_text("address", e);
    let email = o.opt_string("email", e);
    let phone = o.opt_string("phone", e);
    let website = o.opt_string("website", e);
    let registration = o.opt_string("registration", e);
    let authority = o.obj("supervisory_authority", AUTHORITY, e);
    Controller {
        name,
        address,
        email,
        phone,
        website,
        registration,
        supervisory_authority: Authority {
            name: authority.text("name", e),
            website: authority.opt_string("website", e),
        },
    }
}

fn category(v: &Value, path: &str, e: &mut Errs) -> DataCategory {
    let o = Obj::open(v, path, CATEGORY, e);
    DataCategory {
        id: o.string("id", e),
        label: o.text("label", e),
        description: o.opt_text("description", e),
        fields: o.list("fields", e, |v, p, e| {
            let o = Obj::open(v, p, FIELD, e);
            Field { id: o.string("id", e), label: o.text("label", e), reason: o.opt_text("reason", e) }
        }),
        source: o.req_with("source", e, |v, p, e| name_of(v, p, e, "source", SOURCES)).unwrap_or(Source::Subject),
        source_note: o.opt_text("source_note", e),
        erasable: o.boolean("erasable", e),
        legal_hold: o.get("legal_hold").map(|(v, p)| {
            let o = Obj::open(v, &p, LEGAL_HOLD, e);
            LegalHold { reason: o.text("reason", e), retention: o.req_with("retention", e, retention).unwrap_or_else(blank_rule) }
        }),
    }
}

fn recipient(v: &Value, path: &str, e: &mut Errs) -> Recipient {
    let o = Obj::open(v, path, RECIPIENT, e);
    Recipient {
        id: o.string("id", e),
        name: o.text("name", e),
        role: o
            .req_with("role", e, |v, p, e| name_of(v, p, e, "recipient role", RECIPIENT_ROLES))
            .unwrap_or(RecipientRole::Processor),
        country: o.opt_string("country", e),
        outside_eu: o.req_with("outside_eu", e, location).unwrap_or(Location::InsideEu),
        description: o.opt_text("description", e),
        safeguard: o.opt_text("safeguard", e),
    }
}

/// `outside_eu`: `true`, `false` or `"unknown"` (the text does not say).
fn location(v: &Value, path: &str, e: &mut Errs) -> Option<Location> {
    match v {
        Value::Bool(true) => Some(Location::OutsideEu),
        Value::Bool(false) => Some(Location::InsideEu),
        Value::String(s) if s == "unknown" => Some(Location::Unknown),
        Value::String(s) => {
            e.push(path, cat(&["unknown location \"", s, "\" (allowed: true, false, \"unknown\")"]));
            None
        }
        _ => {
            e.push(path, cat(&["expected true, false or \"unknown\", found ", kind_of(v)]));
            None
        }
    }
}

fn purpose(v: &Value, path: &str, e: &mut Errs) -> Purpose {
    let o = Obj::open(v, path, PURPOSE, e);
    Purpose {
        id: o.string("id", e),
        kind: o.req_with("kind", e, |v, p, e| name_of(v, p, e, "purpose kind", PURPOSE_KINDS)).unwrap_or(PurposeKind::Other),
        label: o.text("label", e),
        description: o.opt_text("description", e),
        legal_basis: o
            .req_with("legal_basis", e, |v, p, e| name_of(v, p, e, "legal basis", LEGAL_BASES))
            .unwrap_or(LegalBasis::Unspecified),
        legitimate_interest: o.opt_text("legitimate_interest", e),
        categories: o.strings("categories", e),
        recipients: o.strings("recipients", e),
        retention: o.req_with("retention", e, retention).unwrap_or_else(blank_rule),
        consent: o
            .req_with("consent", e, |v, p, e| name_of(v, p, e, "consent scope", CONSENT_SCOPES))
            .unwrap_or(ConsentScope::None),
        eligible_plans: o.strings("eligible_plans", e),
    }
}

fn tracking(v: &Value, path: &str, e: &mut Errs) -> TrackingService {
    let o = Obj::open(v, path, TRACKING, e);
    TrackingService {
        id: o.string("id", e),
        name: o.text("name", e),
        purposes: o.strings("purposes", e),
        recipient: o.opt_string("recipient", e),
        vendor: o.req_with("vendor", e, |v, p, e| name_of(v, p, e, "vendor", VENDORS)).unwrap_or(Vendor::Other),
        domains: o.strings("domains", e),
        pages: o.strings("pages", e),
        cookies: o.list("cookies", e, |v, p, e| {
            let o = Obj::open(v, p, COOKIE, e);
            CookieSpec {
                name: o.string("name", e),
                lifetime: o.opt_with("lifetime", e, super::read::period),
                description: o.opt_text("description", e),
            }
        }),
        storage: o.strings("storage", e),
        description: o.opt_text("description", e),
    }
}

fn rights(o: &Obj, e: &mut Errs) -> Rights {
    Rights {
        requests: o.list("requests", e, |v, p, e| {
            let o = Obj::open(v, p, REQUEST, e);
            RequestOffer {
                kind: o
                    .req_with("kind", e, |v, p, e| name_of(v, p, e, "request kind", REQUEST_KINDS))
                    .unwrap_or(RequestKind::Access),
                response_time: o.opt_with("response_time", e, super::read::period),
                consequences: o.opt_text("consequences", e),
                description: o.opt_text("description", e),
            }
        }),
        how: o.opt_text("how", e),
        breach_notification: o.get("breach_notification").map(|(v, p)| {
            let o = Obj::open(v, &p, BREACH, e);
            BreachPromise {
                within: o.opt_with("within", e, super::read::period),
                description: o.opt_text("description", e),
            }
        }),
        processor_agreement: o.opt_text("processor_agreement", e),
    }
}
