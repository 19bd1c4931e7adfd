//! The walk of `validate` over a policy, in document order.

use crate::prelude::*;

use super::error::{cat, char_count, num, index_path as at, key_path as key};
use super::model::*;
use super::validate_ctx::{reference, references, unique_ids, Ctx, LIMITS};

/// Checks the whole policy.
pub(super) fn policy(c: &mut Ctx, p: &Policy) {
    let langs = &p.languages;
    c.id("site", &p.site);
    c.string("version", &p.version, true);
    if char_count(&p.version) > LIMITS.id_chars {
        c.report("version", cat(&["version is longer than ", &num(LIMITS.id_chars), " characters"]));
    }
    languages(c, langs);
    controller(c, &p.controller, langs);

    let plan_ids: Vec<&str> = p.plans.iter().map(|x| x.id.as_str()).collect();
    let plans_ok = c.ids_complete("plans", p.plans.len());
    c.count("plans", p.plans.len(), LIMITS.items, "plans");
    for (i, plan) in p.plans.iter().enumerate() {
        let path = at("plans", i);
        c.id(&key(&path, "id"), &plan.id);
        c.text(&key(&path, "label"), &plan.label, true, langs);
    }
    unique_ids(c, "plans", plan_ids.iter().copied(), "plan");
    let plans = Known { ids: &plan_ids, complete: plans_ok };

    categories(c, p, &plans);

    let recipient_ids: Vec<&str> = p.recipients.iter().map(|x| x.id.as_str()).collect();
    c.count("recipients", p.recipients.len(), LIMITS.items, "recipients");
    for (i, r) in p.recipients.iter().enumerate() {
        recipient(c, &at("recipients", i), r, langs);
    }
    unique_ids(c, "recipients", recipient_ids.iter().copied(), "recipient");
    let recipients = Known { ids: &recipient_ids, complete: c.ids_complete("recipients", p.recipients.len()) };

    let category_ids: Vec<&str> = p.categories.iter().map(|x| x.id.as_str()).collect();
    let categories = Known { ids: &category_ids, complete: c.ids_complete("categories", p.categories.len()) };
    c.count("purposes", p.purposes.len(), LIMITS.items, "purposes");
    for (i, purpose) in p.purposes.iter().enumerate() {
        let path = at("purposes", i);
        c.id(&key(&path, "id"), &purpose.id);
        c.text(&key(&path, "label"), &purpose.label, true, langs);
        c.opt_text(&key(&path, "description"), &purpose.description, langs);
        consent_fits_basis(c, &path, purpose);
        let list = key(&path, "categories");
        references(c, &list, &purpose.categories, categories.ids, categories.complete, "category");
        let list = key(&path, "recipients");
        references(c, &list, &purpose.recipients, recipients.ids, recipients.complete, "recipient");
        retention(c, &key(&path, "retention"), &purpose.retention, &plans, langs, false);
        let list = key(&path, "eligible_plans");
        references(c, &list, &purpose.eligible_plans, plans.ids, plans.complete, "plan");
    }
    unique_ids(c, "purposes", p.purposes.iter().map(|x| x.id.as_str()), "purpose");

    let purpose_ids: Vec<&str> = p.purposes.iter().map(|x| x.id.as_str()).collect();
    let purposes = Known { ids: &purpose_ids, complete: c.ids_complete("purposes", p.purposes.len()) };
    c.count("tracking", p.tracking.len(), LIMITS.items, "tracking services");
    for (i, t) in p.tracking.iter().enumerate() {
        tracking(c, &at("tracking", i), t, &purposes, &recipients, langs);
    }
    unique_ids(c, "tracking", p.tracking.iter().map(|x| x.id.as_str()), "tracking service");

    rights(c, &p.rights, langs);
    c.count("notes", p.notes.len(), LIMITS.list, "notes");
    for (i, n) in p.notes.iter().enumerate() {
        c.text(&at("notes", i), n, true, langs);
    }
}

/// The ids of one id space, and whether all of them could be read.
struct Known<'a> {
    ids: &'a [&'a str],
    complete: bool,
}

