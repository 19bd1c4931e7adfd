//! "Toestemmingen": the choices bound to the account (purposes with `consent: account`, and
//! marketing mail with `consent: account_opt_out`, on until the customer turns it off, with a
//! sentence saying so), with eligibility per plan (shown disabled with the reason), each change
//! stored on the server and announced; an objection to direct marketing switches every marketing
//! opt-in and opt-out purpose off at once (C-A11).

use crate::wire::Preference;
use super::{problems, util, State, Tab};
use crate::i18n::{fill, t};
use crate::policy::{ConsentScope, Purpose};
use crate::requests::is_direct_marketing;
use crate::ui::dom::{next_id, El};
use crate::ui::store::text::Ctx;
use crate::ui::UiError;
use alloc::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// Loads the preferences and renders the tab.
pub async fn load(state: &Rc<State>) {
    state.loading(Tab::OptIns);
    let Some(answer) = state.for_this_signin(state.client.preferences()).await else { return };
    let prefs = match answer {
        Ok(p) => p,
        Err(e) => {
            if let Some(panel) = state.fresh_panel(Tab::OptIns) {
                if let Ok(p) = El::new("p") {
                    let _ = panel.append_child(&p.class("pw-error").text(util::api_error(state.lang, &e)).build());
                }
            }
            return;
        }
    };
    render(state, &prefs);
}

/// Whether the customer's plan may have `p`: as the server says in its answer (it decides, from
/// the signed-in customer's plan), else from the plan of `/me`. Never from the stored data, so
/// that the tab does not wait for the company's data provider.
fn eligible(state: &State, prefs: &[Preference], p: &Purpose) -> bool {
    if let Some(x) = prefs.iter().find(|x| x.purpose == p.id) {
        return x.eligible;
    }
    let me = state.me.borrow();
    let plan = me.as_ref().and_then(|m| m.plan.as_deref());
    p.eligible_plans.is_empty() || plan.is_some_and(|plan| p.eligible_plans.iter().any(|e| e == plan))
}

fn render(state: &Rc<State>, prefs: &[Preference]) {
    let Some(panel) = state.fresh_panel(Tab::OptIns) else { return };
    if build(state, &panel, prefs).is_err() {
        state.mount.show_unavailable();
    }
}

