//! The status of a verified request (C-C2, C-C3): "Verzoek ontvangen", the due date, the
//! status with its timeline (and the right to complain after a refusal), read with the
//! visitor's status token; withdrawing it while it is pending (after a confirmation), the
//! answer once there is one ([`answer`]); refresh, and forget it on this device.

use super::{answer, request_path, util, Saved, Visitor};
use crate::api::{self, ApiError};
use crate::i18n::{fill, t};
use crate::ui::dom::{self, next_id, El};
use crate::requests::RequestStatus;
use crate::ui::panel::client::{decode, encode, RequestRecord};
use crate::wire;
use crate::ui::panel::requests;
use crate::ui::store::text as st;
use crate::ui::UiError;
use alloc::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// Reads the status with `token` and shows it; `announce` says so in the live region.
pub async fn load(state: &Rc<Visitor>, token: &str, announce: bool) {
    let result = api::get_text(&state.url(&request_path(token, ""))).await;
    let record = result.as_deref().ok().and_then(|body| decode::<wire::VisitorStatus>(body).ok()).map(RequestRecord::from);
    match (result, record) {
        (Ok(_), Some(record)) => {
            // A token from a mail link is saved before its request id is known.
            if matches!(state.saved(), Some(Saved::Status { id, token: saved }) if saved == token && id != record.id) {
                state.save(&Saved::Status { id: record.id.clone(), token: token.to_owned() });
            }
            show(state, &record, false);
            if announce {
                state.mount.announce(t(state.lang, "visitor.refreshed"));
            }
        }
        (Err(ApiError::Rejected(404, _)), _) => notice(state, t(state.lang, "visitor.status_gone")),
        (Err(e), _) => notice(state, util::api_error(state.lang, &e)),
        (Ok(_), None) => notice(state, t(state.lang, "panel.error.server")),
    }
}

/// Shows `record`; `verified_now` announces "Verzoek ontvangen" and moves focus to it.
pub fn show(state: &Rc<Visitor>, record: &RequestRecord, verified_now: bool) {
    let Some(step) = state.fresh() else { return };
    match build(state, &step, record) {
        Ok(heading) => {
            if verified_now {
                state.mount.announce(t(state.lang, "visitor.received"));
                dom::focus(&heading);
            }
        }
        Err(_) => state.mount.show_unavailable(),
    }
}

fn build(state: &Rc<Visitor>, step: &Element, r: &RequestRecord) -> Result<Element, UiError> {
    let lang = state.lang;
    let heading = El::new("h3")?.attr("tabindex", "-1").text(t(lang, "visitor.received")).build();
    let _ = step.append_child(&heading);
    let due = r.due_on.map(|d| st::date(lang, d)).unwrap_or_else(|| "—".to_string());
    let text = match r.status {
        RequestStatus::Completed if r.no_personal_data => t(lang, "visitor.no_data_text").to_string(),
        RequestStatus::Completed => t(lang, "visitor.completed_text").to_string(),
        RequestStatus::Cancelled => t(lang, "visitor.cancelled_text").to_string(),
        RequestStatus::Refused => t(lang, "visitor.refused_text").to_string(),
        _ => fill(t(lang, "visitor.received_text"), &[("date", &due)]),
    };
    let _ = step.append_child(&El::new("p")?.class("pw-visitor-summary").text(&text).build());
    let facts = requests::facts(lang, r)?.build();
    let first = facts.first_child();
    let dt = El::new("dt")?.text(t(lang, "visitor.kind_label")).build();
    let dd = El::new("dd")?.class("pw-kind").text(st::request_kind(lang, r.kind)).build();
    let _ = facts.insert_before(&dt, first.as_ref());
    let _ = facts.insert_before(&dd, first.as_ref());
    let card = El::new("section")?
        .class("pw-card pw-request pw-visitor-status")
        .attr("data-request", &r.id)
        .attr("data-kind", r.kind.name())
        .attr("data-status", r.status.name())
        .build();
    let _ = card.append_child(&facts);
    let _ = card.append_child(&El::new("h4")?.text(t(lang, "panel.requests.timeline")).build());
    let _ = card.append_child(&requests::timeline(lang, r)?.build());
    if r.status == RequestStatus::Refused {
        let authority = state.policy.text(&state.policy.controller.supervisory_authority.name, lang.tag());
        let _ = card.append_child(&El::new("p")?.text(&fill(t(lang, "store.complaint.text"), &[("authority", authority)])).build());
    }
    add_cancel(state, &card, r)?;
    answer::add(state, &card, r)?;
    let _ = step.append_child(&card);
    refresh_and_forget(state, step, true)?;
    let _ = step.append_child(&El::new("p")?.class("pw-muted").text(t(lang, "visitor.forget_hint")).build());
    Ok(heading)
}

/// A message instead of the status (not reachable, or no longer known), with refresh and
/// forget.
pub fn notice(state: &Rc<Visitor>, message: &str) {
    let Some(step) = state.fresh() else { return };
    let built = (|| -> Result<(), UiError> {
        let _ = step.append_child(&El::new("p")?.class("pw-unavailable").attr("role", "alert").text(message).build());
        refresh_and_forget(state, &step, false)
    })();
    if built.is_err() {
        state.mount.show_unavailable();
    }
}

