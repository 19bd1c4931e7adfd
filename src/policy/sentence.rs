//! Retention rules and periods as Dutch and English sentences ("2 jaar na afloop van de
//! betaalde periode", "5 working days").

use crate::prelude::*;

use crate::i18n::Lang;

use super::error::join_str;
use super::model::*;

/// A period in words: `"5 werkdagen"`, `"1 jaar"`, `"5 working days"`, `"1 year"`.
pub fn period_words(period: Period, lang: Lang) -> String {
    let one = period.amount == 1;
    let unit = match (lang, period.unit) {
        (Lang::Nl, PeriodUnit::Minutes) => if one { "minuut" } else { "minuten" },
        (Lang::Nl, PeriodUnit::Hours) => "uur",
        (Lang::Nl, PeriodUnit::Days) => if one { "dag" } else { "dagen" },
        (Lang::Nl, PeriodUnit::WorkingDays) => if one { "werkdag" } else { "werkdagen" },
        (Lang::Nl, PeriodUnit::Weeks) => if one { "week" } else { "weken" },
        (Lang::Nl, PeriodUnit::Months) => if one { "maand" } else { "maanden" },
        (Lang::Nl, PeriodUnit::Years) => "jaar",
        (Lang::En, PeriodUnit::Minutes) => if one { "minute" } else { "minutes" },
        (Lang::En, PeriodUnit::Hours) => if one { "hour" } else { "hours" },
        (Lang::En, PeriodUnit::Days) => if one { "day" } else { "days" },
        (Lang::En, PeriodUnit::WorkingDays) => if one { "working day" } else { "working days" },
        (Lang::En, PeriodUnit::Weeks) => if one { "week" } else { "weeks" },
        (Lang::En, PeriodUnit::Months) => if one { "month" } else { "months" },
        (Lang::En, PeriodUnit::Years) => if one { "year" } else { "years" },
    };
    let mut out = String::new();
    super::error::push_u64(&mut out, u64::from(period.amount));
    out.push(' ');
    out.push_str(unit);
    out
}

/// "… after the event": the phrase that follows a period.
fn after_phrase(event: RetentionEvent, lang: Lang) -> &'static str {
    use RetentionEvent as E;
    match (lang, event) {
        (Lang::Nl, E::Collection) => "na het verzamelen",
        (Lang::Nl, E::TrialEnd) => "na afloop van de proefperiode",
        (Lang::Nl, E::PaidPeriodEnd) => "na afloop van de betaalde periode",
        (Lang::Nl, E::InvoiceDate) => "na de factuurdatum",
        (Lang::Nl, E::CertificateExpiry) => "na het verlopen van het certificaat",
        (Lang::Nl, E::ContractEnd) => "na het einde van de overeenkomst",
        (Lang::Nl, E::AccountClosure) => "na het opheffen van het account",
        (Lang::Nl, E::ConsentWithdrawal) => "na het intrekken van de toestemming",
        (Lang::Nl, E::RequestCompletion) => "na afhandeling van het verzoek",
        (Lang::En, E::Collection) => "after collection",
        (Lang::En, E::TrialEnd) => "after the end of the trial",
        (Lang::En, E::PaidPeriodEnd) => "after the end of the paid period",
        (Lang::En, E::InvoiceDate) => "after the invoice date",
        (Lang::En, E::CertificateExpiry) => "after the certificate expires",
        (Lang::En, E::ContractEnd) => "after the end of the contract",
        (Lang::En, E::AccountClosure) => "after the account is closed",
        (Lang::En, E::ConsentWithdrawal) => "after consent is withdrawn",
        (Lang::En, E::RequestCompletion) => "after the request has been handled",
    }
}

