//! The control-panel view: demo login when nobody is signed in, then three tabs: "Mijn gegevens"
//! (stored values joined to the policy), "Toestemmingen" (account opt-ins) and "Verzoeken"
//! (data-subject requests with their status).

mod client;
mod data;
mod forms;
mod login;
mod optins;
mod package;
mod problems;
mod requests;
mod tabs;
mod undescribed;
mod util;
pub mod visitor;

use crate::api::outbox::Courier;
use crate::i18n::{fill, t, Lang};
use crate::policy::Policy;
use crate::ui::dom::{self, El};
use crate::ui::Mount;
use crate::wire::Me;
use client::{Client, Data};
use gloo_events::EventListener;
use core::cell::{Cell, RefCell};
use core::future::Future;
use alloc::rc::Rc;
use web_sys::Element;

pub use util::CSS;

/// A running control panel; dropping it drops every listener.
pub struct Panel {
    _state: Rc<State>,
    /// Keeps requests queued in the outbox moving: on a timer and when the browser is back online.
    _courier: Courier,
}

/// The tabs of the panel, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tab {
    Data = 0,
    OptIns = 1,
    Requests = 2,
}

/// Where the stored values stand: the data tab and the request forms that need them (erasure,
/// rectification) read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataLoad {
    /// Asked for, no answer yet.
    Loading,
    /// Fetched: [`State::data`] holds them.
    Loaded,
    /// They could not be fetched ([`State::data`] is empty); `retry` when the failure may pass
    /// (the data provider or the network is down).
    Failed {
        /// Whether to offer "Try again".
        retry: bool,
    },
}

/// Everything the panel's views share.
pub(crate) struct State {
    pub mount: Rc<Mount>,
    pub policy: Rc<Policy>,
    pub client: Client,
    pub lang: Lang,
    /// The panel's element inside the mount frame.
    pub body: Element,
    pub me: RefCell<Option<Me>>,
    pub data: RefCell<Data>,
    /// Whether [`State::data`] is fetched yet.
    pub data_load: Cell<DataLoad>,
    /// Listeners of the login form or the shell (tabs, sign-out).
    pub listeners: RefCell<Vec<EventListener>>,
    /// Listeners of each tab's content, replaced when the tab re-renders.
    pub tab_listeners: [RefCell<Vec<EventListener>>; 3],
    /// The tab panels (`role=tabpanel`), once signed in.
    pub panels: RefCell<Vec<Element>>,
    /// Which sign-in the panel shows: counted on at every sign-in and sign-out, so that an
    /// answer asked for under an earlier one is dropped ([`State::for_this_signin`]).
    pub signin: Cell<u32>,
}

impl Panel {
    /// Starts the panel in `mount` for `policy`, talking to the backend at `api`.
    pub fn start(mount: Rc<Mount>, policy: Rc<Policy>, api: String, site: String) -> Panel {
        let site = if site.is_empty() { policy.site.clone() } else { site };
        let body = match El::new("div") {
            Ok(el) => el.class("pw-panel").build(),
            Err(_) => {
                mount.show_unavailable();
                return Panel { _state: Rc::new(State::empty(mount, policy, api, site)), _courier: Courier::start() };
            }
        };
        mount.clear_content();
        mount.show(&body);
        let state = Rc::new(State {
            body,
            ..State::empty(mount, policy, api, site)
        });
        util::spawn(&state, |s| async move { s.open().await });
        Panel { _state: state, _courier: Courier::start() }
    }
}

impl State {
    fn empty(mount: Rc<Mount>, policy: Rc<Policy>, api: String, site: String) -> State {
        let body = mount.frame.clone();
        State {
            lang: mount.lang,
            mount,
            policy,
            client: Client { api, site },
            body,
            me: RefCell::new(None),
            data: RefCell::new(Data::default()),
            data_load: Cell::new(DataLoad::Loading),
            listeners: RefCell::new(Vec::new()),
            tab_listeners: [RefCell::new(Vec::new()), RefCell::new(Vec::new()), RefCell::new(Vec::new())],
            panels: RefCell::new(Vec::new()),
            signin: Cell::new(0),
        }
    }

    /// Checks the session: the login form when nobody is signed in, else the tabs.
    pub async fn open(self: Rc<Self>) {
        match self.client.me().await {
            Ok(Some(me)) => {
                *self.me.borrow_mut() = Some(me);
                self.show_shell();
            }
            Ok(None) => login::show(&self),
            Err(e) => self.show_error(&e),
        }
    }

