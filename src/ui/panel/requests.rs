//! "Verzoeken": the kinds the policy offers (each opens its own form), and the customer's
//! requests with kind, received and due date, timeline, cancel for pending ones, and the answer
//! of access (on screen and as a file) and export (a JSON download) requests (C-C1, C-C2, C-C4, C-C5).

use super::client::RequestRecord;
use super::{forms, util, State, Tab};
use crate::i18n::{fill, t, Lang};
use crate::policy::Date;
use crate::requests::{offered_kinds, RequestKind, RequestStatus};
use crate::ui::dom::{self, El};
use crate::ui::store::text::{self as st, Ctx};
use crate::ui::UiError;
use alloc::rc::Rc;
use web_sys::Element;

/// Loads the list and renders the tab.
pub async fn load(state: &Rc<State>) {
    state.loading(Tab::Requests);
    let Some(list) = state.for_this_signin(state.client.requests()).await else { return };
    let Some(panel) = state.fresh_panel(Tab::Requests) else { return };
    if build(state, &panel, list).is_err() {
        state.mount.show_unavailable();
    }
}

/// After a request is filed: the list again, focus on the new request, and the opt-ins again
/// after an objection or erasure (they may have switched marketing off).
fn filed(state: Rc<State>, kind: RequestKind, id: Option<String>) {
    util::spawn(&state, move |s| async move {
        load(&s).await;
        if let Some(id) = id {
            focus_request(&s, &id);
        }
        if matches!(kind, RequestKind::Objection | RequestKind::Erasure) {
            super::optins::load(&s).await;
        }
    });
}

/// The stored values are fetched, or cannot be: a form that waited for them is completed, or
/// says so ([`forms::reopen`]).
pub fn data_settled(state: &Rc<State>) {
    forms::reopen(state, filed);
}

/// The label of a request status.
pub fn status_label(lang: Lang, status: RequestStatus) -> &'static str {
    match status {
        RequestStatus::Received => t(lang, "panel.status.received"),
        RequestStatus::Verified => t(lang, "panel.status.verified"),
        RequestStatus::InProgress => t(lang, "panel.status.in_progress"),
        RequestStatus::Extended => t(lang, "panel.status.extended"),
        RequestStatus::Completed => t(lang, "panel.status.completed"),
        RequestStatus::Refused => t(lang, "panel.status.refused"),
        RequestStatus::Cancelled => t(lang, "panel.status.cancelled"),
    }
}

fn date_text(lang: Lang, d: Option<Date>) -> String {
    d.map(|d| st::date(lang, d)).unwrap_or_else(|| "—".to_string())
}

fn build(state: &Rc<State>, panel: &Element, list: Result<Vec<RequestRecord>, crate::api::ApiError>) -> Result<(), UiError> {
    let lang = state.lang;
    let kinds = offered_kinds(&state.policy);
    let new = El::new("section")?
        .class("pw-card")
        .child(El::new("h3")?.text(t(lang, "panel.requests.new")))
        .child(El::new("p")?.text(t(lang, "panel.requests.intro")))
        .build();
    let buttons = El::new("div")?.class("pw-row").build();
    let form_slot = El::new("div")?.class("pw-request-form").build();
    for &kind in &kinds {
        let b = El::new("button")?
            .class("pw-btn")
            .attr("type", "button")
            .attr("data-kind", kind.name())
            .text(st::request_kind(lang, kind))
            .build();
        let _ = buttons.append_child(&b);
        state.keep(Tab::Requests, util::on(&b, "click", state, move |s, _| forms::open(&s, kind, filed)));
    }
    if kinds.is_empty() {
        let _ = new.append_child(&El::new("p")?.text(t(lang, "store.rights.none")).build());
    }
    let _ = new.append_child(&buttons);
    let _ = new.append_child(&form_slot);
    let _ = panel.append_child(&new);

    let mine = El::new("section")?.class("pw-stack pw-request-list").child(El::new("h3")?.text(t(lang, "panel.requests.mine"))).build();
    match list {
        Err(e) => {
            let _ = mine.append_child(&El::new("p")?.class("pw-error").text(util::api_error(lang, &e)).build());
        }
        Ok(list) if list.is_empty() => {
            let _ = mine.append_child(&El::new("p")?.text(t(lang, "panel.requests.empty")).build());
        }
        Ok(list) => {
            let ul = El::new("ul")?.class("pw-plain pw-stack").build();
            for r in &list {
                let _ = ul.append_child(&item(state, r)?.into());
            }
            let _ = mine.append_child(&ul);
        }
    }
    let _ = panel.append_child(&mine);
    Ok(())
}

