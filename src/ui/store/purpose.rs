//! One purpose as a collapsible `<details>`: label, legal basis and retention in the summary;
//! description, consent, plans, categories (fields, reasons, source, legal hold) and recipients inside.

use super::text::{self, labelled, Ctx};
use crate::i18n::t;
use crate::policy::{ConsentScope, DataCategory, Purpose, Recipient};
use crate::ui::dom::El;
use crate::ui::UiError;

/// The `<details>` for one purpose.
pub fn purpose(ctx: &Ctx, p: &Purpose) -> Result<El, UiError> {
    let lang = ctx.lang;
    let recipients: Vec<&Recipient> = p.recipients.iter().filter_map(|id| ctx.policy.recipient(id)).collect();
    let leaves_eu = recipients.iter().any(|r| r.outside_eu.is_outside());

    let meta = El::new("span")?
        .class("pw-sum-meta")
        .child(El::new("span")?.text(&labelled(t(lang, "store.basis"), text::basis(lang, p.legal_basis))))
        .child(El::new("span")?.text(&labelled(t(lang, "store.retention"), &ctx.retention(&p.retention))))
        .child_opt(if leaves_eu { Some(text::outside_badge(lang)?) } else { None });
    let summary = El::new("summary")?
        .child(ctx.el("span", &p.label)?.class("pw-sum-title"))
        .child(meta);

    let mut body = El::new("div")?.class("pw-details-body pw-stack");
    if let Some(d) = &p.description {
        body = body.child(ctx.el("p", d)?);
    }
    let mut dl = El::new("dl")?.class("pw-dl");
    let mut has_rows = false;
    if let Some(interest) = &p.legitimate_interest {
        dl = text::row(dl, t(lang, "store.legitimate_interest"), ctx.el("span", interest)?)?;
        has_rows = true;
    }
    if let Some(note) = p.retention.note() {
        dl = text::row(dl, t(lang, "store.retention"), ctx.el("span", note)?)?;
        has_rows = true;
    }
    let consent = match p.consent {
        ConsentScope::None => None,
        ConsentScope::Browser => Some(t(lang, "store.consent.browser")),
        ConsentScope::Account => Some(t(lang, "store.consent.account")),
        ConsentScope::AccountOptOut => Some(t(lang, "store.consent.account_opt_out")),
    };
    if let Some(c) = consent {
        dl = text::row(dl, t(lang, "store.consent"), El::new("span")?.text(c))?;
        has_rows = true;
    }
    if !p.eligible_plans.is_empty() {
        let plans: Vec<&str> = p
            .eligible_plans
            .iter()
            .filter_map(|id| ctx.policy.plan(id))
            .map(|plan| ctx.text(&plan.label))
            .collect();
        dl = text::row(dl, t(lang, "store.plans"), ctx.mark_lang(El::new("span")?.text(&plans.join(", "))))?;
        has_rows = true;
    }
    if has_rows {
        body = body.child(dl);
    }

    if !p.categories.is_empty() {
        let mut list = El::new("ul")?.class("pw-plain pw-stack");
        for cat in p.categories.iter().filter_map(|id| ctx.policy.category(id)) {
            list = list.child(El::new("li")?.child(category(ctx, cat, "h5")?));
        }
        body = body.child(El::new("h4")?.text(t(lang, "store.data"))).child(list);
    }

    body = body.child(El::new("h4")?.text(t(lang, "store.recipients")));
    if recipients.is_empty() {
        body = body.child(El::new("p")?.class("pw-muted").text(t(lang, "store.no_recipients")));
    } else {
        let mut list = El::new("ul")?.class("pw-plain pw-stack");
        for r in recipients {
            list = list.child(recipient(ctx, r, false)?);
        }
        body = body.child(list);
    }

    let services: Vec<&str> = ctx.policy.tracking_for(&p.id).map(|s| ctx.text(&s.name)).collect();
    if !services.is_empty() {
        body = body
            .child(El::new("h4")?.text(t(lang, "store.tracking")))
            .child(ctx.mark_lang(El::new("p")?.text(&services.join(", "))));
    }

    Ok(El::new("details")?
        .class("pw-details pw-purpose")
        .attr("data-purpose", &p.id)
        .child(summary)
        .child(body))
}

