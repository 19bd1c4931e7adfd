//! Small pieces the panel's views share: owned listeners that hold the state weakly, spawning
//! async work, error wording, downloads, form-field errors, and the panel's CSS.

use crate::api::ApiError;
use crate::i18n::{t, Lang};
use crate::ui::dom::El;
use crate::ui::UiError;
use gloo_events::EventListener;
use core::future::Future;
use alloc::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

/// The panel's own rules (added to the shared stylesheet).
pub const CSS: &str = r#"
.pw-panel{padding:1em}
.pw-block{display:block}
.pw-panel>*+*{margin-top:1em}
.pw-panel-head{justify-content:space-between}
.pw-tabs{display:flex;flex-wrap:wrap;gap:.25em;border-bottom:2px solid var(--line)}
.pw-tab{all:unset;box-sizing:border-box;min-height:44px;padding:.5em 1em;cursor:pointer;font-weight:600;color:var(--muted);border-bottom:4px solid transparent;margin-bottom:-2px}
.pw-tab[aria-selected=true]{color:var(--fg);border-bottom-color:var(--accent)}
.pw-tab:focus-visible{outline:3px solid var(--accent);outline-offset:-3px}
.pw-tabpanel{padding-top:1em}
.pw-tabpanel>*+*{margin-top:1em}
.pw-table{border-collapse:collapse;width:100%}
.pw-table th,.pw-table td{text-align:start;vertical-align:top;padding:.375em .5em;border-bottom:1px solid var(--line)}
.pw-table th{font-weight:600;color:var(--muted)}
.pw-card{border:1px solid var(--line);border-radius:var(--radius);padding:1em}
.pw-card>*+*{margin-top:.5em}
.pw-form>*+*{margin-top:.75em}
.pw-form fieldset{border:1px solid var(--line);border-radius:var(--radius);padding:.75em}
.pw-form legend{font-weight:600;padding:0 .25em}
.pw-check{display:flex;gap:.5em;align-items:flex-start;min-height:24px}
.pw-check input{width:1.25em;height:1.25em;margin:.15em 0 0;flex:none}
.pw-timeline{padding-inline-start:1.25em}
.pw-json{white-space:pre-wrap;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;max-height:24em;overflow:auto;border:1px solid var(--line);border-radius:var(--radius);padding:.5em}
@media (max-width:480px){.pw-table thead{display:none}.pw-table td{display:block;border:0;padding:.125em 0}.pw-table tr{display:block;border-bottom:1px solid var(--line);padding:.5em 0}}
"#;

/// A listener on `target` that runs `f` with the state (the panel's or the visitor view's)
/// while it lives (held weakly, so the listeners the state owns do not keep it alive).
pub fn on<T: 'static>(
    target: &Element,
    event: &'static str,
    state: &Rc<T>,
    f: impl Fn(Rc<T>, &web_sys::Event) + 'static,
) -> EventListener {
    let weak: Weak<T> = Rc::downgrade(state);
    // Not passive: submit and key handlers call preventDefault.
    let options = gloo_events::EventListenerOptions::enable_prevent_default();
    EventListener::new_with_options(target, event, options, move |e| {
        if let Some(s) = weak.upgrade() {
            f(s, e);
        }
    })
}

/// Runs async work with the state.
pub fn spawn<T, F, Fut>(state: &Rc<T>, f: F)
where
    F: FnOnce(Rc<T>) -> Fut,
    Fut: Future<Output = ()> + 'static,
{
    wasm_bindgen_futures::spawn_local(f(state.clone()));
}

/// What went wrong with a call, for the visitor.
pub fn api_error(lang: Lang, e: &ApiError) -> &'static str {
    match e {
        ApiError::Unreachable | ApiError::Timeout => t(lang, "panel.error.unreachable"),
        ApiError::Rejected(401, _) => t(lang, "panel.error.signed_out"),
        ApiError::Rejected(403, _) => t(lang, "panel.error.forbidden"),
        ApiError::Rejected(429, _) => t(lang, "panel.error.too_many"),
        ApiError::Rejected(_, _) => t(lang, "panel.error.rejected"),
        ApiError::Server(_) | ApiError::Malformed => t(lang, "panel.error.server"),
    }
}

/// A data table (`.pw-table`): `caption` for screen readers, a header row of `columns`
/// (`scope=col`), then `body` (a `tbody`).
pub fn table(caption: &str, columns: &[&str], body: El) -> Result<El, UiError> {
    let mut head = El::new("tr")?;
    for c in columns {
        head = head.child(El::new("th")?.attr("scope", "col").text(c));
    }
    Ok(El::new("table")?
        .class("pw-table")
        .child(El::new("caption")?.class("pw-sr").text(caption))
        .child(El::new("thead")?.child(head))
        .child(body))
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, text: &str, mime: &str) -> Result<(), UiError> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(|_| UiError::Dom)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| UiError::Dom)?;
    let a = El::new("a")?.attr("href", &url).attr("download", name).build();
    if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// A labelled form control with a hint/error slot: returns (wrapper, control, error element).
/// The error element is referenced by `aria-describedby` and filled by [`set_error`].
pub fn field(label: &str, control: El, id: &str) -> Result<(El, Element, Element), UiError> {
    let mut err_id = String::from(id);
    err_id.push_str("-err");
    let control = control.attr("id", id).attr("aria-describedby", &err_id).build();
    let error = El::new("p")?.class("pw-error").attr("id", &err_id).flag("hidden", true).build();
    let wrapper = El::new("div")?.class("pw-field").child(El::new("label")?.attr("for", id).text(label));
    let _ = wrapper.element().append_child(&control);
    let _ = wrapper.element().append_child(&error);
    Ok((wrapper, control, error))
}

/// Shows or clears an error on a control (aria-invalid + the described-by message).
pub fn set_error(control: &Element, error: &Element, message: Option<&str>) {
    match message {
        Some(m) => {
            let _ = control.set_attribute("aria-invalid", "true");
            error.set_text_content(Some(m));
            let _ = error.remove_attribute("hidden");
        }
        None => {
            let _ = control.remove_attribute("aria-invalid");
            error.set_text_content(None);
            let _ = error.set_attribute("hidden", "");
        }
    }
}

/// The current value of an input, select or textarea.
pub fn value_of(el: &Element) -> String {
    if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        return i.value();
    }
    if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
        return s.value();
    }
    if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        return t.value();
    }
    String::new()
}

/// Whether a checkbox is checked.
pub fn checked(el: &Element) -> bool {
    el.dyn_ref::<web_sys::HtmlInputElement>().is_some_and(|i| i.checked())
}

/// Sets a checkbox.
pub fn set_checked(el: &Element, on: bool) {
    if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        i.set_checked(on);
    }
}

/// Today's date in the visitor's time zone.
pub fn today() -> crate::policy::Date {
    let d = js_sys::Date::new_0();
    crate::policy::Date::new(d.get_full_year() as i32, (d.get_month() + 1) as u8, d.get_date() as u8)
        .unwrap_or(crate::policy::Date { year: 2000, month: 1, day: 1 })
}
