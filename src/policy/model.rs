//! The policy document's data model: what a site says about the data it keeps and why.
//!
//! The JSON form uses exactly these field names (snake_case) as keys, and enum values are
//! the lowercase snake_case strings noted on each variant. Optional fields may be omitted;
//! `Vec` fields may be omitted when empty. `www/policies/policy.schema.json` publishes the
//! same shape as a JSON Schema; `parse.rs` reads it and `validate.rs` checks the meaning.

use crate::prelude::*;

/// A stable identifier: `[a-z0-9][a-z0-9_-]{0,63}`. Categories, purposes, recipients,
/// plans, tracking services and fields each have their own id space.
pub type Id = String;

/// A language tag as used in `languages`: `nl`, `en`, `de`, ... (lowercase, 2-8 letters, optional `-XX`).
pub type Lang = String;

/// A human text: either one plain string (valid in every language) or a map from
/// language to string. A map must hold every language in [`Policy::languages`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// `"Naam en achternaam"`
    Plain(String),
    /// `{"nl": "Naam", "en": "Name"}`
    ByLang(LangTexts),
}

/// The strings of a [`Text::ByLang`], sorted by language, each language once (a small sorted
/// list: lighter in the wasm than a `BTreeMap`, with the same lookups; see `lookup.rs`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LangTexts(pub(crate) Vec<(Lang, String)>);

/// A calendar date, `YYYY-MM-DD` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year, e.g. `2024`.
    pub year: i32,
    /// The month, `1` to `12`.
    pub month: u8,
    /// The day of the month, `1` to `31`.
    pub day: u8,
}

/// A length of time, written in JSON as `"<amount> <unit>"`, e.g. `"7 years"`,
/// `"3 months"`, `"5 working_days"`, `"72 hours"`, `"1 minute"`. Units: `minutes`, `hours`, `days`, `working_days`,
/// `weeks`, `months`, `years` (singular forms accepted too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// How many units, e.g. the `7` of `"7 years"`.
    pub amount: u32,
    /// The unit the amount counts.
    pub unit: PeriodUnit,
}

/// The unit of a [`Period`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodUnit {
    /// For short-lived cookies (Google Analytics' `_gat` lives one minute).
    Minutes,
    /// `hours`: for short holds and promises such as breach notification.
    Hours,
    /// `days`: calendar days.
    Days,
    /// Monday to Friday; public holidays are not modelled.
    WorkingDays,
    /// `weeks`: seven calendar days each.
    Weeks,
    /// `months`: calendar months.
    Months,
    /// `years`: calendar years.
    Years,
}

/// The whole document for one site.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Site id, e.g. `"pcextreme"`; matches the site id the server knows.
    pub site: Id,
    /// The policy version. Any change to purposes or recipients needs a new version (C-A9).
    pub version: String,
    /// Date the policy was last changed.
    pub date: Date,
    /// Languages the texts are available in; the first is the default.
    pub languages: Vec<Lang>,
    /// Who is responsible for the processing, and how to reach them.
    pub controller: Controller,
    /// Customer plans that retention rules or eligibility may depend on (trial, free, paid, ...).
    pub plans: Vec<Plan>,
    /// The groups of personal data the site keeps.
    pub categories: Vec<DataCategory>,
    /// Who receives the data (processors, other controllers, authorities).
    pub recipients: Vec<Recipient>,
    /// What the data is used for, each with its legal basis and retention.
    pub purposes: Vec<Purpose>,
    /// Tracking services (pixels, analytics) on the marketing pages.
    pub tracking: Vec<TrackingService>,
    /// The data-subject rights the site offers and its promises about them.
    pub rights: Rights,
    /// Statements of the text that fit nowhere else (kept in its own words).
    pub notes: Vec<Text>,
    /// The DPO, whether providing data is required, automated decisions (Art. 13(1)(b), 13(2)(e)-(f)).
    pub disclosures: Disclosures,
}

/// Who is responsible for the processing.
#[derive(Debug, Clone, PartialEq)]
pub struct Controller {
    /// The controller's (company) name.
    pub name: Text,
    /// The postal address, where the text gives it.
    pub address: Option<Text>,
    /// The contact e-mail address for privacy questions.
    pub email: Option<String>,
    /// The contact phone number.
    pub phone: Option<String>,
    /// The controller's website.
    pub website: Option<String>,
    /// Chamber of Commerce (KvK) number, where the text gives it.
    pub registration: Option<String>,
    /// Where a data subject can complain (in NL: the Autoriteit Persoonsgegevens).
    pub supervisory_authority: Authority,
}