/// A data category: label, description, fields with their reasons, source, erasure and legal hold.
pub fn category(ctx: &Ctx, c: &DataCategory, heading: &'static str) -> Result<El, UiError> {
    let lang = ctx.lang;
    let mut el = El::new("div")?
        .class("pw-category")
        .attr("data-category", &c.id)
        .child(ctx.el(heading, &c.label)?.class("pw-cat-title"));
    if let Some(d) = &c.description {
        el = el.child(ctx.el("p", d)?);
    }
    if !c.fields.is_empty() {
        let mut fields = El::new("ul")?.class("pw-fields");
        for f in &c.fields {
            let mut li = El::new("li")?.child(ctx.el("span", &f.label)?.class("pw-field-name"));
            if let Some(reason) = &f.reason {
                li = li.child(El::new("span")?.text(": ")).child(ctx.el("span", reason)?);
            }
            fields = fields.child(li);
        }
        el = el.child(fields);
    }
    let mut source = El::new("p")?
        .class("pw-muted")
        .child(El::new("span")?.text(&labelled(t(lang, "store.source"), text::source(lang, c.source))));
    if let Some(note) = &c.source_note {
        source = source.child(El::new("span")?.text(" — ")).child(ctx.el("span", note)?);
    }
    el = el.child(source);
    let erasable = if c.erasable { t(lang, "store.erasable") } else { t(lang, "store.not_erasable") };
    el = el.child(El::new("p")?.class("pw-muted").text(erasable));
    if let Some(hold) = &c.legal_hold {
        el = el.child(
            El::new("p")?
                .class("pw-hold")
                .child(El::new("strong")?.text(t(lang, "store.legal_hold")))
                .child(El::new("span")?.text(": "))
                .child(ctx.el("span", &hold.reason)?)
                .child(El::new("span")?.text(" — "))
                .child(El::new("span")?.text(&ctx.retention(&hold.retention))),
        );
    }
    Ok(el)
}

/// A recipient as a list item: name, role, country and a textual location mark (outside the EU, not stated);
/// `full` adds the description and the transfer safeguard.
pub fn recipient(ctx: &Ctx, r: &Recipient, full: bool) -> Result<El, UiError> {
    let lang = ctx.lang;
    let mut line = El::new("p")?
        .child(ctx.el("strong", &r.name)?.class("pw-recipient-name"))
        .child(El::new("span")?.class("pw-muted").text(&joined_meta(ctx, r)));
    if let Some(mark) = text::location_mark(lang, r)? {
        line = line.child(El::new("span")?.text(" ")).child(mark);
    }
    let mut li = El::new("li")?.class("pw-recipient").attr("data-recipient", &r.id).child(line);
    if full {
        if let Some(d) = &r.description {
            li = li.child(ctx.el("p", d)?);
        }
        if r.outside_eu.is_outside() {
            li = li.child(El::new("p")?.class("pw-muted").text(t(lang, "store.outside_eu.note")));
        }
        if let Some(s) = &r.safeguard {
            li = li.child(
                El::new("p")?
                    .child(El::new("span")?.text(&labelled(t(lang, "store.safeguard"), "")))
                    .child(ctx.el("span", s)?),
            );
        }
    }
    Ok(li)
}

fn joined_meta(ctx: &Ctx, r: &Recipient) -> String {
    let mut s = String::from(" · ");
    s.push_str(text::role(ctx.lang, r.role));
    if let Some(c) = &r.country {
        s.push_str(" · ");
        s.push_str(&labelled(t(ctx.lang, "store.country"), c));
    }
    s
}

