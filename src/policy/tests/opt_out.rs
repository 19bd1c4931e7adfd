//! The `account_opt_out` consent scope: marketing mail sent to customers unless they turn it off
//! (Telecommunicatiewet 11.7(3)); where the validator accepts it and what is in effect (C-A11).

use crate::policy::*;

/// The minimal fixture with its first purpose replaced by `kind` / `legal_basis` / `consent`.
fn with_purpose(kind: &str, basis: &str, consent: &str) -> Result<Policy, PolicyErrors> {
    let doc = include_str!("../../../tests/fixtures/minimal.json");
    let mut v: serde_json::Value = serde_json::from_str(doc).unwrap();
    v["purposes"][0]["kind"] = kind.into();
    v["purposes"][0]["legal_basis"] = basis.into();
    v["purposes"][0]["consent"] = consent.into();
    parse_policy(&v.to_string())
}

fn errors(kind: &str, basis: &str) -> Vec<String> {
    with_purpose(kind, basis, "account_opt_out").err().map(|e| e.lines()).unwrap_or_default()
}

#[test]
fn marketing_mail_on_legitimate_interest_may_be_opt_out() {
    for kind in ["newsletter", "product_mail"] {
        let p = with_purpose(kind, "legitimate_interest", "account_opt_out").unwrap();
        assert_eq!(p.purposes[0].consent, ConsentScope::AccountOptOut);
        assert!(p.purposes[0].consent.is_account());
        assert_eq!(p.purposes[0].consent.name(), "account_opt_out");
    }
}

#[test]
fn opt_out_is_refused_for_other_kinds_naming_the_path() {
    for kind in ["analytics", "audience_sharing", "support_access", "service_mail", "other"] {
        let expected = format!(
            "purposes[0].consent: consent \"account_opt_out\" is only for marketing mail: kind must be \"newsletter\" or \"product_mail\" (not \"{kind}\")"
        );
        assert_eq!(errors(kind, "legitimate_interest"), [expected], "{kind}");
    }
}

#[test]
fn opt_out_is_refused_on_any_basis_but_legitimate_interest_naming_the_path() {
    // Marketing mail on consent must be asked first (`account`, C-A11); opt-out is the
    // existing-customer exception, which rests on legitimate interest.
    for basis in ["consent", "contract", "legal_obligation", "unspecified"] {
        let expected = format!(
            "purposes[0].consent: consent \"account_opt_out\" sends until the customer opts out, so legal_basis must be \"legitimate_interest\" (not \"{basis}\")"
        );
        assert_eq!(errors("newsletter", basis), [expected], "{basis}");
    }
    assert_eq!(errors("analytics", "consent").len(), 2);
}

#[test]
fn an_opt_out_purpose_is_on_until_turned_off_and_an_opt_in_off_until_given() {
    let opt_out = ConsentScope::AccountOptOut;
    // Nothing stored: on for a customer whose plan receives it, off for one whose plan does not.
    assert!(opt_out.granted(None, true));
    assert!(!opt_out.granted(None, false));
    // A stored choice wins: turned off stays off, turned back on is on.
    assert!(!opt_out.granted(Some(false), true));
    assert!(opt_out.granted(Some(true), true));
    // An opt-in starts off (C-A2) and follows what is stored.
    assert!(!ConsentScope::Account.granted(None, true));
    assert!(ConsentScope::Account.granted(Some(true), true));
    assert!(!ConsentScope::Browser.is_account() && !ConsentScope::None.is_account());
}

#[test]
fn the_seeds_send_marketing_mail_unless_turned_off() {
    let webanizr = parse_policy(include_str!("../../../www/policies/webanizr.json")).unwrap();
    let newsletter = webanizr.purpose("newsletter").unwrap();
    assert_eq!((newsletter.consent, newsletter.legal_basis), (ConsentScope::AccountOptOut, LegalBasis::LegitimateInterest));
    assert_eq!(newsletter.eligible_plans, ["paid"], "never to free accounts");
    let host_tracker = parse_policy(include_str!("../../../www/policies/host-tracker.json")).unwrap();
    let news = host_tracker.purpose("company_news").unwrap();
    assert_eq!((news.consent, news.legal_basis), (ConsentScope::AccountOptOut, LegalBasis::LegitimateInterest));
    assert!(news.eligible_plans.is_empty(), "to every order address");
}
