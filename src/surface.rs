//! The `#[wasm_bindgen]` surface of the marketing-page embedding: `start(options)` returns a
//! [`ConsentWidget`] handle (`consent()`, `onChange(fn)`, `open()`, `reset()`, `destroy()`),
//! which the loader (js/loader.js) exposes as `window.PrivacyWidget` / `window.__privacyWidget`.

use crate::prelude::*;

use crate::ui::page::{Page, PageOptions};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Options of `start()`; the loader reads them from the script tag's data-* attributes. */
export interface StartOptions {
  /** Site id known to the backend, e.g. "pcextreme" (data-site). */
  site: string;
  /** URL of the site's consent notice (data-notice); default `${api}/sites/${site}/notice?lang=${lang}`. */
  notice?: string;
  /** Backend base URL, default "/api/v1" (data-api). */
  api?: string;
  /** Force "nl" or "en"; empty detects from <html lang> and the browser (data-lang). */
  lang?: string;
  /** Domain attribute of the decision cookie; empty for host-only (data-cookie-domain). */
  cookieDomain?: string;
}

/** How a decision was made. */
export type ConsentMethod = "accept_all" | "reject_all" | "custom" | "gpc" | "withdraw";

/** The visitor's current decision. */
export interface ConsentDecision {
  /** Every browser-consent purpose of the policy: granted (true) or not. */
  purposes: Record<string, boolean>;
  method: ConsentMethod;
  policyVersion: string;
  /** ISO 8601 time of the decision. */
  decidedAt: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// The `start()` options object.
    #[wasm_bindgen(typescript_type = "StartOptions")]
    pub type StartOptions;
    /// A decision or `null`.
    #[wasm_bindgen(typescript_type = "ConsentDecision | null")]
    pub type ConsentValue;
    /// A change listener.
    #[wasm_bindgen(typescript_type = "(decision: ConsentDecision | null) => void")]
    pub type ChangeListener;
    /// The function that removes a change listener.
    #[wasm_bindgen(typescript_type = "() => void")]
    pub type Unsubscribe;
}

/// The marketing-page widget, as returned by [`start`].
#[wasm_bindgen]
pub struct ConsentWidget {
    page: Page,
}

#[inline(never)]
fn string_option(options: &JsValue, key: &str) -> String {
    Reflect::get(options, &JsValue::from_str(key)).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

/// Starts the consent widget on a marketing page: loads the site's consent notice, applies the stored
/// decision or shows the banner. Called by the loader; call it yourself only without it.
#[wasm_bindgen]
pub fn start(options: StartOptions) -> ConsentWidget {
    let options: JsValue = options.into();
    let mut api = string_option(&options, "api");
    if api.is_empty() {
        api.push_str("/api/v1");
    }
    let page = Page::start(PageOptions {
        site: string_option(&options, "site"),
        notice_url: string_option(&options, "notice"),
        api,
        lang: string_option(&options, "lang"),
        cookie_domain: string_option(&options, "cookieDomain"),
    });
    ConsentWidget { page }
}

#[wasm_bindgen]
impl ConsentWidget {
    /// The current decision, or `null` when none stands.
    pub fn consent(&self) -> ConsentValue {
        self.page.consent_value().unchecked_into()
    }

    /// Calls `listener(decision)` on every change; returns a function that unsubscribes.
    #[wasm_bindgen(js_name = onChange)]
    pub fn on_change(&self, listener: ChangeListener) -> Unsubscribe {
        let f: js_sys::Function = JsValue::from(listener).unchecked_into();
        let id = self.page.subscribe(f);
        let page = self.page.clone();
        Closure::once_into_js(move || page.unsubscribe(id)).unchecked_into()
    }

    /// Opens the preferences dialog.
    pub fn open(&self) {
        self.page.open_dialog(None);
    }

    /// Forgets the stored decision and shows the banner again.
    pub fn reset(&self) {
        self.page.reset();
    }

    /// Removes the widget's UI and stops its listeners, observer and timers.
    pub fn destroy(&self) {
        self.page.destroy();
    }
}

/// Hooks for the browser tests (tests/browser_consent.rs); not a stable API.
#[doc(hidden)]
pub mod testing {
    pub use crate::browser::cookies::{clear_matching as clear_cookies, get as cookie, read_decision, write_decision};
    pub use crate::browser::gating::{activate, Gate, ACTIVATED_ATTR};
    pub use crate::browser::storage::clear_matching as clear_storage;
    pub use crate::ui::banner::{Banner, BannerEvent};
    pub use crate::ui::dialog::{Dialog, DialogEvent};
    // Only in the tests' build: re-exported, they grow the marketing page's module (~70 B).
    #[cfg(feature = "std")]
    pub use crate::browser::cell::PageCell;
    #[cfg(feature = "std")]
    pub use crate::browser::events::{Interval, Listener, Timeout};
    /// The live listeners, timers and observers (debug builds).
    #[cfg(debug_assertions)]
    pub use crate::browser::events::live::{now as live, Live};
}
