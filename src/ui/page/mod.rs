//! The marketing-page controller: loads the consent notice (the browser-consent part of the policy, compiled by the backend), reads the stored decision, pushes the
//! signals, gates tags, shows the banner when a question is open, opens the dialog, records
//! every decision through the outbox (C-A8) and tells the host page (events, `onChange`).

use crate::prelude::*;

mod effects;
mod host;
mod views;

use super::banner::Banner;
use super::dialog::Dialog;
use super::dom;
use super::Mount;
use crate::api::outbox::Courier;
use crate::browser::cell::PageCell;
use crate::browser::events::Listener;
use crate::browser::{cookies, env, gating::Gate, signals};
use crate::consent::{self, question, Action, ConsentRecord, Decision, Notice};
use crate::i18n::Lang;
use alloc::rc::{Rc, Weak};
use web_sys::Element;

/// The widget version sent with each proof-of-consent record.
pub const WIDGET_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the loader passes in (from the script tag's `data-*` attributes).
#[derive(Debug, Clone, Default)]
pub struct PageOptions {
    /// The site's id at the backend (`pcextreme`).
    pub site: String,
    /// Where the site's consent notice is; empty for `{api}/sites/{site}/notice?lang={lang}`.
    pub notice_url: String,
    /// The backend base, e.g. `/api/v1`.
    pub api: String,
    /// Forced language (`nl`, `en`); empty to detect.
    pub lang: String,
    /// `Domain=` for the decision cookie; empty for host-only.
    pub cookie_domain: String,
}

/// Where the page is in its life.
enum Phase {
    /// The notice is on its way, or `<body>` is awaited: `open()` and `reset()` wait here, in
    /// the order they were called.
    Loading(Vec<Pending>),
    /// The UI is mounted (or the "unavailable" message is shown).
    Ready,
    /// `destroy()` ran: nothing is shown, listened to or timed any more, and every deferred
    /// callback stops when it finds the page here.
    Destroyed,
}

/// A call that came before the page was ready; it runs once the UI is mounted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    /// `open()`: the preferences dialog.
    Open,
    /// `reset()`: forget the decision, ask again.
    Reset,
}

/// What the page shows once `<body>` exists.
#[derive(Clone, Copy)]
enum Show {
    /// The floating button, and the banner when a question is open (`ask`).
    Widget { ask: bool },
    /// The neutral message: the notice could not be loaded.
    Unavailable,
}

struct State {
    phase: Phase,
    options: PageOptions,
    /// The `DOMContentLoaded` listener while `<body>` is awaited.
    waiting: Option<Listener>,
    notice: Option<Rc<Notice>>,
    lang: Lang,
    gpc: bool,
    /// The stored decision (valid or not for this policy).
    stored: Option<ConsentRecord>,
    /// Whether `stored` answers the current question (applied and reported as the decision).
    settled: bool,
    mount: Option<Mount>,
    banner: Option<Banner>,
    dialog: Option<(Dialog, Option<Element>)>,
    float: Option<Element>,
    gate: Option<Gate>,
    courier: Option<Courier>,
    listeners: Vec<Listener>,
    subscribers: Vec<(u32, js_sys::Function)>,
    next_subscriber: u32,
}

/// The running widget on a marketing page; clones share it.
#[derive(Clone)]
pub struct Page(Rc<PageCell<State>>);

impl Page {
    /// Starts the widget: loading happens in the background; the handle works at once.
    pub fn start(options: PageOptions) -> Page {
        let lang = Lang::from_tag(&options.lang).unwrap_or_else(|| {
            let html = dom::document().and_then(|d| d.document_element());
            html.map(|h| super::detect_lang(&h)).unwrap_or(Lang::Nl)
        });
        let page = Page(Rc::new(PageCell::new(State {
            phase: Phase::Loading(Vec::new()),
            options,
            waiting: None,
            notice: None,
            lang,
            gpc: env::gpc(),
            stored: None,
            settled: false,
            mount: None,
            banner: None,
            dialog: None,
            float: None,
            gate: None,
            courier: Some(Courier::start()),
            listeners: Vec::new(),
            subscribers: Vec::new(),
            next_subscriber: 1,
        })));
        let weak = page.weak();
        crate::api::get_text_then(&page.notice_url(), move |loaded| {
            if let Some(page) = live(&weak) {
                page.on_notice_text(loaded);
            }
        });
        page
    }

    fn weak(&self) -> Weak<PageCell<State>> {
        Rc::downgrade(&self.0)
    }

    /// Holds `call` while the page is loading (`true`: the caller stops); `true` as well
    /// once it is destroyed, when the call is dropped.
    fn defer(&self, call: Pending) -> bool {
        match &mut self.0.borrow_mut().phase {
            Phase::Loading(pending) => {
                pending.push(call);
                true
            }
            Phase::Ready => false,
            Phase::Destroyed => true,
        }
    }

