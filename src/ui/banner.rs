//! The first layer: a non-modal banner region (C-D3) naming the controller and the purposes,
//! with "Alles accepteren", "Alles weigeren" and "Instellingen" of the same size and style
//! (C-A3). Closing it or pressing Escape records nothing (C-A2). Also the floating
//! "Privacy-instellingen" button that stays on the page (C-A7).
//!
//! On a phone (up to 40em wide) the banner keeps to half of the viewport (`max-height: 50vh`),
//! with the three choices side by side, of equal size, below a shorter text: PCextreme's covers
//! 32.5% of 375×667 and 45.1% of 320×568 in Chromium (65.5% and 64.7% before); the dialog
//! carries the detail (C-A6).

use crate::prelude::*;

use super::dom::Tree;
use super::UiError;
use crate::consent::{Notice, UiText};
use crate::browser::events::Listener;
use alloc::rc::Rc;
use web_sys::{Document, Element};

/// Rules for the page host, the banner and the floating button.
macro_rules! banner_css {
    () => {
        r#"
:host(.pw-page-host){position:fixed!important;inset-inline:0!important;bottom:0!important;z-index:2147483000!important;pointer-events:none!important;contain:none!important}
.pw-root.pw-page{background:none;padding:0 .75em .75em;display:flex;flex-direction:column;align-items:flex-start;gap:.5em}
.pw-page>*{pointer-events:auto}
.pw-banner{position:relative;align-self:stretch;max-width:60em;margin-inline:auto;width:100%;padding:1em 3.25em 1em 1em;background:var(--bg);color:var(--fg);border:2px solid var(--line);border-radius:var(--radius);box-shadow:0 4px 24px rgba(0,0,0,.25);max-height:70vh;overflow:auto}
.pw-banner h2{margin-bottom:.25em}
.pw-banner .pw-row{margin-top:.75em}
.pw-choice{flex:1 1 10em}
.pw-x{position:absolute;top:.5em;inset-inline-end:.5em;min-width:44px;padding:.25em;font-size:1.25em}
.pw-gpc{margin-top:.5em;padding:.5em .75em;border-inline-start:4px solid var(--ok);background:var(--soft)}
.pw-float{font-size:.9em;min-height:44px;box-shadow:0 2px 8px rgba(0,0,0,.25)}
@media (max-width:40em){.pw-banner{padding:.75em;max-height:50vh}.pw-banner>p{font-size:.8em;line-height:1.3}.pw-banner .pw-row{flex-wrap:nowrap;align-items:stretch}.pw-choice{flex:1;padding:.25em;font-size:.8em}}
"#
    };
}
#[cfg(not(feature = "panel"))]
pub(crate) use banner_css;

/// The same rules as a constant, for the stylesheet's parts.
#[cfg(feature = "panel")]
pub const CSS: &str = banner_css!();

/// What the visitor did in the banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BannerEvent {
    /// "Alles accepteren": every purpose granted.
    AcceptAll,
    /// "Alles weigeren": every purpose refused.
    RejectAll,
    /// "Instellingen": open the preferences dialog.
    Settings,
    /// Closed or Escape: no consent, nothing recorded (C-A2).
    Dismiss,
}

/// The banner element and its listeners (dropped with it).
pub struct Banner {
    /// The banner's root element, shown in the widget's mount and removed to close the banner.
    pub el: Element,
    _listeners: Vec<Listener>,
}

/// A button of ours; `class` decides the look.
pub fn button(d: &Document, class: &'static str, label: &str) -> Tree {
    Tree::new(d, "button").class(class).attr("type", "button").text(label)
}

/// The GPC note shown in the banner and the dialog (C-B1).
pub fn gpc_note(d: &Document, notice: &Notice) -> Tree {
    Tree::new(d, "p").class("pw-gpc").attr("data-pw", "gpc").text(notice.text(UiText::GpcNote))
}

impl Banner {
    /// Builds the banner from the notice's texts; `on` receives the visitor's action.
    pub fn new(notice: &Notice, gpc: bool, on: Rc<dyn Fn(BannerEvent)>) -> Result<Banner, UiError> {
        let text = |which| notice.text(which);
        let d = &super::dom::document().ok_or(UiError::NoDocument)?;
        let title_id = super::dom::next_id("pw-banner-title");
        let accept = button(d, "pw-btn pw-btn-primary pw-choice", text(UiText::AcceptAll)).attr("data-pw", "accept-all");
        let reject = button(d, "pw-btn pw-btn-primary pw-choice", text(UiText::RejectAll)).attr("data-pw", "reject-all");
        let settings = button(d, "pw-btn pw-btn-primary pw-choice", text(UiText::Settings)).attr("data-pw", "settings");
        let close = button(d, "pw-btn pw-x", "\u{d7}").attr("aria-label", text(UiText::Dismiss)).attr("data-pw", "dismiss");
        let targets = [
            (accept.element().clone(), BannerEvent::AcceptAll),
            (reject.element().clone(), BannerEvent::RejectAll),
            (settings.element().clone(), BannerEvent::Settings),
            (close.element().clone(), BannerEvent::Dismiss),
        ];
        let el = Tree::new(d, "section")
            .class("pw-banner")
            .attr("role", "region")
            .attr("aria-label", text(UiText::BannerLabel))
            .attr("data-pw", "banner")
            .child(Tree::new(d, "h2").attr("id", &title_id).text(text(UiText::BannerTitle)))
            .child(Tree::new(d, "p").text(text(UiText::BannerText)))
            .child_opt(gpc.then(|| gpc_note(d, notice)))
            .child(Tree::new(d, "div").class("pw-row").child(accept).child(reject).child(settings))
            .child(close)
            .done();
        let mut listeners = Vec::new();
        for (target, event) in targets {
            let on = on.clone();
            listeners.push(Listener::new(&target, "click", move |_| on(event)));
        }
        let on_key = on.clone();
        listeners.push(Listener::new(&el, "keydown", move |e| {
            if crate::browser::js::is_key(&e, "Escape") {
                on_key(BannerEvent::Dismiss);
            }
        }));
        Ok(Banner { el, _listeners: listeners })
    }
}
