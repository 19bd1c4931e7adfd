//! Reading a retention rule (`{"kind": "after", "period": "2 years", "event": "paid_period_end"}`).

use crate::prelude::*;

use serde_json::Value;

use super::error::{cat, join_str, Errs};
use super::model::{PlanRetention, RetentionRule, Text};
use super::names::{RetentionKind, RETENTION_EVENTS, RETENTION_KINDS};
use super::read::{array, name_of, period, Obj};

const RULE: &[&str] = &["kind", "period", "event", "note", "rules", "otherwise"];
const PLAN_RULE: &[&str] = &["plan", "rule"];

/// The fields each kind of rule takes.
fn fields_of(kind: RetentionKind) -> &'static [&'static str] {
    match kind {
        RetentionKind::Fixed => &["kind", "period", "note"],
        RetentionKind::After => &["kind", "period", "event", "note"],
        RetentionKind::Until => &["kind", "event", "note"],
        RetentionKind::AfterUse | RetentionKind::Indefinite | RetentionKind::Unspecified => &["kind", "note"],
        RetentionKind::ByPlan => &["kind", "rules", "otherwise"],
    }
}

/// The placeholder for a rule that could not be read.
pub(super) fn blank_rule() -> RetentionRule {
    RetentionRule::Unspecified { note: Text::Plain(String::new()) }
}

/// A retention rule; `None` (after reporting) when it cannot be read.
pub(super) fn retention(v: &Value, path: &str, e: &mut Errs) -> Option<RetentionRule> {
    let o = Obj::open(v, path, RULE, e);
    if !o.is_object() {
        return None;
    }
    let Some(kind) = o.req_with("kind", e, |v, p, e| name_of(v, p, e, "retention kind", RETENTION_KINDS)) else {
        // Still report what is wrong in the other fields.
        let _ = (o.opt_with("period", e, period), event(&o, false, e), o.opt_text("note", e));
        let _ = (plan_rules(&o, false, e), o.opt_with("otherwise", e, retention));
        return None;
    };
    let allowed = fields_of(kind);
    let why = cat(&["not a field of a \"", kind.name(), "\" rule (its fields: ", &join_str(allowed, ", "), ")"]);
    o.forbid_except(allowed, &why, e);
    let rule = match kind {
        RetentionKind::Fixed => {
            let period = o.req_with("period", e, period);
            let note = o.opt_text("note", e);
            RetentionRule::Fixed { period: period?, note }
        }
        RetentionKind::After => {
            let period = o.req_with("period", e, period);
            let event = event(&o, true, e);
            let note = o.opt_text("note", e);
            RetentionRule::After { period: period?, event: event?, note }
        }
        RetentionKind::Until => {
            let event = event(&o, true, e);
            let note = o.opt_text("note", e);
            RetentionRule::Until { event: event?, note }
        }
        RetentionKind::AfterUse => RetentionRule::AfterUse { note: o.opt_text("note", e) },
        RetentionKind::Indefinite => RetentionRule::Indefinite { note: o.opt_text("note", e) },
        RetentionKind::Unspecified => RetentionRule::Unspecified { note: o.text("note", e) },
        RetentionKind::ByPlan => {
            let rules = plan_rules(&o, true, e).unwrap_or_default();
            let otherwise = o.opt_with("otherwise", e, retention).map(Box::new);
            RetentionRule::ByPlan { rules, otherwise }
        }
    };
    Some(rule)
}

fn event(o: &Obj, required: bool, e: &mut Errs) -> Option<super::model::RetentionEvent> {
    let read = |v: &Value, p: &str, e: &mut Errs| name_of(v, p, e, "event", RETENTION_EVENTS);
    if required {
        o.req_with("event", e, read)
    } else {
        o.opt_with("event", e, read)
    }
}

fn plan_rules(o: &Obj, required: bool, e: &mut Errs) -> Option<Vec<PlanRetention>> {
    let read = |v: &Value, p: &str, e: &mut Errs| {
        array(v, p, e, |v, p, e| {
            let o = Obj::open(v, p, PLAN_RULE, e);
            PlanRetention {
                plan: o.string("plan", e),
                rule: o.req_with("rule", e, retention).unwrap_or_else(blank_rule),
            }
        })
    };
    if required {
        o.req_with("rules", e, read)
    } else {
        o.opt_with("rules", e, read)
    }
}
