//! The statement's Art. 13 facts that have no home elsewhere in the document (JSON
//! `disclosures`, optional, every member optional): the data protection officer, whether
//! providing the data is required, and automated decision-making. The policy lint (C-E1) reports
//! the ones a statement leaves out.
//!
//! JSON: `{"dpo": {"name": …, "email": "…", "phone": "…", "address": …},
//! "provision": "<text>", "automated_decisions": {"used": false, "logic": "<text>", "consequences": "<text>"}}`.

use crate::prelude::*;

use super::error::Errs;
use super::json::Json as Value;
use super::model::Text;
use super::read::Obj;

const DISCLOSURES: &[&str] = &["dpo", "provision", "automated_decisions"];
const DPO: &[&str] = &["name", "email", "phone", "address"];
const AUTOMATED: &[&str] = &["used", "logic", "consequences"];

/// The document's `disclosures` (all absent when the document has none).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Disclosures {
    /// The data protection officer, where the controller has one (Art. 13(1)(b)).
    pub dpo: Option<Dpo>,
    /// Whether providing the data is a statutory or contractual requirement, whether the person
    /// must provide it and what follows if they do not (Art. 13(2)(e)).
    pub provision: Option<Text>,
    /// Automated decision-making, including profiling (Art. 13(2)(f)).
    pub automated_decisions: Option<AutomatedDecisions>,
}

/// A data protection officer's contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Dpo {
    pub name: Option<Text>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<Text>,
}

/// Whether automated decisions are taken, and if so how and with what consequences.
#[derive(Debug, Clone, PartialEq)]
pub struct AutomatedDecisions {
    pub used: bool,
    pub logic: Option<Text>,
    pub consequences: Option<Text>,
}

/// Reads `disclosures` from the document object `o` (absent: all empty).
pub(super) fn read(o: &Obj, e: &mut Errs) -> Disclosures {
    let Some((v, path)) = o.get("disclosures") else { return Disclosures::default() };
    let d = Obj::open(v, &path, DISCLOSURES, e);
    Disclosures {
        dpo: d.get("dpo").map(|(v, p): (&Value, String)| {
            let o = Obj::open(v, &p, DPO, e);
            Dpo {
                name: o.opt_text("name", e),
                email: o.opt_string("email", e),
                phone: o.opt_string("phone", e),
                address: o.opt_text("address", e),
            }
        }),
        provision: d.opt_text("provision", e),
        automated_decisions: d.get("automated_decisions").map(|(v, p)| {
            let o = Obj::open(v, &p, AUTOMATED, e);
            AutomatedDecisions { used: o.boolean("used", e), logic: o.opt_text("logic", e), consequences: o.opt_text("consequences", e) }
        }),
    }
}