/// "until the event".
fn until_phrase(event: RetentionEvent, lang: Lang) -> &'static str {
    use RetentionEvent as E;
    match (lang, event) {
        (Lang::Nl, E::Collection) => "tot het verzamelen",
        (Lang::Nl, E::TrialEnd) => "tot het einde van de proefperiode",
        (Lang::Nl, E::PaidPeriodEnd) => "tot het einde van de betaalde periode",
        (Lang::Nl, E::InvoiceDate) => "tot de factuurdatum",
        (Lang::Nl, E::CertificateExpiry) => "tot het verlopen van het certificaat",
        (Lang::Nl, E::ContractEnd) => "tot het einde van de overeenkomst",
        (Lang::Nl, E::AccountClosure) => "tot het opheffen van het account",
        (Lang::Nl, E::ConsentWithdrawal) => "tot u uw toestemming intrekt",
        (Lang::Nl, E::RequestCompletion) => "tot het verzoek is afgehandeld",
        (Lang::En, E::Collection) => "until collection",
        (Lang::En, E::TrialEnd) => "until the end of the trial",
        (Lang::En, E::PaidPeriodEnd) => "until the end of the paid period",
        (Lang::En, E::InvoiceDate) => "until the invoice date",
        (Lang::En, E::CertificateExpiry) => "until the certificate expires",
        (Lang::En, E::ContractEnd) => "until the end of the contract",
        (Lang::En, E::AccountClosure) => "until the account is closed",
        (Lang::En, E::ConsentWithdrawal) => "until you withdraw your consent",
        (Lang::En, E::RequestCompletion) => "until the request has been handled",
    }
}

impl RetentionRule {
    /// The rule as a sentence fragment in `lang`: "7 jaar", "2 jaar na afloop van de betaalde
    /// periode", "tot het einde van de overeenkomst", "direct na gebruik verwijderd",
    /// "onbeperkt"; a `by_plan` rule lists its plans ("Proef: …; Betaald: …; andere
    /// abonnementen: …"). An `unspecified` rule renders its note (the text's own words); the
    /// notes of other rules are not included (see [`RetentionRule::note`]).
    pub fn sentence(&self, lang: Lang, policy: &Policy) -> String {
        match self {
            RetentionRule::Fixed { period, .. } => period_words(*period, lang),
            RetentionRule::After { period, event, .. } => {
                let mut s = period_words(*period, lang);
                s.push(' ');
                s.push_str(after_phrase(*event, lang));
                s
            }
            RetentionRule::Until { event, .. } => until_phrase(*event, lang).to_string(),
            RetentionRule::AfterUse { .. } => {
                pick(lang, "direct na gebruik verwijderd", "deleted right after use").to_string()
            }
            RetentionRule::Indefinite { .. } => pick(lang, "onbeperkt", "indefinitely").to_string(),
            RetentionRule::Unspecified { note } => {
                let words = policy.text(note, lang.tag()).trim();
                if words.is_empty() {
                    pick(lang, "geen termijn vermeld", "no term stated").to_string()
                } else {
                    words.to_string()
                }
            }
            RetentionRule::ByPlan { rules, otherwise } => {
                let mut parts: Vec<String> = rules
                    .iter()
                    .map(|branch| {
                        let label = policy.plan(&branch.plan).map_or(branch.plan.as_str(), |p| policy.text(&p.label, lang.tag()));
                        let mut s = label.to_string();
                        s.push_str(": ");
                        s.push_str(&branch.rule.sentence(lang, policy));
                        s
                    })
                    .collect();
                if let Some(rule) = otherwise {
                    let mut s = pick(lang, "andere abonnementen: ", "other plans: ").to_string();
                    s.push_str(&rule.sentence(lang, policy));
                    parts.push(s);
                }
                join_str(&parts, "; ")
            }
        }
    }
}

impl super::RetentionEnd {
    /// The end as a short phrase: "tot 2026-01-05", "until 2026-01-05", "onbeperkt", ...
    pub fn sentence(&self, lang: Lang) -> String {
        match self {
            super::RetentionEnd::Date(d) => {
                let mut s = pick(lang, "tot ", "until ").to_string();
                s.push_str(&d.to_string());
                s
            }
            super::RetentionEnd::AtEvent(e) => until_phrase(*e, lang).to_string(),
            super::RetentionEnd::AfterEvent { period, event } => {
                let mut s = period_words(*period, lang);
                s.push(' ');
                s.push_str(after_phrase(*event, lang));
                s
            }
            super::RetentionEnd::AfterUse => pick(lang, "direct na gebruik verwijderd", "deleted right after use").to_string(),
            super::RetentionEnd::Indefinite => pick(lang, "onbeperkt", "indefinitely").to_string(),
            super::RetentionEnd::DependsOnPlan => pick(lang, "afhankelijk van het abonnement", "depends on the plan").to_string(),
            super::RetentionEnd::Unspecified => pick(lang, "geen termijn vermeld", "no term stated").to_string(),
        }
    }
}

fn pick(lang: Lang, nl: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}
