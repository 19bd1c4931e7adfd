//! The lower sections of the store view: controller, tracking services, rights and how to use
//! them, the complaint authority, the breach promise and the statement's other notes.

use super::text::{self, row, Ctx};
use crate::i18n::{fill, t};
use crate::policy::TrackingService;
use crate::requests::granted_rights;
use crate::ui::dom::El;
use crate::ui::UiError;

/// The controller: name and the contact details the statement gives.
pub fn controller(ctx: &Ctx) -> Result<El, UiError> {
    let lang = ctx.lang;
    let c = &ctx.policy.controller;
    let mut dl = El::new("dl")?.class("pw-dl");
    if let Some(a) = &c.address {
        dl = row(dl, t(lang, "store.controller.address"), ctx.el("span", a)?)?;
    }
    if let Some(e) = &c.email {
        let mut href = String::from("mailto:");
        href.push_str(e);
        dl = row(dl, t(lang, "store.controller.email"), El::new("a")?.attr("href", &href).text(e))?;
    }
    if let Some(p) = &c.phone {
        dl = row(dl, t(lang, "store.controller.phone"), El::new("span")?.text(p))?;
    }
    if let Some(w) = &c.website {
        dl = row(dl, t(lang, "store.controller.website"), text::link(w)?)?;
    }
    if let Some(r) = &c.registration {
        dl = row(dl, t(lang, "store.controller.registration"), El::new("span")?.text(r))?;
    }
    Ok(section("store.controller", ctx)?
        .child(ctx.el("p", &c.name)?.class("pw-controller-name"))
        .child(dl))
}

/// A `<section>` with an `h3` from the catalog.
pub fn section(key: &'static str, ctx: &Ctx) -> Result<El, UiError> {
    Ok(El::new("section")?.class("pw-section pw-stack").child(El::new("h3")?.text(t(ctx.lang, key))))
}

/// Cookies and trackers on the marketing pages, one `<details>` each.
pub fn trackers(ctx: &Ctx) -> Result<Option<El>, UiError> {
    if ctx.policy.tracking.is_empty() {
        return Ok(None);
    }
    let mut sec = El::new("section")?
        .class("pw-section pw-stack")
        .child(El::new("h3")?.text(t(ctx.lang, "store.trackers")));
    for s in &ctx.policy.tracking {
        sec = sec.child(tracker(ctx, s)?);
    }
    Ok(Some(sec))
}

fn tracker(ctx: &Ctx, s: &TrackingService) -> Result<El, UiError> {
    let lang = ctx.lang;
    let mut body = El::new("div")?.class("pw-details-body pw-stack");
    if let Some(d) = &s.description {
        body = body.child(ctx.el("p", d)?);
    }
    let mut dl = El::new("dl")?.class("pw-dl");
    // Every purpose the service needs, each label with its own language mark.
    let mut labels = El::new("span")?;
    for (i, p) in s.purposes.iter().filter_map(|id| ctx.policy.purpose(id)).enumerate() {
        if i > 0 {
            labels = labels.child(El::new("span")?.text(", "));
        }
        labels = labels.child(ctx.el("span", &p.label)?);
    }
    if !s.purposes.is_empty() {
        dl = row(dl, t(lang, "store.purpose"), labels)?;
    }
    if let Some(r) = s.recipient.as_deref().and_then(|id| ctx.policy.recipient(id)) {
        let mut v = ctx.el("span", &r.name)?;
        if let Some(mark) = super::text::location_mark(lang, r)? {
            v = El::new("span")?.child(v).child(El::new("span")?.text(" ")).child(mark);
        }
        dl = row(dl, t(lang, "store.recipients"), v)?;
    }
    if !s.domains.is_empty() {
        dl = row(dl, t(lang, "store.trackers.domains"), El::new("span")?.text(&s.domains.join(", ")))?;
    }
    if !s.pages.is_empty() {
        dl = row(dl, t(lang, "store.trackers.pages"), El::new("span")?.text(&s.pages.join(", ")))?;
    }
    if !s.cookies.is_empty() {
        let mut list = El::new("ul")?;
        for c in &s.cookies {
            let life = match c.lifetime {
                Some(p) => ctx.period(p),
                None => t(lang, "store.trackers.session").to_string(),
            };
            let mut li = El::new("li")?.child(El::new("code")?.text(&c.name)).child(El::new("span")?.text(&fill(" ({life})", &[("life", &life)])));
            if let Some(d) = &c.description {
                li = li.child(El::new("span")?.text(" — ")).child(ctx.el("span", d)?);
            }
            list = list.child(li);
        }
        dl = row(dl, t(lang, "store.trackers.cookies"), list)?;
    }
    if !s.storage.is_empty() {
        dl = row(dl, t(lang, "store.trackers.storage"), El::new("span")?.text(&s.storage.join(", ")))?;
    }
    Ok(El::new("details")?
        .class("pw-details")
        .attr("data-tracking", &s.id)
        .child(El::new("summary")?.child(ctx.el("span", &s.name)?.class("pw-sum-title")))
        .child(body.child(dl)))
}

