//! The visitor's request form: the kinds the policy offers (C-C1, no reason asked), the e-mail
//! address, and per kind what it needs (the field and new value of a rectification, what stays
//! after an erasure with an explicit confirmation, the categories or purposes of a restriction
//! or objection). Every error is marked on its control and described (C-D5).

use super::{util, valid_email, Visitor};
use crate::i18n::t;
use crate::policy::RequestKind;
use crate::requests::offered_kinds;
use crate::ui::dom::{self, next_id, El};
use crate::ui::panel::client::encode;
use crate::ui::panel::forms::{self, Check};
use crate::ui::panel::problems;
use crate::ui::store::text::{self as st, Ctx};
use crate::ui::UiError;
use crate::wire::NewRequest;
use core::cell::RefCell;
use alloc::rc::Rc;
use web_sys::Element;

/// The form's controls, kept for validation.
struct Controls {
    radios: Vec<(Element, RequestKind)>,
    kind_error: Element,
    email: Element,
    email_error: Element,
    /// The chosen kind's slot and its checks: (control, error, check, name).
    details: Element,
    checks: RefCell<Vec<(Element, Element, Check, &'static str)>>,
    /// The note and its error element.
    note: RefCell<Option<(Element, Element)>>,
    summary: Element,
}

impl Controls {
    /// The control a server refusal names, by [`problems::control_name`].
    fn target(&self, name: &str) -> Option<problems::Target> {
        let target = |control: &Element, error: &Element, boxes: Vec<Element>| problems::Target { control: control.clone(), error: error.clone(), boxes };
        match name {
            "email" => Some(target(&self.email, &self.email_error, Vec::new())),
            "note" => self.note.borrow().as_ref().map(|(n, e)| target(n, e, Vec::new())),
            _ => self.checks.borrow().iter().find(|c| c.3 == name).map(|(control, error, check, _)| {
                let boxes = match check {
                    Check::AnyChecked(boxes) => boxes.clone(),
                    _ => Vec::new(),
                };
                target(control, error, boxes)
            }),
        }
    }
}

/// Shows an empty form.
pub fn show(state: &Rc<Visitor>) {
    let Some(step) = state.fresh() else { return };
    if build(state, &step).is_err() {
        state.mount.show_unavailable();
    }
}

fn build(state: &Rc<Visitor>, step: &Element) -> Result<(), UiError> {
    let lang = state.lang;
    let _ = step.append_child(&El::new("p")?.text(t(lang, "visitor.intro")).build());
    let kinds = offered_kinds(&state.policy);
    if kinds.is_empty() {
        let _ = step.append_child(&El::new("p")?.text(t(lang, "store.rights.none")).build());
        return Ok(());
    }
    let form = El::new("form")?.class("pw-form pw-visitor-form").attr("novalidate", "").build();

    let kind_id = next_id("pw-vkind");
    let mut kind_err = kind_id.clone();
    kind_err.push_str("-err");
    let fieldset = El::new("fieldset")?.attr("aria-describedby", &kind_err).child(El::new("legend")?.text(t(lang, "visitor.kind"))).build();
    let mut radios = Vec::new();
    for &kind in &kinds {
        let name = kind.name();
        let id = next_id("pw-vk");
        let input = El::new("input")?.attr("type", "radio").attr("name", "kind").attr("id", &id).attr("value", name).build();
        let label = El::new("label")?.class("pw-check").attr("for", &id).build();
        let _ = label.append_child(&input);
        let _ = label.append_child(&El::new("span")?.text(st::request_kind(lang, kind)).build());
        let _ = fieldset.append_child(&label);
        radios.push((input, kind));
    }
    let kind_error = El::new("p")?.class("pw-error").attr("id", &kind_err).flag("hidden", true).build();
    let _ = fieldset.append_child(&kind_error);
    let _ = form.append_child(&fieldset);

    let email_id = next_id("pw-vemail");
    let input = El::new("input")?.attr("type", "email").attr("name", "email").attr("autocomplete", "email").attr("spellcheck", "false");
    let (wrap, email, email_error) = util::field(t(lang, "visitor.email"), input, &email_id)?;
    let mut hint_id = email_id.clone();
    hint_id.push_str("-hint");
    let hint = El::new("p")?.class("pw-muted pw-hint").attr("id", &hint_id).text(t(lang, "visitor.email_hint")).build();
    let _ = wrap.element().insert_before(&hint, Some(&email));
    let mut described = hint_id;
    described.push(' ');
    described.push_str(&email_id);
    described.push_str("-err");
    let _ = email.set_attribute("aria-describedby", &described);
    let _ = form.append_child(&wrap.build());

    let details = El::new("div")?.class("pw-stack pw-visitor-details").build();
    let _ = form.append_child(&details);
    let summary = El::new("p")?.class("pw-error pw-form-error").attr("role", "alert").build();
    let _ = form.append_child(&summary);
    let submit = El::new("button")?.class("pw-btn pw-btn-primary").attr("type", "submit").text(t(lang, "visitor.submit"));
    let _ = form.append_child(&El::new("div")?.class("pw-row").child(submit).build());
    let _ = step.append_child(&form);

    let controls = Rc::new(Controls {
        radios,
        kind_error,
        email,
        email_error,
        details,
        checks: RefCell::new(Vec::new()),
        note: RefCell::new(None),
        summary,
    });
    let c = controls.clone();
    state.keep(util::on(&fieldset, "change", state, move |s, _| {
        let chosen = c.radios.iter().find(|(r, _)| util::checked(r)).map(|(_, k)| *k);
        if let Some(kind) = chosen {
            util::set_error(&c.radios[0].0, &c.kind_error, None);
            for (r, _) in &c.radios {
                let _ = r.remove_attribute("aria-invalid");
            }
            if render_details(&s, &c, kind).is_err() {
                s.mount.show_unavailable();
            }
        }
    }));
    let key = crate::browser::env::random_id();
    let c = controls;
    state.keep(util::on(&form, "submit", state, move |s, e| {
        e.prevent_default();
        let Some((kind, details, email)) = validate(&s, &c) else { return };
        let body = encode(&NewRequest { site: Some(s.site.clone()), email: Some(email.clone()), kind, details });
        let (key, controls) = (key.clone(), c.clone());
        s.mount.announce(t(s.lang, "visitor.sending"));
        util::spawn(&s, |s| async move {
            if let Err(e) = s.file(body, key, email).await {
                // Each field the server names gets its message on its control; a kind the
                // server's policy does not offer is said in plain words, as in the panel.
                problems::show_refusal(s.lang, &e, &controls.summary, t(s.lang, "visitor.fix"), |name| controls.target(name));
            }
        });
    }));
    Ok(())
}

/// Fills the details slot for `kind`.
fn render_details(state: &Visitor, c: &Controls, kind: RequestKind) -> Result<(), UiError> {
    let lang = state.lang;
    let policy = state.policy.clone();
    let ctx = Ctx::new(&policy, lang);
    dom::clear(&c.details);
    let slot = &c.details;
    let add = |el: El| {
        let _ = slot.append_child(&el.build());
    };
    let offer = policy.request_offer(kind);
    for line in forms::offer_intro(&ctx, offer)? {
        add(line);
    }
    let mut checks = Vec::new();
    match kind {
        RequestKind::Access => add(El::new("p")?.text(t(lang, "visitor.access"))),
        RequestKind::Export => add(El::new("p")?.text(t(lang, "visitor.export"))),
        RequestKind::Rectification => {
            let mut select = El::new("select")?.attr("name", "field").child(El::new("option")?.attr("value", "").text(t(lang, "visitor.rect_choose")));
            for cat in &policy.categories {
                for f in &cat.fields {
                    let mut value = cat.id.clone();
                    value.push(' ');
                    value.push_str(&f.id);
                    let mut label = String::from(ctx.text(&cat.label));
                    label.push_str(" – ");
                    label.push_str(ctx.text(&f.label));
                    select = select.child(El::new("option")?.attr("value", &value).text(&label));
                }
            }
            let (wrap, control, error) = util::field(t(lang, "visitor.rect_field"), select, &next_id("pw-vrect-field"))?;
            let _ = slot.append_child(&wrap.build());
            checks.push((control, error, Check::Filled, "field"));
            let input = El::new("input")?.attr("type", "text").attr("name", "value").attr("autocomplete", "off");
            let (wrap, control, error) = util::field(t(lang, "panel.form.new_value"), input, &next_id("pw-vrect-value"))?;
            let _ = slot.append_child(&wrap.build());
            checks.push((control, error, Check::Filled, "value"));
        }
        RequestKind::Erasure => {
            let mut kept = El::new("ul")?.class("pw-kept");
            let mut any = false;
            for cat in &policy.categories {
                let why = match (&cat.legal_hold, cat.erasable) {
                    (Some(hold), _) => {
                        let mut s = String::from(ctx.text(&hold.reason));
                        s.push_str(" — ");
                        s.push_str(&ctx.retention(&hold.retention));
                        s
                    }
                    (None, false) => t(lang, "visitor.not_erasable").to_string(),
                    (None, true) => continue,
                };
                any = true;
                kept = kept.child(El::new("li")?.child(ctx.el("span", &cat.label)?).child(El::new("span")?.text(": ")).child(ctx.mark_lang(El::new("span")?.text(&why))));
            }
            if any {
                add(El::new("h3")?.text(t(lang, "visitor.kept")));
                add(kept);
            }
            if let Some(c) = offer.and_then(|o| o.consequences.as_ref()) {
                add(El::new("h3")?.text(t(lang, "store.rights.consequences")));
                add(ctx.el("p", c)?.class("pw-consequences"));
            }
            let (label, input, error) = forms::confirmation(lang, "pw-vconfirm")?;
            let _ = slot.append_child(&label);
            let _ = slot.append_child(&error);
            checks.push((input, error, Check::Confirmed, "confirm"));
        }
        RequestKind::Restriction | RequestKind::Objection => {
            let (fieldset, boxes, error) = forms::choices(&ctx, &policy, kind)?;
            let _ = slot.append_child(&fieldset);
            if let Some(first) = boxes.first().cloned() {
                checks.push((first, error, Check::AnyChecked(boxes), "choices"));
            }
        }
    }
    let note = El::new("textarea")?.attr("name", "note").attr("rows", "3");
    let (wrap, note, note_error) = util::field(t(lang, "panel.form.note"), note, &next_id("pw-vnote"))?;
    let _ = slot.append_child(&wrap.build());
    *c.checks.borrow_mut() = checks;
    *c.note.borrow_mut() = Some((note, note_error));
    Ok(())
}

/// Checks the form; marks each problem and returns (kind, details, e-mail) when all is well.
fn validate(state: &Visitor, c: &Controls) -> Option<(RequestKind, serde_json::Value, String)> {
    let lang = state.lang;
    let mut first_bad: Option<Element> = None;
    let chosen = c.radios.iter().find(|(r, _)| util::checked(r)).map(|(_, k)| *k);
    let kind_msg = chosen.is_none().then(|| t(lang, "visitor.kind_required"));
    for (r, _) in &c.radios {
        if kind_msg.is_some() {
            let _ = r.set_attribute("aria-invalid", "true");
        } else {
            let _ = r.remove_attribute("aria-invalid");
        }
    }
    util::set_error(&c.radios[0].0, &c.kind_error, kind_msg);
    if kind_msg.is_some() {
        first_bad = c.radios.first().map(|(r, _)| r.clone());
    }
    let email = util::value_of(&c.email).trim().to_lowercase();
    let email_msg = if email.is_empty() {
        Some(t(lang, "visitor.email_required"))
    } else if !valid_email(&email) {
        Some(t(lang, "visitor.email_invalid"))
    } else {
        None
    };
    util::set_error(&c.email, &c.email_error, email_msg);
    if email_msg.is_some() && first_bad.is_none() {
        first_bad = Some(c.email.clone());
    }
    for (control, error, check, _) in c.checks.borrow().iter() {
        if !forms::mark(lang, control, error, check) && first_bad.is_none() {
            first_bad = Some(control.clone());
        }
    }
    if let Some(el) = first_bad {
        c.summary.set_text_content(Some(t(lang, "visitor.fix")));
        dom::focus(&el);
        return None;
    }
    c.summary.set_text_content(None);
    let kind = chosen?;
    if let Some((n, e)) = c.note.borrow().as_ref() {
        util::set_error(n, e, None);
    }
    let note = c.note.borrow().as_ref().map(|(n, _)| util::value_of(n).trim().to_string()).filter(|n| !n.is_empty());
    let checks = c.checks.borrow();
    let value_of = |name: &str| checks.iter().find(|x| x.3 == name).map(|x| util::value_of(&x.0)).unwrap_or_default();
    let chosen = forms::ticked(checks.iter().find(|x| x.3 == "choices").map(|x| &x.2));
    let details = forms::details(kind, note, chosen, || {
        let field = value_of("field");
        let (category, field) = field.split_once(' ')?;
        Some((category.to_string(), field.to_string(), value_of("value").trim().to_string()))
    })?;
    Some((kind, details.to_json(), email))
}
