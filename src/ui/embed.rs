//! The ES-module entry for control panels: `mount(target, options)` renders the "what we store"
//! view, the control panel, or the visitor's request form (`view: "request"`) into an element,
//! and returns a handle whose `destroy()` removes it.
//!
//! ```js
//! import init, { mount } from "/widget/privacy_widget.js";
//! await init();
//! const w = mount("#privacy", { site: "pcextreme", policy: "/policies/pcextreme.json",
//!                               api: "/api/v1", view: "panel", lang: "nl" });
//! w.destroy();
//! ```

use crate::i18n::{t, Lang};
use crate::policy::{parse_policy, Policy};
use crate::ui::dom::El;
use crate::ui::store::{self, StoreView};
use crate::ui::{panel, resolve_target, Mount};
use core::cell::{Cell, RefCell};
use alloc::rc::Rc;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_MOUNT: &str = r#"
/** Options of `mount()`; `<privacy-widget>` passes its attributes of the same names. */
export interface MountOptions {
  /** URL of the site's policy document (required). */
  policy: string;
  /** Site id known to the backend; default the policy's `site`. */
  site?: string;
  /** Backend base URL, default "/api/v1". */
  api?: string;
  /** What to show: "store" (what we store, the default), "panel" (the signed-in customer's
   *  control panel) or "request" (a visitor's request form, verified by e-mail code). */
  view?: "store" | "panel" | "request";
  /** Force "nl" or "en"; default from the element's lang, <html lang>, then the browser. */
  lang?: string;
  /** The panel's sign-in token from the host panel's backend (a JWS its backend signed for the
   *  customer logged in there), exchanged at `${api}/sessions` for a session sent as
   *  `Authorization: Bearer`; or a function returning one (or a promise of one), called again
   *  whenever the session has expired (once for all the calls that found it expired).
   *  `<privacy-widget token-url="/privacy/token">` fetches it from that URL (JSON
   *  `{"token": …}` or the token as text). */
  token?: string | (() => string | Promise<string>);
}
"#;

/// Problems with the options passed to [`mount`].
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("privacy-widget: options.policy (the URL of the policy document) is missing")]
    NoPolicyUrl,
    #[error("privacy-widget: options.view must be \"store\", \"panel\" or \"request\"")]
    UnknownView,
    /// An option of the wrong type: the option's path and why.
    #[error("privacy-widget: options.{0}")]
    Invalid(String),
}

impl From<EmbedError> for JsValue {
    fn from(e: EmbedError) -> JsValue {
        js_sys::Error::new(&e.to_string()).into()
    }
}

/// Which view to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    /// "Wat we over u bewaren".
    Store,
    /// The control panel: my data, opt-ins, requests.
    Panel,
    /// A data-subject request by a visitor who is not logged in, verified by e-mail code.
    Request,
}

/// The `mount()` options object as JavaScript hands it over (`MountOptions` in the TypeScript
/// declarations), read with serde-wasm-bindgen: members it does not name are left alone, so a
/// function-valued option can be read beside it from the same object.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MountOptions {
    policy: Option<String>,
    site: Option<String>,
    api: Option<String>,
    view: Option<String>,
    lang: Option<String>,
}

/// The options of [`mount`], checked.
#[derive(Debug, Clone)]
pub struct Options {
    pub site: String,
    pub policy_url: String,
    pub api: String,
    pub view: ViewKind,
    pub lang: Option<Lang>,
    /// The panel's sign-in token (`token`: a string, or a function returning one or a promise).
    pub token: Option<crate::api::session::TokenSource>,
}