/// The rights: every request kind the law grants (C-C1), each with the statement's wording,
/// promised response time and consequences where it gives them (the statutory month otherwise),
/// how to use them, the processor agreement, and the complaint authority (C-C4).
pub fn rights(ctx: &Ctx) -> Result<El, UiError> {
    let lang = ctx.lang;
    let r = &ctx.policy.rights;
    let mut sec = section("store.rights", ctx)?.child(El::new("p")?.text(t(lang, "store.rights.intro")));
    let mut list = El::new("ul")?.class("pw-plain pw-stack");
    for granted in granted_rights(ctx.policy) {
        let offer = granted.offer;
        let kind = granted.kind;
        let mut li = El::new("li")?
            .class("pw-right")
            .attr("data-request-kind", kind.name())
            .child(El::new("h4")?.text(text::request_kind(lang, kind)));
        match offer.and_then(|o| o.description.as_ref()) {
            Some(d) => li = li.child(ctx.el("p", d)?),
            // A right the statement does not mention: the law gives it all the same.
            None if offer.is_none() => li = li.child(El::new("p")?.class("pw-by-law").text(t(lang, "store.rights.by_law"))),
            None => {}
        }
        let response = match offer.and_then(|o| o.response_time) {
            Some(p) => fill(t(lang, "store.rights.within"), &[("period", &ctx.period(p))]),
            None => t(lang, "store.rights.default_response").to_string(),
        };
        let mut dl = El::new("dl")?.class("pw-dl");
        dl = row(dl, t(lang, "store.rights.response"), El::new("span")?.text(&response))?;
        if let Some(c) = offer.and_then(|o| o.consequences.as_ref()) {
            dl = row(dl, t(lang, "store.rights.consequences"), ctx.el("span", c)?)?;
        }
        list = list.child(li.child(dl));
    }
    sec = sec.child(list);
    if let Some(how) = &r.how {
        sec = sec.child(El::new("h4")?.text(t(lang, "store.rights.how"))).child(ctx.el("p", how)?);
    }
    if let Some(pa) = &r.processor_agreement {
        sec = sec.child(El::new("h4")?.text(t(lang, "store.processor_agreement"))).child(ctx.el("p", pa)?);
    }
    let authority = &ctx.policy.controller.supervisory_authority;
    let name = ctx.text(&authority.name);
    let mut complaint = El::new("p")?.text(&fill(t(lang, "store.complaint.text"), &[("authority", name)]));
    if let Some(w) = &authority.website {
        complaint = El::new("div")?.child(complaint).child(El::new("p")?.child(text::link(w)?));
    }
    Ok(sec.child(El::new("h4")?.text(t(lang, "store.complaint"))).child(complaint))
}

/// The breach promise and the statement's remaining notes, if any.
pub fn breach_and_notes(ctx: &Ctx) -> Result<Vec<El>, UiError> {
    let lang = ctx.lang;
    let mut out = Vec::new();
    if let Some(b) = &ctx.policy.rights.breach_notification {
        let mut sec = section("store.breach", ctx)?;
        if let Some(w) = b.within {
            sec = sec.child(El::new("p")?.text(&fill(t(lang, "store.breach.within"), &[("period", &ctx.period(w))])));
        }
        if let Some(d) = &b.description {
            sec = sec.child(ctx.el("p", d)?);
        }
        out.push(sec);
    }
    if !ctx.policy.notes.is_empty() {
        let mut list = El::new("ul")?;
        for n in &ctx.policy.notes {
            list = list.child(ctx.el("li", n)?);
        }
        out.push(section("store.notes", ctx)?.child(list));
    }
    Ok(out)
}
