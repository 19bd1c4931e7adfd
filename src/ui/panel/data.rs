//! "Mijn gegevens": the values the backend holds, grouped by data category and joined to the
//! policy: purposes with legal basis, until when each value is kept (a concrete date where the
//! event date is known), recipients (outside-EU marked), and whether it can be erased (C-C4);
//! then the values the privacy statement does not describe ([`undescribed`]). When the data
//! cannot be fetched (the company's data provider is down: 503 data-unavailable, or the network
//! failed) the tab says so in plain words with a retry, and shows nothing of an earlier load.

use super::client::Data;
use super::{undescribed, util, DataLoad, State, Tab};
use crate::api::ApiError;
use crate::i18n::{fill, t};
use crate::policy::RetentionEnd;
use crate::requests::{latest_date, purposes_using, recipients_of, retention_of};
use crate::ui::dom::{self, El};
use crate::ui::store::text::{self as st, Ctx};
use crate::ui::UiError;
use crate::wire::RestrictedReason;
use alloc::rc::Rc;
use web_sys::Element;

/// Fetches the stored values and renders the tab: the values, or why they cannot be shown (the
/// other tabs do not wait for it). A request form waiting for them is completed, or says they
/// cannot be fetched ([`State::data_settled`]). Returns whether the values were fetched (not
/// when the answer came for an earlier sign-in: it is dropped).
pub async fn load(state: &Rc<State>) -> bool {
    state.data_load.set(DataLoad::Loading);
    state.loading(Tab::Data);
    let Some(answer) = state.for_this_signin(state.client.data()).await else { return false };
    let loaded = match answer {
        Ok(d) => {
            *state.data.borrow_mut() = d;
            state.data_load.set(DataLoad::Loaded);
            render(state);
            true
        }
        Err(e) => {
            // Nothing stale: an earlier load is forgotten, here and in the request forms.
            *state.data.borrow_mut() = Data::default();
            state.data_load.set(DataLoad::Failed { retry: e.is_transient() });
            unavailable(state, &e);
            false
        }
    };
    state.data_settled();
    loaded
}

/// The tab when the values cannot be fetched: the reason in plain words, announced, and for a
/// failure that may pass (the provider or the network is down) a "Try again" button.
fn unavailable(state: &Rc<State>, e: &ApiError) {
    let Some(panel) = state.fresh_panel(Tab::Data) else { return };
    let lang = state.lang;
    let transient = e.is_transient();
    let text = if transient { t(lang, "panel.data.unavailable") } else { util::api_error(lang, e) };
    let Ok(message) = El::new("p") else { return };
    let _ = panel.append_child(&message.class("pw-error pw-data-unavailable").text(text).build());
    state.mount.announce(text);
    if !transient {
        return;
    }
    if let Ok(retry) = retry_button(state, Tab::Data) {
        let _ = panel.append_child(&retry);
    }
}

/// A "Try again" that fetches the stored values again, its listener kept with `tab`'s content
/// (the data tab's, or a request form's that waits for them; [`load`] completes that form).
pub fn retry_button(state: &Rc<State>, tab: Tab) -> Result<Element, UiError> {
    let retry = El::new("button")?.class("pw-btn pw-btn-primary pw-retry").attr("type", "button").text(t(state.lang, "panel.data.retry")).build();
    state.keep(tab, util::on(&retry, "click", state, move |s, e| {
        let busy = e.current_target().and_then(|b| wasm_bindgen::JsCast::dyn_into::<Element>(b).ok());
        let Some(button) = busy else { return };
        if button.get_attribute("aria-disabled").is_some() {
            return;
        }
        let _ = button.set_attribute("aria-disabled", "true");
        util::spawn(&s, move |s| async move {
            if tab == Tab::Data {
                retry_load(&s).await;
            } else {
                load(&s).await;
            }
        });
    }));
    Ok(retry)
}

/// A retry: on success the values replace the message, announced, with focus on the tab panel
/// (the button is gone); on failure focus stays on the new "Try again".
async fn retry_load(state: &Rc<State>) {
    let Some(loaded) = state.for_this_signin(load(state)).await else { return };
    let Some(panel) = state.panels.borrow().get(Tab::Data as usize).cloned() else { return };
    if loaded {
        state.mount.announce(t(state.lang, "panel.data.loaded"));
        dom::focus(&panel);
    } else if let Ok(Some(retry)) = panel.query_selector(".pw-retry") {
        dom::focus(&retry);
    }
}

/// Renders the tab from the loaded data.
pub fn render(state: &Rc<State>) {
    let Some(panel) = state.fresh_panel(Tab::Data) else { return };
    match build(state) {
        Ok(els) => {
            for el in els {
                let _ = panel.append_child(&el.build());
            }
        }
        Err(_) => state.mount.show_unavailable(),
    }
}

/// An end of retention as a phrase, with the date written out.
pub fn end_text(ctx: &Ctx, end: &RetentionEnd) -> String {
    match end {
        RetentionEnd::Date(d) => fill(t(ctx.lang, "panel.data.until"), &[("date", &st::date(ctx.lang, *d))]),
        other => other.sentence(ctx.lang),
    }
}