/// A request's status, received and due date (C-C2) as a definition list.
pub fn facts(lang: Lang, r: &RequestRecord) -> Result<El, UiError> {
    let mut dl = El::new("dl")?.class("pw-dl");
    dl = st::row(dl, t(lang, "panel.requests.status"), El::new("span")?.class("pw-status").text(status_label(lang, r.status)))?;
    dl = st::row(dl, t(lang, "panel.requests.received"), El::new("span")?.text(&date_text(lang, r.received_on)))?;
    st::row(dl, t(lang, "panel.requests.due"), El::new("span")?.class("pw-due").text(&date_text(lang, r.due_on)))
}

/// A request's timeline: each step with its date and reason.
pub fn timeline(lang: Lang, r: &RequestRecord) -> Result<El, UiError> {
    let mut timeline = El::new("ol")?.class("pw-timeline");
    for step in &r.timeline {
        let mut text = String::from(status_label(lang, step.status));
        if !step.at.is_empty() {
            text.push_str(" — ");
            text.push_str(&Date::parse(step.at.get(..10).unwrap_or(&step.at)).map_or(step.at.clone(), |d| st::date(lang, d)));
        }
        let mut li = El::new("li")?.child(El::new("span")?.text(&text));
        if let Some(reason) = &step.reason {
            li = li.child(El::new("span")?.text(": ")).child(El::new("q")?.text(reason));
        }
        timeline = timeline.child(li);
    }
    Ok(timeline)
}

/// What was asked, as text (never markup): the categories of a restriction, what an objection
/// is against, the field and new value of a rectification, and the note. `None` when the
/// details say nothing to show (access, export, erasure without a note).
pub fn asked(ctx: &Ctx, r: &RequestRecord) -> Result<Option<El>, UiError> {
    let (lang, policy) = (ctx.lang, ctx.policy);
    let d = &r.details;
    let text = |key: &str| d.get(key).and_then(|v| v.as_str()).filter(|v| !v.is_empty());
    let ids = |key: &str| -> Vec<&str> { d.get(key).and_then(|v| v.as_array()).map_or(Vec::new(), |a| a.iter().filter_map(|v| v.as_str()).collect()) };
    let mut dl = El::new("dl")?.class("pw-dl pw-asked");
    let mut any = false;
    match r.kind {
        RequestKind::Restriction => {
            let chosen = ids("categories");
            let value = if chosen.is_empty() {
                El::new("span")?.text(t(lang, "panel.requests.asked_all_categories"))
            } else {
                let mut ul = El::new("ul")?.class("pw-plain");
                for id in chosen {
                    let li = match policy.category(id) {
                        Some(c) => ctx.el("li", &c.label)?,
                        None => El::new("li")?.text(id),
                    };
                    ul = ul.child(li.attr("data-category", id));
                }
                ul
            };
            dl = st::row(dl, t(lang, "panel.requests.asked_categories"), value)?;
            any = true;
        }
        RequestKind::Objection => {
            let mut ul = El::new("ul")?.class("pw-plain");
            for id in ids("purposes") {
                let li = match policy.purpose(id) {
                    _ if id == crate::requests::DIRECT_MARKETING => El::new("li")?.text(t(lang, "panel.form.direct_marketing")),
                    Some(p) => ctx.el("li", &p.label)?,
                    None => El::new("li")?.text(id),
                };
                ul = ul.child(li.attr("data-purpose", id));
            }
            dl = st::row(dl, t(lang, "panel.requests.asked_objection"), ul)?;
            any = true;
        }
        RequestKind::Rectification => {
            if let Some(field) = text("field") {
                let category = text("category").and_then(|c| policy.category(c));
                let label = match category.and_then(|c| c.fields.iter().find(|f| f.id == field).map(|f| (c, f))) {
                    Some((c, f)) => {
                        let mut s = String::from(ctx.text(&c.label));
                        s.push_str(" – ");
                        s.push_str(ctx.text(&f.label));
                        ctx.mark_lang(El::new("span")?.text(&s))
                    }
                    None => El::new("span")?.text(field),
                };
                dl = st::row(dl, t(lang, "panel.requests.asked_field"), label)?;
                any = true;
            }
            if let Some(value) = text("value") {
                dl = st::row(dl, t(lang, "panel.requests.asked_value"), El::new("span")?.class("pw-value").text(value))?;
                any = true;
            }
        }
        _ => {}
    }
    if let Some(note) = text("note") {
        dl = st::row(dl, t(lang, "panel.requests.asked_note"), El::new("span")?.class("pw-note").text(note))?;
        any = true;
    }
    Ok(any.then_some(dl))
}

