//! The preferences dialog: a native `<dialog>` opened with `showModal()` (the page behind it
//! is inert, so `aria-modal="true"` is truthful, C-D1), labelled by its title; focus moves in,
//! Tab and Shift+Tab wrap, Escape closes without consent, focus returns to the opener (C-D2).
//! One native checkbox switch per browser-consent purpose, off unless granted (C-A2, C-A5),
//! with its services, cookies and lifetimes, recipients and countries, retention and the
//! controller (C-A6); "Keuze opslaan", "Alles accepteren", "Alles weigeren".

use crate::prelude::*;

use super::banner::{button, gpc_note};
use super::dom::{self, Tree};
use super::UiError;
use crate::consent::{is_gpc_covered, Choice, Notice, NoticeLine, NoticePurpose, UiText};
use crate::browser::events::Listener;
use alloc::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlInputElement, ShadowRoot};
use crate::browser::js;

/// Rules for the dialog.
macro_rules! dialog_css {
    () => {
        r#"
.pw-dialog{width:min(44em,calc(100vw - 1em));max-height:calc(100vh - 1em);padding:0;border:2px solid var(--line);border-radius:var(--radius);background:var(--bg);color:var(--fg);overflow:auto}
.pw-dialog::backdrop{background:rgba(0,0,0,.55)}
.pw-dialog-body{position:relative;padding:1.25em}
.pw-dialog-body>*+*{margin-top:1em}
.pw-purpose{border:1px solid var(--line);border-radius:var(--radius);padding:.75em 1em}
.pw-purpose>*+*{margin-top:.5em}
.pw-purpose .pw-switch span{font-weight:700}
.pw-services li+li{margin-top:.35em}
.pw-actions{position:sticky;bottom:0;background:var(--bg);padding:.75em 1.25em;border-top:1px solid var(--line)}
"#
    };
}
#[cfg(not(feature = "panel"))]
pub(crate) use dialog_css;

/// The same rules as a constant, for the stylesheet's parts.
#[cfg(feature = "panel")]
pub const CSS: &str = dialog_css!();

/// What the visitor did in the dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogEvent {
    /// "Keuze opslaan" with every switch's state.
    Save(Vec<Choice>),
    /// "Alles accepteren": every purpose granted.
    AcceptAll,
    /// "Alles weigeren": every purpose refused.
    RejectAll,
    /// Closed (Escape or the close button): nothing recorded.
    Closed,
}

/// What a dialog control (or the dialog's `cancel`) stands for.
#[derive(Clone, Copy)]
enum Control {
    Close,
    Cancel,
    Save,
    AcceptAll,
    RejectAll,
}

/// An open (or openable) dialog with its listeners.
pub struct Dialog {
    /// The dialog's root element, shown in the widget's mount and removed to close the dialog.
    pub el: Element,
    _listeners: Vec<Listener>,
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
        gpc: bool,
        granted: &dyn Fn(&str) -> bool,
        on: Rc<dyn Fn(DialogEvent)>,
    ) -> Result<Dialog, UiError> {
        let d = &dom::document().ok_or(UiError::NoDocument)?;
        let text = |which| notice.text(which);
        let title_id = dom::next_id("pw-dialog-title");
        let close = button(d, "pw-btn pw-x", "\u{d7}").attr("aria-label", text(UiText::Close)).attr("data-pw", "close");
        let save = button(d, "pw-btn pw-btn-primary pw-choice", text(UiText::Save)).attr("data-pw", "save");
        let accept = button(d, "pw-btn pw-btn-primary pw-choice", text(UiText::AcceptAll)).attr("data-pw", "accept-all");
        let reject = button(d, "pw-btn pw-btn-primary pw-choice", text(UiText::RejectAll)).attr("data-pw", "reject-all");
        let (close_el, save_el, accept_el, reject_el) =
            (close.element().clone(), save.element().clone(), accept.element().clone(), reject.element().clone());
        let mut switches: Vec<(String, HtmlInputElement)> = Vec::new();
        let mut body = Tree::new(d, "div")
            .class("pw-dialog-body")
            .child(Tree::new(d, "h2").attr("id", &title_id).text(text(UiText::DialogTitle)))
            .child(close)
            .child(Tree::new(d, "p").text(text(UiText::DialogIntro)))
            .child_opt(gpc.then(|| gpc_note(d, notice)))
            .child(controller_line(d, notice))
            .child(essential_section(d, notice));
        for purpose in &notice.purposes {
            let locked = gpc && is_gpc_covered(purpose.kind);
            let (section, input) = purpose_section(d, notice, purpose, locked, !locked && granted(&purpose.id));
            let Some(input) = input else { return Err(UiError::Dom) };
            switches.push((purpose.id.clone(), input));
            body = body.child(section);
        }
        let el = Tree::new(d, "dialog")
            .class("pw-dialog")
            .attr("aria-labelledby", &title_id)
            .attr("aria-modal", "true")
            .attr("data-pw", "dialog")
            .child(body)
            .child(Tree::new(d, "div").class("pw-row pw-actions").child(save).child(accept).child(reject))
            .done();

        // One listener type for the five controls (each closure type costs its own code).
        let mut listeners = Vec::new();
        let switches = Rc::new(switches);
        for (target, name, control) in [
            (&close_el, "click", Control::Close),
            // Escape: the browser fires `cancel` and closes the modal dialog.
            (&el, "cancel", Control::Cancel),
            (&save_el, "click", Control::Save),
            (&accept_el, "click", Control::AcceptAll),
            (&reject_el, "click", Control::RejectAll),
        ] {
            let (on, dialog, switches) = (on.clone(), el.clone(), switches.clone());
            listeners.push(Listener::new(target, name, move |_| {
                on(match control {
                    Control::Close => {
                        call(&dialog, "close");
                        DialogEvent::Closed
                    }
                    Control::Cancel => DialogEvent::Closed,
                    Control::Save => {
                        DialogEvent::Save(switches.iter().map(|(id, input)| (id.clone(), input.checked())).collect())
                    }
                    Control::AcceptAll => DialogEvent::AcceptAll,
                    Control::RejectAll => DialogEvent::RejectAll,
                })
            }));
        }
        let trap_root = el.clone();
        listeners.push(Listener::new(&el, "keydown", move |e| trap_tab(&trap_root, &e)));
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
            // A selector matches elements only: no type check.
            if let Some(el) = list.item(i).map(JsCast::unchecked_into::<Element>) {
                out.push(el);
            }
        }
    }
    out
}