/// A supervisory authority.
#[derive(Debug, Clone, PartialEq)]
pub struct Authority {
    /// The authority's name, e.g. "Autoriteit Persoonsgegevens".
    pub name: Text,
    /// Where the authority's complaint procedure is found.
    pub website: Option<String>,
}

/// A customer plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The plan's id, as retention rules and eligibility name it (`"trial"`).
    pub id: Id,
    /// The plan's name as customers know it.
    pub label: Text,
}

/// A group of personal data the site keeps, e.g. "Accountgegevens".
#[derive(Debug, Clone, PartialEq)]
pub struct DataCategory {
    /// The category's id, as purposes and requests name it.
    pub id: Id,
    /// The category's name, e.g. "Accountgegevens".
    pub label: Text,
    /// What the category contains, in the text's words.
    pub description: Option<Text>,
    /// The individual fields this category covers.
    pub fields: Vec<Field>,
    /// Where the data in this category comes from.
    pub source: Source,
    /// Where the data comes from, in the text's words, when `source` alone says too little.
    pub source_note: Option<Text>,
    /// Whether the subject can have this category erased on request.
    pub erasable: bool,
    /// Kept despite an erasure request (and then restricted), e.g. invoices for tax law.
    pub legal_hold: Option<LegalHold>,
}

/// One field of a category, e.g. `phone` "Telefoonnummer".
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The field's id within its category (`phone`).
    pub id: Id,
    /// The field's name, e.g. "Telefoonnummer".
    pub label: Text,
    /// Why this field is asked for (PCextreme gives a reason per field).
    pub reason: Option<Text>,
}

/// Where data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `"subject"`: given by the person.
    Subject,
    /// `"observed"`: recorded while using the service (logs, IP addresses, recordings).
    Observed,
    /// `"third_party"`: received from someone else (payment provider, ...).
    ThirdParty,
    /// `"derived"`: produced by the controller (invoices, ratings).
    Derived,
}

/// Why data survives an erasure request.
#[derive(Debug, Clone, PartialEq)]
pub struct LegalHold {
    /// E.g. "Nederlandse belastingwet (fiscale bewaarplicht)".
    pub reason: Text,
    /// How long the held data is kept.
    pub retention: RetentionRule,
}

/// Who receives data.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    /// The recipient's id, as purposes and tracking services name it.
    pub id: Id,
    /// The recipient's name, e.g. "Google Ireland Ltd.".
    pub name: Text,
    /// Whether the recipient is a processor, another controller or an authority.
    pub role: RecipientRole,
    /// ISO 3166-1 alpha-2 country code (`"NL"`, `"IE"`, `"US"`), if the text says or it is well known; else omitted.
    pub country: Option<String>,
    /// Whether the recipient processes the data outside the EU/EEA (third country, C-C4), or
    /// that the text does not say.
    pub outside_eu: Location,
    /// What the recipient does with the data.
    pub description: Option<Text>,
    /// Transfer safeguard for third countries, in the text's words.
    pub safeguard: Option<Text>,
}

/// Where a recipient processes the data, as far as the text says (JSON `outside_eu`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// `false`: inside the EU/EEA.
    InsideEu,
    /// `true`: outside the EU/EEA (a third country, C-C4).
    OutsideEu,
    /// `"unknown"`: the text does not say where.
    Unknown,
}

impl Location {
    /// Whether the data is known to leave the EU/EEA.
    pub fn is_outside(self) -> bool {
        self == Location::OutsideEu
    }

    /// Whether the text leaves the location unstated.
    pub fn is_unknown(self) -> bool {
        self == Location::Unknown
    }
}

/// A recipient's role under the GDPR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientRole {
    /// `"processor"`
    Processor,
    /// `"controller"`: an independent controller (a registry, a certificate authority, Facebook for audiences).
    Controller,
    /// `"joint_controller"`
    JointController,
    /// `"authority"`: a public authority (tax office, police on legal order).
    Authority,
}