fn item(state: &Rc<State>, r: &RequestRecord) -> Result<Element, UiError> {
    let lang = state.lang;
    let dl = facts(lang, r)?;
    let ctx = Ctx::new(&state.policy, lang);
    let timeline = timeline(lang, r)?;
    let mut card = El::new("li")?
        .class("pw-card pw-request")
        .attr("data-request", &r.id)
        .attr("data-kind", r.kind.name())
        .attr("data-status", r.status.name())
        .child(El::new("h4")?.attr("tabindex", "-1").text(st::request_kind(lang, r.kind)))
        .child(dl);
    if let Some(asked) = asked(&ctx, r)? {
        card = card.child(asked);
    }
    card = card.child(El::new("h5")?.text(t(lang, "panel.requests.timeline"))).child(timeline);
    if r.status == RequestStatus::Refused {
        let authority = state.policy.text(&state.policy.controller.supervisory_authority.name, lang.tag());
        card = card.child(El::new("p")?.text(&fill(t(lang, "store.complaint.text"), &[("authority", authority)])));
    }
    let card = card.build();
    let actions = El::new("div")?.class("pw-row").build();
    if r.status.is_pending() {
        let b = El::new("button")?.class("pw-btn pw-btn-danger pw-cancel").attr("type", "button").text(t(lang, "panel.requests.cancel")).build();
        let _ = actions.append_child(&b);
        let id = r.id.clone();
        state.keep(Tab::Requests, util::on(&b, "click", state, move |s, _| {
            let id = id.clone();
            util::spawn(&s, |s| async move {
                match s.client.cancel(&id).await {
                    Ok(()) => {
                        s.mount.announce(t(s.lang, "panel.requests.cancelled"));
                        load(&s).await;
                        focus_request(&s, &id);
                    }
                    Err(e) => s.mount.announce(util::api_error(s.lang, &e)),
                }
            });
        }));
    }
    if r.status == RequestStatus::Completed && r.kind.yields_package() {
        let answer = El::new("div")?.class("pw-answer").build();
        if r.kind == RequestKind::Access {
            let show = El::new("button")?.class("pw-btn pw-show-answer").attr("type", "button").text(t(lang, "panel.requests.show_answer")).build();
            let _ = actions.append_child(&show);
            let (id, slot) = (r.id.clone(), answer.clone());
            state.keep(Tab::Requests, util::on(&show, "click", state, move |s, _| {
                let (id, slot) = (id.clone(), slot.clone());
                util::spawn(&s, |s| async move {
                    match s.client.package(&id).await {
                        Ok(text) => {
                            dom::clear(&slot);
                            if let Ok(view) = super::package::view(s.lang, &text) {
                                let _ = slot.append_child(&view);
                                dom::focus(&view);
                            }
                        }
                        Err(e) => s.mount.announce(util::api_error(s.lang, &e)),
                    }
                });
            }));
        }
        let download = El::new("button")?.class("pw-btn pw-download").attr("type", "button").text(t(lang, "panel.requests.download")).build();
        let _ = actions.append_child(&download);
        let id = r.id.clone();
        let kind = r.kind;
        state.keep(Tab::Requests, util::on(&download, "click", state, move |s, _| {
            let id = id.clone();
            util::spawn(&s, |s| async move {
                match s.client.package(&id).await {
                    Ok(text) => {
                        let mut name = s.client.site.clone();
                        name.push('-');
                        name.push_str(kind.name());
                        name.push_str(".json");
                        let _ = util::download(&name, &text, "application/json");
                    }
                    Err(e) => s.mount.announce(util::api_error(s.lang, &e)),
                }
            });
        }));
        let _ = card.append_child(&actions);
        let _ = card.append_child(&answer);
        return Ok(card);
    }
    if actions.child_element_count() > 0 {
        let _ = card.append_child(&actions);
    }
    Ok(card)
}

/// Moves focus to a request's heading in the list.
pub fn focus_request(state: &State, id: &str) {
    let mut sel = String::from(".pw-request[data-request=\"");
    sel.push_str(id);
    sel.push_str("\"] h4");
    match state.body.query_selector(&sel) {
        Ok(Some(h)) => dom::focus(&h),
        _ => {
            if let Ok(Some(h)) = state.body.query_selector(".pw-request-list h3") {
                let _ = h.set_attribute("tabindex", "-1");
                dom::focus(&h);
            }
        }
    }
}
