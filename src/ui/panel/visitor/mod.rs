//! The visitor's request view (`view: "request"`): someone who is not logged in files a
//! data-subject request with their e-mail address (C-C1), proves control of the address with
//! the six-digit code the server mails (C-C3), and follows the request's status and due date
//! (C-C2). What the visitor is in the middle of is kept in localStorage for this site, so that a
//! reload keeps the code step or the status; "forget" removes it. The link in the answer mail
//! (`#pw-status=<token>`) opens the status on another device: the token is taken from the
//! fragment, kept like a verified one, and removed from the address bar. No ID document is ever
//! asked.

mod answer;
mod code;
mod form;
mod status;

use super::util;
use crate::api::{self, outbox, ApiError};
use crate::i18n::{t, Lang};
use crate::policy::Policy;
use crate::ui::dom::{self, El};
use crate::ui::Mount;
use gloo_events::EventListener;
use gloo_timers::callback::Interval;
use crate::ui::panel::client::decode;
use crate::wire::Unverified;
use serde::{Deserialize, Serialize};
use core::cell::RefCell;
use alloc::rc::Rc;
use web_sys::Element;

/// How often a submission that could not reach the server is tried again while the page is open.
const RETRY_MS: u32 = 5_000;
/// The fragment of the answer mail's link (`#pw-status=<token>`), as the server writes it.
const STATUS_FRAGMENT: &str = "pw-status";

/// Whether `token` has the form of a status token (64 hex digits).
fn is_status_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A running visitor view; dropping it drops every listener and timer.
pub struct VisitorView {
    _state: Rc<Visitor>,
}

/// What the visitor is in the middle of, as kept in localStorage ([`Stored`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Saved {
    /// Filed while the server could not be reached: the body and its Idempotency-Key.
    Pending { key: String, body: String, email: String },
    /// Filed; waiting for the code. The body is kept to ask for a new code.
    Code { id: String, key: String, body: String, email: String },
    /// Verified: the status token (the only thing kept once the code step is done).
    Status { id: String, token: String },
}

/// Which step a [`Stored`] entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Stage {
    Pending,
    Code,
    Status,
}

/// [`Saved`] as JSON: one flat object, `stage` naming the step (a flat struct rather than an
/// internally tagged enum, which would make serde buffer the object first).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    stage: Option<Stage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

impl Saved {
    fn stored(&self) -> Stored {
        let s = |v: &String| Some(v.clone());
        match self {
            Saved::Pending { key, body, email } => Stored { stage: Some(Stage::Pending), key: s(key), body: s(body), email: s(email), ..Stored::default() },
            Saved::Code { id, key, body, email } => {
                Stored { stage: Some(Stage::Code), id: s(id), key: s(key), body: s(body), email: s(email), token: None }
            }
            Saved::Status { id, token } => Stored { stage: Some(Stage::Status), id: s(id), token: s(token), ..Stored::default() },
        }
    }

    fn from_stored(s: Stored) -> Option<Saved> {
        Some(match s.stage? {
            Stage::Pending => Saved::Pending { key: s.key?, body: s.body?, email: s.email? },
            Stage::Code => Saved::Code { id: s.id?, key: s.key?, body: s.body?, email: s.email? },
            Stage::Status => Saved::Status { id: s.id?, token: s.token? },
        })
    }
}

/// Everything the visitor view's steps share.
pub(crate) struct Visitor {
    pub mount: Rc<Mount>,
    pub policy: Rc<Policy>,
    pub lang: Lang,
    /// The backend's base URL, e.g. `/api/v1`.
    pub api: String,
    pub site: String,
    /// The view's element; each step replaces what is below the title.
    pub body: Element,
    /// Listeners of the step on screen, replaced with it.
    pub listeners: RefCell<Vec<EventListener>>,
    /// Retries a pending submission while the page is open.
    pub retry: RefCell<Option<Interval>>,
}

impl VisitorView {
    /// Starts the view in `mount` for `policy`, talking to the backend at `api`.
    pub fn start(mount: Rc<Mount>, policy: Rc<Policy>, api: String, site: String) -> VisitorView {
        let site = if site.is_empty() { policy.site.clone() } else { site };
        let body = match El::new("div").map(|d| d.class("pw-panel pw-visitor").build()) {
            Ok(b) => b,
            Err(_) => {
                mount.show_unavailable();
                mount.frame.clone()
            }
        };
        mount.clear_content();
        mount.show(&body);
        let state = Rc::new(Visitor {
            lang: mount.lang,
            mount,
            policy,
            api,
            site,
            body,
            listeners: RefCell::new(Vec::new()),
            retry: RefCell::new(None),
        });
        // A link from the answer mail carries a status token: it opens that request here too.
        let linked = crate::browser::env::take_fragment(STATUS_FRAGMENT);
        if let Some(token) = &linked {
            if is_status_token(token) {
                state.save(&Saved::Status { id: String::new(), token: token.clone() });
            }
        }
        match state.saved() {
            _ if linked.as_deref().is_some_and(|tok| !is_status_token(tok)) => status::notice(&state, t(state.lang, "visitor.link_broken")),
            Some(Saved::Status { token, .. }) => util::spawn(&state, |s| async move { status::load(&s, &token, false).await }),
            Some(Saved::Code { id, email, .. }) => code::show(&state, &id, &email, None),
            Some(Saved::Pending { .. }) => {
                state.show_pending();
                util::spawn(&state, |s| async move { s.resend().await });
            }
            None => form::show(&state),
        }
        VisitorView { _state: state }
    }
}