fn languages(c: &mut Ctx, langs: &[Lang]) {
    if langs.is_empty() {
        c.report("languages", "list at least one language (the first is the default)");
    }
    c.count("languages", langs.len(), LIMITS.languages, "languages");
    for (i, lang) in langs.iter().enumerate() {
        let path = at("languages", i);
        if !is_language_tag(lang) {
            c.report(&path, cat(&["invalid language \"", lang, "\": use a lowercase tag such as \"nl\", \"en\" or \"en-GB\""]));
        } else if langs[..i].contains(lang) {
            c.report(&path, cat(&["language \"", lang, "\" is listed twice"]));
        }
    }
}

pub(super) fn is_language_tag(tag: &str) -> bool {
    let (primary, region) = match tag.split_once('-') {
        Some((p, r)) => (p, Some(r)),
        None => (tag, None),
    };
    (2..=8).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && match region {
            Some(r) => r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase()),
            None => true,
        }
}

fn controller(c: &mut Ctx, ctl: &Controller, langs: &[Lang]) {
    c.text("controller.name", &ctl.name, true, langs);
    c.opt_text("controller.address", &ctl.address, langs);
    if let Some(email) = &ctl.email {
        email_address(c, "controller.email", email);
    }
    for (field, value) in [("phone", &ctl.phone), ("registration", &ctl.registration)] {
        if let Some(v) = value {
            c.string(&key("controller", field), v, true);
        }
    }
    if let Some(w) = &ctl.website {
        web_address(c, "controller.website", w);
    }
    let authority = &ctl.supervisory_authority;
    c.text("controller.supervisory_authority.name", &authority.name, true, langs);
    if let Some(w) = &authority.website {
        web_address(c, "controller.supervisory_authority.website", w);
    }
}

fn email_address(c: &mut Ctx, path: &str, email: &str) {
    let ok = email.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.as_bytes().contains(&b'.'))
        && !email.chars().any(char::is_whitespace);
    if !ok {
        c.report(path, cat(&["invalid e-mail address \"", email, "\""]));
    }
    c.string(path, email, true);
}

fn web_address(c: &mut Ctx, path: &str, url: &str) {
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.chars().any(char::is_whitespace) {
        c.report(path, cat(&["invalid web address \"", url, "\": start it with https://"]));
    }
    c.string(path, url, true);
}

fn categories(c: &mut Ctx, p: &Policy, plans: &Known) {
    let langs = &p.languages;
    c.count("categories", p.categories.len(), LIMITS.items, "categories");
    let total: usize = p.categories.iter().map(|x| x.fields.len()).sum();
    c.count("categories", total, LIMITS.fields, "fields in all categories together");
    for (i, cat) in p.categories.iter().enumerate() {
        let path = at("categories", i);
        c.id(&key(&path, "id"), &cat.id);
        c.text(&key(&path, "label"), &cat.label, true, langs);
        c.opt_text(&key(&path, "description"), &cat.description, langs);
        let fields = key(&path, "fields");
        for (j, f) in cat.fields.iter().enumerate() {
            let fp = at(&fields, j);
            c.id(&key(&fp, "id"), &f.id);
            c.text(&key(&fp, "label"), &f.label, true, langs);
            c.opt_text(&key(&fp, "reason"), &f.reason, langs);
        }
        unique_ids(c, &fields, cat.fields.iter().map(|f| f.id.as_str()), "field");
        c.opt_text(&key(&path, "source_note"), &cat.source_note, langs);
        if let Some(hold) = &cat.legal_hold {
            let hp = key(&path, "legal_hold");
            c.text(&key(&hp, "reason"), &hold.reason, true, langs);
            retention(c, &key(&hp, "retention"), &hold.retention, plans, langs, false);
        }
    }
    unique_ids(c, "categories", p.categories.iter().map(|x| x.id.as_str()), "category");
}

fn recipient(c: &mut Ctx, path: &str, r: &Recipient, langs: &[Lang]) {
    c.id(&key(path, "id"), &r.id);
    c.text(&key(path, "name"), &r.name, true, langs);
    if let Some(country) = &r.country {
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            c.report(&key(path, "country"), cat(&["invalid country \"", country, "\": use a two-letter ISO code such as \"NL\" or \"US\""]));
        }
    }
    c.opt_text(&key(path, "description"), &r.description, langs);
    c.opt_text(&key(path, "safeguard"), &r.safeguard, langs);
}

