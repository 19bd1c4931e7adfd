//! The widget's stylesheet: one constructed `CSSStyleSheet` adopted by every shadow root, so it
//! works under a strict CSP (no inline styles) and host CSS can neither break it nor be broken.
//!
//! A `<privacy-widget>` host placed by the embedder keeps its page layout (width, margin); the
//! banner's own host (`.pw-page-host`, created by the widget) is sealed with `all: initial`.
//!
//! Theme through custom properties on the host (`privacy-widget { --pw-accent: #0a5 }`);
//! `prefers-color-scheme` and `prefers-reduced-motion` are honoured. Each view adds its rules
//! as a `CSS` constant in its own file, listed in [`PARTS`].

use core::cell::OnceCell;
use web_sys::CssStyleSheet;

/// Base rules: reset, theme tokens, typography, buttons, toggles, focus, layout primitives.
macro_rules! base_css {
    () => {
        r#"
:host(.pw-page-host){all:initial!important;display:block!important;contain:layout style}
.pw-root{--bg:var(--pw-bg,#fff);--fg:var(--pw-fg,#1b1f23);--muted:var(--pw-muted,#4a5560);--line:var(--pw-line,#8a949e);--soft:var(--pw-soft,#f2f4f6);--accent:var(--pw-accent,#0b57d0);--on-accent:var(--pw-on-accent,#fff);--danger:var(--pw-danger,#b3261e);--ok:var(--pw-ok,#1b6b34);--radius:var(--pw-radius,8px);
all:initial;display:block;box-sizing:border-box;font:medium/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);background:var(--bg);text-align:start;letter-spacing:normal;word-spacing:normal;text-transform:none;overflow-wrap:anywhere;unicode-bidi:isolate}
@media (prefers-color-scheme:dark){.pw-root{--bg:var(--pw-bg-dark,#1e2125);--fg:var(--pw-fg-dark,#eef1f4);--muted:var(--pw-muted-dark,#b9c2cb);--line:var(--pw-line-dark,#7d8894);--soft:var(--pw-soft-dark,#2a2f35);--accent:var(--pw-accent-dark,#a8c7fa);--on-accent:var(--pw-on-accent-dark,#062e6f);--danger:var(--pw-danger-dark,#ffb4ab);--ok:var(--pw-ok-dark,#8fd6a0)}}
.pw-root *,.pw-root *::before,.pw-root *::after{box-sizing:border-box}
.pw-root h2,.pw-root p,.pw-root ul,.pw-root dl,.pw-root dd{margin:0;padding:0}
.pw-root h2{font-size:1.25em;line-height:1.3;font-weight:700}
.pw-root p+p,.pw-root p+ul,.pw-root ul+p{margin-top:.5em}
.pw-root ul{padding-inline-start:1.25em}
.pw-muted{color:var(--muted);font-size:.9em}
.pw-row{display:flex;flex-wrap:wrap;gap:.5em;align-items:center}
.pw-root [hidden]{display:none!important}
.pw-btn{all:unset;box-sizing:border-box;display:inline-flex;align-items:center;justify-content:center;min-height:44px;min-width:44px;padding:.5em 1em;border:2px solid var(--accent);border-radius:var(--radius);background:var(--bg);color:var(--accent);font:inherit;font-weight:600;line-height:1.2;text-align:center;cursor:pointer}
.pw-btn:hover{background:var(--soft)}
.pw-btn-primary{background:var(--accent);color:var(--on-accent)}
.pw-btn-primary:hover{background:var(--accent);filter:brightness(1.1)}
.pw-root :focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.pw-switch{display:flex;gap:.75em;align-items:flex-start;min-height:44px;cursor:pointer}
.pw-switch input{appearance:none;-webkit-appearance:none;flex:none;margin:.15em 0 0;width:2.75em;height:1.5em;border:2px solid var(--line);border-radius:1em;background:var(--soft);position:relative;cursor:pointer}
.pw-switch input::after{content:"";position:absolute;top:.125em;inset-inline-start:.125em;width:1em;height:1em;border-radius:50%;background:var(--muted);transition:inset-inline-start .15s}
.pw-switch input:checked{background:var(--accent);border-color:var(--accent)}
.pw-switch input:checked::after{inset-inline-start:1.375em;background:var(--on-accent)}
.pw-switch input:disabled{opacity:.7;cursor:not-allowed}
.pw-badge{display:inline-block;padding:0 .5em;border:1px solid currentColor;border-radius:1em;font-size:.8em;font-weight:600;line-height:1.5}
.pw-dl{display:grid;grid-template-columns:minmax(8em,max-content) 1fr;gap:.25em 1em}
.pw-dl dt{font-weight:600;color:var(--muted)}
@media (max-width:480px){.pw-dl{grid-template-columns:1fr}.pw-dl dd{margin-bottom:.5em}}
.pw-sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.pw-unavailable{padding:1em;border:1px solid var(--line);border-radius:var(--radius);color:var(--muted)}
@media (prefers-reduced-motion:reduce){.pw-root *,.pw-root *::before,.pw-root *::after{transition:none!important;animation:none!important}}
"#
    };
}
/// The base rules as a constant, for [`PARTS`].
#[cfg(feature = "panel")]
const BASE: &str = base_css!();

/// Base rules only the control-panel views use (a `<privacy-widget>` host, links, headings
/// below h2, form fields, details, danger and disabled buttons), left out of the marketing page.
/// Their place in the cascade (after [`BASE`]) changes no outcome: none of them competes with a
/// later base rule of the same specificity.
/// The base rules as a constant, for [`PARTS`].
#[cfg(feature = "panel")]
const BASE_PANEL: &str = r#"
:host{display:block!important;contain:layout style}
:host([hidden]){display:none!important}
.pw-root h3,.pw-root h4,.pw-root ol,.pw-root figure{margin:0;padding:0}
.pw-root h3{font-size:1.075em;line-height:1.35;font-weight:700}
.pw-root h4{font-size:1em;font-weight:700}
.pw-root a{color:var(--accent);text-decoration:underline}
.pw-stack>*+*{margin-top:.75em}
.pw-btn-danger{border-color:var(--danger);color:var(--danger)}
.pw-btn[disabled],.pw-btn[aria-disabled=true]{opacity:.6;cursor:not-allowed}
.pw-link{all:unset;color:var(--accent);text-decoration:underline;cursor:pointer;min-height:24px;display:inline-flex;align-items:center}
.pw-field{display:flex;flex-direction:column;gap:.25em}
.pw-field input,.pw-field select,.pw-field textarea{font:inherit;color:var(--fg);background:var(--bg);border:2px solid var(--line);border-radius:var(--radius);padding:.5em;min-height:44px;width:100%}
.pw-field [aria-invalid=true]{border-color:var(--danger)}
.pw-error{color:var(--danger);font-weight:600}
.pw-ok{color:var(--ok);font-weight:600}
.pw-details{border:1px solid var(--line);border-radius:var(--radius);background:var(--bg)}
.pw-details>summary{cursor:pointer;padding:.75em 1em;min-height:44px;font-weight:600;list-style-position:inside}
.pw-details>summary::-webkit-details-marker{color:var(--muted)}
.pw-details>.pw-details-body{padding:0 1em 1em}
.pw-badge-warn{color:var(--danger)}
"#;

/// Every part of the stylesheet, in cascade order. Views append their own `CSS` here.
#[cfg(feature = "panel")]
const PARTS: &[&str] = &[
    BASE,
    #[cfg(feature = "panel")]
    BASE_PANEL,
    crate::ui::banner::CSS,
    crate::ui::dialog::CSS,
    #[cfg(feature = "panel")]
    crate::ui::store::CSS,
    #[cfg(feature = "panel")]
    crate::ui::panel::CSS,
];

/// The marketing page's stylesheet (the parts it uses), joined while compiling: no `concat`
/// code in its wasm.
#[cfg(not(feature = "panel"))]
const MARKETING_PAGE: &str = concat!(base_css!(), crate::ui::banner::banner_css!(), crate::ui::dialog::dialog_css!());

/// The stylesheet, built on first use and shared by every mount on the page.
struct Shared(OnceCell<Option<CssStyleSheet>>);

// SAFETY: wasm32 without the `atomics` target feature runs on one thread, so the cell is never
// reached from two threads; with atomics this impl does not exist and the build fails.
#[cfg(not(target_feature = "atomics"))]
unsafe impl Sync for Shared {}

static SHEET: Shared = Shared(OnceCell::new());

/// The shared stylesheet, built once per page; `None` where constructable stylesheets are
/// unsupported (then the widget renders unstyled but usable).
pub fn sheet() -> Option<CssStyleSheet> {
    SHEET.0
        .get_or_init(|| {
            let sheet = CssStyleSheet::new().ok()?;
            #[cfg(feature = "panel")]
            sheet.replace_sync(&PARTS.concat()).ok()?;
            #[cfg(not(feature = "panel"))]
            sheet.replace_sync(MARKETING_PAGE).ok()?;
            Some(sheet)
        })
        .clone()
}