/// Keeps Tab and Shift+Tab inside the dialog (C-D2).
fn trap_tab(dialog: &Element, event: &web_sys::Event) {
    if !js::is_key(event, "Tab") {
        return;
    }
    let shift = js::shift_held(event);
    let items = focusables(dialog);
    let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
    // The dialog's root is our shadow root; detached, it is the dialog, whose `activeElement`
    // is undefined (`None`): no type check needed.
    let active = dialog.get_root_node().unchecked_into::<ShadowRoot>().active_element();
    let inside = active.as_ref().is_some_and(|a| items.contains(a));
    if shift && (!inside || active.as_ref() == Some(first)) {
        event.prevent_default();
        dom::focus(last);
    } else if !shift && (!inside || active.as_ref() == Some(last)) {
        event.prevent_default();
        dom::focus(first);
    }
}

fn controller_line(d: &Document, notice: &Notice) -> Tree {
    Tree::new(d, "p")
        .child(Tree::new(d, "strong").text(notice.text(UiText::Controller)))
        .child(Tree::new(d, "span").text(": "))
        .child(Tree::new(d, "span").text(&notice.controller_line))
}

fn essential_section(d: &Document, notice: &Notice) -> Tree {
    let input = Tree::new(d, "input").attr("type", "checkbox").flag("checked", true).flag("disabled", true);
    let cookie = Tree::new(d, "li")
        .child(Tree::new(d, "code").text(crate::consent::COOKIE_NAME))
        .child(Tree::new(d, "span").text(notice.text(UiText::ConsentCookie)));
    Tree::new(d, "section")
        .class("pw-purpose")
        .attr("data-purpose", "essential")
        .child(
            Tree::new(d, "label")
                .class("pw-switch")
                .child(input)
                .child(Tree::new(d, "span").text(notice.text(UiText::Essential)))
                .child(Tree::new(d, "span").class("pw-badge").text(notice.text(UiText::AlwaysOn))),
        )
        .child(Tree::new(d, "p").class("pw-muted").text(notice.text(UiText::EssentialText)))
        .child(Tree::new(d, "ul").child(cookie))
}

/// A `<dt>` term and its `<dd>` list of lines, each `<li>` marked with `attr` = the line's id;
/// nothing when there are no lines.
fn line_list(d: &Document, facts: Tree, term: &str, class: Option<&'static str>, attr: &'static str, lines: &[NoticeLine]) -> Tree {
    if lines.is_empty() {
        return facts;
    }
    let mut list = Tree::new(d, "ul");
    if let Some(class) = class {
        list = list.class(class);
    }
    for line in lines {
        list = list.child(Tree::new(d, "li").attr(attr, &line.id).text(&line.text));
    }
    facts.child(Tree::new(d, "dt").text(term)).child(Tree::new(d, "dd").child(list))
}

/// A purpose's section and its switch (`None` when it could not be made).
fn purpose_section(
    d: &Document,
    notice: &Notice,
    purpose: &NoticePurpose,
    locked: bool,
    checked: bool,
) -> (Tree, Option<HtmlInputElement>) {
    let text = |which| notice.text(which);
    let input_el = Tree::new(d, "input")
        .attr("type", "checkbox")
        .attr("name", &purpose.id)
        .attr("data-pw", "switch")
        .flag("disabled", locked);
    // Created as an `input` just above.
    let input = Some(input_el.element().unchecked_ref::<HtmlInputElement>().clone());
    if let Some(input) = &input {
        input.set_checked(checked);
    }
    let label = Tree::new(d, "label")
        .class("pw-switch")
        .child(input_el)
        .child(Tree::new(d, "span").text(&purpose.label))
        .child_opt(locked.then(|| Tree::new(d, "span").class("pw-badge").text(text(UiText::GpcLocked))));

    let facts = Tree::new(d, "dl")
        .class("pw-dl")
        .child(Tree::new(d, "dt").text(text(UiText::Controller)))
        .child(Tree::new(d, "dd").text(&notice.controller))
        .child(Tree::new(d, "dt").text(text(UiText::Retention)))
        .child(Tree::new(d, "dd").text(&purpose.retention));
    let facts = line_list(d, facts, text(UiText::Recipients), None, "data-recipient", &purpose.recipients);
    let facts = line_list(d, facts, text(UiText::Services), Some("pw-services"), "data-service", &purpose.services);
    let section = Tree::new(d, "section")
        .class("pw-purpose")
        .attr("data-purpose", &purpose.id)
        .child(label)
        .child_opt(purpose.description.as_ref().map(|text| Tree::new(d, "p").class("pw-muted").text(text)))
        .child(facts);
    (section, input)
}