/// A string option with blanks trimmed; an empty one counts as absent.
fn given(value: Option<String>) -> Option<String> {
    value.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl Options {
    fn read(options: &JsValue) -> Result<Options, EmbedError> {
        let raw: MountOptions = if options.is_undefined() || options.is_null() {
            MountOptions::default()
        } else {
            serde_path_to_error::deserialize(serde_wasm_bindgen::Deserializer::from(options.clone()))
                .map_err(|e| {
                    // serde-wasm-bindgen's errors are JS errors; their text starts with "Error: ".
                    let why = e.inner().to_string();
                    EmbedError::Invalid(format!("{}: {}", e.path(), why.strip_prefix("Error: ").unwrap_or(&why)))
                })?
        };
        let policy_url = given(raw.policy).ok_or(EmbedError::NoPolicyUrl)?;
        let view = match given(raw.view).as_deref() {
            None | Some("store") => ViewKind::Store,
            Some("panel") => ViewKind::Panel,
            Some("request") => ViewKind::Request,
            Some(_) => return Err(EmbedError::UnknownView),
        };
        let api = given(raw.api).unwrap_or_else(|| "/api/v1".to_string());
        // A function is no serde value: `token` is read beside the typed options.
        let token = match js_sys::Reflect::get(options, &JsValue::from_str("token")) {
            Ok(v) if v.is_undefined() || v.is_null() => None,
            Ok(v) => Some(
                crate::api::session::TokenSource::from_js(&v)
                    .ok_or_else(|| EmbedError::Invalid("token: must be a non-empty string or a function returning one".into()))?,
            ),
            Err(_) => None,
        };
        Ok(Options {
            site: given(raw.site).unwrap_or_default(),
            policy_url,
            api: api.trim_end_matches('/').to_string(),
            view,
            lang: given(raw.lang).and_then(|l| Lang::from_tag(&l)),
            token,
        })
    }
}

/// What is on screen after the policy loaded; held for the listeners it owns.
#[allow(dead_code)]
enum Shown {
    Store(StoreView),
    Panel(panel::Panel),
    Request(panel::visitor::VisitorView),
}

/// Shared state of one mounted widget.
struct State {
    mount: Rc<Mount>,
    alive: Cell<bool>,
    shown: RefCell<Option<Shown>>,
}

/// A mounted widget; call `destroy()` to remove it (its listeners go with it).
#[wasm_bindgen]
pub struct Embed {
    state: Rc<State>,
}

#[wasm_bindgen]
impl Embed {
    /// Removes the widget from its element; the element can be mounted again afterwards.
    pub fn destroy(&self) {
        if self.state.alive.replace(false) {
            self.state.shown.borrow_mut().take();
            self.state.mount.detach();
        }
    }

    /// The language the widget shows, `"nl"` or `"en"`.
    #[wasm_bindgen(getter)]
    pub fn lang(&self) -> String {
        self.state.mount.lang.tag().to_string()
    }
}

/// Mounts the widget into `target` (an element or a CSS selector) with `options`
/// `{site, policy, api, view: "store"|"panel"|"request", lang, token}` (`token`: the panel's
/// sign-in token from the host's backend, or a function returning one or a promise of one).
/// Throws when the element is missing, when it already holds a widget, when `options.policy` is
/// missing, or when an option is not of its type (the error names it).
#[wasm_bindgen]
pub fn mount(
    #[wasm_bindgen(unchecked_param_type = "Element | string")] target: JsValue,
    #[wasm_bindgen(unchecked_param_type = "MountOptions")] options: JsValue,
) -> Result<Embed, JsValue> {
    let host = resolve_target(&target)?;
    let opts = Options::read(&options)?;
    let mut m = Mount::attach(host)?;
    if let Some(lang) = opts.lang {
        m.lang = lang;
        let _ = m.frame.set_attribute("lang", lang.tag());
    }
    let loading = El::new("p")?.class("pw-muted pw-loading").text(t(m.lang, "state.loading"));
    m.show(&loading.build());
    let state = Rc::new(State { mount: Rc::new(m), alive: Cell::new(true), shown: RefCell::new(None) });
    wasm_bindgen_futures::spawn_local(load(state.clone(), opts));
    Ok(Embed { state })
}

/// Fetches and checks the policy, then shows the chosen view; on any failure shows the neutral
/// message and logs every error to the console.
async fn load(state: Rc<State>, opts: Options) {
    let policy = match fetch_policy(&opts.policy_url).await {
        Ok(p) => p,
        Err(lines) => {
            if state.alive.get() {
                for line in &lines {
                    web_sys::console::error_1(&JsValue::from_str(line));
                }
                state.mount.show_unavailable();
            }
            return;
        }
    };
    if !state.alive.get() {
        return;
    }
    let mount = &state.mount;
    let shown = match opts.view {
        ViewKind::Store => store::render(&policy, mount.lang).map(|v| {
            mount.clear_content();
            mount.show(&v.root);
            Shown::Store(v)
        }),
        ViewKind::Panel => {
            // The host panel's token first: the panel then opens signed in (bearer session).
            if let Some(source) = opts.token.clone() {
                if let Err(e) = crate::api::session::sign_in(&opts.api, source).await {
                    web_sys::console::error_1(&JsValue::from_str(&format!("privacy-widget: signing in with options.token failed: {e}")));
                }
                if !state.alive.get() {
                    return;
                }
            }
            Ok(Shown::Panel(panel::Panel::start(mount.clone(), Rc::new(policy), opts.api, opts.site)))
        }
        ViewKind::Request => Ok(Shown::Request(panel::visitor::VisitorView::start(mount.clone(), Rc::new(policy), opts.api, opts.site))),
    };
    match shown {
        Ok(s) => *state.shown.borrow_mut() = Some(s),
        Err(e) => {
            web_sys::console::error_1(&JsValue::from_str(&e.to_string()));
            mount.show_unavailable();
        }
    }
}

/// The policy at `url`, or the lines to log: the fetch problem or every validation error.
async fn fetch_policy(url: &str) -> Result<Policy, Vec<String>> {
    let body = crate::api::get_text(url).await.map_err(|e| {
        let mut line = String::from("privacy-widget: the policy document could not be loaded from ");
        line.push_str(url);
        line.push_str(": ");
        line.push_str(&e.to_string());
        vec![line]
    })?;
    parse_policy(&body).map_err(|errors| {
        let mut lines = vec![{
            let mut l = String::from("privacy-widget: the policy document at ");
            l.push_str(url);
            l.push_str(" is not valid:");
            l
        }];
        lines.extend(errors.lines());
        lines
    })
}
