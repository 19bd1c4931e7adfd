//! What a visitor can do with a verified request, by its status token: withdraw it while it is
//! pending (after a confirmation), and, once an access or export request is completed, see the
//! answer on screen (access, C-C4) and download it as the same JSON file a customer gets (C-C5).

use super::{status, util, Saved, Visitor};
use crate::api::{self, ApiError};
use crate::i18n::t;
use crate::requests::{RequestKind, RequestStatus};
use crate::ui::dom::{self, next_id, El};
use crate::ui::panel::client::{decode, encode, RequestRecord};
use crate::ui::panel::package;
use crate::wire;
use crate::ui::UiError;
use alloc::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// The saved status token.
fn token(state: &Visitor) -> Option<String> {
    match state.saved() {
        Some(Saved::Status { token, .. }) => Some(token),
        _ => None,
    }
}

/// `/visitor-requests/{token}{tail}`.
fn path(token: &str, tail: &str) -> String {
    let mut p = String::from("/visitor-requests/");
    p.push_str(token);
    p.push_str(tail);
    p
}

/// Adds the request's actions to its `card`: cancel while pending, the answer once an access
/// or export request is completed.
pub fn add(state: &Rc<Visitor>, card: &Element, r: &RequestRecord) -> Result<(), UiError> {
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
    let has_answer = r.status == RequestStatus::Completed && r.kind.yields_package();
    if !has_answer {
        return Ok(());
    }
    let ready = if r.kind == RequestKind::Access { "visitor.answer_access" } else { "visitor.answer_export" };
    let _ = card.append_child(&El::new("h4")?.text(t(lang, "visitor.answer")).build());
    let _ = card.append_child(&El::new("p")?.text(t(lang, ready)).build());
    let row = El::new("div")?.class("pw-row").build();
    let answer = El::new("div")?.class("pw-answer").build();
    if r.kind == RequestKind::Access {
        let show = El::new("button")?.class("pw-btn pw-show-answer").attr("type", "button").text(t(lang, "visitor.show_answer")).build();
        let _ = row.append_child(&show);
        let slot = answer.clone();
        state.keep(util::on(&show, "click", state, move |s, _| {
            let slot = slot.clone();
            util::spawn(&s, |s| async move { show_answer(&s, &slot).await });
        }));
    }
    let download = El::new("button")?.class("pw-btn pw-btn-primary pw-download").attr("type", "button").text(t(lang, "visitor.download")).build();
    let _ = row.append_child(&download);
    let mut name = state.site.clone();
    for part in ["-", r.kind.name(), "-", r.id.as_str(), ".json"] {
        name.push_str(part);
    }
    state.keep(util::on(&download, "click", state, move |s, _| {
        let name = name.clone();
        util::spawn(&s, |s| async move { download_answer(&s, &name).await });
    }));
    let _ = card.append_child(&row);
    let _ = card.append_child(&answer);
    Ok(())
}

/// The package of the token's request (JSON text).
async fn package(state: &Visitor) -> Result<String, ApiError> {
    let token = token(state).ok_or(ApiError::Malformed)?;
    api::get_text(&state.url(&path(&token, "/package"))).await
}

async fn show_answer(state: &Rc<Visitor>, slot: &Element) {
    match package(state).await {
        Ok(text) => {
            dom::clear(slot);
            match package::view(state.lang, &text) {
                Ok(view) => {
                    let _ = slot.append_child(&view);
                    state.mount.announce(t(state.lang, "visitor.answer_shown"));
                    dom::focus(&view);
                }
                Err(_) => state.mount.announce(t(state.lang, "panel.error.server")),
            }
        }
        Err(e) => state.mount.announce(util::api_error(state.lang, &e)),
    }
}

async fn download_answer(state: &Rc<Visitor>, name: &str) {
    match package(state).await {
        Ok(text) => match util::download(name, &text, "application/json") {
            Ok(()) => state.mount.announce(t(state.lang, "visitor.downloaded")),
            Err(_) => state.mount.announce(t(state.lang, "panel.error.server")),
        },
        Err(e) => state.mount.announce(util::api_error(state.lang, &e)),
    }
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
    let Some(token) = token(state) else { return };
    match api::send_json("POST", &state.url(&path(&token, "/cancel")), &encode(&wire::Empty {}), None).await {
        Ok(reply) => match decode::<wire::VisitorStatus>(&reply.body).map(RequestRecord::from) {
            Ok(record) => {
                status::show(state, &record, false);
                state.mount.announce(t(lang, "visitor.cancelled"));
                if let Ok(Some(h)) = state.body.query_selector("h3") {
                    dom::focus(&h);
                }
            }
            Err(_) => state.mount.announce(t(lang, "panel.error.server")),
        },
        Err(ApiError::Rejected(409, _)) => {
            status::load(state, &token, false).await;
            state.mount.announce(t(lang, "visitor.cancel_late"));
        }
        Err(e) => state.mount.announce(util::api_error(lang, &e)),
    }
}
