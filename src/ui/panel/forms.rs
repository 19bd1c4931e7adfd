//! One form per request kind: access and export (a note), rectification (field + new value,
//! C-C7), erasure (what goes, what stays under a legal hold and why, the consequences, an
//! explicit confirmation, C-C6), restriction (categories) and objection (purposes or all direct
//! marketing). Errors are identified and labelled; submissions are idempotent and fall back to
//! the outbox when the backend cannot be reached.

use super::{util, DataLoad, State, Tab};
use crate::api::outbox;
use crate::i18n::{fill, t, Lang};
use crate::policy::{LegalBasis, RequestKind, RequestOffer};
use crate::requests::{plan_erasure, Kept, ObjectionTarget, RequestDetails};
use crate::ui::dom::{self, next_id, El};
use crate::ui::store::text::{self as st, Ctx};
use crate::ui::UiError;
use alloc::rc::Rc;
use web_sys::Element;

/// What the requests tab does once a request is filed: shows the list again with the new
/// request (its id, when the server's answer said it).
pub type Filed = fn(Rc<State>, RequestKind, Option<String>);

/// Opens the form for `kind` in the requests tab, replacing any open form; `filed` runs once the
/// server has the request.
pub fn open(state: &Rc<State>, kind: RequestKind, filed: Filed) {
    let Ok(Some(slot)) = state.body.query_selector(".pw-request-form") else { return };
    dom::clear(&slot);
    if let Ok(form) = build(state, kind, filed) {
        let _ = slot.append_child(&form);
        if let Ok(Some(h)) = form.query_selector("h4") {
            dom::focus(&h);
        }
    }
}

