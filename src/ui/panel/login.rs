//! The demo sign-in: a select of the site's demo customers and a button (demo mode only).

use super::{util, State};
use crate::i18n::t;
use crate::ui::dom::{self, next_id, El};
use alloc::rc::Rc;

/// Replaces the panel with the sign-in form and loads the demo customers into it.
pub fn show(state: &Rc<State>) {
    state.next_signin();
    dom::clear(&state.body);
    state.listeners.borrow_mut().clear();
    for l in &state.tab_listeners {
        l.borrow_mut().clear();
    }
    state.panels.borrow_mut().clear();
    let lang = state.lang;
    let id = next_id("pw-login");
    let Ok(select) = El::new("select") else { return };
    let Ok((field, select, error)) = util::field(t(lang, "panel.login.customer"), select, &id) else { return };
    let Ok(button) = El::new("button") else { return };
    let button = button.class("pw-btn pw-btn-primary").attr("type", "submit").text(t(lang, "panel.login.submit")).build();
    let Ok(form) = El::new("form").and_then(|f| {
        Ok(f.class("pw-form pw-card pw-login")
            .attr("novalidate", "")
            .child(El::new("h2")?.text(t(lang, "panel.login.title")))
            .child(El::new("p")?.text(t(lang, "panel.login.intro")))
            .child(field))
    }) else {
        return;
    };
    let form = form.build();
    let _ = form.append_child(&button);
    let _ = state.body.append_child(&form);

    let (sel, err) = (select.clone(), error.clone());
    state.listeners.borrow_mut().push(util::on(&form, "submit", state, move |s, e| {
        e.prevent_default();
        let customer = util::value_of(&sel);
        if customer.is_empty() {
            util::set_error(&sel, &err, Some(t(s.lang, "panel.login.choose")));
            dom::focus(&sel);
            return;
        }
        util::set_error(&sel, &err, None);
        let (sel, err) = (sel.clone(), err.clone());
        util::spawn(&s, |s| async move {
            match s.client.demo_login(&customer).await {
                Ok(()) => {
                    s.mount.announce(t(s.lang, "panel.signed_in"));
                    s.clone().open().await;
                    if let Ok(Some(tab)) = s.body.query_selector(".pw-tab[aria-selected=true]") {
                        dom::focus(&tab);
                    }
                }
                Err(e) => {
                    util::set_error(&sel, &err, Some(util::api_error(s.lang, &e)));
                    dom::focus(&sel);
                }
            }
        });
    }));

    util::spawn(state, |s| async move {
        match s.client.demo_customers().await {
            Ok(customers) if !customers.is_empty() => {
                for c in customers {
                    if let Ok(o) = El::new("option") {
                        let _ = select.append_child(&o.attr("value", &c.id).text(&c.name).build());
                    }
                }
            }
            Ok(_) => util::set_error(&select, &error, Some(t(s.lang, "panel.login.none"))),
            Err(e) => util::set_error(&select, &error, Some(util::api_error(s.lang, &e))),
        }
    });
}
