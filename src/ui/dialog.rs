//! The preferences dialog: a native `<dialog>` opened with `showModal()` (the page behind it
//! is inert, so `aria-modal="true"` is truthful, C-D1), labelled by its title; focus moves in,
//! Tab and Shift+Tab wrap, Escape closes without consent, focus returns to the opener (C-D2).
//! One native checkbox switch per browser-consent purpose, off unless granted (C-A2, C-A5),
//! with its services, cookies and lifetimes, recipients and countries, retention and the
//! controller (C-A6); "Keuze opslaan", "Alles accepteren", "Alles weigeren".

use super::banner::{button, gpc_note};
use super::dom::{self, El};
use super::UiError;
use crate::consent::{is_gpc_covered, Choice, Notice, NoticePurpose};
use crate::i18n::{t, Lang};
use crate::policy::Location;
use gloo_events::{EventListener, EventListenerOptions};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlInputElement, KeyboardEvent, ShadowRoot};

/// Rules for the dialog.
pub const CSS: &str = r#"
.pw-dialog{width:min(44em,calc(100vw - 1em));max-height:calc(100vh - 1em);padding:0;border:2px solid var(--line);border-radius:var(--radius);background:var(--bg);color:var(--fg);overflow:auto}
.pw-dialog::backdrop{background:rgba(0,0,0,.55)}
.pw-dialog-body{position:relative;padding:1.25em}
.pw-dialog-body>*+*{margin-top:1em}
.pw-purpose{border:1px solid var(--line);border-radius:var(--radius);padding:.75em 1em}
.pw-purpose>*+*{margin-top:.5em}
.pw-purpose .pw-switch span{font-weight:700}
.pw-services li+li{margin-top:.35em}
.pw-actions{position:sticky;bottom:0;background:var(--bg);padding:.75em 1.25em;border-top:1px solid var(--line)}
"#;

/// What the visitor did in the dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogEvent {
    /// "Keuze opslaan" with every switch's state.
    Save(Vec<Choice>),
    AcceptAll,
    RejectAll,
    /// Closed (Escape or the close button): nothing recorded.
    Closed,
}

/// An open (or openable) dialog with its listeners.
pub struct Dialog {
    pub el: Element,
    _listeners: Vec<EventListener>,
}

fn call(el: &Element, method: &str) {
    if let Ok(f) = js_sys::Reflect::get(el, &JsValue::from_str(method)) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call0(el);
        }
    }
}

