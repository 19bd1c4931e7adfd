// vanilla-cookieconsent 3 on the bench page: the same three purposes, services, cookies and Dutch
// texts as bench/pages/policy.json gives privacy-widget. A bottom bar with three equal buttons.
CookieConsent.run({
  // The benchmark browser is automated (navigator.webdriver); by default the tool hides from it.
  hideFromBots: false,
  guiOptions: {
    consentModal: { layout: "bar inline", position: "bottom", equalWeightButtons: true, flipButtons: false },
    preferencesModal: { layout: "box", equalWeightButtons: true, flipButtons: false },
  },
  categories: {
    necessary: { enabled: true, readOnly: true },
    analytics: { autoClear: { cookies: [{ name: /^_ga/ }, { name: "_gid" }] } },
    advertising: { autoClear: { cookies: [{ name: /^_gcl_/ }] } },
    remarketing: { autoClear: { cookies: [{ name: /^_uet/ }, { name: "_fbp" }, { name: "_fbc" }] } },
  },
  language: {
    default: "nl",
    translations: {
      nl: {
        consentModal: {
          title: "Jouw privacykeuze",
          description:
            "Voorbeeld Hosting wil met jouw toestemming cookies en vergelijkbare technieken gebruiken voor: Websitestatistieken (Google Analytics), Meten van onze advertenties, Gepersonaliseerde advertenties (remarketing). Zonder toestemming staat dit allemaal uit en werkt de website gewoon. Je kunt je keuze altijd wijzigen of intrekken via Privacy-instellingen.",
          acceptAllBtn: "Alles accepteren",
          acceptNecessaryBtn: "Alles weigeren",
          showPreferencesBtn: "Instellingen",
          closeIconLabel: "Sluiten zonder keuze (geen toestemming)",
        },
        preferencesModal: {
          title: "Privacy-instellingen",
          acceptAllBtn: "Alles accepteren",
          acceptNecessaryBtn: "Alles weigeren",
          savePreferencesBtn: "Keuze opslaan",
          closeIconLabel: "Sluiten",
          sections: [
            {
              description:
                "Kies per doel of je toestemming geeft. Alles staat standaard uit. Je kunt je toestemming op elk moment intrekken, net zo makkelijk als je hem geeft.",
            },
            {
              title: "Strikt noodzakelijk",
              description: "Nodig om de website te laten werken en je privacykeuze te onthouden. Hiervoor is geen toestemming nodig.",
              linkedCategory: "necessary",
            },
            {
              title: "Websitestatistieken (Google Analytics)",
              description:
                "Op al onze websites gebruiken we Google Analytics om verschillende zaken bij te houden, zoals de duur van een bezoek, de fysieke locatie van een bezoeker en welke pagina('s) er worden bezocht. Het vertelt ons wat er allemaal op onze website gebeurt. Ontvanger: Google (Google Analytics), buiten de EU.",
              linkedCategory: "analytics",
              cookieTable: {
                headers: { name: "Cookie", service: "Dienst", expiration: "Bewaartermijn" },
                body: [
                  { name: "_ga", service: "Google Analytics", expiration: "2 jaar" },
                  { name: "_ga_*", service: "Google Analytics", expiration: "2 jaar" },
                  { name: "_gid", service: "Google Analytics", expiration: "24 uur" },
                ],
              },
            },
            {
              title: "Meten van onze advertenties",
              description:
                "Google Adwords Conversion Tracking helpt ons om de prestaties van onze advertenties te meten wanneer iemand een zoekopdracht invoert op Google en op een van onze advertenties klikt. Hierdoor kunnen we het succes van onze advertentie-inspanningen bepalen. Ontvanger: Google (Google Ads), buiten de EU.",
              linkedCategory: "advertising",
              cookieTable: {
                headers: { name: "Cookie", service: "Dienst", expiration: "Bewaartermijn" },
                body: [
                  { name: "_gcl_au", service: "Google Adwords Conversion Tracking", expiration: "90 dagen" },
                  { name: "_gcl_aw", service: "Google Adwords Conversion Tracking", expiration: "90 dagen" },
                ],
              },
            },
            {
              title: "Gepersonaliseerde advertenties (remarketing)",
              description:
                "Om je gepersonaliseerde advertenties te tonen op websites die deel uitmaken van het Google Adwords-netwerk, op het advertentienetwerk van Bing en Yahoo en op Facebook zelf. De Bing Ads- en Facebook-pixels meten ook de prestaties en effectiviteit van onze advertenties, en met de Facebook-pixel bereiken we nieuwe potentiële klanten. Ontvangers: Google (Google Ads), Microsoft (Bing Ads), Facebook, buiten de EU.",
              linkedCategory: "remarketing",
              cookieTable: {
                headers: { name: "Cookie", service: "Dienst", expiration: "Bewaartermijn" },
                body: [
                  { name: "_uetsid", service: "Bing Ads", expiration: "24 uur" },
                  { name: "_uetvid", service: "Bing Ads", expiration: "13 maanden" },
                  { name: "_uetmsclkid", service: "Bing Ads", expiration: "90 dagen" },
                  { name: "_fbp", service: "Facebook Advertising", expiration: "90 dagen" },
                  { name: "_fbc", service: "Facebook Advertising", expiration: "90 dagen" },
                ],
              },
            },
          ],
        },
      },
    },
  },
});