    /// Shows `what` once `<body>` exists, unless the page is destroyed by then. The page owns
    /// the listener that waits.
    fn show_when_body(&self, what: Show) {
        let weak = self.weak();
        let waiting = host::when_body(Box::new(move || {
            if let Some(page) = live(&weak) {
                match what {
                    Show::Widget { ask } => page.mount_ui(ask),
                    Show::Unavailable => page.show_unavailable(),
                }
            }
        }));
        self.0.borrow_mut().waiting = waiting;
    }

    /// The notice's URL: the option, or the backend's route for this site and language.
    fn notice_url(&self) -> String {
        let s = self.0.borrow();
        if !s.options.notice_url.is_empty() {
            return s.options.notice_url.clone();
        }
        let mut url = crate::consent::trim_end_byte(&s.options.api, b'/').to_string();
        for part in ["/sites/", &s.options.site, "/notice?lang=", s.lang.tag()] {
            url.push_str(part);
        }
        url
    }

    fn on_notice_text(&self, loaded: Result<String, crate::api::ApiError>) {
        let parsed = match loaded {
            // The browser parses the JSON (no parser in the wasm); the reader names the field.
            Ok(text) => crate::browser::js::parse(&text)
                .map_err(|reason| crate::consent::NoticeError { path: String::new(), reason })
                .and_then(|doc| Notice::read_value(&doc))
                .map_err(|e| e.message()),
            Err(e) => Err(e.message().to_string()),
        };
        match parsed {
            Ok(notice) => self.on_notice(Rc::new(notice)),
            Err(line) => {
                web_sys::console::error_1(&"privacy-widget: the consent notice could not be loaded; nothing is enabled".into());
                web_sys::console::error_1(&line.into());
                self.show_when_body(Show::Unavailable);
            }
        }
    }

    /// Shows the neutral "unavailable" message; the page owns its mount (`destroy()` removes it).
    /// Calls that waited are dropped: without a notice there is nothing to open or reset.
    fn show_unavailable(&self) {
        let Ok(mount) = host::page_mount() else { return };
        mount.show_unavailable();
        let mut s = self.0.borrow_mut();
        s.mount = Some(mount);
        s.phase = Phase::Ready;
    }

    fn on_notice(&self, notice: Rc<Notice>) {
        let now = env::now_secs();
        let ids: Vec<&str> = notice.purposes.iter().map(|p| p.id.as_str()).collect();
        let stored = cookies::read_decision();
        let q = question(stored.as_ref(), &notice.version, &ids, now);
        {
            let mut s = self.0.borrow_mut();
            s.notice = Some(notice.clone());
            // The texts' language is the notice's: the widget speaks it too.
            if let Some(lang) = crate::i18n::Lang::from_tag(&notice.lang) {
                s.lang = lang;
            }
            s.stored = stored.clone();
            s.settled = !q.is_open() && stored.is_some();
            if let Some(doc) = dom::document() {
                s.gate = Some(Gate::watch(&doc));
            }
        }
        if !q.is_open() {
            if let Some(record) = &stored {
                let gpc = self.0.borrow().gpc;
                match consent::gpc_narrowing(&notice, record).filter(|_| gpc) {
                    Some(narrowed) => self.commit(narrowed),
                    None => self.apply(&notice, record),
                }
            }
        }
        self.show_when_body(Show::Widget { ask: q.is_open() });
    }

    /// Turns a visitor's action into a decision and commits it.
    pub fn act(&self, action: Action) {
        let (notice, gpc, previous) = {
            let s = self.0.borrow();
            let Some(notice) = s.notice.clone() else { return };
            (notice, s.gpc, s.stored.clone())
        };
        let decision = consent::decide(&notice, &action, gpc, previous.as_ref());
        self.commit(decision);
    }

    /// Stores, signals, records and announces a decision.
    fn commit(&self, decision: Decision) {
        let now = env::now_secs();
        let (notice, lang, previous, gpc) = {
            let s = self.0.borrow();
            let Some(notice) = s.notice.clone() else { return };
            (notice, s.lang, s.stored.clone(), s.gpc)
        };
        let record = ConsentRecord {
            consent_id: previous.as_ref().map(|p| p.consent_id.clone()).unwrap_or_else(env::random_id),
            policy_version: notice.version.clone(),
            choices: decision.choices.clone(),
            method: decision.method,
            lang: lang.tag().to_string(),
            decided_at: now,
            first_at: previous.as_ref().map(|p| p.first_at.min(now)).unwrap_or(now),
        };
        {
            // None of these touches the page's state.
            let opts = &self.0.borrow().options;
            cookies::write_decision(&record, &opts.cookie_domain);
            let withdrawn = consent::withdrawn(previous.as_ref(), &decision);
            effects::clear_purposes(&notice, &withdrawn);
            effects::record_proof(opts, &record, gpc);
        }
        {
            let mut s = self.0.borrow_mut();
            s.stored = Some(record.clone());
            s.settled = true;
        }
        self.apply(&notice, &record);
        let (banner, had_dialog) = {
            let mut s = self.0.borrow_mut();
            (s.banner.take(), s.dialog.is_some())
        };
        if let Some(b) = banner {
            b.el.remove();
        }
        let opener = self.0.borrow_mut().dialog.take();
        if let Some((dialog, _)) = &opener {
            dialog.close();
        }
        let (float, announce_to) = {
            let s = self.0.borrow();
            (s.float.clone(), s.mount.as_ref().map(|m| m.live.clone()))
        };
        if let Some(f) = &float {
            let _ = f.remove_attribute("hidden");
        }
        if had_dialog {
            self.restore_focus(opener.and_then(|(_, o)| o));
        } else if let Some(f) = &float {
            dom::focus(f);
        }
        if let Some(live) = announce_to {
            live.set_text_content(Some(notice.text(consent::UiText::Saved)));
        }
        self.notify();
        self.keep_focus_visible();
    }