/// The refresh and forget buttons under the status or a notice: refresh reloads the status
/// with the saved token (putting focus back on the new refresh button when `refocus`), forget
/// drops it from this device.
fn refresh_and_forget(state: &Rc<Visitor>, step: &Element, refocus: bool) -> Result<(), UiError> {
    let lang = state.lang;
    let refresh = El::new("button")?.class("pw-btn pw-refresh").attr("type", "button").text(t(lang, "visitor.refresh")).build();
    let forget = El::new("button")?.class("pw-btn pw-forget").attr("type", "button").text(t(lang, "visitor.forget")).build();
    let row = El::new("div")?.class("pw-row").build();
    let _ = row.append_child(&refresh);
    let _ = row.append_child(&forget);
    let _ = step.append_child(&row);
    state.keep(util::on(&refresh, "click", state, move |s, _| {
        let Some(Saved::Status { token, .. }) = s.saved() else { return };
        util::spawn(&s, move |s| async move {
            load(&s, &token, true).await;
            if refocus {
                if let Ok(Some(b)) = s.body.query_selector(".pw-refresh") {
                    dom::focus(&b);
                }
            }
        });
    }));
    state.keep(util::on(&forget, "click", state, |s, _| s.forget()));
    Ok(())
}

/// Adds the withdraw button to a pending request's `card`; it asks to confirm first.
fn add_cancel(state: &Rc<Visitor>, card: &Element, r: &RequestRecord) -> Result<(), UiError> {
    let lang = state.lang;
    if r.status.is_pending() {
        let slot_id = next_id("pw-vcancel");
        let cancel = El::new("button")?
            .class("pw-btn pw-btn-danger pw-cancel")
            .attr("type", "button")
            .attr("aria-expanded", "false")
            .attr("aria-controls", &slot_id)
            .text(t(lang, "visitor.cancel"))
            .build();
        let slot = El::new("div")?.class("pw-cancel-slot").attr("id", &slot_id).build();
        let _ = card.append_child(&El::new("div")?.class("pw-row").build());
        if let Some(row) = card.last_element_child() {
            let _ = row.append_child(&cancel);
        }
        let _ = card.append_child(&slot);
        let button = cancel.clone();
        state.keep(util::on(&cancel, "click", state, move |s, _| {
            if ask(&s, &slot, &button).is_err() {
                s.mount.show_unavailable();
            }
        }));
    }
    Ok(())
}

/// Asks to confirm the withdrawal in `slot` (once; again only moves focus there).
fn ask(state: &Rc<Visitor>, slot: &Element, cancel: &Element) -> Result<(), UiError> {
    let lang = state.lang;
    if let Some(open) = slot.first_element_child().and_then(|g| g.first_element_child()) {
        dom::focus(&open);
        return Ok(());
    }
    let question_id = next_id("pw-vcancel-q");
    let question = El::new("p")?.attr("id", &question_id).attr("tabindex", "-1").text(t(lang, "visitor.cancel_question")).build();
    let yes = El::new("button")?.class("pw-btn pw-btn-danger pw-cancel-yes").attr("type", "button").text(t(lang, "visitor.cancel_yes")).build();
    let no = El::new("button")?.class("pw-btn pw-cancel-no").attr("type", "button").text(t(lang, "visitor.cancel_no")).build();
    let group = El::new("div")?.class("pw-card pw-stack pw-cancel-confirm").attr("role", "group").attr("aria-labelledby", &question_id).build();
    let row = El::new("div")?.class("pw-row").build();
    let _ = row.append_child(&yes);
    let _ = row.append_child(&no);
    let _ = group.append_child(&question);
    let _ = group.append_child(&row);
    let _ = slot.append_child(&group);
    let _ = cancel.set_attribute("aria-expanded", "true");
    let (s_slot, s_cancel) = (slot.clone(), cancel.clone());
    let close = move |_: &Visitor| {
        dom::clear(&s_slot);
        let _ = s_cancel.set_attribute("aria-expanded", "false");
        dom::focus(&s_cancel);
    };
    let close = Rc::new(close);
    let c = close.clone();
    state.keep(util::on(&no, "click", state, move |s, _| c(&s)));
    let c = close;
    state.keep(util::on(&group, "keydown", state, move |s, e| {
        if e.dyn_ref::<web_sys::KeyboardEvent>().is_some_and(|k| k.key() == "Escape") {
            c(&s);
        }
    }));
    state.keep(util::on(&yes, "click", state, |s, _| util::spawn(&s, |s| async move { withdraw(&s).await })));
    dom::focus(&question);
    Ok(())
}

/// Withdraws the request and shows its status; a request the company already works on is
/// said to be too late for that, and the status is read again.
async fn withdraw(state: &Rc<Visitor>) {
    let lang = state.lang;
    let Some(token) = state.status_token() else { return };
    match api::send_json("POST", &state.url(&request_path(&token, "/cancel")), &encode(&wire::Empty {}), None).await {
        Ok(reply) => match decode::<wire::VisitorStatus>(&reply.body).map(RequestRecord::from) {
            Ok(record) => {
                show(state, &record, false);
                state.mount.announce(t(lang, "visitor.cancelled"));
                if let Ok(Some(h)) = state.body.query_selector("h3") {
                    dom::focus(&h);
                }
            }
            Err(_) => state.mount.announce(t(lang, "panel.error.server")),
        },
        Err(ApiError::Rejected(409, _)) => {
            load(state, &token, false).await;
            state.mount.announce(t(lang, "visitor.cancel_late"));
        }
        Err(e) => state.mount.announce(util::api_error(lang, &e)),
    }
}