impl Visitor {
    fn storage_key(&self) -> String {
        let mut key = String::from("pw_visitor_request:");
        key.push_str(&self.site);
        key
    }

    /// What the visitor is in the middle of on this site, if anything.
    pub fn saved(&self) -> Option<Saved> {
        let text = crate::browser::storage::get(&self.storage_key())?;
        decode(&text).ok().and_then(Saved::from_stored)
    }

    /// Remembers the current step (best effort: blocked storage only loses the reload).
    pub fn save(&self, saved: &Saved) {
        if let Ok(text) = serde_json::to_string(&saved.stored()) {
            let _ = crate::browser::storage::set(&self.storage_key(), &text);
        }
    }

    /// Forgets everything this view keeps on the device and shows an empty form.
    pub fn forget(self: &Rc<Self>) {
        crate::browser::storage::remove(&self.storage_key());
        self.retry.borrow_mut().take();
        form::show(self);
        self.mount.announce(t(self.lang, "visitor.forgotten"));
    }

    /// Empties the view for a new step: the title stays, old listeners go. Returns the step's
    /// container.
    pub fn fresh(&self) -> Option<Element> {
        self.listeners.borrow_mut().clear();
        dom::clear(&self.body);
        let title = El::new("h2").ok()?.text(t(self.lang, "visitor.title")).build();
        let step = El::new("div").ok()?.class("pw-stack pw-visitor-step").build();
        let _ = self.body.append_child(&title);
        let _ = self.body.append_child(&step);
        Some(step)
    }

    /// Keeps a listener of the step on screen.
    pub fn keep(&self, listener: EventListener) {
        self.listeners.borrow_mut().push(listener);
    }

    /// The saved status token, once the request is verified.
    pub fn status_token(&self) -> Option<String> {
        match self.saved() {
            Some(Saved::Status { token, .. }) => Some(token),
            _ => None,
        }
    }

    /// An API URL.
    pub fn url(&self, path: &str) -> String {
        let mut u = self.api.clone();
        u.push_str(path);
        u
    }

    /// Files the request (`body` is the JSON text, `key` its Idempotency-Key). On success shows
    /// the code step; when the server cannot be reached, keeps it in the outbox and here, and
    /// tries again. Other refusals are returned for the form to show.
    pub async fn file(self: &Rc<Self>, body: String, key: String, email: String) -> Result<(), ApiError> {
        match api::send_json("POST", &self.url("/requests"), &body, Some(&key)).await {
            Ok(reply) => {
                let Unverified { id, .. } = decode(&reply.body)?;
                self.retry.borrow_mut().take();
                self.save(&Saved::Code { id: id.clone(), key, body, email: email.clone() });
                code::show(self, &id, &email, None);
                self.mount.announce(t(self.lang, "visitor.code_title"));
                Ok(())
            }
            Err(e) if e.is_transient() && !matches!(e, ApiError::Rejected(429, _)) => {
                outbox::enqueue("request", &self.url("/requests"), &body, &key);
                outbox::kick();
                self.save(&Saved::Pending { key, body, email });
                self.show_pending();
                self.mount.announce(t(self.lang, "visitor.queued"));
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Sends a pending submission again with its own key (the server files it once).
    async fn resend(self: &Rc<Self>) {
        let Some(Saved::Pending { key, body, email }) = self.saved() else { return };
        match api::send_json("POST", &self.url("/requests"), &body, Some(&key)).await {
            Ok(reply) => {
                if let Ok(Unverified { id, .. }) = decode(&reply.body) {
                    self.retry.borrow_mut().take();
                    self.save(&Saved::Code { id: id.clone(), key, body, email: email.clone() });
                    code::show(self, &id, &email, None);
                    self.mount.announce(t(self.lang, "visitor.code_title"));
                }
            }
            Err(e) if e.is_transient() => {}
            Err(e) => {
                // Refused for good (the form was valid when filed): start again with a message.
                self.retry.borrow_mut().take();
                crate::browser::storage::remove(&self.storage_key());
                form::show(self);
                self.mount.announce(util::api_error(self.lang, &e));
            }
        }
    }

    /// The step shown while a submission waits for the connection; retries on a timer.
    fn show_pending(self: &Rc<Self>) {
        let Some(step) = self.fresh() else { return };
        let lang = self.lang;
        let built = (|| -> Result<(), crate::ui::UiError> {
            let p = El::new("p")?.class("pw-notice").attr("tabindex", "-1").text(t(lang, "visitor.queued")).build();
            let again = El::new("button")?.class("pw-btn").attr("type", "button").text(t(lang, "visitor.start_over")).build();
            let _ = step.append_child(&p);
            let _ = step.append_child(&El::new("div")?.class("pw-row").build());
            if let Some(row) = step.last_element_child() {
                let _ = row.append_child(&again);
            }
            self.keep(util::on(&again, "click", self, |s, _| s.forget()));
            dom::focus(&p);
            Ok(())
        })();
        if built.is_err() {
            self.mount.show_unavailable();
        }
        let weak = Rc::downgrade(self);
        *self.retry.borrow_mut() = Some(Interval::new(RETRY_MS, move || {
            if let Some(s) = weak.upgrade() {
                util::spawn(&s, |s| async move { s.resend().await });
            }
        }));
    }
}

/// The API path of the request a status token stands for: `/visitor-requests/{token}{tail}`.
fn request_path(token: &str, tail: &str) -> String {
    let mut p = String::from("/visitor-requests/");
    p.push_str(token);
    p.push_str(tail);
    p
}

/// Whether `email` looks like an address the server accepts (the same rule as the server's).
pub(crate) fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    email.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',')
}
