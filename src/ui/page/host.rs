//! The marketing page's widget host: a fixed element first in `<body>`, waiting for `<body>`,
//! and keeping focused page elements clear of the widget.

use crate::prelude::*;

use super::super::dom::{self, Tree};
use super::super::Mount;
use crate::browser::events::Listener;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// The marketing page's widget host: a fixed element, first in `<body>` so that the banner
/// comes first in the keyboard order.
pub(super) fn page_mount() -> Result<Mount, super::super::UiError> {
    let doc = dom::document().ok_or(super::super::UiError::NoDocument)?;
    let body = doc.body().ok_or(super::super::UiError::NoDocument)?;
    let host = Tree::new(&doc, "div").class("pw-page-host").attr("id", "privacy-widget-consent").done();
    body.prepend_with_node_1(&host).map_err(|_| super::super::UiError::Dom)?;
    let mount = Mount::attach(host)?;
    // The frame's classes are ours: `pw-root` from the mount, plus `pw-page`.
    mount.frame.set_class_name("pw-root pw-page");
    Ok(mount)
}

/// Runs `f` once `<body>` exists: now (`None`), or on `DOMContentLoaded` through the returned
/// listener, which the caller keeps (dropping it cancels the wait). Boxed, so that there is
/// one listener type.
pub(super) fn when_body(f: Box<dyn FnOnce()>) -> Option<Listener> {
    let doc = dom::document()?;
    if doc.body().is_some() && doc.ready_state() != "loading" {
        f();
        return None;
    }
    Some(Listener::once(&doc, "DOMContentLoaded", move |_| f()))
}

/// The id of the spacer at the end of `<body>`.
const SPACER_ID: &str = "privacy-widget-spacer";

/// Keeps page content clear of the fixed banner or button (C-D3, WCAG 2.4.11): focused
/// elements through `scroll-padding-bottom` on `<html>`, and the end of the page through an
/// empty, hidden-from-assistive-technology spacer at the end of `<body>` as tall as the widget,
/// so that a footer link can be scrolled above the floating button and clicked (only on pages
/// that scroll anyway: elsewhere it would add a scrollbar and shift the page). Both follow the
/// widget's height; both are set through the CSSOM, which a strict CSP allows, and marked
/// `!important` so that a page's global rules cannot collapse the spacer.
pub fn keep_focus_visible(host: &Element) {
    let Some(doc) = dom::document() else { return };
    let height = f64::from(host.client_height());
    let mut value = String::new();
    dom::push_u32(&mut value, height.max(0.0) as u32 + 8);
    value.push_str("px");
    let Some(html) = doc.document_element() else { return };
    set_style(&html, "scroll-padding-bottom", &value, "");
    // Only a page that scrolls anyway gets the spacer: on a page that fits the window it would
    // add a scrollbar, and the narrower page would shift under the visitor (layout shift).
    let existing = doc.get_element_by_id(SPACER_ID);
    let own = existing.as_ref().map_or(0, |s| s.client_height());
    if html.scroll_height() - own <= html.client_height() {
        if let Some(s) = existing {
            s.remove();
        }
        return;
    }
    let spacer = match existing {
        Some(s) => Some(s),
        None => doc.body().and_then(|body| {
            let s = Tree::new(&doc, "div").attr("id", SPACER_ID).attr("aria-hidden", "true").done();
            body.append_with_node_1(&s).ok().map(|_| s)
        }),
    };
    if let Some(spacer) = spacer {
        set_style(&spacer, "display", "block", "important");
        set_style(&spacer, "height", &value, "important");
    }
}

/// Removes the spacer (the widget is destroyed).
pub fn remove_spacer() {
    if let Some(s) = dom::document().and_then(|d| d.get_element_by_id(SPACER_ID)) {
        s.remove();
    }
}

/// `el.style.setProperty(name, value, priority)`.
fn set_style(el: &Element, name: &str, value: &str, priority: &str) {
    if let Ok(style) = js_sys::Reflect::get(el, &"style".into()) {
        if let Ok(set) = js_sys::Reflect::get(&style, &"setProperty".into()) {
            if let Some(set) = set.dyn_ref::<js_sys::Function>() {
                let _ = set.call3(&style, &name.into(), &value.into(), &priority.into());
            }
        }
    }
}