fn build(state: &Rc<State>, panel: &Element, prefs: &[Preference]) -> Result<(), UiError> {
    let lang = state.lang;
    let policy = state.policy.clone();
    let ctx = Ctx::new(&policy, lang);
    let purposes: Vec<&Purpose> = policy.purposes.iter().filter(|p| p.consent.is_account()).collect();
    let _ = panel.append_child(&El::new("p")?.text(t(lang, "panel.optins.intro")).build());
    if purposes.is_empty() {
        let _ = panel.append_child(&El::new("p")?.text(t(lang, "panel.optins.none")).build());
        return Ok(());
    }
    let list = El::new("ul")?.class("pw-plain pw-stack").build();
    for p in &purposes {
        let granted = prefs.iter().any(|x| x.purpose == p.id && x.granted);
        let can = eligible(state, prefs, p);
        let id = next_id("pw-optin");
        let mut desc_id = id.clone();
        desc_id.push_str("-desc");
        let input = El::new("input")?
            .attr("type", "checkbox")
            .attr("role", "switch")
            .attr("id", &id)
            .attr("data-purpose", &p.id)
            .attr("aria-describedby", &desc_id)
            .flag("disabled", !can)
            .build();
        util::set_checked(&input, granted && can);
        let mut text = El::new("span")?.child(ctx.el("span", &p.label)?.class("pw-sum-title"));
        let mut desc = El::new("span")?.class("pw-muted").attr("id", &desc_id).class("pw-block");
        if let Some(d) = &p.description {
            desc = desc.child(ctx.el("span", d)?);
        }
        if p.consent == ConsentScope::AccountOptOut && can {
            // Sent unless turned off (Telecommunicatiewet 11.7(3)): said plainly, with the free
            // and immediate way out (C-A11).
            desc = desc.child(El::new("span")?.class("pw-opt-out pw-block").text(t(lang, "panel.optins.opt_out")));
        }
        if !can {
            let plans: Vec<&str> = p.eligible_plans.iter().filter_map(|id| policy.plan(id)).map(|pl| ctx.text(&pl.label)).collect();
            desc = desc.child(El::new("span")?.class("pw-ineligible").text(&fill(
                t(lang, "panel.optins.ineligible"),
                &[("plans", &plans.join(", "))],
            )));
        }
        text = text.child(desc);
        let label = El::new("label")?.class("pw-switch").attr("for", &id).build();
        let _ = label.append_child(&input);
        let _ = label.append_child(&text.build());
        let li = El::new("li")?.class("pw-optin").build();
        let _ = li.append_child(&label);
        let _ = list.append_child(&li);

        let purpose = p.id.clone();
        state.keep(Tab::OptIns, util::on(&input, "change", state, move |s, _| {
            let Some(input) = s.body.query_selector(&selector(&purpose)).ok().flatten() else { return };
            let on = util::checked(&input);
            let purpose = purpose.clone();
            util::spawn(&s, |s| async move {
                save(&s, vec![(purpose, on)], false).await;
            });
        }));
    }
    let _ = panel.append_child(&list);

    if purposes.iter().any(|p| is_direct_marketing(p.kind)) {
        let object = El::new("button")?.class("pw-btn pw-btn-danger pw-object").attr("type", "button").text(t(lang, "panel.optins.object")).build();
        let card = El::new("div")?
            .class("pw-card")
            .child(El::new("h3")?.text(t(lang, "panel.optins.object_title")))
            .child(El::new("p")?.text(t(lang, "panel.optins.object_intro")))
            .build();
        let _ = card.append_child(&object);
        let _ = panel.append_child(&card);
        state.keep(Tab::OptIns, util::on(&object, "click", state, |s, _| {
            util::spawn(&s, |s| async move {
                save(&s, Vec::new(), true).await;
            });
        }));
    }
    Ok(())
}

fn selector(purpose: &str) -> String {
    let mut s = String::from("input[role=switch][data-purpose=\"");
    s.push_str(purpose);
    s.push_str("\"]");
    s
}

/// Stores `changes` and re-renders from the server's answer; on failure says why and shows what
/// the server holds (the change may have been stored although its answer was lost).
async fn save(state: &Rc<State>, changes: Vec<(String, bool)>, object: bool) {
    match state.client.put_preferences(&changes, object, &state.policy.version).await {
        Ok(prefs) => {
            show(state, &prefs);
            state.mount.announce(t(state.lang, "panel.optins.saved"));
        }
        Err(e) => {
            for (p, on) in &changes {
                if let Ok(Some(el)) = state.body.query_selector(&selector(p)) {
                    util::set_checked(&el, !on);
                }
            }
            if problems::is_stale_policy(&e) {
                // The privacy statement changed: the change is not made under a version the
                // customer has not seen (nor retried); they are told, and offered a reload.
                problems::log(&e);
                if let Ok(prefs) = state.client.preferences().await {
                    render(state, &prefs);
                }
                if stale_notice(state, &changes, object).is_err() {
                    state.mount.announce(util::api_error(state.lang, &e));
                }
                return;
            }
            match state.client.preferences().await {
                Ok(prefs) if !changes.is_empty() && changes.iter().all(|(p, on)| prefs.iter().any(|x| &x.purpose == p && x.granted == *on)) => {
                    show(state, &prefs);
                    state.mount.announce(t(state.lang, "panel.optins.saved"));
                }
                Ok(prefs) => {
                    show(state, &prefs);
                    match refused_text(state, &e) {
                        Some(text) => {
                            problems::log(&e);
                            state.mount.announce(&text);
                        }
                        None => state.mount.announce(util::api_error(state.lang, &e)),
                    }
                }
                Err(_) => state.mount.announce(util::api_error(state.lang, &e)),
            }
        }
    }
}