/// What data is used for.
#[derive(Debug, Clone, PartialEq)]
pub struct Purpose {
    /// The purpose's id, as consent records and opt-ins name it.
    pub id: Id,
    /// What kind of purpose it is (analytics, marketing, contract, ...).
    pub kind: PurposeKind,
    /// The purpose's name as the visitor sees it.
    pub label: Text,
    /// What the purpose involves, in the text's words.
    pub description: Option<Text>,
    /// The GDPR ground the processing rests on (Art. 6(1)).
    pub legal_basis: LegalBasis,
    /// The legitimate interest pursued, when that is the basis (Art. 13(1)(d)).
    pub legitimate_interest: Option<Text>,
    /// Category ids used for this purpose.
    pub categories: Vec<Id>,
    /// Recipient ids that receive data for this purpose.
    pub recipients: Vec<Id>,
    /// How long data used for this purpose is kept.
    pub retention: RetentionRule,
    /// Whether and where consent is asked. Must not be `none` when `legal_basis` is `consent`;
    /// `account_opt_out` only for marketing mail on `legitimate_interest`.
    pub consent: ConsentScope,
    /// Plans for which this purpose applies / the opt-in is offered; empty means every plan.
    pub eligible_plans: Vec<Id>,
}

/// The kind of a purpose: drives grouping, signals (Consent Mode, GPC) and opt-in handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PurposeKind {
    /// `"essential"`: strictly necessary for the site or service to work.
    Essential,
    /// `"service"`: delivering the contracted service (domains, certificates, hosting).
    Service,
    /// `"billing"`: invoicing, payment, collection.
    Billing,
    /// `"support"`: customer service, calls, tickets.
    Support,
    /// `"security"`: fraud and abuse prevention, spam filtering, account recovery.
    Security,
    /// `"legal"`: a legal obligation (tax retention).
    Legal,
    /// `"service_mail"`: mail about the services a customer uses (not marketing).
    ServiceMail,
    /// `"analytics"`: statistics (Google Analytics). Consent Mode `analytics_storage`.
    Analytics,
    /// `"advertising"`: ad measurement/conversion (Google Ads, Bing Ads). `ad_storage` + `ad_user_data`.
    Advertising,
    /// `"personalised_ads"`: remarketing. `ad_personalization`.
    PersonalisedAds,
    /// `"audience_sharing"`: sharing name/e-mail with an ad platform (custom audiences).
    AudienceSharing,
    /// `"newsletter"`: the newsletter (direct marketing).
    Newsletter,
    /// `"product_mail"`: product/offer mailings (direct marketing).
    ProductMail,
    /// `"support_access"`: staff may look at the customer's data only with permission.
    SupportAccess,
    /// `"other"`: anything else; say what in `description`.
    Other,
}

/// The legal basis of a purpose (GDPR Art. 6(1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalBasis {
    /// `"consent"` (a)
    Consent,
    /// `"contract"` (b)
    Contract,
    /// `"legal_obligation"` (c)
    LegalObligation,
    /// `"legitimate_interest"` (f)
    LegitimateInterest,
    /// `"unspecified"`: the text does not say; shown as such rather than invented.
    Unspecified,
}

/// Whether consent is asked for a purpose and where it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentScope {
    /// `"none"`: no consent needed (another legal basis).
    None,
    /// `"browser"`: asked in the banner, stored in a first-party cookie.
    Browser,
    /// `"account"`: an opt-in bound to the customer's account, stored server-side.
    Account,
    /// `"account_opt_out"`: marketing mail sent to customers unless they turn it off, bound to
    /// the account and stored server-side like `account` (Telecommunicatiewet 11.7(3): existing
    /// customers, similar products, a free and easy way to object). Only for kinds `newsletter`
    /// and `product_mail` with legal basis `legitimate_interest`.
    AccountOptOut,
}

impl ConsentScope {
    /// Whether the choice is bound to the customer's account (an opt-in or an opt-out), shown
    /// as a switch in the control panel.
    pub fn is_account(self) -> bool {
        matches!(self, ConsentScope::Account | ConsentScope::AccountOptOut)
    }

    /// Whether the purpose is in effect for a customer: the customer's last stored choice if
    /// there is one, else on only for an opt-out purpose the customer's plan is eligible for
    /// (an opt-in starts off, C-A2).
    pub fn granted(self, stored: Option<bool>, eligible: bool) -> bool {
        match stored {
            Some(granted) => granted,
            None => self == ConsentScope::AccountOptOut && eligible,
        }
    }
}

