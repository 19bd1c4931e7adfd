//! The code step (C-C3): "we sent a code to …", a six-digit field (numeric keyboard, one-time
//! code autofill), a clear error with the attempts left, and a new code when it has expired
//! or is used up. The answer is the same whether or not the address is known.

use super::{status, util, Saved, Visitor};
use crate::api::{self, ApiError};
use crate::i18n::{fill, t};
use crate::ui::dom::{self, next_id, El};
use crate::ui::UiError;
use crate::ui::panel::client::{decode, encode, RequestRecord};
use crate::wire::{self, CodeState};
use alloc::rc::Rc;
use web_sys::Element;

/// Shows the code step for request `id` filed for `email`, with an optional message to
/// show on the code field at once.
pub fn show(state: &Rc<Visitor>, id: &str, email: &str, message: Option<&str>) {
    let Some(step) = state.fresh() else { return };
    if build(state, &step, id, email, message).is_err() {
        state.mount.show_unavailable();
    }
}

fn build(state: &Rc<Visitor>, step: &Element, id: &str, email: &str, message: Option<&str>) -> Result<(), UiError> {
    let lang = state.lang;
    let heading = El::new("h3")?.attr("tabindex", "-1").text(t(lang, "visitor.code_title")).build();
    let _ = step.append_child(&heading);
    let _ = step.append_child(&El::new("p")?.class("pw-code-sent").text(&fill(t(lang, "visitor.code_sent"), &[("email", email)])).build());
    let _ = step.append_child(&El::new("p")?.class("pw-muted").text(t(lang, "visitor.code_unknown")).build());
    let form = El::new("form")?.class("pw-form pw-code-form").attr("novalidate", "").build();
    let input = El::new("input")?
        .attr("type", "text")
        .attr("name", "code")
        .attr("inputmode", "numeric")
        .attr("autocomplete", "one-time-code")
        .attr("pattern", "[0-9]{6}")
        .attr("maxlength", "6")
        .attr("spellcheck", "false")
        .class("pw-code");
    let (wrap, code, error) = util::field(t(lang, "visitor.code"), input, &next_id("pw-vcode"))?;
    let _ = form.append_child(&wrap.build());
    let confirm = El::new("button")?.class("pw-btn pw-btn-primary").attr("type", "submit").text(t(lang, "visitor.verify"));
    let row = El::new("div")?.class("pw-row").child(confirm).build();
    let again = El::new("button")?.class("pw-btn pw-new-code").attr("type", "button").text(t(lang, "visitor.new_code")).build();
    let over = El::new("button")?.class("pw-btn pw-start-over").attr("type", "button").text(t(lang, "visitor.start_over")).build();
    let _ = row.append_child(&again);
    let _ = row.append_child(&over);
    let _ = form.append_child(&row);
    let _ = step.append_child(&form);

    let request = id.to_string();
    let (c, e) = (code.clone(), error.clone());
    state.keep(util::on(&form, "submit", state, move |s, ev| {
        ev.prevent_default();
        let value: String = util::value_of(&c).chars().filter(|ch| !ch.is_whitespace()).collect();
        let problem = if value.is_empty() {
            Some(t(s.lang, "visitor.code_required"))
        } else if value.len() != 6 || !value.bytes().all(|b| b.is_ascii_digit()) {
            Some(t(s.lang, "visitor.code_format"))
        } else {
            None
        };
        util::set_error(&c, &e, problem);
        if let Some(p) = problem {
            s.mount.announce(p);
            dom::focus(&c);
            return;
        }
        let (request, c, e) = (request.clone(), c.clone(), e.clone());
        util::spawn(&s, |s| async move { verify(&s, &request, &value, &c, &e).await });
    }));
    let (c, e) = (code.clone(), error.clone());
    state.keep(util::on(&again, "click", state, move |s, _| {
        let (c, e) = (c.clone(), e.clone());
        util::spawn(&s, |s| async move { new_code(&s, &c, &e).await });
    }));
    state.keep(util::on(&over, "click", state, |s, _| s.forget()));
    if let Some(m) = message {
        util::set_error(&code, &error, Some(m));
        state.mount.announce(m);
        dom::focus(&code);
    } else {
        dom::focus(&heading);
    }
    Ok(())
}

/// Sends the code; on success keeps only the status token and shows the status.
async fn verify(state: &Rc<Visitor>, id: &str, code: &str, control: &Element, error: &Element) {
    let lang = state.lang;
    let mut path = String::from("/requests/");
    path.push_str(id);
    path.push_str("/verify");
    // The page the answer mail will link to (the server keeps it only if the site allows it).
    let page = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    let body = encode(&wire::Verify { code: code.to_owned(), page: Some(page) });
    let message: String = match api::send_json("POST", &state.url(&path), &body, None).await {
        // The verified request, and the members the answer adds to it.
        Ok(reply) => match (decode::<wire::DataRequest>(&reply.body), decode::<wire::StatusToken>(&reply.body)) {
            (Ok(request), Ok(token)) => {
                let record = RequestRecord { no_personal_data: token.no_personal_data, ..RequestRecord::from(request) };
                state.save(&Saved::Status { id: record.id.clone(), token: token.status_token });
                status::show(state, &record, true);
                return;
            }
            _ => t(lang, "panel.error.server").to_string(),
        },
        Err(ApiError::Rejected(422, body)) => {
            let problem = decode::<wire::Problem>(&body).ok();
            let left = problem.as_ref().and_then(|p| p.attempts_left).unwrap_or(0);
            match problem.and_then(|p| p.code_state) {
                Some(CodeState::Wrong) if left == 1 => t(lang, "visitor.code_wrong_last").to_string(),
                Some(CodeState::Wrong) => {
                    let mut n = String::new();
                    dom::push_u32(&mut n, left);
                    fill(t(lang, "visitor.code_wrong"), &[("n", &n)])
                }
                Some(CodeState::Expired) => t(lang, "visitor.code_expired").to_string(),
                Some(CodeState::Exhausted) => t(lang, "visitor.code_exhausted").to_string(),
                None => t(lang, "visitor.code_format").to_string(),
            }
        }
        Err(ApiError::Rejected(404, _)) => t(lang, "visitor.code_gone").to_string(),
        Err(e) => util::api_error(lang, &e).to_string(),
    };
    util::set_error(control, error, Some(&message));
    state.mount.announce(&message);
    dom::focus(control);
}

/// Files the same request again under a new key: a new code (and a new request id) by e-mail.
async fn new_code(state: &Rc<Visitor>, control: &Element, error: &Element) {
    let Some(Saved::Code { body, email, .. }) = state.saved() else {
        state.forget();
        return;
    };
    let key = crate::browser::env::random_id();
    match api::send_json("POST", &state.url("/requests"), &body, Some(&key)).await {
        Ok(reply) => {
            let Ok(wire::Unverified { id, .. }) = decode(&reply.body) else {
                util::set_error(control, error, Some(t(state.lang, "panel.error.server")));
                return;
            };
            state.save(&Saved::Code { id: id.clone(), key, body, email: email.clone() });
            show(state, &id, &email, None);
            state.mount.announce(t(state.lang, "visitor.new_code_sent"));
        }
        Err(e) => {
            let message = util::api_error(state.lang, &e);
            util::set_error(control, error, Some(message));
            state.mount.announce(message);
            dom::focus(control);
        }
    }
}