/// Why a value is restricted, in words: the customer's restriction request is not a legal hold
/// (`None`: the server did not say why).
fn restricted_text(lang: crate::i18n::Lang, why: Option<RestrictedReason>) -> &'static str {
    match why {
        Some(RestrictedReason::RestrictionRequest) => t(lang, "panel.data.restricted_request"),
        Some(RestrictedReason::LegalHold) => t(lang, "panel.data.restricted_legal_hold"),
        Some(RestrictedReason::NotErasable) => t(lang, "panel.data.restricted_not_erasable"),
        None => t(lang, "panel.data.restricted"),
    }
}

fn build(state: &Rc<State>) -> Result<Vec<El>, UiError> {
    let lang = state.lang;
    let policy = &*state.policy;
    let ctx = Ctx::new(policy, lang);
    let data = state.data.borrow();
    let mut out = vec![El::new("p")?.text(t(lang, "panel.data.intro"))];
    if data.values.is_empty() && data.not_described.is_empty() {
        out.push(El::new("p")?.text(t(lang, "panel.data.empty")));
        return Ok(out);
    }
    let mut order: Vec<&str> = policy.categories.iter().map(|c| c.id.as_str()).collect();
    for v in &data.values {
        if !order.contains(&v.category.as_str()) {
            order.push(&v.category);
        }
    }
    for id in order {
        let rows: Vec<usize> = (0..data.values.len()).filter(|i| data.values[*i].category == id).collect();
        if rows.is_empty() {
            continue;
        }
        let category = policy.category(id);
        let title = category.map_or(id, |c| ctx.text(&c.label));
        let mut card = El::new("section")?
            .class("pw-card pw-data-category")
            .attr("data-category", id)
            .child(ctx.mark_lang(El::new("h3")?.text(title)));

        let mut body = El::new("tbody")?;
        for i in rows {
            let v = &data.values[i];
            let field = category
                .and_then(|c| c.fields.iter().find(|f| f.id == v.field))
                .map_or(v.field.as_str(), |f| ctx.text(&f.label));
            let ends = retention_of(policy, &data.subject, v);
            let mut kept = match latest_date(ends.iter().map(|(_, e)| *e)) {
                Some(d) => fill(t(lang, "panel.data.until"), &[("date", &st::date(lang, d))]),
                None => {
                    let mut parts: Vec<String> = Vec::new();
                    for (_, e) in &ends {
                        let s = end_text(&ctx, e);
                        if !parts.contains(&s) {
                            parts.push(s);
                        }
                    }
                    parts.join("; ")
                }
            };
            if let Some(why) = data.restricted.get(i).copied().flatten() {
                kept.push_str(" — ");
                kept.push_str(restricted_text(lang, why));
            }
            body = body.child(
                El::new("tr")?
                    .attr("data-field", &v.field)
                    .child(ctx.mark_lang(El::new("th")?.attr("scope", "row").text(field)))
                    .child(El::new("td")?.class("pw-value").text(&v.value))
                    .child(El::new("td")?.text(&kept)),
            );
        }
        let columns = [t(lang, "panel.data.field"), t(lang, "panel.data.value"), t(lang, "panel.data.kept")];
        card = card.child(util::table(title, &columns, body)?);

        let mut dl = El::new("dl")?.class("pw-dl");
        let mut uses = El::new("ul")?;
        let mut any = false;
        for p in purposes_using(policy, id) {
            any = true;
            uses = uses.child(
                El::new("li")?
                    .child(ctx.el("span", &p.label)?)
                    .child(El::new("span")?.class("pw-muted").text(&fill(" ({basis})", &[("basis", st::basis(lang, p.legal_basis))]))),
            );
        }
        if any {
            dl = st::row(dl, t(lang, "panel.data.used_for"), uses)?;
        }
        let recipients = recipients_of(policy, id);
        if !recipients.is_empty() {
            let mut list = El::new("ul")?;
            for r in recipients.iter().filter_map(|r| policy.recipient(r)) {
                let mut li = El::new("li")?.child(ctx.el("span", &r.name)?);
                if let Some(mark) = st::location_mark(lang, r)? {
                    li = li.child(El::new("span")?.text(" ")).child(mark);
                }
                list = list.child(li);
            }
            dl = st::row(dl, t(lang, "store.recipients"), list)?;
        }
        if let Some(c) = category {
            let erasable = if c.erasable { t(lang, "store.erasable") } else { t(lang, "store.not_erasable") };
            dl = st::row(dl, t(lang, "panel.data.erasure"), El::new("span")?.text(erasable))?;
            if let Some(h) = &c.legal_hold {
                let v = El::new("span")?
                    .child(ctx.el("span", &h.reason)?)
                    .child(El::new("span")?.text(" — "))
                    .child(El::new("span")?.text(&ctx.retention(&h.retention)));
                dl = st::row(dl, t(lang, "store.legal_hold"), v)?;
            }
        }
        out.push(card.child(dl));
    }
    if !data.not_described.is_empty() {
        out.push(undescribed::section(lang, &data.not_described)?);
    }
    Ok(out)
}
