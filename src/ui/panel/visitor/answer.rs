//! The answer to a visitor's completed access or export request, read with the status token:
//! on screen (access, C-C4) and as a download of the same JSON file a customer gets (C-C5).

use super::{request_path, util, Visitor};
use crate::api::{self, ApiError};
use crate::i18n::t;
use crate::requests::{RequestKind, RequestStatus};
use crate::ui::dom::{self, El};
use crate::ui::panel::client::RequestRecord;
use crate::ui::panel::package;
use crate::ui::UiError;
use alloc::rc::Rc;
use web_sys::Element;

/// Adds the answer to the request's `card` once an access or export request is completed.
pub fn add(state: &Rc<Visitor>, card: &Element, r: &RequestRecord) -> Result<(), UiError> {
    let lang = state.lang;
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
    let token = state.status_token().ok_or(ApiError::Malformed)?;
    api::get_text(&state.url(&request_path(&token, "/package"))).await
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

