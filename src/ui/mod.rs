//! DOM rendering into a shadow root, one file per view.
//!
//! [`Mount`] owns a host element's shadow root: it adopts the shared stylesheet, sets `lang`,
//! keeps a polite live region for status messages, and shows the neutral "unavailable"
//! message when a policy cannot be loaded. Views build their content with [`dom::El`] (the
//! marketing page's with [`dom::Tree`]).

use crate::prelude::*;

pub mod banner;
pub mod dialog;
pub mod dom;
#[cfg(feature = "panel")]
pub mod embed;
pub mod page;
#[cfg(feature = "panel")]
pub mod panel;
#[cfg(feature = "panel")]
pub mod store;
pub mod style;

use crate::i18n::Lang;
use crate::t;
use dom::Tree;
#[cfg(feature = "panel")]
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use web_sys::{Element, ShadowRoot, ShadowRootInit};

/// What can go wrong while mounting or rendering. `Display` writes [`UiError::message`].
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    #[error("{}", self.message())]
    NoDocument,
    #[error("{}", self.message())]
    NoSuchElement,
    #[error("{}", self.message())]
    AlreadyMounted,
    #[error("{}", self.message())]
    ShadowUnsupported,
    #[error("{}", self.message())]
    Dom,
}

impl UiError {
    /// What went wrong, in words (used instead of `to_string` in the wasm: no formatting).
    pub fn message(&self) -> &'static str {
        match self {
            UiError::NoDocument => "privacy-widget: there is no document (not running in a window)",
            UiError::NoSuchElement => "privacy-widget: no element matches the mount target",
            UiError::AlreadyMounted => "privacy-widget: this element already has a widget mounted; call destroy() first",
            UiError::ShadowUnsupported => "privacy-widget: this element cannot host a shadow root",
            UiError::Dom => "privacy-widget: a DOM operation failed",
        }
    }
}

impl From<UiError> for JsValue {
    fn from(e: UiError) -> JsValue {
        js_sys::Error::new(e.message()).into()
    }
}

/// The attribute that marks a host element; its value is `mounted` or `destroyed`.
pub const HOST_ATTR: &str = "data-privacy-widget";

/// A widget's place on the page: host element, open shadow root, themed frame, live region.
pub struct Mount {
    pub host: Element,
    pub root: ShadowRoot,
    /// The `.pw-root` element inside the shadow root; views render into it.
    pub frame: Element,
    /// A polite live region (`role="status"`) for status messages (C-D5).
    pub live: Element,
    pub lang: Lang,
}

impl Mount {
    /// Attaches to `host`: refuses an element that already carries a live widget.
    /// A host whose widget was destroyed is reused (a shadow root cannot be removed).
    pub fn attach(host: Element) -> Result<Mount, UiError> {
        let root = match (host.get_attribute(HOST_ATTR).as_deref(), host.shadow_root()) {
            (Some("destroyed"), Some(root)) => {
                dom::clear(&root);
                root
            }
            (Some(_), _) | (None, Some(_)) => return Err(UiError::AlreadyMounted),
            (None, None) => {
                // `{mode: "open"}` as a plain object (the dictionary type and its enum would
                // bring their own glue into the marketing page's module).
                let init = js_sys::Object::new();
                crate::browser::js::set_str(&init, "mode", "open");
                host.attach_shadow(wasm_bindgen::JsCast::unchecked_ref::<ShadowRootInit>(&init)).map_err(|_| UiError::ShadowUnsupported)?
            }
        };
        if let Some(sheet) = style::sheet() {
            root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
        }
        let lang = detect_lang(&host);
        let d = &dom::document().ok_or(UiError::NoDocument)?;
        let live = Tree::new(d, "div").class("pw-sr").attr("role", "status").attr("aria-live", "polite").done();
        let frame = Tree::new(d, "div").class("pw-root").attr("lang", lang.tag()).done();
        root.append_child(&frame).map_err(|_| UiError::Dom)?;
        frame.append_child(&live).map_err(|_| UiError::Dom)?;
        host.set_attribute(HOST_ATTR, "mounted").map_err(|_| UiError::Dom)?;
        Ok(Mount { host, root, frame, live, lang })
    }

    /// Announces a status message through the live region (C-D5).
    #[cfg_attr(not(feature = "panel"), allow(dead_code))]
    pub fn announce(&self, message: &str) {
        self.live.set_text_content(None);
        self.live.set_text_content(Some(message));
    }

    /// Replaces the content with the short neutral message shown when the policy cannot be
    /// loaded or is invalid; the details go to the console, the host page is untouched.
    pub fn show_unavailable(&self) {
        self.clear_content();
        if let Some(d) = dom::document() {
            let p = Tree::new(&d, "p").class("pw-unavailable").text(t!(self.lang, "state.unavailable")).done();
            let _ = self.frame.append_child(&p);
        }
    }

    /// Removes everything but the live region.
    pub fn clear_content(&self) {
        let children = self.frame.children();
        let mut i = children.length();
        while i > 0 {
            i -= 1;
            if let Some(child) = children.item(i) {
                if child != self.live {
                    child.remove();
                }
            }
        }
    }

    /// Appends a view's element to the frame.
    pub fn show(&self, view: &Element) {
        let _ = self.frame.append_child(view);
    }

    /// Empties the shadow root and marks the host as free for a new mount.
    pub fn detach(&self) {
        dom::clear(&self.root);
        let _ = self.host.set_attribute(HOST_ATTR, "destroyed");
    }
}

/// The element's `lang` attribute, then `<html lang>`, then the browser's languages, then Dutch.
pub fn detect_lang(host: &Element) -> Lang {
    let chosen = |tag: Option<String>| tag.and_then(|t| Lang::from_tag(&t));
    if let Some(lang) = chosen(host.get_attribute("lang")) {
        return lang;
    }
    if let Some(lang) = chosen(dom::document().and_then(|d| d.document_element()).and_then(|h| h.get_attribute("lang"))) {
        return lang;
    }
    if let Some(window) = crate::browser::js::window() {
        for tag in window.navigator().languages().iter() {
            if let Some(lang) = chosen(tag.as_string()) {
                return lang;
            }
        }
    }
    Lang::Nl
}

/// Resolves a mount target: an `Element`, or a CSS selector string.
#[cfg(feature = "panel")]
pub fn resolve_target(target: &JsValue) -> Result<Element, UiError> {
    if let Some(el) = target.dyn_ref::<Element>() {
        return Ok(el.clone());
    }
    let selector = target.as_string().ok_or(UiError::NoSuchElement)?;
    let doc = dom::document().ok_or(UiError::NoDocument)?;
    doc.query_selector(&selector).ok().flatten().ok_or(UiError::NoSuchElement)
}
