// klaro on the bench page: the same three purposes, services, cookies and Dutch texts as
// bench/pages/policy.json gives privacy-widget. A non-modal notice at the bottom, full width.
var klaroConfig = {
  version: 1,
  elementID: "klaro",
  styling: { theme: ["light", "bottom", "wide"] },
  lang: "nl",
  htmlTexts: false,
  showNoticeTitle: true,
  groupByPurpose: true,
  storageMethod: "cookie",
  cookieName: "klaro",
  cookieExpiresAfterDays: 365,
  default: false,
  mustConsent: false,
  acceptAll: true,
  hideDeclineAll: false,
  hideLearnMore: false,
  noticeAsModal: false,
  translations: {
    nl: {
      privacyPolicyUrl: "#privacy",
      consentNotice: {
        title: "Jouw privacykeuze",
        description:
          "Voorbeeld Hosting wil met jouw toestemming cookies en vergelijkbare technieken gebruiken voor: Websitestatistieken (Google Analytics), Meten van onze advertenties, Gepersonaliseerde advertenties (remarketing). Zonder toestemming staat dit allemaal uit en werkt de website gewoon. Je kunt je keuze altijd wijzigen of intrekken via Privacy-instellingen.",
        learnMore: "Instellingen",
      },
      consentModal: {
        title: "Privacy-instellingen",
        description:
          "Kies per doel of je toestemming geeft. Alles staat standaard uit. Je kunt je toestemming op elk moment intrekken, net zo makkelijk als je hem geeft.",
      },
      ok: "Alles accepteren",
      acceptAll: "Alles accepteren",
      decline: "Alles weigeren",
      acceptSelected: "Keuze opslaan",
      purposes: {
        analytics: {
          title: "Websitestatistieken (Google Analytics)",
          description:
            "Op al onze websites gebruiken we Google Analytics om verschillende zaken bij te houden, zoals de duur van een bezoek, de fysieke locatie van een bezoeker en welke pagina('s) er worden bezocht. Het vertelt ons wat er allemaal op onze website gebeurt.",
        },
        advertising: {
          title: "Meten van onze advertenties",
          description:
            "Google Adwords Conversion Tracking helpt ons om de prestaties van onze advertenties te meten wanneer iemand een zoekopdracht invoert op Google en op een van onze advertenties klikt. Hierdoor kunnen we het succes van onze advertentie-inspanningen bepalen.",
        },
        remarketing: {
          title: "Gepersonaliseerde advertenties (remarketing)",
          description:
            "Om je gepersonaliseerde advertenties te tonen op websites die deel uitmaken van het Google Adwords-netwerk, op het advertentienetwerk van Bing en Yahoo en op Facebook zelf. De Bing Ads- en Facebook-pixels meten ook de prestaties en effectiviteit van onze advertenties, en met de Facebook-pixel bereiken we nieuwe potentiële klanten.",
        },
      },
      "google-analytics": { title: "Google Analytics", description: "Ontvanger: Google (Google Analytics), buiten de EU. Cookies: _ga en _ga_* (2 jaar), _gid (24 uur)." },
      "google-ads": { title: "Google Adwords Conversion Tracking", description: "Ontvanger: Google (Google Ads), buiten de EU. Cookies: _gcl_au en _gcl_aw (90 dagen)." },
      "google-remarketing": { title: "Google Remarketing", description: "Ontvanger: Google (Google Ads), buiten de EU." },
      "bing-ads": { title: "Bing Ads", description: "Ontvanger: Microsoft (Bing Ads), buiten de EU. Cookies: _uetsid (24 uur), _uetvid (13 maanden), _uetmsclkid (90 dagen)." },
      "facebook-pixel": { title: "Facebook Advertising", description: "Ontvanger: Facebook, buiten de EU. Cookies: _fbp en _fbc (90 dagen)." },
    },
  },
  services: [
    { name: "google-analytics", purposes: ["analytics"], cookies: [/^_ga/, "_gid"] },
    { name: "google-ads", purposes: ["advertising"], cookies: [/^_gcl_/] },
    { name: "google-remarketing", purposes: ["remarketing"], cookies: [] },
    { name: "bing-ads", purposes: ["remarketing"], cookies: [/^_uet/] },
    { name: "facebook-pixel", purposes: ["remarketing"], cookies: ["_fbp", "_fbc"] },
  ],
};
