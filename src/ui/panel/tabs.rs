//! The panel's tabs (WAI-ARIA APG tabs pattern): a tablist of three buttons with roving focus
//! (Left/Right/Home/End move and activate), each controlling one tabpanel.

use super::{util, State, Tab};
use crate::i18n::t;
use crate::ui::dom::{self, next_id, El};
use alloc::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};

const TABS: [Tab; 3] = [Tab::Data, Tab::OptIns, Tab::Requests];

fn label(state: &State, tab: Tab) -> &'static str {
    match tab {
        Tab::Data => t(state.lang, "panel.tab.data"),
        Tab::OptIns => t(state.lang, "panel.tab.optins"),
        Tab::Requests => t(state.lang, "panel.tab.requests"),
    }
}

/// Builds the tablist and the (empty) panels under the panel body.
pub fn build(state: &Rc<State>) {
    let Ok(list) = El::new("div") else { return };
    let list = list.class("pw-tabs").attr("role", "tablist").attr("aria-label", t(state.lang, "panel.title")).build();
    let mut buttons: Vec<Element> = Vec::new();
    let mut panels: Vec<Element> = Vec::new();
    for (i, tab) in TABS.iter().enumerate() {
        let tab_id = next_id("pw-tab");
        let panel_id = next_id("pw-tabpanel");
        let (Ok(b), Ok(p)) = (El::new("button"), El::new("div")) else { return };
        let button = b
            .class("pw-tab")
            .attr("type", "button")
            .attr("role", "tab")
            .attr("id", &tab_id)
            .attr("aria-controls", &panel_id)
            .attr("aria-selected", if i == 0 { "true" } else { "false" })
            .attr("tabindex", if i == 0 { "0" } else { "-1" })
            .attr("data-tab", match tab {
                Tab::Data => "data",
                Tab::OptIns => "optins",
                Tab::Requests => "requests",
            })
            .text(label(state, *tab))
            .build();
        let panel = p
            .class("pw-tabpanel")
            .attr("role", "tabpanel")
            .attr("id", &panel_id)
            .attr("aria-labelledby", &tab_id)
            .attr("tabindex", "0")
            .flag("hidden", i != 0)
            .build();
        let _ = list.append_child(&button);
        buttons.push(button);
        panels.push(panel);
    }
    let _ = state.body.append_child(&list);
    for p in &panels {
        let _ = state.body.append_child(p);
    }
    *state.panels.borrow_mut() = panels;
    let mut listeners = state.listeners.borrow_mut();
    for (i, b) in buttons.iter().enumerate() {
        listeners.push(util::on(b, "click", state, move |s, _| select(&s, i, false)));
    }
    listeners.push(util::on(&list, "keydown", state, |s, e| {
        let Some(key) = e.dyn_ref::<KeyboardEvent>().map(|k| k.key()) else { return };
        let current = s.body.query_selector(".pw-tab[aria-selected=true]").ok().flatten();
        let tabs = s.body.query_selector_all(".pw-tab").ok();
        let Some(tabs) = tabs else { return };
        let n = tabs.length() as usize;
        let index = (0..n).find(|i| tabs.item(*i as u32).map(|t| Some(t.unchecked_into::<Element>()) == current) == Some(true));
        let Some(i) = index else { return };
        let next = match key.as_str() {
            "ArrowRight" => (i + 1) % n,
            "ArrowLeft" => (i + n - 1) % n,
            "Home" => 0,
            "End" => n - 1,
            _ => return,
        };
        e.prevent_default();
        select(&s, next, true);
    }));
}

/// Shows tab `i`; moves focus to its button when `focus`.
pub fn select(state: &State, i: usize, focus: bool) {
    let Ok(tabs) = state.body.query_selector_all(".pw-tab") else { return };
    let panels = state.panels.borrow();
    for j in 0..tabs.length() {
        let Some(tab) = tabs.item(j).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
        let on = j as usize == i;
        let _ = tab.set_attribute("aria-selected", if on { "true" } else { "false" });
        let _ = tab.set_attribute("tabindex", if on { "0" } else { "-1" });
        if let Some(p) = panels.get(j as usize) {
            if on {
                let _ = p.remove_attribute("hidden");
            } else {
                let _ = p.set_attribute("hidden", "");
            }
        }
        if on && focus {
            dom::focus(&tab);
        }
    }
}
