//! An access answer on screen (C-C4): every category of the data package with its values, and
//! "no personal data is linked to this address" when the package says so. The panel and the
//! visitor's view show the same answer.

use crate::i18n::{t, Lang};
use crate::ui::dom::El;
use crate::ui::store::text as st;
use crate::ui::UiError;
use crate::wire::Package;
use web_sys::Element;

/// The package `text` (as the server sent it, a [`Package`]) as a section in `lang`.
pub fn view(lang: Lang, text: &str) -> Result<Element, UiError> {
    let package: Package = super::client::decode(text).map_err(|_| UiError::Dom)?;
    let section = El::new("section")?.class("pw-stack pw-package").attr("tabindex", "-1").attr("aria-label", t(lang, "panel.requests.answer"));
    let mut section = section.child(El::new("h5")?.text(t(lang, "panel.requests.answer")));
    if package.no_personal_data {
        section = section.child(El::new("p")?.class("pw-no-data").text(t(lang, "visitor.no_data")));
    }
    for c in &package.categories {
        let mut dl = El::new("dl")?.class("pw-dl");
        for item in &c.values {
            dl = st::row(dl, &item.label, El::new("span")?.text(&item.value))?;
        }
        section = section.child(El::new("h6")?.text(&c.label)).child(dl);
    }
    Ok(section.build())
}
