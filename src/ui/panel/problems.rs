//! Reading the server's problem+json refusals (RFC 9457) for the customer: the fields at fault,
//! each with a localized message on its own control; whether the privacy statement changed
//! (409 stale policy version); the server's English `detail` goes to the console, and into the
//! page only as a last resort when nothing better is known.

use super::util;
use crate::api::ApiError;
use crate::i18n::{t, Lang};
use crate::wire::{FieldError, Problem};
use wasm_bindgen::JsValue;
use web_sys::Element;

/// The problem document of a refusal (none for other errors, or an unreadable body).
pub fn problem(e: &ApiError) -> Option<Problem> {
    let ApiError::Rejected(_, body) = e else { return None };
    super::client::decode(body).ok()
}

/// The fields a refusal names, each with the server's reason (English, for matching only).
pub fn field_problems(e: &ApiError) -> Vec<FieldError> {
    problem(e).map(|p| p.errors).unwrap_or_default()
}

/// Whether the server refused because the policy version shown is no longer the current one.
pub fn is_stale_policy(e: &ApiError) -> bool {
    matches!(e, ApiError::Rejected(409, _)) && problem(e).is_some_and(|p| p.is("stale-policy-version"))
}

/// The server's `detail`, if it gave one.
pub fn detail(e: &ApiError) -> Option<String> {
    problem(e)?.detail
}

/// [`util::api_error`], and the server's English `detail` (also logged to the console) only as a
/// last resort: after the general "could not be processed", when nothing better is known.
pub fn api_error_text(lang: Lang, e: &ApiError) -> String {
    log(e);
    let mut text = String::from(util::api_error(lang, e));
    let general = matches!(e, ApiError::Rejected(s, _) if !matches!(s, 401 | 403 | 429));
    if let Some(d) = detail(e).filter(|_| general) {
        text.push(' ');
        text.push_str(&d);
    }
    text
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
pub fn field_message(lang: Lang, p: &FieldError) -> &'static str {
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
        util::set_error(&tg.control, &tg.error, Some(message));
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
        None => summary.set_text_content(Some(&api_error_text(lang, e))),
    }
}
