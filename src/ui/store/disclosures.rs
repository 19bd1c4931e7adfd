//! The statement's `disclosures` in the store view: the data protection officer, whether
//! providing data is required, and automated decision-making (GDPR Art. 13(1)(b), 13(2)(e)-(f)).

use super::rights;
use super::text::{row, Ctx};
use crate::i18n::t;
use crate::ui::dom::El;
use crate::ui::UiError;

/// The section, or `None` when the statement says none of these.
pub fn section(ctx: &Ctx) -> Result<Option<El>, UiError> {
    let lang = ctx.lang;
    let d = &ctx.policy.disclosures;
    if d.dpo.is_none() && d.provision.is_none() && d.automated_decisions.is_none() {
        return Ok(None);
    }
    let mut dl = El::new("dl")?.class("pw-dl");
    if let Some(dpo) = &d.dpo {
        let mut v = El::new("span")?;
        let mut parts = Vec::new();
        if let Some(n) = &dpo.name {
            parts.push(ctx.el("span", n)?);
        }
        if let Some(e) = &dpo.email {
            let mut href = String::from("mailto:");
            href.push_str(e);
            parts.push(El::new("a")?.attr("href", &href).text(e));
        }
        if let Some(p) = &dpo.phone {
            parts.push(El::new("span")?.text(p));
        }
        if let Some(a) = &dpo.address {
            parts.push(ctx.el("span", a)?);
        }
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                v = v.child(El::new("span")?.text(", "));
            }
            v = v.child(part);
        }
        dl = row(dl, t(lang, "store.dpo"), v)?;
    }
    if let Some(p) = &d.provision {
        dl = row(dl, t(lang, "store.provision"), ctx.el("span", p)?)?;
    }
    if let Some(a) = &d.automated_decisions {
        let value = match (&a.logic, a.used) {
            (_, false) => El::new("span")?.text(t(lang, "store.automated.none")),
            (Some(logic), true) => ctx.el("span", logic)?,
            (None, true) => El::new("span")?,
        };
        dl = row(dl, t(lang, "store.automated"), value)?;
        if let Some(c) = a.consequences.as_ref().filter(|_| a.used) {
            dl = row(dl, t(lang, "store.rights.consequences"), ctx.el("span", c)?)?;
        }
    }
    Ok(Some(rights::section("store.disclosures", ctx)?.attr("data-section", "disclosures").child(dl)))
}
