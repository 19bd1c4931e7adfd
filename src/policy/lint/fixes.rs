//! What each finding asks for: its article and its one-line fix in Dutch and English.

use crate::policy::RequestKind;

/// The kinds of finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Fix {
    /// The text is not JSON at all (the parser's message).
    NotJson(String),
    Controller,
    ControllerName,
    ControllerContact,
    DpoContact,
    NoCategories,
    CategoryUnused,
    Source,
    Recipients,
    Location,
    Safeguard,
    NoPurposes,
    LegalBasis,
    LegitimateInterest,
    Withdrawal,
    Retention,
    Right(RequestKind),
    Complaint,
    Provision,
    Automated,
    AutomatedLogic,
    CookiePurpose,
    CookieThirdParty,
    CookieList,
    CookieLifetime,
}

impl Fix {
    /// The provision that asks for what is missing.
    pub(super) fn article(&self) -> &'static str {
        match self {
            Fix::NotJson(_) => "GDPR Art. 12(1)",
            Fix::Controller | Fix::ControllerName | Fix::ControllerContact => "GDPR Art. 13(1)(a)",
            Fix::DpoContact => "GDPR Art. 13(1)(b)",
            Fix::NoCategories => "GDPR Art. 14(1)(d)",
            Fix::CategoryUnused => "GDPR Art. 13(1)(c), 13(2)(a)",
            Fix::Source => "GDPR Art. 14(2)(f)",
            Fix::Recipients => "GDPR Art. 13(1)(e)",
            Fix::Location | Fix::Safeguard => "GDPR Art. 13(1)(f)",
            Fix::NoPurposes | Fix::LegalBasis => "GDPR Art. 13(1)(c)",
            Fix::LegitimateInterest => "GDPR Art. 13(1)(d)",
            Fix::Withdrawal => "GDPR Art. 13(2)(c), 7(3)",
            Fix::Retention => "GDPR Art. 13(2)(a)",
            Fix::Right(_) => "GDPR Art. 13(2)(b)",
            Fix::Complaint => "GDPR Art. 13(2)(d)",
            Fix::Provision => "GDPR Art. 13(2)(e)",
            Fix::Automated | Fix::AutomatedLogic => "GDPR Art. 13(2)(f)",
            Fix::CookiePurpose | Fix::CookieThirdParty | Fix::CookieList | Fix::CookieLifetime => "Telecommunicatiewet Art. 11.7a",
        }
    }

    /// The fix in Dutch.
    pub(super) fn nl(&self) -> String {
        let s = match self {
            Fix::NotJson(why) => return format!("Het bestand is geen geldige JSON ({why}); herstel de opmaak en controleer opnieuw."),
            Fix::Controller => "Zeg wie de verwerkingsverantwoordelijke is: bedrijfsnaam en hoe men u bereikt.",
            Fix::ControllerName => "Vul de naam van uw bedrijf in als verwerkingsverantwoordelijke.",
            Fix::ControllerContact => "Geef minstens één manier om u te bereiken: e-mailadres, telefoonnummer of postadres.",
            Fix::DpoContact => "U noemt een functionaris gegevensbescherming: geef ook zijn of haar e-mailadres, telefoon of adres.",
            Fix::NoCategories => "Noem welke soorten persoonsgegevens u verwerkt.",
            Fix::CategoryUnused => "Koppel deze gegevens aan een doel, zodat duidelijk is waarvoor en hoe lang u ze bewaart.",
            Fix::Source => "Zeg van wie u deze gegevens krijgt (de bron), want de persoon gaf ze u niet zelf.",
            Fix::Recipients => "Noem aan wie u gegevens verstrekt (of welke soorten ontvangers), of zeg dat u niets verstrekt (een lege lijst).",
            Fix::Location => "Zeg of deze ontvanger de gegevens binnen of buiten de EU verwerkt.",
            Fix::Safeguard => "Deze ontvanger zit buiten de EU: noem de waarborg (bijv. adequaatheidsbesluit of modelcontractbepalingen).",
            Fix::NoPurposes => "Noem waarvoor u de gegevens gebruikt, elk doel met zijn rechtsgrond.",
            Fix::LegalBasis => "Noem de rechtsgrond van dit doel: toestemming, overeenkomst, wettelijke plicht of gerechtvaardigd belang.",
            Fix::LegitimateInterest => "Beschrijf welk gerechtvaardigd belang u met dit doel dient.",
            Fix::Withdrawal => "Dit doel rust op toestemming: laat die vragen en intrekken in de banner of het klantpaneel (consent: browser of account).",
            Fix::Retention => "Zeg hoe lang u deze gegevens bewaart, of volgens welk criterium u dat bepaalt.",
            Fix::Right(kind) => {
                return format!("Noem het recht op {}; de wet geeft het, ook als u het niet noemt.", right_nl(*kind));
            }
            Fix::Complaint => "Noem dat men een klacht kan indienen bij de Autoriteit Persoonsgegevens.",
            Fix::Provision => "Zeg of mensen hun gegevens moeten verstrekken (wet of overeenkomst) en wat er gebeurt als ze dat niet doen.",
            Fix::Automated => "Zeg of u geautomatiseerde besluiten neemt of profileert (ook als dat niet zo is).",
            Fix::AutomatedLogic => "Leg uit hoe het geautomatiseerde besluit tot stand komt en wat de gevolgen zijn.",
            Fix::CookiePurpose => "Zeg voor welk doel deze dienst cookies plaatst.",
            Fix::CookieThirdParty => "Noem welke partij via deze cookies gegevens ontvangt of kan uitlezen.",
            Fix::CookieList => "Noem welke cookies of opslagsleutels deze dienst plaatst.",
            Fix::CookieLifetime => "Geef de levensduur van deze cookie als periode (bijv. \"13 months\"), of laat hem weg voor een sessiecookie.",
        };
        s.to_owned()
    }

    /// The fix in English.
    pub(super) fn en(&self) -> String {
        let s = match self {
            Fix::NotJson(why) => return format!("The file is not valid JSON ({why}); fix its syntax and check again."),
            Fix::Controller => "Say who the controller is: the company's name and how to reach it.",
            Fix::ControllerName => "Fill in your company's name as the controller.",
            Fix::ControllerContact => "Give at least one way to reach you: e-mail address, phone number or postal address.",
            Fix::DpoContact => "You name a data protection officer: give their e-mail address, phone or address too.",
            Fix::NoCategories => "Name the kinds of personal data you process.",
            Fix::CategoryUnused => "Link this data to a purpose, so that it is clear what it is for and how long you keep it.",
            Fix::Source => "Say whom you get this data from (the source), as the person did not give it to you.",
            Fix::Recipients => "Name whom you pass data to (or the kinds of recipients), or say that you pass none (an empty list).",
            Fix::Location => "Say whether this recipient processes the data inside or outside the EU.",
            Fix::Safeguard => "This recipient is outside the EU: name the safeguard (e.g. an adequacy decision or standard contractual clauses).",
            Fix::NoPurposes => "Name what you use the data for, each purpose with its legal basis.",
            Fix::LegalBasis => "Name this purpose's legal basis: consent, contract, legal obligation or legitimate interest.",
            Fix::LegitimateInterest => "Describe the legitimate interest this purpose serves.",
            Fix::Withdrawal => "This purpose rests on consent: have it asked and withdrawn in the banner or the control panel (consent: browser or account).",
            Fix::Retention => "Say how long you keep this data, or the criterion that decides it.",
            Fix::Right(kind) => {
                return format!("Mention the right to {}; the law gives it even if you do not mention it.", right_en(*kind));
            }
            Fix::Complaint => "Say that people may complain to the Autoriteit Persoonsgegevens (the supervisory authority).",
            Fix::Provision => "Say whether people must provide their data (by law or contract) and what happens if they do not.",
            Fix::Automated => "Say whether you take automated decisions or profile people (also when you do not).",
            Fix::AutomatedLogic => "Explain how the automated decision is made and what its consequences are.",
            Fix::CookiePurpose => "Say which purpose this service sets cookies for.",
            Fix::CookieThirdParty => "Name the party that receives or can read data through these cookies.",
            Fix::CookieList => "Name the cookies or storage keys this service sets.",
            Fix::CookieLifetime => "Give this cookie's lifetime as a period (e.g. \"13 months\"), or leave it out for a session cookie.",
        };
        s.to_owned()
    }
}

fn right_nl(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Access => "inzage (art. 15)",
        RequestKind::Export => "overdraagbaarheid van gegevens (art. 20)",
        RequestKind::Rectification => "rectificatie (art. 16)",
        RequestKind::Erasure => "verwijdering (art. 17)",
        RequestKind::Restriction => "beperking van de verwerking (art. 18)",
        RequestKind::Objection => "bezwaar (art. 21)",
    }
}

fn right_en(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Access => "access (Art. 15)",
        RequestKind::Export => "data portability (Art. 20)",
        RequestKind::Rectification => "rectification (Art. 16)",
        RequestKind::Erasure => "erasure (Art. 17)",
        RequestKind::Restriction => "restriction of processing (Art. 18)",
        RequestKind::Objection => "object (Art. 21)",
    }
}