/// How long data is kept: data, not prose, so it can render in any language and
/// evaluate to a date. Every variant may carry a `note` with the text's own words.
///
/// JSON: `{"kind": "fixed", "period": "7 years"}`,
/// `{"kind": "after", "period": "2 years", "event": "paid_period_end"}`,
/// `{"kind": "until", "event": "contract_end"}`, `{"kind": "after_use"}`,
/// `{"kind": "indefinite"}`, `{"kind": "unspecified", "note": "..."}`,
/// `{"kind": "by_plan", "rules": [{"plan": "trial", "rule": {...}}, ...], "otherwise": {...}}`.
#[derive(Debug, Clone, PartialEq)]
pub enum RetentionRule {
    /// Kept for a period from collection (or from the event date the backend supplies as `collection`).
    Fixed {
        /// How long.
        period: Period,
        /// The term in the text's own words, if it adds something.
        note: Option<Text>,
    },
    /// Kept for a period after an event.
    After {
        /// How long after the event.
        period: Period,
        /// The event the period counts from.
        event: RetentionEvent,
        /// The term in the text's own words, if it adds something.
        note: Option<Text>,
    },
    /// Kept until an event happens.
    Until {
        /// The event that ends the retention.
        event: RetentionEvent,
        /// The term in the text's own words, if it adds something.
        note: Option<Text>,
    },
    /// Deleted right after it has been used (ID copies for account recovery).
    AfterUse {
        /// The term in the text's own words, if it adds something.
        note: Option<Text>,
    },
    /// Kept without an end date (free plans at Host-Tracker).
    Indefinite {
        /// The term in the text's own words, if it adds something.
        note: Option<Text>,
    },
    /// The text gives no term; `note` is required and keeps the text's own words.
    Unspecified {
        /// What the text says instead of a term.
        note: Text,
    },
    /// Depends on the customer's plan; `otherwise` applies to plans not listed.
    ByPlan {
        /// The rule for each listed plan.
        rules: Vec<PlanRetention>,
        /// The rule for every plan not listed.
        otherwise: Option<Box<RetentionRule>>,
    },
}

/// One branch of [`RetentionRule::ByPlan`].
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRetention {
    /// The plan this branch applies to.
    pub plan: Id,
    /// The retention for customers on that plan.
    pub rule: RetentionRule,
}

/// An event a retention period counts from. JSON strings as noted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RetentionEvent {
    /// `"collection"`: when the data was recorded.
    Collection,
    /// `"trial_end"`
    TrialEnd,
    /// `"paid_period_end"`
    PaidPeriodEnd,
    /// `"invoice_date"`
    InvoiceDate,
    /// `"certificate_expiry"`
    CertificateExpiry,
    /// `"contract_end"`: end of the contract / the service.
    ContractEnd,
    /// `"account_closure"`
    AccountClosure,
    /// `"consent_withdrawal"`: until the subject withdraws consent or unsubscribes.
    ConsentWithdrawal,
    /// `"request_completion"`: handling of a ticket/request finished.
    RequestCompletion,
}

/// A tracking service on the marketing pages.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackingService {
    /// The service's id, as consent records name it.
    pub id: Id,
    /// The service's name, e.g. "Google Analytics".
    pub name: Text,
    /// The purpose ids it serves (at least one, no duplicates); it runs only when every one of
    /// them is granted, and its cookies go when any is withdrawn.
    pub purposes: Vec<Id>,
    /// The recipient id that receives the data, if listed.
    pub recipient: Option<Id>,
    /// Which vendor signal API to drive on a decision.
    pub vendor: Vendor,
    /// Domains the service runs on (`"www.pcextreme.nl"`), as the text lists them.
    pub domains: Vec<String>,
    /// Pages it runs on (`"/"`, `"/bestellen/*"`); empty means every page of the domains.
    pub pages: Vec<String>,
    /// Cookies it sets; cleared on withdrawal.
    pub cookies: Vec<CookieSpec>,
    /// localStorage/sessionStorage keys it writes (wildcards `*` allowed); cleared on withdrawal.
    pub storage: Vec<String>,
    /// What the service does, in the text's words.
    pub description: Option<Text>,
}

/// A vendor whose consent API the widget drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    /// `"google"`: Google Consent Mode v2 via `gtag('consent', ...)`.
    Google,
    /// `"meta"`: `fbq('consent', 'grant'|'revoke')`.
    Meta,
    /// `"microsoft"`: UET consent mode via `uetq.push('consent', ...)`.
    Microsoft,
    /// `"other"`: script gating only.
    Other,
}