    /// A full-panel error (the backend cannot be reached).
    pub fn show_error(&self, e: &crate::api::ApiError) {
        dom::clear(&self.body);
        self.listeners.borrow_mut().clear();
        if let Ok(p) = El::new("p") {
            let p = p.class("pw-unavailable").attr("role", "alert").text(util::api_error(self.lang, e));
            let _ = self.body.append_child(&p.build());
        }
    }

    /// The signed-in shell: heading, who is signed in, sign-out, the tabs.
    fn show_shell(self: &Rc<Self>) {
        self.next_signin();
        dom::clear(&self.body);
        self.listeners.borrow_mut().clear();
        let lang = self.lang;
        let (name, email) = self.me.borrow().as_ref().map(|m| (m.name.clone(), m.email.clone())).unwrap_or_default();
        let Ok(logout) = El::new("button") else { return };
        let logout = logout.class("pw-btn").attr("type", "button").text(t(lang, "panel.logout")).build();
        let Ok(header) = El::new("div").and_then(|d| {
            Ok(d.class("pw-row pw-panel-head")
                .child(El::new("h2")?.text(t(lang, "panel.title")))
                .child(El::new("p")?.class("pw-muted").text(&fill(t(lang, "panel.signed_in_as"), &[("name", &name), ("email", &email)]))))
        }) else {
            return;
        };
        let header = header.build();
        let _ = header.append_child(&logout);
        let _ = self.body.append_child(&header);
        self.listeners.borrow_mut().push(util::on(&logout, "click", self, |s, _| {
            util::spawn(&s, |s| async move {
                let _ = s.client.logout().await;
                *s.me.borrow_mut() = None;
                s.mount.announce(t(s.lang, "panel.signed_out"));
                login::show(&s);
            });
        }));
        tabs::build(self);
        self.reload();
    }

    /// Loads every tab at once, each on its own: a tab shows its content as soon as its answer
    /// is there, and says on its own when its part cannot be fetched. The stored data come from
    /// the company's systems and may be slow or unavailable while the opt-ins and requests work.
    pub fn reload(self: &Rc<Self>) {
        util::spawn(self, |s| async move { data::load(&s).await; });
        util::spawn(self, |s| async move { optins::load(&s).await });
        util::spawn(self, |s| async move { requests::load(&s).await });
    }

    /// Another customer may be signed in from now on (or nobody): answers still on their way
    /// are for the sign-in before.
    pub fn next_signin(&self) {
        self.signin.set(self.signin.get().wrapping_add(1));
    }

    /// What `call` gives, unless the customer signed out or in again while it ran (`None`: the
    /// answer is for an earlier sign-in and must not show in this one's tabs).
    pub async fn for_this_signin<T>(&self, call: impl Future<Output = T>) -> Option<T> {
        let signin = self.signin.get();
        let answer = call.await;
        (self.signin.get() == signin).then_some(answer)
    }

    /// The stored values are fetched, or cannot be: a request form that waited for them is
    /// completed, or says so (the data tab tells the requests tab, through here).
    pub fn data_settled(self: &Rc<Self>) {
        requests::data_settled(self);
    }

    /// Marks `tab` as loading: `aria-busy` on its panel and, while the panel is empty, a line
    /// saying so. [`State::fresh_panel`] ends it.
    pub fn loading(&self, tab: Tab) {
        let Some(panel) = self.panels.borrow().get(tab as usize).cloned() else { return };
        let _ = panel.set_attribute("aria-busy", "true");
        if panel.child_element_count() == 0 {
            if let Ok(p) = El::new("p") {
                let _ = panel.append_child(&p.class("pw-muted pw-loading").text(t(self.lang, "panel.loading")).build());
            }
        }
    }

    /// The panel element of `tab`, emptied (no longer busy), with its old listeners dropped.
    pub fn fresh_panel(&self, tab: Tab) -> Option<Element> {
        let panel = self.panels.borrow().get(tab as usize).cloned()?;
        self.tab_listeners[tab as usize].borrow_mut().clear();
        dom::clear(&panel);
        let _ = panel.remove_attribute("aria-busy");
        Some(panel)
    }

    /// Keeps a listener for `tab`'s content.
    pub fn keep(&self, tab: Tab, listener: EventListener) {
        self.tab_listeners[tab as usize].borrow_mut().push(listener);
    }
}