impl Dialog {
    /// Builds the dialog. `granted` gives each switch's initial state; with `gpc` the covered
    /// purposes are off and cannot be switched on (C-B1).
    pub fn new(
        notice: &Notice,
        lang: Lang,
        gpc: bool,
        granted: &dyn Fn(&str) -> bool,
        on: Rc<dyn Fn(DialogEvent)>,
    ) -> Result<Dialog, UiError> {
        let title_id = dom::next_id("pw-dialog-title");
        let close = button("pw-btn pw-x", "\u{d7}")?.attr("aria-label", t(lang, "action.close")).attr("data-pw", "close");
        let save = button("pw-btn pw-btn-primary pw-choice", t(lang, "consent.save"))?.attr("data-pw", "save");
        let accept = button("pw-btn pw-btn-primary pw-choice", t(lang, "consent.accept_all"))?.attr("data-pw", "accept-all");
        let reject = button("pw-btn pw-btn-primary pw-choice", t(lang, "consent.reject_all"))?.attr("data-pw", "reject-all");
        let (close_el, save_el, accept_el, reject_el) =
            (close.element().clone(), save.element().clone(), accept.element().clone(), reject.element().clone());
        let mut switches: Vec<(String, HtmlInputElement)> = Vec::new();
        let mut body = El::new("div")?
            .class("pw-dialog-body")
            .child(El::new("h2")?.attr("id", &title_id).text(t(lang, "consent.dialog.title")))
            .child(close)
            .child(El::new("p")?.text(t(lang, "consent.dialog.intro")))
            .child_opt(if gpc { Some(gpc_note(lang)?) } else { None })
            .child(controller_line(notice, lang)?)
            .child(essential_section(lang)?);
        for purpose in &notice.purposes {
            let locked = gpc && is_gpc_covered(purpose.kind);
            let (section, input) = purpose_section(notice, purpose, lang, locked, !locked && granted(&purpose.id))?;
            switches.push((purpose.id.clone(), input));
            body = body.child(section);
        }
        let el = El::new("dialog")?
            .class("pw-dialog")
            .attr("aria-labelledby", &title_id)
            .attr("aria-modal", "true")
            .attr("data-pw", "dialog")
            .child(body)
            .child(El::new("div")?.class("pw-row pw-actions").child(save).child(accept).child(reject))
            .build();

        let mut listeners = Vec::new();
        let dialog = el.clone();
        let on_close = on.clone();
        listeners.push(EventListener::new(&close_el, "click", move |_| {
            call(&dialog, "close");
            on_close(DialogEvent::Closed);
        }));
        // Escape: the browser fires `cancel` and closes the modal dialog.
        let on_cancel = on.clone();
        listeners.push(EventListener::new(&el, "cancel", move |_| on_cancel(DialogEvent::Closed)));
        let on_save = on.clone();
        listeners.push(EventListener::new(&save_el, "click", move |_| {
            let choices = switches.iter().map(|(id, input)| (id.clone(), input.checked())).collect();
            on_save(DialogEvent::Save(choices));
        }));
        let on_accept = on.clone();
        listeners.push(EventListener::new(&accept_el, "click", move |_| on_accept(DialogEvent::AcceptAll)));
        let on_reject = on;
        listeners.push(EventListener::new(&reject_el, "click", move |_| on_reject(DialogEvent::RejectAll)));
        let trap_root = el.clone();
        listeners.push(EventListener::new_with_options(
            &el,
            "keydown",
            EventListenerOptions::enable_prevent_default(),
            move |e| trap_tab(&trap_root, e),
        ));
        Ok(Dialog { el, _listeners: listeners })
    }

    /// Shows the dialog modally inside `root` and moves focus to its first control.
    pub fn open(&self, root: &ShadowRoot) {
        if self.el.parent_node().is_none() {
            if let Some(frame) = root.query_selector(".pw-root").ok().flatten() {
                let _ = frame.append_child(&self.el);
            }
        }
        call(&self.el, "showModal");
        if let Some(first) = focusables(&self.el).first() {
            dom::focus(first);
        }
    }

    /// Closes and removes the dialog.
    pub fn close(&self) {
        call(&self.el, "close");
        self.el.remove();
    }
}

fn focusables(dialog: &Element) -> Vec<Element> {
    let mut out = Vec::new();
    if let Ok(list) = dialog.query_selector_all("button:not([disabled]),input:not([disabled]),summary") {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                out.push(el);
            }
        }
    }
    out
}

/// Keeps Tab and Shift+Tab inside the dialog (C-D2).
fn trap_tab(dialog: &Element, event: &web_sys::Event) {
    let Some(key) = event.dyn_ref::<KeyboardEvent>() else { return };
    if key.key() != "Tab" {
        return;
    }
    let items = focusables(dialog);
    let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
    let active = dialog.get_root_node().dyn_into::<ShadowRoot>().ok().and_then(|r| r.active_element());
    let inside = active.as_ref().is_some_and(|a| items.contains(a));
    if key.shift_key() && (!inside || active.as_ref() == Some(first)) {
        event.prevent_default();
        dom::focus(last);
    } else if !key.shift_key() && (!inside || active.as_ref() == Some(last)) {
        event.prevent_default();
        dom::focus(first);
    }
}

fn controller_line(notice: &Notice, lang: Lang) -> Result<El, UiError> {
    let mut text = notice.controller.clone();
    for extra in &notice.contact {
        text.push_str(" \u{b7} ");
        text.push_str(extra);
    }
    Ok(El::new("p")?
        .child(El::new("strong")?.text(t(lang, "consent.controller")))
        .child(El::new("span")?.text(": "))
        .child(El::new("span")?.text(&text)))
}