fn consent_fits_basis(c: &mut Ctx, path: &str, p: &Purpose) {
    let (basis, scope) = (key(path, "legal_basis"), key(path, "consent"));
    if c.poisoned(&basis) || c.poisoned(&scope) {
        return;
    }
    let consent_basis = p.legal_basis == LegalBasis::Consent;
    match p.consent {
        ConsentScope::None if consent_basis => c.report(
            &scope,
            "legal basis \"consent\" needs a place to ask it: set consent to \"browser\" or \"account\"",
        ),
        ConsentScope::Browser | ConsentScope::Account if !consent_basis => c.report(
            &scope,
            cat(&["consent \"", p.consent.name(), "\" asks for consent, so legal_basis must be \"consent\" (not \"", p.legal_basis.name(), "\")"]),
        ),
        ConsentScope::AccountOptOut => opt_out_fits(c, path, &scope, p),
        _ => {}
    }
}

/// `account_opt_out` is marketing mail sent until the customer turns it off (Telecommunicatiewet
/// 11.7(3)): only for a newsletter or product mailing, on legitimate interest, never on consent.
fn opt_out_fits(c: &mut Ctx, path: &str, scope: &str, p: &Purpose) {
    let mail = matches!(p.kind, PurposeKind::Newsletter | PurposeKind::ProductMail);
    if !mail && !c.poisoned(&key(path, "kind")) {
        c.report(
            scope,
            cat(&["consent \"account_opt_out\" is only for marketing mail: kind must be \"newsletter\" or \"product_mail\" (not \"", p.kind.name(), "\")"]),
        );
    }
    if p.legal_basis != LegalBasis::LegitimateInterest {
        c.report(
            scope,
            cat(&["consent \"account_opt_out\" sends until the customer opts out, so legal_basis must be \"legitimate_interest\" (not \"", p.legal_basis.name(), "\")"]),
        );
    }
}

/// Checks a retention rule (and the branches of a `by_plan` rule).
fn retention(c: &mut Ctx, path: &str, rule: &RetentionRule, plans: &Known, langs: &[Lang], in_by_plan: bool) {
    if c.rule_unread(path) {
        return;
    }
    match rule {
        RetentionRule::Fixed { period, note } | RetentionRule::After { period, note, .. } => {
            period_length(c, &key(path, "period"), *period);
            c.opt_text(&key(path, "note"), note, langs);
        }
        RetentionRule::Until { event, note } => {
            if *event == RetentionEvent::Collection {
                c.report(&key(path, "event"), "a rule cannot last until \"collection\"; use \"after_use\" or a \"fixed\" period");
            }
            c.opt_text(&key(path, "note"), note, langs);
        }
        RetentionRule::AfterUse { note } | RetentionRule::Indefinite { note } => c.opt_text(&key(path, "note"), note, langs),
        RetentionRule::Unspecified { note } => c.text(&key(path, "note"), note, true, langs),
        RetentionRule::ByPlan { rules, otherwise } => {
            if in_by_plan {
                c.report(&key(path, "kind"), "a \"by_plan\" rule cannot sit inside another \"by_plan\" rule");
                return;
            }
            let list = key(path, "rules");
            if rules.is_empty() {
                c.report(&list, "a \"by_plan\" rule needs at least one plan rule");
            }
            c.count(&list, rules.len(), LIMITS.list, "plan rules");
            for (i, branch) in rules.iter().enumerate() {
                let bp = at(&list, i);
                let plan_path = key(&bp, "plan");
                if rules[..i].iter().any(|b| b.plan == branch.plan) && !branch.plan.is_empty() {
                    c.report(&plan_path, cat(&["plan \"", &branch.plan, "\" is named twice in this rule"]));
                } else {
                    reference(c, &plan_path, &branch.plan, plans.ids, plans.complete, "plan");
                }
                retention(c, &key(&bp, "rule"), &branch.rule, plans, langs, true);
            }
            if let Some(rule) = otherwise {
                retention(c, &key(path, "otherwise"), rule, plans, langs, true);
            }
        }
    }
}

/// Checks that a period is at least 1 and at most about a thousand years.
fn period_length(c: &mut Ctx, path: &str, period: Period) {
    if period.amount == 0 {
        c.report(path, "a period must be at least 1 (for \"deleted right after use\" use kind \"after_use\")");
    } else if period.amount > period.unit.max_amount() {
        c.report(path, cat(&["period \"", &period.text(), "\" is longer than a thousand years"]));
    }
}

