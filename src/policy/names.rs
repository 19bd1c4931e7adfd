//! The JSON names of the policy's enums, one table per enum, with `name()` for each value.

use super::model::*;

macro_rules! names {
    ($ty:ident, $table:ident, [$($variant:ident = $name:literal),+ $(,)?]) => {
        /// Every JSON name of the enum with its value, in declaration order.
        pub const $table: &[(&str, $ty)] = &[$(($name, $ty::$variant)),+];

        impl $ty {
            /// The value's JSON name.
            pub fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }
    };
}

names!(Source, SOURCES, [Subject = "subject", Observed = "observed", ThirdParty = "third_party", Derived = "derived"]);

names!(RecipientRole, RECIPIENT_ROLES, [
    Processor = "processor",
    Controller = "controller",
    JointController = "joint_controller",
    Authority = "authority",
]);

names!(PurposeKind, PURPOSE_KINDS, [
    Essential = "essential",
    Service = "service",
    Billing = "billing",
    Support = "support",
    Security = "security",
    Legal = "legal",
    ServiceMail = "service_mail",
    Analytics = "analytics",
    Advertising = "advertising",
    PersonalisedAds = "personalised_ads",
    AudienceSharing = "audience_sharing",
    Newsletter = "newsletter",
    ProductMail = "product_mail",
    SupportAccess = "support_access",
    Other = "other",
]);

names!(LegalBasis, LEGAL_BASES, [
    Consent = "consent",
    Contract = "contract",
    LegalObligation = "legal_obligation",
    LegitimateInterest = "legitimate_interest",
    Unspecified = "unspecified",
]);

names!(ConsentScope, CONSENT_SCOPES, [None = "none", Browser = "browser", Account = "account", AccountOptOut = "account_opt_out"]);

names!(RetentionEvent, RETENTION_EVENTS, [
    Collection = "collection",
    TrialEnd = "trial_end",
    PaidPeriodEnd = "paid_period_end",
    InvoiceDate = "invoice_date",
    CertificateExpiry = "certificate_expiry",
    ContractEnd = "contract_end",
    AccountClosure = "account_closure",
    ConsentWithdrawal = "consent_withdrawal",
    RequestCompletion = "request_completion",
]);

names!(Vendor, VENDORS, [Google = "google", Meta = "meta", Microsoft = "microsoft", Other = "other"]);

names!(RequestKind, REQUEST_KINDS, [
    Access = "access",
    Export = "export",
    Rectification = "rectification",
    Erasure = "erasure",
    Restriction = "restriction",
    Objection = "objection",
]);

/// The JSON names of the retention rule kinds.
pub const RETENTION_KINDS: &[(&str, RetentionKind)] = &[
    ("fixed", RetentionKind::Fixed),
    ("after", RetentionKind::After),
    ("until", RetentionKind::Until),
    ("after_use", RetentionKind::AfterUse),
    ("indefinite", RetentionKind::Indefinite),
    ("unspecified", RetentionKind::Unspecified),
    ("by_plan", RetentionKind::ByPlan),
];

/// The kind of a [`RetentionRule`], without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionKind {
    /// `"fixed"`
    Fixed,
    /// `"after"`
    After,
    /// `"until"`
    Until,
    /// `"after_use"`
    AfterUse,
    /// `"indefinite"`
    Indefinite,
    /// `"unspecified"`
    Unspecified,
    /// `"by_plan"`
    ByPlan,
}

impl RetentionRule {
    /// The rule's kind.
    pub fn kind(&self) -> RetentionKind {
        match self {
            RetentionRule::Fixed { .. } => RetentionKind::Fixed,
            RetentionRule::After { .. } => RetentionKind::After,
            RetentionRule::Until { .. } => RetentionKind::Until,
            RetentionRule::AfterUse { .. } => RetentionKind::AfterUse,
            RetentionRule::Indefinite { .. } => RetentionKind::Indefinite,
            RetentionRule::Unspecified { .. } => RetentionKind::Unspecified,
            RetentionRule::ByPlan { .. } => RetentionKind::ByPlan,
        }
    }
}

impl RetentionKind {
    /// The kind's JSON name.
    pub fn name(self) -> &'static str {
        RETENTION_KINDS.iter().find(|(_, k)| *k == self).map_or("", |(n, _)| n)
    }
}
