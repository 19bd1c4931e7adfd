//! The "Wat we over u bewaren" view: renders any valid policy as grouped, collapsible purposes
//! (essentials in each summary), the recipients with a textual outside-EU mark, the trackers,
//! the rights with how to use them, the complaint authority, the breach promise and the notes.

mod disclosures;
mod purpose;
mod rights;
pub mod text;

use crate::i18n::{fill, t, Lang};
use crate::policy::{ConsentScope, Policy};
use crate::ui::dom::El;
use crate::ui::UiError;
use gloo_events::EventListener;
use text::Ctx;
use wasm_bindgen::JsCast;
use web_sys::Element;

pub use purpose::{category, recipient};

/// The view's own rules (added to the shared stylesheet).
pub const CSS: &str = r#"
.pw-store{padding:1em}
.pw-store>*+*{margin-top:1.5em}
.pw-store header>*+*{margin-top:.25em}
.pw-plain{list-style:none;padding-inline-start:0!important}
.pw-sum-title{font-weight:700}
.pw-sum-meta{display:flex;flex-wrap:wrap;gap:.25em 1em;margin-top:.25em;padding-inline-start:1.25em;font-weight:400;color:var(--muted);font-size:.9em}
.pw-purposes>*+*{margin-top:.5em}
.pw-category{border-inline-start:3px solid var(--line);padding-inline-start:.75em}
.pw-category>*+*{margin-top:.25em}
.pw-fields{font-size:.95em}
.pw-field-name{font-weight:600}
.pw-recipient p{margin:0}
.pw-hold{font-size:.95em}
.pw-store h5{font-size:1em;font-weight:700;margin:0}
.pw-store code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
"#;

/// A rendered store view and the listeners it owns (dropped with it).
pub struct StoreView {
    pub root: Element,
    _listeners: Vec<EventListener>,
}

/// Renders `policy` in `lang`.
pub fn render(policy: &Policy, lang: Lang) -> Result<StoreView, UiError> {
    let ctx = Ctx::new(policy, lang);
    let controller_name = ctx.text(&policy.controller.name);
    let title_id = crate::ui::dom::next_id("pw-store-title");
    let header = El::new("header")?
        .child(El::new("h2")?.attr("id", &title_id).text(t(lang, "store.title")))
        .child(El::new("p")?.text(&fill(t(lang, "store.intro"), &[("controller", controller_name)])))
        .child(El::new("p")?.class("pw-muted pw-version").text(&fill(
            t(lang, "store.version"),
            &[("version", &policy.version), ("date", &text::date(lang, policy.date))],
        )));

    let toggle = El::new("button")?
        .class("pw-btn pw-expand")
        .attr("type", "button")
        .attr("aria-expanded", "false")
        .text(t(lang, "store.expand_all"));
    let mut purposes = El::new("section")?
        .class("pw-section pw-stack")
        .child(El::new("div")?.class("pw-row").child(El::new("h3")?.text(t(lang, "store.purposes"))).child(toggle));
    // Needed for the service, only with consent, and marketing mail sent unless turned off.
    let groups = [
        ("store.group.service", &[ConsentScope::None][..]),
        ("store.group.consent", &[ConsentScope::Browser, ConsentScope::Account][..]),
        ("store.group.opt_out", &[ConsentScope::AccountOptOut][..]),
    ];
    for (heading, scopes) in groups {
        let members: Vec<_> = policy.purposes.iter().filter(|p| scopes.contains(&p.consent)).collect();
        if members.is_empty() {
            continue;
        }
        let mut list = El::new("div")?.class("pw-purposes");
        for p in members {
            list = list.child(purpose::purpose(&ctx, p)?);
        }
        let heading = t(lang, heading);
        purposes = purposes.child(El::new("h4")?.class("pw-group").text(heading)).child(list);
    }

    let mut view = El::new("article")?
        .class("pw-store")
        .attr("aria-labelledby", &title_id)
        .child(header)
        .child(purposes);
    if let Some(other) = unused_categories(&ctx)? {
        view = view.child(other);
    }
    view = view.child(all_recipients(&ctx)?);
    if let Some(tr) = rights::trackers(&ctx)? {
        view = view.child(tr);
    }
    view = view.child(rights::rights(&ctx)?).children(rights::breach_and_notes(&ctx)?);
    if let Some(d) = disclosures::section(&ctx)? {
        view = view.child(d);
    }
    view = view.child(rights::controller(&ctx)?);

    let root = view.build();
    let listeners = vec![expand_all_listener(&root, lang)];
    Ok(StoreView { root, _listeners: listeners })
}

/// Categories no purpose names, so that every category of the policy is shown.
fn unused_categories(ctx: &Ctx) -> Result<Option<El>, UiError> {
    let unused: Vec<_> = ctx
        .policy
        .categories
        .iter()
        .filter(|c| !ctx.policy.purposes.iter().any(|p| p.categories.contains(&c.id)))
        .collect();
    if unused.is_empty() {
        return Ok(None);
    }
    let mut list = El::new("ul")?.class("pw-plain pw-stack");
    for c in unused {
        list = list.child(El::new("li")?.child(category(ctx, c, "h4")?));
    }
    Ok(Some(rights::section("store.other_data", ctx)?.child(list)))
}

/// Every recipient once, with role, country, description, safeguard and the outside-EU mark.
fn all_recipients(ctx: &Ctx) -> Result<El, UiError> {
    let mut sec = rights::section("store.all_recipients", ctx)?;
    if ctx.policy.recipients.is_empty() {
        return Ok(sec.child(El::new("p")?.text(t(ctx.lang, "store.no_recipients"))));
    }
    let mut list = El::new("ul")?.class("pw-plain pw-stack pw-all-recipients");
    for r in &ctx.policy.recipients {
        list = list.child(recipient(ctx, r, true)?);
    }
    sec = sec.child(list);
    Ok(sec)
}

/// "Alles uitklappen" / "Alles inklappen": opens or closes every purpose at once.
fn expand_all_listener(root: &Element, lang: Lang) -> EventListener {
    let button = root.query_selector(".pw-expand").ok().flatten();
    let scope = root.clone();
    let target = button.clone().map(|b| b.unchecked_into::<web_sys::EventTarget>());
    let target = target.unwrap_or_else(|| root.clone().unchecked_into());
    EventListener::new(&target, "click", move |_| {
        let Some(button) = &button else { return };
        let open = button.get_attribute("aria-expanded").as_deref() != Some("true");
        if let Ok(list) = scope.query_selector_all(".pw-purpose") {
            for i in 0..list.length() {
                if let Some(d) = list.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlDetailsElement>().ok()) {
                    d.set_open(open);
                }
            }
        }
        let _ = button.set_attribute("aria-expanded", if open { "true" } else { "false" });
        button.set_text_content(Some(if open { t(lang, "store.collapse_all") } else { t(lang, "store.expand_all") }));
    })
}
