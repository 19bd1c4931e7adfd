//! DOM construction helpers: the one place the UI creates elements and sets text and attributes.
//!
//! Every string from a policy, a server or a visitor goes in through [`El::text`] or
//! [`El::attr`] (never as markup), so nothing they contain can become an element.

use crate::prelude::*;

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

/// The page's document; `None` only outside a window (workers), where the widget cannot run.
pub fn document() -> Option<Document> {
    crate::browser::js::window().and_then(|w| w.document())
}

/// An element under construction (the control-panel views), built with chained calls:
/// `El::new("button")?.class("pw-btn").attr("type", "button").text(label)`.
#[cfg(feature = "panel")]
pub struct El(Element);

#[cfg(feature = "panel")]
impl El {
    /// Creates an element of `tag` (a constant of ours).
    pub fn new(tag: &'static str) -> Result<El, crate::ui::UiError> {
        let doc = document().ok_or(crate::ui::UiError::NoDocument)?;
        doc.create_element(tag).map(El).map_err(|_| crate::ui::UiError::Dom)
    }

    /// Adds classes (space separated, constants of ours).
    pub fn class(self, class: &'static str) -> El {
        for c in class.split(' ').filter(|c| !c.is_empty()) {
            // Adding a constant, well-formed class name cannot fail.
            let _ = self.0.class_list().add_1(c);
        }
        self
    }

    /// Sets an attribute; `name` is ours, `value` may be anyone's (attributes are not parsed as markup).
    pub fn attr(self, name: &'static str, value: &str) -> El {
        // Fails only for an invalid attribute name; ours are constants.
        let _ = self.0.set_attribute(name, value);
        self
    }

    /// Sets an attribute only when `on` is true (boolean attributes such as `hidden`).
    pub fn flag(self, name: &'static str, on: bool) -> El {
        if on {
            self.attr(name, "")
        } else {
            self
        }
    }

    /// Replaces the content with plain text.
    pub fn text(self, text: &str) -> El {
        self.0.set_text_content(Some(text));
        self
    }

    /// Appends a child element.
    pub fn child(self, child: El) -> El {
        // Appending a fresh element to another cannot fail (no cycles, same document).
        let _ = self.0.append_child(&child.0);
        self
    }

    /// Appends a child only when there is one.
    pub fn child_opt(self, child: Option<El>) -> El {
        match child {
            Some(c) => self.child(c),
            None => self,
        }
    }

    /// Appends several children.
    pub fn children(self, children: impl IntoIterator<Item = El>) -> El {
        for c in children {
            let _ = self.0.append_child(&c.0);
        }
        self
    }

    /// The finished element.
    pub fn build(self) -> Element {
        self.0
    }

    /// A borrowed view of the element while building.
    pub fn element(&self) -> &Element {
        &self.0
    }
}

/// An element under construction for the marketing-page views, like [`El`] but without an
/// error per element: the view gets the document once (the one place that can fail) and
/// every element comes from it ([`crate::browser::js::create_element`]), so the views carry no error paths (a smaller wasm). Text and
/// attribute values go in as text, never as markup, as with [`El`].
pub struct Tree(Element);

impl Tree {
    /// Creates an element of `tag` (a constant of ours) in `doc`.
    pub fn new(doc: &Document, tag: &'static str) -> Tree {
        Tree(crate::browser::js::create_element(doc, tag))
    }

    /// Sets the classes (space separated, constants of ours; once per element).
    pub fn class(self, class: &'static str) -> Tree {
        self.0.set_class_name(class);
        self
    }

    /// Sets an attribute; `name` is ours, `value` may be anyone's (attributes are not parsed as markup).
    pub fn attr(self, name: &'static str, value: &str) -> Tree {
        // Fails only for an invalid attribute name; ours are constants.
        let _ = self.0.set_attribute(name, value);
        self
    }

    /// Sets an attribute only when `on` is true (boolean attributes such as `disabled`).
    pub fn flag(self, name: &'static str, on: bool) -> Tree {
        if on {
            self.attr(name, "")
        } else {
            self
        }
    }

    /// Replaces the content with plain text.
    pub fn text(self, text: &str) -> Tree {
        self.0.set_text_content(Some(text));
        self
    }

    /// Appends a child.
    pub fn child(self, child: Tree) -> Tree {
        // Appending a fresh element to another cannot fail (no cycles, same document).
        let _ = self.0.append_child(&child.0);
        self
    }

    /// Appends a child only when there is one.
    pub fn child_opt(self, child: Option<Tree>) -> Tree {
        match child {
            Some(c) => self.child(c),
            None => self,
        }
    }

    /// The element while building.
    pub fn element(&self) -> &Element {
        &self.0
    }

    /// The finished element.
    pub fn done(self) -> Element {
        self.0
    }
}

/// Removes every child of `node`.
pub fn clear(node: &web_sys::Node) {
    while let Some(child) = node.first_child() {
        let _ = node.remove_child(&child);
    }
}

/// Moves keyboard focus to `el`. No type check (one import less): HTML, SVG and MathML
/// elements all have `focus()`, and the binding catches the error of one that has not.
pub fn focus(el: &Element) {
    let _ = el.unchecked_ref::<HtmlElement>().focus();
}

/// A per-mount unique id prefix for `id`/`aria-labelledby` pairs inside one shadow root.
pub fn next_id(prefix: &'static str) -> String {
    use core::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
    let mut id = String::from(prefix);
    id.push('-');
    push_u32(&mut id, n);
    id
}

/// Appends the decimal digits of `n` without pulling in the formatting machinery.
pub fn push_u32(out: &mut String, n: u32) {
    // Most significant digit first, by recursion (at most ten deep): no buffer, no index.
    if n >= 10 {
        push_u32(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}