/// The opt-ins a refusal names (`preferences.newsletter`), each with why in the customer's
/// words: `Niet opgeslagen: Nieuwsbrief is niet beschikbaar met uw abonnement.` `None` when the
/// refusal names none (then the general message is said).
fn refused_text(state: &State, e: &crate::api::ApiError) -> Option<String> {
    let lang = state.lang;
    let ctx = Ctx::new(&state.policy, lang);
    let parts: Vec<String> = problems::field_problems(e)
        .iter()
        .filter_map(|p| {
            let id = p.field.strip_prefix("preferences.")?;
            let label = state.policy.purpose(id).map_or(id, |x| ctx.text(&x.label));
            let key = if p.reason.contains("plan") {
                "panel.optins.refused_plan"
            } else if p.reason.contains("objection") {
                "panel.optins.refused_objection"
            } else {
                "panel.optins.refused_unknown"
            };
            Some(fill(t(lang, key), &[("purpose", label)]))
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(fill(t(lang, "panel.optins.refused"), &[("list", &parts.join("; "))]))
}

/// What the customer tried to change, in words (`Nieuwsbrief: aan`).
fn change_text(state: &State, changes: &[(String, bool)], object: bool) -> String {
    let lang = state.lang;
    let ctx = Ctx::new(&state.policy, lang);
    let mut parts: Vec<String> = Vec::new();
    for (id, on) in changes {
        let label = state.policy.purpose(id).map_or(id.as_str(), |p| ctx.text(&p.label));
        let key = if *on { "panel.optins.change_on" } else { "panel.optins.change_off" };
        parts.push(fill(t(lang, key), &[("purpose", label)]));
    }
    if object {
        parts.push(t(lang, "panel.optins.change_object").to_string());
    }
    parts.join(", ")
}

/// Says at the top of the tab that the privacy statement changed and the change was not saved,
/// with a reload button; the switches are disabled until the page is reloaded (each change
/// would be refused the same way). Focus moves to the notice.
fn stale_notice(state: &Rc<State>, changes: &[(String, bool)], object: bool) -> Result<(), UiError> {
    let lang = state.lang;
    let panel = state.panels.borrow().get(Tab::OptIns as usize).cloned().ok_or(UiError::Dom)?;
    let reload = El::new("button")?.class("pw-btn pw-btn-primary pw-reload").attr("type", "button").text(t(lang, "panel.optins.stale_reload")).build();
    let notice = El::new("div")?
        .class("pw-card pw-stale")
        .attr("role", "alert")
        .child(El::new("h3")?.attr("tabindex", "-1").text(t(lang, "panel.optins.stale_title")))
        .child(El::new("p")?.text(&fill(t(lang, "panel.optins.stale"), &[("change", &change_text(state, changes, object))])))
        .build();
    let _ = notice.append_child(&reload);
    let _ = panel.insert_before(&notice, panel.first_child().as_ref());
    if let Ok(list) = panel.query_selector_all("input[role=switch], .pw-object") {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                let _ = el.set_attribute("disabled", "");
            }
        }
    }
    state.keep(Tab::OptIns, util::on(&reload, "click", state, |_, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    }));
    if let Ok(Some(h)) = notice.query_selector("h3") {
        crate::ui::dom::focus(&h);
    }
    Ok(())
}

/// Re-renders the tab from `prefs`, keeping focus on the switch or button that had it.
fn show(state: &Rc<State>, prefs: &[Preference]) {
    let focused = state.mount.root.active_element().and_then(|e| e.get_attribute("data-purpose"));
    let object_focused = state.mount.root.active_element().is_some_and(|e| e.class_list().contains("pw-object"));
    render(state, prefs);
    if let Some(p) = focused {
        if let Ok(Some(el)) = state.body.query_selector(&selector(&p)) {
            crate::ui::dom::focus(&el);
        }
    } else if object_focused {
        if let Ok(Some(el)) = state.body.query_selector(".pw-object") {
            crate::ui::dom::focus(&el);
        }
    }
}