fn essential_section(lang: Lang) -> Result<El, UiError> {
    let input = El::new("input")?.attr("type", "checkbox").flag("checked", true).flag("disabled", true);
    let cookie = El::new("li")?.child(El::new("code")?.text(crate::consent::COOKIE_NAME)).child(El::new("span")?.text(&{
        let mut s = String::from(" \u{2014} ");
        s.push_str(t(lang, "consent.consent_cookie"));
        s.push_str(" (13 ");
        s.push_str(if lang == Lang::Nl { "maanden)" } else { "months)" });
        s
    }));
    Ok(El::new("section")?
        .class("pw-purpose")
        .attr("data-purpose", "essential")
        .child(
            El::new("label")?
                .class("pw-switch")
                .child(input)
                .child(El::new("span")?.text(t(lang, "consent.essential")))
                .child(El::new("span")?.class("pw-badge").text(t(lang, "consent.always_on"))),
        )
        .child(El::new("p")?.class("pw-muted").text(t(lang, "consent.essential.text")))
        .child(El::new("ul")?.child(cookie)))
}

fn purpose_section(
    notice: &Notice,
    purpose: &NoticePurpose,
    lang: Lang,
    locked: bool,
    checked: bool,
) -> Result<(El, HtmlInputElement), UiError> {
    let input_el = El::new("input")?
        .attr("type", "checkbox")
        .attr("name", &purpose.id)
        .attr("data-pw", "switch")
        .flag("disabled", locked);
    let input: HtmlInputElement = input_el.element().clone().dyn_into().map_err(|_| UiError::Dom)?;
    input.set_checked(checked);
    let label = El::new("label")?
        .class("pw-switch")
        .child(input_el)
        .child(El::new("span")?.text(&purpose.label))
        .child_opt(if locked { Some(El::new("span")?.class("pw-badge").text(t(lang, "consent.gpc_locked"))) } else { None });

    let mut facts = El::new("dl")?
        .class("pw-dl")
        .child(El::new("dt")?.text(t(lang, "consent.controller")))
        .child(El::new("dd")?.text(&notice.controller))
        .child(El::new("dt")?.text(t(lang, "consent.retention")))
        .child(El::new("dd")?.text(&purpose.retention));
    if !purpose.recipients.is_empty() {
        let mut list = El::new("ul")?;
        for r in &purpose.recipients {
            let mut line = r.name.clone();
            let location = match r.location {
                Location::OutsideEu => Some(t(lang, "consent.outside_eu")),
                Location::Unknown => Some(t(lang, "consent.location_unknown")),
                Location::InsideEu => None,
            };
            let notes: Vec<&str> = r.country.as_deref().into_iter().chain(location).collect();
            if !notes.is_empty() {
                line.push_str(" (");
                line.push_str(&notes.join(", "));
                line.push(')');
            }
            list = list.child(El::new("li")?.attr("data-recipient", &r.id).text(&line));
        }
        facts = facts.child(El::new("dt")?.text(t(lang, "consent.recipients"))).child(El::new("dd")?.child(list));
    }
    let mut services = El::new("ul")?.class("pw-services");
    let mut any_service = false;
    for s in notice.services_for(&purpose.id) {
        any_service = true;
        let mut line = s.name.clone();
        if !s.cookies.is_empty() {
            line.push_str(" \u{2014} ");
            line.push_str(t(lang, "consent.cookies"));
            line.push_str(": ");
            for (i, c) in s.cookies.iter().enumerate() {
                if i > 0 {
                    line.push_str(", ");
                }
                line.push_str(&c.name);
                line.push_str(" (");
                line.push_str(&c.lifetime);
                line.push(')');
            }
        }
        services = services.child(El::new("li")?.attr("data-service", &s.id).text(&line));
    }
    if any_service {
        facts = facts.child(El::new("dt")?.text(t(lang, "consent.services"))).child(El::new("dd")?.child(services));
    }
    let section = El::new("section")?
        .class("pw-purpose")
        .attr("data-purpose", &purpose.id)
        .child(label)
        .child_opt(match &purpose.description {
            Some(d) => Some(El::new("p")?.class("pw-muted").text(d)),
            None => None,
        })
        .child(facts);
    Ok((section, input))
}