/// A cookie a tracking service sets.
#[derive(Debug, Clone, PartialEq)]
pub struct CookieSpec {
    /// Name, `*` as wildcard: `"_ga"`, `"_ga_*"`.
    pub name: String,
    /// How long it lives; `None` means a session cookie.
    pub lifetime: Option<Period>,
    /// What the cookie is for, in the text's words.
    pub description: Option<Text>,
}

/// The rights section: what can be requested and what the company promises.
#[derive(Debug, Clone, PartialEq)]
pub struct Rights {
    /// Request kinds offered, each at most once.
    pub requests: Vec<RequestOffer>,
    /// How to exercise rights, in the text's words (e-mail address, control panel, ...).
    pub how: Option<Text>,
    /// Breach notification promise, e.g. within `"72 hours"`.
    pub breach_notification: Option<BreachPromise>,
    /// Whether a processor agreement is available on request (seed 001).
    pub processor_agreement: Option<Text>,
}

/// A request kind the site offers, with its promise.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestOffer {
    /// Which request it is.
    pub kind: RequestKind,
    /// The company's own promised response time, shorter than the legal month (`"5 working_days"`).
    pub response_time: Option<Period>,
    /// What happens as a result, e.g. "verwijdering beëindigt de dienstverlening".
    pub consequences: Option<Text>,
    /// How the company handles it, in the text's words.
    pub description: Option<Text>,
}

/// What a data subject asks for (GDPR Art. 15-21, C-C1): the one request-kind type of the crate,
/// used by the policy's `rights.requests[].kind`, the request rules (`crate::requests`) and the
/// wire bodies. Its JSON names (`names::REQUEST_KINDS`, serde) are the ones noted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    any(not(target_arch = "wasm32"), feature = "panel"),
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum RequestKind {
    /// `"access"`: a copy of the data and the facts about its processing (Art. 15, C-C4).
    Access,
    /// `"export"`: the data the subject provided, machine-readable (Art. 20, C-C5).
    Export,
    /// `"rectification"`: correcting one field (Art. 16, C-C7).
    Rectification,
    /// `"erasure"`: deleting everything that may be deleted (Art. 17, C-C6).
    Erasure,
    /// `"restriction"`: keeping the data but no longer using it (Art. 18).
    Restriction,
    /// `"objection"`: stopping processing for a purpose, or all direct marketing (Art. 21).
    Objection,
}

/// Every request kind in the order the widget lists them.
pub const REQUEST_KINDS_ALL: [RequestKind; 6] = [
    RequestKind::Access,
    RequestKind::Export,
    RequestKind::Rectification,
    RequestKind::Erasure,
    RequestKind::Restriction,
    RequestKind::Objection,
];

impl RequestKind {
    /// Reads a JSON name (`"erasure"`).
    pub fn from_name(name: &str) -> Option<RequestKind> {
        REQUEST_KINDS_ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether completing a request of this kind hands the subject a data package.
    pub fn yields_package(self) -> bool {
        matches!(self, RequestKind::Access | RequestKind::Export)
    }
}

/// A breach-notification promise.
#[derive(Debug, Clone, PartialEq)]
pub struct BreachPromise {
    /// How soon the company notifies after finding a breach.
    pub within: Option<Period>,
    /// The promise in the text's words.
    pub description: Option<Text>,
}

/// The document's `disclosures` (all absent when the document has none).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Disclosures {
    /// The data protection officer, where the controller has one (Art. 13(1)(b)).
    pub dpo: Option<Dpo>,
    /// Whether providing the data is a statutory or contractual requirement, whether the person
    /// must provide it and what follows if they do not (Art. 13(2)(e)).
    pub provision: Option<Text>,
    /// Automated decision-making, including profiling (Art. 13(2)(f)).
    pub automated_decisions: Option<AutomatedDecisions>,
}

/// A data protection officer's contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Dpo {
    /// The officer's name.
    pub name: Option<Text>,
    /// The officer's e-mail address.
    pub email: Option<String>,
    /// The officer's phone number.
    pub phone: Option<String>,
    /// The officer's postal address.
    pub address: Option<Text>,
}

/// Whether automated decisions are taken, and if so how and with what consequences.
#[derive(Debug, Clone, PartialEq)]
pub struct AutomatedDecisions {
    /// Whether any decision about a person is made by automated means alone (Art. 22).
    pub used: bool,
    /// How the decisions are made, in meaningful terms.
    pub logic: Option<Text>,
    /// What the decisions mean for the person.
    pub consequences: Option<Text>,
}