struct Controls {
    /// (control, error element, what it checks, its name for server refusals: see
    /// [`super::problems::control_name`])
    checks: Vec<(Element, Element, Check, &'static str)>,
    note: (Element, Element),
    summary: Element,
}

impl Controls {
    /// The control a server refusal names, by [`super::problems::control_name`].
    fn target(&self, name: &str) -> Option<super::problems::Target> {
        if name == "note" {
            return Some(super::problems::Target { control: self.note.0.clone(), error: self.note.1.clone(), boxes: Vec::new() });
        }
        let (control, error, check, _) = self.checks.iter().find(|c| c.3 == name)?;
        let boxes = match check {
            Check::AnyChecked(boxes) => boxes.clone(),
            _ => Vec::new(),
        };
        Some(super::problems::Target { control: control.clone(), error: error.clone(), boxes })
    }
}

/// A check of one control of a request form (the panel's and the visitor's).
#[derive(Clone)]
pub enum Check {
    /// Has a value other than blanks.
    Filled,
    /// A checkbox that must be ticked.
    Confirmed,
    /// At least one of these boxes is ticked (the control is the first of them).
    AnyChecked(Vec<Element>),
}

fn build(state: &Rc<State>, kind: RequestKind, filed: Filed) -> Result<Element, UiError> {
    let lang = state.lang;
    let policy = state.policy.clone();
    let ctx = Ctx::new(&policy, lang);
    let offer = policy.request_offer(kind);
    let heading = El::new("h4")?.attr("tabindex", "-1").text(&fill(t(lang, "panel.form.title"), &[("kind", st::request_kind(lang, kind))]));
    let form = El::new("form")?.class("pw-form").attr("novalidate", "").attr("data-kind", kind.name()).child(heading);
    let form = form.build();
    let add = |el: El| {
        let _ = form.append_child(&el.build());
    };
    for line in offer_intro(&ctx, offer)? {
        add(line);
    }
    if shows_data(kind) && state.data_load.get() != DataLoad::Loaded {
        waiting(state, kind, &form)?;
        return Ok(form);
    }

    let mut checks: Vec<(Element, Element, Check, &'static str)> = Vec::new();
    let data = state.data.borrow();
    match kind {
        RequestKind::Access => add(El::new("p")?.text(t(lang, "panel.form.access"))),
        RequestKind::Export => add(El::new("p")?.text(t(lang, "panel.form.export"))),
        RequestKind::Rectification => {
            let mut select = El::new("select")?.attr("name", "field").child(El::new("option")?.attr("value", "").text(t(lang, "panel.form.choose")));
            // Only values of fields the policy names can be rectified (the server checks the same).
            for (i, v) in data.values.iter().enumerate() {
                let Some(cat) = policy.category(&v.category) else { continue };
                let Some(field) = cat.fields.iter().find(|f| f.id == v.field).map(|f| ctx.text(&f.label)) else { continue };
                let cat_label = ctx.text(&cat.label);
                let mut label = String::from(cat_label);
                label.push_str(" – ");
                label.push_str(field);
                label.push_str(": ");
                label.push_str(&v.value);
                let mut value = String::new();
                dom::push_u32(&mut value, i as u32);
                select = select.child(El::new("option")?.attr("value", &value).text(&label));
            }
            let (wrap, control, error) = util::field(t(lang, "panel.form.field"), select, &next_id("pw-rect-field"))?;
            let _ = form.append_child(&wrap.build());
            checks.push((control, error, Check::Filled, "field"));
            let input = El::new("input")?.attr("type", "text").attr("name", "value").attr("autocomplete", "off");
            let (wrap, control, error) = util::field(t(lang, "panel.form.new_value"), input, &next_id("pw-rect-value"))?;
            let _ = form.append_child(&wrap.build());
            checks.push((control, error, Check::Filled, "value"));
        }
        RequestKind::Erasure => {
            let plan = plan_erasure(&policy, &data.subject, &data.values, util::today());
            let label_of = |i: usize| {
                let v = &data.values[i];
                let cat = policy.category(&v.category);
                let field = cat.and_then(|c| c.fields.iter().find(|f| f.id == v.field)).map_or(v.field.as_str(), |f| ctx.text(&f.label));
                let mut s = String::from(field);
                s.push_str(": ");
                s.push_str(&v.value);
                s
            };
            let mut gone = El::new("ul")?.class("pw-erased");
            for v in plan.erased() {
                gone = gone.child(El::new("li")?.text(&label_of(v.index)));
            }
            add(El::new("h5")?.text(t(lang, "panel.form.erased")));
            add(gone);
            let mut kept = El::new("ul")?.class("pw-kept");
            let mut any_kept = false;
            for (v, why) in plan.kept() {
                any_kept = true;
                let reason = match why {
                    Kept::LegalHold { reason, until } => {
                        let mut s = String::from(ctx.text(reason));
                        s.push_str(" — ");
                        s.push_str(&super::data::end_text(&ctx, until));
                        s
                    }
                    Kept::NotErasable => t(lang, "store.not_erasable").to_string(),
                };
                kept = kept.child(El::new("li")?.child(El::new("span")?.text(&label_of(v.index))).child(El::new("span")?.text(" — ")).child(ctx.mark_lang(El::new("span")?.text(&reason))));
            }
            if any_kept {
                add(El::new("h5")?.text(t(lang, "panel.form.kept")));
                add(kept);
            }
            let consequences = offer.and_then(|o| o.consequences.as_ref()).or(plan.consequences.as_ref());
            if let Some(c) = consequences {
                add(El::new("h5")?.text(t(lang, "store.rights.consequences")));
                add(ctx.el("p", c)?.class("pw-consequences"));
            }
            if !plan.notify.is_empty() {
                let names: Vec<&str> = plan.notify.iter().filter_map(|r| policy.recipient(r)).map(|r| ctx.text(&r.name)).collect();
                add(El::new("p")?.text(&fill(t(lang, "panel.form.notify"), &[("recipients", &names.join(", "))])));
            }
            let (label, input, error) = confirmation(lang, "pw-confirm")?;
            let _ = form.append_child(&label);
            let _ = form.append_child(&error);
            checks.push((input, error, Check::Confirmed, "confirm"));
        }
        RequestKind::Restriction | RequestKind::Objection => {
            let (fieldset, boxes, error) = choices(&ctx, &policy, kind)?;
            let _ = form.append_child(&fieldset);
            if let Some(first) = boxes.first().cloned() {
                checks.push((first, error, Check::AnyChecked(boxes), "choices"));
            }
        }
    }
    drop(data);

    let note = El::new("textarea")?.attr("name", "note").attr("rows", "3");
    let (wrap, note, note_error) = util::field(t(lang, "panel.form.note"), note, &next_id("pw-note"))?;
    let _ = form.append_child(&wrap.build());
    let summary = El::new("p")?.class("pw-error pw-form-error").attr("role", "alert").build();
    let _ = form.append_child(&summary);
    let row = El::new("div")?
        .class("pw-row")
        .child(El::new("button")?.class("pw-btn pw-btn-primary").attr("type", "submit").text(t(lang, "panel.form.submit")))
        .build();
    let close = close_button(state, kind)?;
    let _ = row.append_child(&close);
    let _ = form.append_child(&row);

    let key = crate::browser::env::random_id();
    let controls = Rc::new(Controls { checks, note: (note, note_error), summary });
    state.keep(Tab::Requests, util::on(&form, "submit", state, move |s, e| {
        e.prevent_default();
        let Some(details) = validate(&s, kind, &controls) else { return };
        let key = key.clone();
        let controls = controls.clone();
        util::spawn(&s, move |s| async move { submit(&s, kind, details, &key, &controls, filed).await });
    }));
    Ok(form)
}

/// Whether the form of `kind` shows the stored values (what an erasure deletes and keeps, C-C6;
/// the values a rectification can correct, C-C7), and so needs them fetched first.
fn shows_data(kind: RequestKind) -> bool {
    matches!(kind, RequestKind::Erasure | RequestKind::Rectification)
}

/// The rest of a form that needs the stored values while they are not there: that they are
/// being fetched (the form `aria-busy`), or that they cannot be, with "Try again" for a failure
/// that may pass; and the close button. Nothing can be sent yet; [`reopen`] completes it.
fn waiting(state: &Rc<State>, kind: RequestKind, form: &Element) -> Result<(), UiError> {
    let lang = state.lang;
    let _ = form.set_attribute("data-waiting", "");
    let row = El::new("div")?.class("pw-row").build();
    let message = match state.data_load.get() {
        DataLoad::Failed { retry } => {
            if retry {
                let retry = super::data::retry_button(state, Tab::Requests)?;
                let _ = row.append_child(&retry);
            }
            El::new("p")?.class("pw-error pw-form-wait").text(t(lang, "panel.form.data_unavailable"))
        }
        _ => {
            let _ = form.set_attribute("aria-busy", "true");
            El::new("p")?.class("pw-muted pw-form-wait").text(t(lang, "panel.form.data_loading"))
        }
    };
    let _ = form.append_child(&message.build());
    let close = close_button(state, kind)?;
    let _ = row.append_child(&close);
    let _ = form.append_child(&row);
    Ok(())
}

/// The form's close button: empties the form slot and puts focus back on the kind's button.
fn close_button(state: &Rc<State>, kind: RequestKind) -> Result<Element, UiError> {
    let close = El::new("button")?.class("pw-btn").attr("type", "button").text(t(state.lang, "panel.form.close")).build();
    state.keep(Tab::Requests, util::on(&close, "click", state, move |s, _| {
        if let Ok(Some(slot)) = s.body.query_selector(".pw-request-form") {
            dom::clear(&slot);
        }
        let mut sel = String::from("button[data-kind=\"");
        sel.push_str(kind.name());
        sel.push_str("\"]");
        if let Ok(Some(b)) = s.body.query_selector(&sel) {
            dom::focus(&b);
        }
    }));
    Ok(close)
}

/// The stored values are fetched, or cannot be: an open form that waited for them is built
/// again. When focus was in it, it moves to the new form's "Try again" (still failing) or its
/// heading, and a completed form is announced.
pub fn reopen(state: &Rc<State>, filed: Filed) {
    let Ok(Some(old)) = state.body.query_selector(".pw-request-form form[data-waiting]") else { return };
    let Some(kind) = old.get_attribute("data-kind").and_then(|k| RequestKind::from_name(&k)) else { return };
    let focused = state.mount.root.active_element().is_some_and(|a| old.contains(Some(&a)));
    let Ok(form) = build(state, kind, filed) else { return };
    let Some(slot) = old.parent_node() else { return };
    let _ = slot.replace_child(&form, &old);
    if !focused {
        return;
    }
    let target = match form.query_selector(".pw-retry") {
        Ok(Some(retry)) => Some(retry),
        _ => form.query_selector("h4").ok().flatten(),
    };
    if let Some(target) = target {
        dom::focus(&target);
    }
    if state.data_load.get() == DataLoad::Loaded {
        state.mount.announce(t(state.lang, "panel.form.ready"));
    }
}

/// The checkboxes of a restriction (the policy's categories) or an objection (all direct
/// marketing, and each purpose resting on legitimate interest): (fieldset, boxes, error element).
pub fn choices(ctx: &Ctx, policy: &crate::policy::Policy, kind: RequestKind) -> Result<(Element, Vec<Element>, Element), UiError> {
    let lang = ctx.lang;
    let legend = if kind == RequestKind::Restriction { t(lang, "panel.form.restrict_what") } else { t(lang, "panel.form.object_what") };
    let id = next_id("pw-choice");
    let mut err_id = id.clone();
    err_id.push_str("-err");
    let fieldset = El::new("fieldset")?.attr("aria-describedby", &err_id).child(El::new("legend")?.text(legend)).build();
    let mut options: Vec<(String, El)> = Vec::new();
    if kind == RequestKind::Restriction {
        for c in &policy.categories {
            options.push((c.id.clone(), ctx.el("span", &c.label)?));
        }
    } else {
        options.push(("direct_marketing".into(), El::new("span")?.text(t(lang, "panel.form.direct_marketing"))));
        for p in policy.purposes.iter().filter(|p| p.legal_basis == LegalBasis::LegitimateInterest) {
            options.push((p.id.clone(), ctx.el("span", &p.label)?));
        }
    }
    let mut boxes = Vec::new();
    for (value, text) in options {
        let box_id = next_id("pw-opt");
        let input = El::new("input")?.attr("type", "checkbox").attr("id", &box_id).attr("value", &value).build();
        let label = El::new("label")?.class("pw-check").attr("for", &box_id).build();
        let _ = label.append_child(&input);
        let _ = label.append_child(&text.build());
        let _ = fieldset.append_child(&label);
        boxes.push(input);
    }
    let error = El::new("p")?.class("pw-error").attr("id", &err_id).flag("hidden", true).build();
    let _ = fieldset.append_child(&error);
    Ok((fieldset, boxes, error))
}

/// Checks the form; marks each problem on its control and returns the details when all is well.
fn validate(state: &State, kind: RequestKind, c: &Controls) -> Option<serde_json::Value> {
    let lang = state.lang;
    let mut first_bad: Option<Element> = None;
    for (control, error, check, _) in &c.checks {
        if !mark(lang, control, error, check) && first_bad.is_none() {
            first_bad = Some(control.clone());
        }
    }
    if let Some(el) = first_bad {
        c.summary.set_text_content(Some(t(lang, "panel.form.fix")));
        dom::focus(&el);
        return None;
    }
    c.summary.set_text_content(None);
    util::set_error(&c.note.0, &c.note.1, None);
    let note = Some(util::value_of(&c.note.0).trim().to_string()).filter(|n| !n.is_empty());
    let chosen = ticked(c.checks.first().map(|x| &x.2));
    let details = details(kind, note, chosen, || {
        let index: usize = util::value_of(&c.checks.first()?.0).parse().ok()?;
        let data = state.data.borrow();
        let v = data.values.get(index)?;
        let value = util::value_of(&c.checks.get(1)?.0).trim().to_string();
        Some((v.category.clone(), v.field.clone(), value))
    })?;
    Some(details.to_json())
}

/// The first lines of a request form: the offer's description, and how soon it is answered.
pub fn offer_intro(ctx: &Ctx, offer: Option<&RequestOffer>) -> Result<Vec<El>, UiError> {
    let lang = ctx.lang;
    let mut lines = Vec::new();
    if let Some(d) = offer.and_then(|o| o.description.as_ref()) {
        lines.push(ctx.el("p", d)?);
    }
    let response = match offer.and_then(|o| o.response_time) {
        Some(p) => fill(t(lang, "store.rights.within"), &[("period", &ctx.period(p))]),
        None => t(lang, "store.rights.default_response").to_string(),
    };
    lines.push(El::new("p")?.class("pw-muted").text(&st::labelled(t(lang, "store.rights.response"), &response)));
    Ok(lines)
}

/// The explicit confirmation of an erasure (C-C6), ids from `prefix`: (label, checkbox, error
/// element).
pub fn confirmation(lang: Lang, prefix: &'static str) -> Result<(Element, Element, Element), UiError> {
    let id = next_id(prefix);
    let mut err_id = id.clone();
    err_id.push_str("-err");
    let input = El::new("input")?.attr("type", "checkbox").attr("id", &id).attr("name", "confirm").attr("aria-describedby", &err_id).build();
    let label = El::new("label")?.class("pw-check").attr("for", &id).build();
    let _ = label.append_child(&input);
    let _ = label.append_child(&El::new("span")?.text(t(lang, "panel.form.confirm")).build());
    let error = El::new("p")?.class("pw-error").attr("id", &err_id).flag("hidden", true).build();
    Ok((label, input, error))
}

/// Applies `check` to `control`: shows or clears its error (and marks the boxes of a choice
/// invalid or not). Whether the control passes.
pub fn mark(lang: Lang, control: &Element, error: &Element, check: &Check) -> bool {
    let message = match check {
        Check::Filled if util::value_of(control).trim().is_empty() => Some(t(lang, "panel.form.required")),
        Check::Confirmed if !util::checked(control) => Some(t(lang, "panel.form.confirm_required")),
        Check::AnyChecked(boxes) if !boxes.iter().any(util::checked) => Some(t(lang, "panel.form.choose_one")),
        _ => None,
    };
    if let Check::AnyChecked(boxes) = check {
        for b in boxes {
            if message.is_some() {
                let _ = b.set_attribute("aria-invalid", "true");
            } else {
                let _ = b.remove_attribute("aria-invalid");
            }
        }
    }
    util::set_error(control, error, message);
    message.is_none()
}

/// The values of the ticked boxes of a choice (none for another check).
pub fn ticked(check: Option<&Check>) -> Vec<String> {
    match check {
        Some(Check::AnyChecked(boxes)) => boxes.iter().filter(|b| util::checked(b)).filter_map(|b| b.get_attribute("value")).collect(),
        _ => Vec::new(),
    }
}

/// The details of a request of `kind`: `chosen` are the ticked categories (restriction) or
/// objection targets; `rectification` gives (category, field, new value).
pub fn details(
    kind: RequestKind,
    note: Option<String>,
    chosen: Vec<String>,
    rectification: impl FnOnce() -> Option<(String, String, String)>,
) -> Option<RequestDetails> {
    Some(match kind {
        RequestKind::Access => RequestDetails::Access { note },
        RequestKind::Export => RequestDetails::Export { note },
        RequestKind::Erasure => RequestDetails::Erasure { note },
        RequestKind::Rectification => {
            let (category, field, value) = rectification()?;
            RequestDetails::Rectification { category, field, value, note }
        }
        RequestKind::Restriction => RequestDetails::Restriction { categories: chosen, note },
        RequestKind::Objection => RequestDetails::Objection {
            targets: chosen
                .into_iter()
                .map(|v| if v == "direct_marketing" { ObjectionTarget::DirectMarketing } else { ObjectionTarget::Purpose(v) })
                .collect(),
            note,
        },
    })
}

async fn submit(state: &Rc<State>, kind: RequestKind, details: serde_json::Value, key: &str, controls: &Controls, filed: Filed) {
    let lang = state.lang;
    let summary = &controls.summary;
    match state.client.file_request(kind, details.clone(), key).await {
        Ok(record) => {
            state.mount.announce(t(lang, "panel.requests.received_ok"));
            filed(state.clone(), kind, record.map(|r| r.id));
        }
        Err(e) if e.is_transient() => {
            let body = super::client::request_body(kind, details);
            outbox::enqueue("request", &state.client.requests_url(), &body, key);
            outbox::kick();
            summary.set_text_content(Some(t(lang, "panel.requests.queued")));
            state.mount.announce(t(lang, "panel.requests.queued"));
        }
        // Each field the server names gets its message on its control (C-D5); a kind the
        // server does not offer is said in plain words.
        Err(e) => super::problems::show_refusal(lang, &e, summary, t(lang, "panel.form.fix"), |name| controls.target(name)),
    }
}
