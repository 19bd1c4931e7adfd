//! The marketing-page controller: loads the policy, reads the stored decision, pushes the
//! signals, gates tags, shows the banner when a question is open, opens the dialog, records
//! every decision through the outbox (C-A8) and tells the host page (events, `onChange`).

use super::banner::{button, Banner, BannerEvent};
use super::dialog::{Dialog, DialogEvent};
use super::dom::{self, El};
use super::Mount;
use crate::api::outbox::{self, Courier};
use crate::browser::{cookies, env, gating::Gate, signals, storage};
use crate::consent::{self, question, Action, ConsentRecord, Decision};
use crate::i18n::{t, Lang};
use crate::policy::{parse_policy, Policy, Vendor};
use gloo_events::EventListener;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use web_sys::Element;

/// The widget version sent with each proof-of-consent record.
pub const WIDGET_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the loader passes in (from the script tag's `data-*` attributes).
#[derive(Debug, Clone, Default)]
pub struct PageOptions {
    pub site: String,
    pub policy_url: String,
    /// The backend base, e.g. `/api/v1`.
    pub api: String,
    /// Forced language (`nl`, `en`); empty to detect.
    pub lang: String,
    /// `Domain=` for the decision cookie; empty for host-only.
    pub cookie_domain: String,
}

struct State {
    options: PageOptions,
    policy: Option<Rc<Policy>>,
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
    listeners: Vec<EventListener>,
    subscribers: Vec<(u32, js_sys::Function)>,
    next_subscriber: u32,
    ready: bool,
    pending: Vec<&'static str>,
}

/// The running widget on a marketing page; clones share it.
#[derive(Clone)]
pub struct Page(Rc<RefCell<State>>);

impl Page {
    /// Starts the widget: loading happens in the background; the handle works at once.
    pub fn start(options: PageOptions) -> Page {
        let lang = Lang::from_tag(&options.lang).unwrap_or_else(|| {
            let html = dom::document().and_then(|d| d.document_element());
            html.map(|h| super::detect_lang(&h)).unwrap_or(Lang::Nl)
        });
        let page = Page(Rc::new(RefCell::new(State {
            options,
            policy: None,
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
            ready: false,
            pending: Vec::new(),
        })));
        let weak = Rc::downgrade(&page.0);
        wasm_bindgen_futures::spawn_local(async move {
            let url = match weak.upgrade() {
                Some(s) => s.borrow().options.policy_url.clone(),
                None => return,
            };
            let loaded = crate::api::get_text(&url).await;
            if let Some(state) = weak.upgrade() {
                Page(state).on_policy_text(loaded);
            }
        });
        page
    }

    fn weak(&self) -> Weak<RefCell<State>> {
        Rc::downgrade(&self.0)
    }

    fn on_policy_text(&self, loaded: Result<String, crate::api::ApiError>) {
        let parsed = match loaded {
            Ok(text) => parse_policy(&text).map_err(|errors| errors.lines()),
            Err(e) => Err(vec![e.to_string()]),
        };
        match parsed {
            Ok(policy) => self.on_policy(Rc::new(policy)),
            Err(lines) => {
                web_sys::console::error_1(&"privacy-widget: the policy could not be loaded; nothing is enabled".into());
                for line in lines {
                    web_sys::console::error_1(&line.into());
                }
                when_body(move || {
                    if let Ok(mount) = page_mount() {
                        mount.show_unavailable();
                        KEPT.with(|k| k.borrow_mut().mounts.push(mount));
                    }
                });
            }
        }
    }

    fn on_policy(&self, policy: Rc<Policy>) {
        let now = env::now_secs();
        let ids: Vec<&str> = consent::browser_purposes(&policy).iter().map(|p| p.id.as_str()).collect();
        let stored = cookies::read_decision();
        let q = question(stored.as_ref(), &policy.version, &ids, now);
        {
            let mut s = self.0.borrow_mut();
            s.policy = Some(policy.clone());
            s.stored = stored.clone();
            s.settled = !q.is_open() && stored.is_some();
            if let Some(doc) = dom::document() {
                s.gate = Some(Gate::watch(&doc));
            }
        }
        if !q.is_open() {
            if let Some(record) = &stored {
                let gpc = self.0.borrow().gpc;
                match consent::gpc_narrowing(&policy, record).filter(|_| gpc) {
                    Some(narrowed) => self.commit(narrowed),
                    None => self.apply(&policy, record),
                }
            }
        }
        let page = self.clone();
        when_body(move || page.mount_ui(q.is_open()));
    }

    fn mount_ui(&self, ask: bool) {
        let Ok(mount) = page_mount() else { return };
        let lang = self.0.borrow().lang;
        let _ = mount.frame.set_attribute("lang", lang.tag());
        let weak = self.weak();
        let float = button("pw-btn pw-float", t(lang, "consent.open_button")).map(|b| b.attr("data-pw", "open").build());
        let mut listeners = Vec::new();
        if let Ok(float) = &float {
            let w = weak.clone();
            let opener = float.clone();
            listeners.push(EventListener::new(float, "click", move |_| with(&w, |p| p.open_dialog(Some(opener.clone())))));
            mount.show(float);
        }
        if let Some(doc) = dom::document() {
            let w = weak.clone();
            let options = gloo_events::EventListenerOptions::enable_prevent_default();
            listeners.push(EventListener::new_with_options(&doc, "click", options, move |e| {
                let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
                if let Some(opener) = target.and_then(|t| t.closest("[data-privacy-widget-open]").ok().flatten()) {
                    e.prevent_default();
                    with(&w, |p| p.open_dialog(Some(opener.clone())));
                }
            }));
        }
        let pending = {
            let mut s = self.0.borrow_mut();
            s.float = float.ok();
            s.listeners = listeners;
            s.mount = Some(mount);
            s.ready = true;
            std::mem::take(&mut s.pending)
        };
        if ask {
            self.show_banner();
        }
        signals::dispatch("privacy-widget:ready", &self.consent_value());
        for call in pending {
            match call {
                "open" => self.open_dialog(None),
                _ => self.reset(),
            }
        }
    }

    fn show_banner(&self) {
        let (policy, lang, gpc) = {
            let s = self.0.borrow();
            let Some(policy) = s.policy.clone() else { return };
            (policy, s.lang, s.gpc)
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
        let Ok(banner) = Banner::new(&policy, lang, gpc, on) else { return };
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
    }

    /// Closes the banner without recording anything (C-A2); focus goes to the floating button.
    fn hide_banner(&self) {
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
    }

    /// Opens the preferences dialog; `opener` gets focus back when it closes (C-D2).
    pub fn open_dialog(&self, opener: Option<Element>) {
        let (policy, lang, gpc, record, root) = {
            let mut s = self.0.borrow_mut();
            if !s.ready {
                s.pending.push("open");
                return;
            }
            let Some(policy) = s.policy.clone() else { return };
            let record = if s.settled { s.stored.clone() } else { None };
            let Some(root) = s.mount.as_ref().map(|m| m.root.clone()) else { return };
            (policy, s.lang, s.gpc, record, root)
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
        let Ok(dialog) = Dialog::new(&policy, lang, gpc, &granted, on) else { return };
        dialog.open(&root);
        self.0.borrow_mut().dialog = Some((dialog, opener));
    }

    fn close_dialog(&self, restore_focus: bool) {
        let taken = self.0.borrow_mut().dialog.take();
        let Some((dialog, opener)) = taken else { return };
        dialog.close();
        if restore_focus {
            self.restore_focus(opener);
        }
    }

    fn restore_focus(&self, opener: Option<Element>) {
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

    /// Turns a visitor's action into a decision and commits it.
    pub fn act(&self, action: Action) {
        let (policy, gpc, previous) = {
            let s = self.0.borrow();
            let Some(policy) = s.policy.clone() else { return };
            (policy, s.gpc, s.stored.clone())
        };
        let decision = consent::decide(&policy, &action, gpc, previous.as_ref());
        self.commit(decision);
    }

    /// Stores, signals, records and announces a decision.
    fn commit(&self, decision: Decision) {
        let now = env::now_secs();
        let (policy, lang, previous, opts, gpc) = {
            let s = self.0.borrow();
            let Some(policy) = s.policy.clone() else { return };
            (policy, s.lang, s.stored.clone(), s.options.clone(), s.gpc)
        };
        let record = ConsentRecord {
            consent_id: previous.as_ref().map(|p| p.consent_id.clone()).unwrap_or_else(env::random_id),
            policy_version: policy.version.clone(),
            choices: decision.choices.clone(),
            method: decision.method,
            lang: lang.tag().to_string(),
            decided_at: now,
            first_at: previous.as_ref().map(|p| p.first_at.min(now)).unwrap_or(now),
        };
        cookies::write_decision(&record, &opts.cookie_domain);
        let withdrawn = consent::withdrawn(previous.as_ref(), &decision);
        clear_purposes(&policy, &withdrawn);
        record_proof(&opts, &record, gpc);
        {
            let mut s = self.0.borrow_mut();
            s.stored = Some(record.clone());
            s.settled = true;
        }
        self.apply(&policy, &record);
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
            live.set_text_content(Some(t(lang, "consent.saved")));
        }
        let value = self.consent_value();
        signals::dispatch("privacy-widget:change", &value);
        let subscribers: Vec<js_sys::Function> = self.0.borrow().subscribers.iter().map(|(_, f)| f.clone()).collect();
        for f in subscribers {
            let _ = f.call1(&wasm_bindgen::JsValue::NULL, &value);
        }
    }

    /// Pushes the signals for a decision and activates the granted purposes' tags.
    fn apply(&self, policy: &Policy, record: &ConsentRecord) {
        let granted = |id: &str| record.granted(id);
        let update = consent::consent_mode_update(policy, &granted);
        signals::consent_mode_update(&update);
        if let Some(on) = consent::vendor_granted(policy, Vendor::Meta, &granted) {
            signals::meta_consent(on);
        }
        if let Some(on) = consent::vendor_granted(policy, Vendor::Microsoft, &granted) {
            signals::microsoft_consent(on);
        }
        let detail = super::super::surface::decision_value(record);
        signals::data_layer_event(&detail, &update);
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
            (Some(record), true) => super::super::surface::decision_value(record),
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
        let (policy, previous, domain) = {
            let mut s = self.0.borrow_mut();
            if !s.ready {
                s.pending.push("reset");
                return;
            }
            let Some(policy) = s.policy.clone() else { return };
            s.settled = false;
            (policy, s.stored.take(), s.options.cookie_domain.clone())
        };
        cookies::forget_decision(&domain);
        if let Some(prev) = previous {
            let granted: Vec<String> = prev.choices.iter().filter(|(_, on)| *on).map(|(id, _)| id.clone()).collect();
            clear_purposes(&policy, &granted);
            let denied = |_: &str| false;
            signals::consent_mode_update(&consent::consent_mode_update(&policy, &denied));
            if consent::vendor_granted(&policy, Vendor::Meta, &denied).is_some() {
                signals::meta_consent(false);
            }
            if consent::vendor_granted(&policy, Vendor::Microsoft, &denied).is_some() {
                signals::microsoft_consent(false);
            }
        }
        if let Some(gate) = &self.0.borrow().gate {
            if let Some(doc) = dom::document() {
                gate.grant(&doc, Vec::new());
            }
        }
        self.show_banner();
        signals::dispatch("privacy-widget:change", &wasm_bindgen::JsValue::NULL);
    }

    /// Removes the UI and stops listeners, observer and timers.
    pub fn destroy(&self) {
        let mut s = self.0.borrow_mut();
        s.banner = None;
        s.dialog = None;
        s.listeners.clear();
        s.gate = None;
        s.courier = None;
        s.subscribers.clear();
        if let Some(m) = s.mount.take() {
            m.detach();
            m.host.remove();
        }
    }
}

/// Page-lifetime things with no widget to own them: the "unavailable" mount and the
/// `DOMContentLoaded` listeners waiting for `<body>`.
#[derive(Default)]
struct Kept {
    mounts: Vec<Mount>,
    waiting: Vec<EventListener>,
}

thread_local!(static KEPT: RefCell<Kept> = RefCell::new(Kept::default()));

fn with(weak: &Weak<RefCell<State>>, f: impl FnOnce(&Page)) {
    if let Some(state) = weak.upgrade() {
        f(&Page(state));
    }
}

/// Clears the cookies and storage keys of the tracking services of `purposes` (C-A7).
fn clear_purposes(policy: &Policy, purposes: &[String]) {
    if purposes.is_empty() {
        return;
    }
    let mut cookie_names: Vec<&str> = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    for s in policy.tracking.iter().filter(|s| purposes.iter().any(|p| *p == s.purpose)) {
        cookie_names.extend(s.cookies.iter().map(|c| c.name.as_str()));
        keys.extend(s.storage.iter().map(String::as_str));
    }
    cookies::clear_matching(&cookie_names);
    storage::clear_matching(&keys);
}

/// Puts the proof-of-consent record in the outbox (C-A8) and starts sending it.
fn record_proof(opts: &PageOptions, record: &ConsentRecord, gpc: bool) {
    let mut purposes = serde_json::Map::new();
    for (id, on) in &record.choices {
        purposes.insert(id.clone(), serde_json::Value::Bool(*on));
    }
    let body = serde_json::json!({
        "site": opts.site,
        "consent_id": record.consent_id,
        "policy_version": record.policy_version,
        "language": record.lang,
        "action": record.method.name(),
        "purposes": purposes,
        "origin": env::origin(),
        "widget_version": WIDGET_VERSION,
        "gpc": gpc,
    });
    let mut url = opts.api.trim_end_matches('/').to_string();
    url.push_str("/consents");
    outbox::enqueue("consent", &url, &body.to_string(), &env::random_id());
    outbox::kick();
}

/// The marketing page's widget host: a fixed element, first in `<body>` so that the banner
/// comes first in the keyboard order.
fn page_mount() -> Result<Mount, super::UiError> {
    let doc = dom::document().ok_or(super::UiError::NoDocument)?;
    let body = doc.body().ok_or(super::UiError::NoDocument)?;
    let host = El::new("div")?.class("pw-page-host").attr("id", "privacy-widget-consent").build();
    body.prepend_with_node_1(&host).map_err(|_| super::UiError::Dom)?;
    let mount = Mount::attach(host)?;
    let _ = mount.frame.class_list().add_1("pw-page");
    Ok(mount)
}

/// Runs `f` once `<body>` exists (now, or on `DOMContentLoaded`).
fn when_body(f: impl FnOnce() + 'static) {
    let Some(doc) = dom::document() else { return };
    if doc.body().is_some() && doc.ready_state() != "loading" {
        f();
        return;
    }
    let listener = EventListener::once(&doc, "DOMContentLoaded", move |_| f());
    KEPT.with(|k| k.borrow_mut().waiting.push(listener));
}
