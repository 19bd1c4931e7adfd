//! Retention rules: evaluation to a date and rendering as nl/en sentences.

use crate::i18n::Lang;
use crate::policy::*;

fn minimal() -> Policy {
    parse_policy(include_str!("../../../tests/fixtures/minimal.json")).unwrap()
}

fn rule(json: &str) -> RetentionRule {
    let doc = include_str!("../../../tests/fixtures/minimal.json");
    let mut v: serde_json::Value = serde_json::from_str(doc).unwrap();
    v["purposes"][0]["retention"] = serde_json::from_str(json).unwrap();
    parse_policy(&v.to_string()).unwrap().purposes.swap_remove(0).retention
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn none(_: RetentionEvent) -> Option<Date> {
    None
}

#[test]
fn an_invoice_is_kept_seven_years_from_its_date() {
    let events = |e| (e == RetentionEvent::InvoiceDate).then(|| d("2019-01-05"));
    let after = rule(r#"{"kind": "after", "period": "7 years", "event": "invoice_date"}"#);
    assert_eq!(after.until(None, &events), RetentionEnd::Date(d("2026-01-05")));
    let collected = |e| (e == RetentionEvent::Collection).then(|| d("2019-01-05"));
    let fixed = rule(r#"{"kind": "fixed", "period": "7 years"}"#);
    assert_eq!(fixed.until(None, &collected), RetentionEnd::Date(d("2026-01-05")));
    assert_eq!(
        after.until(None, &none),
        RetentionEnd::AfterEvent { period: Period { amount: 7, unit: PeriodUnit::Years }, event: RetentionEvent::InvoiceDate }
    );
}

#[test]
fn until_after_use_indefinite_and_unspecified() {
    let until = rule(r#"{"kind": "until", "event": "contract_end"}"#);
    assert_eq!(until.until(None, &none), RetentionEnd::AtEvent(RetentionEvent::ContractEnd));
    let ended = |e| (e == RetentionEvent::ContractEnd).then(|| d("2024-03-31"));
    assert_eq!(until.until(None, &ended), RetentionEnd::Date(d("2024-03-31")));
    assert_eq!(rule(r#"{"kind": "after_use"}"#).until(None, &none), RetentionEnd::AfterUse);
    assert_eq!(rule(r#"{"kind": "indefinite"}"#).until(None, &none), RetentionEnd::Indefinite);
    let vague = rule(r#"{"kind": "unspecified", "note": "zolang als nodig"}"#);
    assert_eq!(vague.until(None, &none), RetentionEnd::Unspecified);
}

#[test]
fn by_plan_picks_the_customers_plan() {
    let p = minimal();
    let r = &p.purposes[0].retention;
    let events = |e| match e {
        RetentionEvent::TrialEnd => Some(d("2024-01-31")),
        RetentionEvent::PaidPeriodEnd => Some(d("2024-02-29")),
        _ => None,
    };
    assert_eq!(r.until(Some("trial"), &events), RetentionEnd::Date(d("2024-04-30")));
    assert_eq!(r.until(Some("paid"), &events), RetentionEnd::Date(d("2026-02-28")));
    assert_eq!(r.until(Some("free"), &events), RetentionEnd::Indefinite);
    assert_eq!(r.until(None, &events), RetentionEnd::DependsOnPlan);
    let no_otherwise = rule(r#"{"kind": "by_plan", "rules": [{"plan": "paid", "rule": {"kind": "indefinite"}}]}"#);
    assert_eq!(no_otherwise.until(Some("trial"), &events), RetentionEnd::Unspecified);
}

#[test]
fn sentences_in_dutch_and_english() {
    let p = minimal();
    let cases = [
        (r#"{"kind": "fixed", "period": "7 years"}"#, "7 jaar", "7 years"),
        (r#"{"kind": "fixed", "period": "1 year"}"#, "1 jaar", "1 year"),
        (r#"{"kind": "after", "period": "2 years", "event": "paid_period_end"}"#, "2 jaar na afloop van de betaalde periode", "2 years after the end of the paid period"),
        (r#"{"kind": "after", "period": "3 months", "event": "trial_end"}"#, "3 maanden na afloop van de proefperiode", "3 months after the end of the trial"),
        (r#"{"kind": "until", "event": "contract_end"}"#, "tot het einde van de overeenkomst", "until the end of the contract"),
        (r#"{"kind": "after_use"}"#, "direct na gebruik verwijderd", "deleted right after use"),
        (r#"{"kind": "indefinite"}"#, "onbeperkt", "indefinitely"),
        (r#"{"kind": "unspecified", "note": {"nl": "zolang als nodig", "en": "as long as needed"}}"#, "zolang als nodig", "as long as needed"),
    ];
    for (json, nl, en) in cases {
        let r = rule(json);
        assert_eq!(r.sentence(Lang::Nl, &p), nl);
        assert_eq!(r.sentence(Lang::En, &p), en);
    }
    let by_plan = &p.purposes[0].retention;
    assert_eq!(
        by_plan.sentence(Lang::Nl, &p),
        "Proef: 3 maanden na afloop van de proefperiode; Betaald: 2 jaar na afloop van de betaalde periode; andere abonnementen: onbeperkt"
    );
    assert_eq!(
        by_plan.sentence(Lang::En, &p),
        "Trial: 3 months after the end of the trial; Paid: 2 years after the end of the paid period; other plans: indefinitely"
    );
}

#[test]
fn periods_in_words() {
    let p = |s: &str| Period::parse(s).unwrap();
    assert_eq!(period_words(p("5 working_days"), Lang::Nl), "5 werkdagen");
    assert_eq!(period_words(p("5 working_days"), Lang::En), "5 working days");
    assert_eq!(period_words(p("1 working_day"), Lang::Nl), "1 werkdag");
    assert_eq!(period_words(p("1 minute"), Lang::Nl), "1 minuut");
    assert_eq!(period_words(p("1 minute"), Lang::En), "1 minute");
    assert_eq!(period_words(p("5 minutes"), Lang::Nl), "5 minuten");
    assert_eq!(period_words(p("72 hours"), Lang::Nl), "72 uur");
    assert_eq!(period_words(p("1 month"), Lang::En), "1 month");
    assert_eq!(period_words(p("2 weeks"), Lang::Nl), "2 weken");
    let end = RetentionEnd::Date(Date::parse("2026-01-05").unwrap());
    assert_eq!(end.sentence(Lang::Nl), "tot 2026-01-05");
    assert_eq!(end.sentence(Lang::En), "until 2026-01-05");
}

#[test]
fn lookups_and_texts() {
    let p = minimal();
    assert_eq!(p.category("account").map(|c| p.text(&c.label, "en")), Some("Account details"));
    assert_eq!(p.purpose("analytics").map(|x| x.kind), Some(PurposeKind::Analytics));
    assert!(p.recipient("google").is_some_and(|r| r.outside_eu.is_outside()));
    assert!(p.recipient("nobody").is_none());
    assert_eq!(p.tracking_for("analytics").count(), 1);
    let t = Text::ByLang([("nl".to_string(), "Naam".to_string())].into_iter().collect());
    assert_eq!(t.get("en", "nl"), "Naam");
    assert_eq!(Text::Plain("x".into()).get("en", "nl"), "x");
    assert_eq!(p.request_offer(RequestKind::Erasure).and_then(|o| o.response_time).map(|t| t.to_string()), Some("5 working_days".into()));
}
