//! Reading the statement's Art. 13 facts that have no home elsewhere in the document (JSON
//! `disclosures`, optional, every member optional; the types are in the model): the data
//! protection officer, whether providing the data is required, and automated decision-making.
//! The policy lint (C-E1) reports the ones a statement leaves out.
//!
//! JSON: `{"dpo": {"name": …, "email": "…", "phone": "…", "address": …},
//! "provision": "<text>", "automated_decisions": {"used": false, "logic": "<text>", "consequences": "<text>"}}`.

use crate::prelude::*;

use super::error::Errs;
use super::model::{AutomatedDecisions, Disclosures, Dpo};
use super::read::Obj;
use serde_json::Value;

const DISCLOSURES: &[&str] = &["dpo", "provision", "automated_decisions"];
const DPO: &[&str] = &["name", "email", "phone", "address"];
const AUTOMATED: &[&str] = &["used", "logic", "consequences"];

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