    /// Tells the host page: `privacy-widget:change` on `window`, then every `onChange` listener.
    fn notify(&self) {
        let value = self.consent_value();
        signals::dispatch("privacy-widget:change", &value);
        let subscribers: Vec<js_sys::Function> = self.0.borrow().subscribers.iter().map(|(_, f)| f.clone()).collect();
        for f in subscribers {
            let _ = f.call1(&wasm_bindgen::JsValue::NULL, &value);
        }
    }

    /// Keeps page elements that get focus clear of the fixed banner or button (C-D3).
    fn keep_focus_visible(&self) {
        let host = self.0.borrow().mount.as_ref().map(|m| m.host.clone());
        if let Some(host) = host {
            host::keep_focus_visible(&host);
        }
    }

    /// Pushes the signals for a decision and activates the granted purposes' tags.
    fn apply(&self, notice: &Notice, record: &ConsentRecord) {
        effects::push_signals(notice, record);
        let purposes: Vec<String> = record.choices.iter().filter(|(_, on)| *on).map(|(id, _)| id.clone()).collect();
        let s = self.0.borrow();
        if let (Some(gate), Some(doc)) = (&s.gate, dom::document()) {
            gate.grant(&doc, purposes);
        }
    }

    /// The current decision for the host page, or `null`.
    pub fn consent_value(&self) -> wasm_bindgen::JsValue {
        let s = self.0.borrow();
        match (&s.stored, s.settled) {
            (Some(record), true) => effects::decision_value(record),
            _ => wasm_bindgen::JsValue::NULL,
        }
    }

    /// Registers a change listener; returns its id for [`Page::unsubscribe`].
    pub fn subscribe(&self, f: js_sys::Function) -> u32 {
        let mut s = self.0.borrow_mut();
        let id = s.next_subscriber;
        s.next_subscriber += 1;
        s.subscribers.push((id, f));
        id
    }

    /// Removes a change listener.
    pub fn unsubscribe(&self, id: u32) {
        self.0.borrow_mut().subscribers.retain(|(i, _)| *i != id);
    }

    /// Forgets the decision: clears the granted purposes' cookies, pushes everything denied
    /// and shows the banner again. Nothing is recorded (no decision was made).
    pub fn reset(&self) {
        if self.defer(Pending::Reset) {
            return;
        }
        let (notice, previous, domain) = {
            let mut s = self.0.borrow_mut();
            let Some(notice) = s.notice.clone() else { return };
            s.settled = false;
            (notice, s.stored.take(), s.options.cookie_domain.clone())
        };
        cookies::forget_decision(&domain);
        if let Some(prev) = previous {
            let granted: Vec<String> = prev.choices.iter().filter(|(_, on)| *on).map(|(id, _)| id.clone()).collect();
            effects::clear_purposes(&notice, &granted);
            effects::push_denied(&notice);
        }
        if let Some(gate) = &self.0.borrow().gate {
            if let Some(doc) = dom::document() {
                gate.grant(&doc, Vec::new());
            }
        }
        self.show_banner();
        self.notify();
    }

    /// Removes the UI and stops listeners, observer and timers and the wait for `<body>`. A
    /// notice still on its way finds the page destroyed and is dropped (its fetch keeps only
    /// its own timeout until it ends).
    pub fn destroy(&self) {
        // Dropped in place: removing a listener, disconnecting the observer and clearing a
        // timer call nothing back synchronously.
        let mut s = self.0.borrow_mut();
        s.phase = Phase::Destroyed;
        s.waiting = None;
        s.banner = None;
        s.dialog = None;
        s.listeners.clear();
        s.gate = None;
        s.courier = None;
        s.subscribers.clear();
        if let Some(m) = s.mount.take() {
            m.detach();
            m.host.remove();
            host::remove_spacer();
        }
    }
}

/// The page behind `weak` if it is still there and not destroyed: every deferred callback (the
/// notice's arrival, `<body>`, the UI's events) goes through here, and stops on `None`.
#[inline(never)]
fn live(weak: &Weak<PageCell<State>>) -> Option<Page> {
    let state = weak.upgrade()?;
    let destroyed = matches!(state.borrow().phase, Phase::Destroyed);
    (!destroyed).then_some(Page(state))
}

/// Runs `f` on the page behind `weak` unless it is gone or destroyed (see [`live`]).
fn with(weak: &Weak<PageCell<State>>, f: impl FnOnce(&Page)) {
    if let Some(page) = live(weak) {
        f(&page);
    }
}
