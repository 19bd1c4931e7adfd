//! Reading the server's problem+json refusals (RFC 9457) for the customer: the fields at fault,
//! each with a localized message on its own control; whether the privacy statement changed
//! (409 stale policy version); the server's English `detail` goes to the console, and into the
//! page only as a last resort when nothing better is known.

use crate::api::ApiError;
use crate::i18n::{t, Lang};
use serde_json::Value;
use wasm_bindgen::JsValue;
use web_sys::Element;

/// One entry of a problem's `errors` list: the field at fault (`details.value`, `email`, …)
/// and the server's reason (English, for matching only).
#[derive(Debug, Clone)]
pub struct FieldProblem {
    pub field: String,
    pub reason: String,
}

fn body(e: &ApiError) -> Option<Value> {
    let ApiError::Rejected(_, body) = e else { return None };
    serde_json::from_str(body).ok()
}

/// The fields a refusal names (none for other errors).
pub fn field_problems(e: &ApiError) -> Vec<FieldProblem> {
    let Some(v) = body(e) else { return Vec::new() };
    let Some(list) = v.get("errors").and_then(Value::as_array) else { return Vec::new() };
    list.iter()
        .filter_map(|x| {
            Some(FieldProblem {
                field: x.get("field")?.as_str()?.to_owned(),
                reason: x.get("reason").and_then(Value::as_str).unwrap_or("").to_owned(),
            })
        })
        .collect()
}

/// Whether the server refused because the policy version shown is no longer the current one.
pub fn is_stale_policy(e: &ApiError) -> bool {
    let ApiError::Rejected(409, _) = e else { return false };
    body(e)
        .and_then(|v| v.get("type").and_then(Value::as_str).map(|t| t.ends_with("/stale-policy-version")))
        .unwrap_or(false)
}

/// The server's `detail`, if it gave one.
pub fn detail(e: &ApiError) -> Option<String> {
    body(e)?.get("detail").and_then(Value::as_str).map(str::to_owned)
}

/// Writes the server's `detail` to the console as a warning (for the site's developers).
pub fn log(e: &ApiError) {
    if let (ApiError::Rejected(status, _), Some(d)) = (e, detail(e)) {
        let mut line = String::from("privacy-widget: the server refused (");
        crate::ui::dom::push_u32(&mut line, u32::from(*status));
        line.push_str("): ");
        line.push_str(&d);
        web_sys::console::warn_1(&JsValue::from_str(&line));
    }
}

/// Which control of a request form a field names: `field`, `value`, `confirm`, `choices`,
/// `note`, `email` or `kind` (empty when none).
pub fn control_name(field: &str) -> &'static str {
    match field {
        "details.field" | "details.category" => "field",
        "details.value" => "value",
        "details.confirm" => "confirm",
        "details.note" => "note",
        "email" => "email",
        "kind" => "kind",
        f if f.starts_with("details.categories") || f.starts_with("details.purposes") => "choices",
        _ => "",
    }
}

/// The customer's words for one field problem.
pub fn field_message(lang: Lang, p: &FieldProblem) -> &'static str {
    let r = p.reason.as_str();
    if p.field == "email" {
        t(lang, "visitor.email_invalid")
    } else if p.field == "details.confirm" {
        t(lang, "panel.form.confirm_required")
    } else if r == "required" || r == "must not be empty" {
        t(lang, "panel.form.required")
    } else if r.starts_with("longer than") {
        t(lang, "panel.form.too_long")
    } else if r == "name at least one" {
        t(lang, "panel.form.choose_one")
    } else if r.starts_with("no such") || r.contains("no such field") || r.contains("has this field") || r.starts_with("several categories") {
        t(lang, "panel.form.not_in_policy")
    } else {
        t(lang, "panel.form.invalid")
    }
}

/// A control a refusal can point at: the control (focused and marked `aria-invalid`), its
/// error element (named by its `aria-describedby`), and the other boxes of a choice.
pub struct Target {
    pub control: Element,
    pub error: Element,
    pub boxes: Vec<Element>,
}

/// Shows a refusal of a request form: each named field's localized message on its control
/// (focus on the first, `fix` in the summary); a kind the server does not offer in plain words;
/// else the general message (with the server's detail as a last resort).
pub fn show_refusal(lang: Lang, e: &ApiError, summary: &Element, fix: &str, target: impl Fn(&str) -> Option<Target>) {
    log(e);
    let fields = field_problems(e);
    if fields.iter().any(|f| f.field == "kind") {
        summary.set_text_content(Some(t(lang, "panel.form.kind_not_offered")));
        return;
    }
    let mut first: Option<Element> = None;
    for f in &fields {
        let Some(tg) = target(control_name(&f.field)) else { continue };
        let message = field_message(lang, f);
        super::util::set_error(&tg.control, &tg.error, Some(message));
        for b in &tg.boxes {
            let _ = b.set_attribute("aria-invalid", "true");
        }
        first.get_or_insert(tg.control);
    }
    match first {
        Some(el) => {
            summary.set_text_content(Some(fix));
            crate::ui::dom::focus(&el);
        }
        None => summary.set_text_content(Some(&super::util::api_error_text(lang, e))),
    }
}
