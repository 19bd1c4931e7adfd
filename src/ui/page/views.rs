//! The widget's own UI on the page: the floating button, the banner and the dialog, opened,
//! closed and focused (C-A2, C-A7, C-D2).

use crate::prelude::*;

use super::{host, with, Page, Pending, Phase};
use crate::browser::signals;
use crate::consent::{Action, UiText};
use crate::ui::banner::{button, Banner, BannerEvent};
use crate::ui::dialog::{Dialog, DialogEvent};
use crate::ui::dom;
use crate::browser::events::Listener;
use alloc::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;

impl Page {
    /// Mounts the floating button (and the banner when `ask`), then runs the calls that waited.
    pub(super) fn mount_ui(&self, ask: bool) {
        let Ok(mount) = host::page_mount() else { return };
        let (lang, notice) = {
            let s = self.0.borrow();
            (s.lang, s.notice.clone())
        };
        let _ = mount.frame.set_attribute("lang", lang.tag());
        let weak = self.weak();
        let label = notice.as_ref().map_or("", |n| n.text(UiText::OpenButton));
        let float = dom::document().map(|d| button(&d, "pw-btn pw-float", label).attr("data-pw", "open").done());
        let mut listeners = Vec::new();
        if let Some(float) = &float {
            let w = weak.clone();
            let opener = float.clone();
            listeners.push(Listener::new(float, "click", move |_| with(&w, |p| p.open_dialog(Some(opener.clone())))));
            mount.show(float);
        }
        if let Some(doc) = dom::document() {
            let w = weak.clone();
            listeners.push(Listener::new(&doc, "click", move |e| {
                // No type check: for a target that is no element (the document), `closest` is
                // missing and its binding returns the error, which is ignored.
                let target = e.target().map(JsCast::unchecked_into::<Element>);
                if let Some(opener) = target.and_then(|t| t.closest("[data-privacy-widget-open]").ok().flatten()) {
                    e.prevent_default();
                    with(&w, |p| p.open_dialog(Some(opener.clone())));
                }
            }));
        }
        let pending = {
            let mut s = self.0.borrow_mut();
            s.float = float;
            s.listeners = listeners;
            s.mount = Some(mount);
            match core::mem::replace(&mut s.phase, Phase::Ready) {
                Phase::Loading(pending) => pending,
                _ => Vec::new(),
            }
        };
        if ask {
            self.show_banner();
        } else {
            self.keep_focus_visible();
        }
        signals::dispatch("privacy-widget:ready", &self.consent_value());
        for call in pending {
            match call {
                Pending::Open => self.open_dialog(None),
                Pending::Reset => self.reset(),
            }
        }
    }

    /// Shows the banner (replacing one already shown) and hides the floating button.
    pub(super) fn show_banner(&self) {
        let (notice, gpc) = {
            let s = self.0.borrow();
            let Some(notice) = s.notice.clone() else { return };
            (notice, s.gpc)
        };
        let weak = self.weak();
        let on: Rc<dyn Fn(BannerEvent)> = Rc::new(move |event| {
            with(&weak, |p| match event {
                BannerEvent::AcceptAll => p.act(Action::AcceptAll),
                BannerEvent::RejectAll => p.act(Action::RejectAll),
                BannerEvent::Settings => {
                    let opener = p.0.borrow().banner.as_ref().and_then(|b| b.el.query_selector("[data-pw=settings]").ok().flatten());
                    p.open_dialog(opener)
                }
                BannerEvent::Dismiss => p.hide_banner(),
            })
        });
        let Ok(banner) = Banner::new(&notice, gpc, on) else { return };
        let mut s = self.0.borrow_mut();
        if let Some(mount) = &s.mount {
            mount.show(&banner.el);
        }
        if let Some(f) = &s.float {
            let _ = f.set_attribute("hidden", "");
        }
        if let Some(old) = s.banner.replace(banner) {
            old.el.remove();
        }
        drop(s);
        self.keep_focus_visible();
    }

    /// Closes the banner without recording anything (C-A2); focus goes to the floating button.
    pub(super) fn hide_banner(&self) {
        let (banner, float) = {
            let mut s = self.0.borrow_mut();
            (s.banner.take(), s.float.clone())
        };
        if let Some(b) = banner {
            b.el.remove();
        }
        if let Some(f) = float {
            let _ = f.remove_attribute("hidden");
            dom::focus(&f);
        }
        self.keep_focus_visible();
    }

    /// Opens the preferences dialog; `opener` gets focus back when it closes (C-D2).
    pub fn open_dialog(&self, opener: Option<Element>) {
        if self.defer(Pending::Open) {
            return;
        }
        let (notice, gpc, record, root) = {
            let s = self.0.borrow();
            let Some(notice) = s.notice.clone() else { return };
            let record = if s.settled { s.stored.clone() } else { None };
            let Some(root) = s.mount.as_ref().map(|m| m.root.clone()) else { return };
            (notice, s.gpc, record, root)
        };
        self.close_dialog(false);
        let weak = self.weak();
        let on: Rc<dyn Fn(DialogEvent)> = Rc::new(move |event| {
            with(&weak, |p| match event.clone() {
                DialogEvent::Save(choices) => p.act(Action::Custom(choices)),
                DialogEvent::AcceptAll => p.act(Action::AcceptAll),
                DialogEvent::RejectAll => p.act(Action::RejectAll),
                DialogEvent::Closed => p.close_dialog(true),
            })
        });
        let granted = |id: &str| record.as_ref().is_some_and(|r| r.granted(id));
        let Ok(dialog) = Dialog::new(&notice, gpc, &granted, on) else { return };
        dialog.open(&root);
        self.0.borrow_mut().dialog = Some((dialog, opener));
    }

    /// Closes the dialog, if open; `restore_focus` gives focus back to its opener.
    pub(super) fn close_dialog(&self, restore_focus: bool) {
        let taken = self.0.borrow_mut().dialog.take();
        let Some((dialog, opener)) = taken else { return };
        dialog.close();
        if restore_focus {
            self.restore_focus(opener);
        }
    }

    /// Focuses `opener` if it is still on the page, else the banner's settings button or the
    /// floating button.
    pub(super) fn restore_focus(&self, opener: Option<Element>) {
        let target = opener.filter(|o| o.is_connected()).or_else(|| {
            let s = self.0.borrow();
            s.banner
                .as_ref()
                .and_then(|b| b.el.query_selector("[data-pw=settings]").ok().flatten())
                .or_else(|| s.float.clone())
        });
        if let Some(el) = target {
            dom::focus(&el);
        }
    }
}