fn tracking(c: &mut Ctx, path: &str, t: &TrackingService, purposes: &Known, recipients: &Known, langs: &[Lang]) {
    c.id(&key(path, "id"), &t.id);
    c.text(&key(path, "name"), &t.name, true, langs);
    let list = key(path, "purposes");
    if t.purposes.is_empty() {
        c.report(&list, "a tracking service needs at least one purpose");
    }
    references(c, &list, &t.purposes, purposes.ids, purposes.complete, "purpose");
    if let Some(r) = &t.recipient {
        reference(c, &key(path, "recipient"), r, recipients.ids, recipients.complete, "recipient");
    }
    let domains = key(path, "domains");
    c.count(&domains, t.domains.len(), LIMITS.list, "domains");
    for (i, d) in t.domains.iter().enumerate() {
        let ok = !d.is_empty() && d.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.*".contains(&b));
        if !ok {
            c.report(&at(&domains, i), cat(&["invalid domain \"", d, "\": write the host name only, e.g. \"www.example.nl\""]));
        }
    }
    let pages = key(path, "pages");
    c.count(&pages, t.pages.len(), LIMITS.list, "pages");
    for (i, page) in t.pages.iter().enumerate() {
        if !page.starts_with('/') || page.chars().any(char::is_whitespace) {
            c.report(&at(&pages, i), cat(&["invalid page \"", page, "\": write a path starting with \"/\", e.g. \"/bestellen/*\""]));
        }
    }
    let cookies = key(path, "cookies");
    c.count(&cookies, t.cookies.len(), LIMITS.list, "cookies");
    for (i, cookie) in t.cookies.iter().enumerate() {
        let cp = at(&cookies, i);
        let bad = cookie.name.is_empty() || cookie.name.chars().any(|ch| ch.is_whitespace() || matches!(ch, ';' | ',' | '=' | '"'));
        if bad {
            c.report(&key(&cp, "name"), cat(&["invalid cookie name \"", &cookie.name, "\""]));
        }
        if let Some(life) = cookie.lifetime {
            period_length(c, &key(&cp, "lifetime"), life);
        }
        c.opt_text(&key(&cp, "description"), &cookie.description, langs);
    }
    let storage = key(path, "storage");
    c.count(&storage, t.storage.len(), LIMITS.list, "storage keys");
    for (i, s) in t.storage.iter().enumerate() {
        c.string(&at(&storage, i), s, true);
    }
    c.opt_text(&key(path, "description"), &t.description, langs);
}

fn rights(c: &mut Ctx, r: &Rights, langs: &[Lang]) {
    for (i, offer) in r.requests.iter().enumerate() {
        let path = at("rights.requests", i);
        let kind_path = key(&path, "kind");
        if !c.poisoned(&kind_path) {
            let first = r.requests[..i].iter().position(|o| o.kind == offer.kind);
            if let Some(first) = first.filter(|f| !c.poisoned(&key(&at("rights.requests", *f), "kind"))) {
                let reason = cat(&["request kind \"", offer.kind.name(), "\" is listed twice (first at rights.requests[", &num(first), "])"]);
                c.report(&kind_path, reason);
            }
        }
        if let Some(t) = offer.response_time {
            let tp = key(&path, "response_time");
            period_length(c, &tp, t);
            if exceeds_a_month(t) {
                c.report(&tp, cat(&["\"", &t.text(), "\" is longer than the legal one month (GDPR Art. 12(3))"]));
            }
        }
        c.opt_text(&key(&path, "consequences"), &offer.consequences, langs);
        c.opt_text(&key(&path, "description"), &offer.description, langs);
    }
    c.opt_text("rights.how", &r.how, langs);
    if let Some(b) = &r.breach_notification {
        if let Some(w) = b.within {
            period_length(c, "rights.breach_notification.within", w);
        }
        c.opt_text("rights.breach_notification.description", &b.description, langs);
    }
    c.opt_text("rights.processor_agreement", &r.processor_agreement, langs);
}

fn exceeds_a_month(p: Period) -> bool {
    match p.unit {
        PeriodUnit::Minutes => p.amount > 31 * 24 * 60,
        PeriodUnit::Hours => p.amount > 31 * 24,
        PeriodUnit::Days => p.amount > 31,
        PeriodUnit::WorkingDays => p.amount > 23,
        PeriodUnit::Weeks => p.amount > 4,
        PeriodUnit::Months => p.amount > 1,
        PeriodUnit::Years => p.amount > 0,
    }
}
