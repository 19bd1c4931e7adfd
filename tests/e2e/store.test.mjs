// The "what we store" view for each seed company, in Dutch and English: every category, purpose
// and recipient label of the policy document appears, recipients outside the EU are marked in
// text, and axe-core reports no violation (C-C4, C-D6).
import { describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { axe, formatViolations, openPage, repoRoot, SITES, STRICT_CSP, test, useSuite } from "./lib/harness.mjs";

const UI = {
  nl: { title: "Wat we over u bewaren", outside: "Buiten de EU", unknown: "locatie niet vermeld", expand: "Alles uitklappen", rights: "Uw rechten" },
  en: { title: "What we store about you", outside: "Outside the EU", unknown: "location not stated", expand: "Expand all", rights: "Your rights" },
};

const norm = (s) => s.replace(/\s+/g, " ").trim();

/** A policy text in `lang` when the policy declares it, else in its default language. */
function textIn(policy, text, lang) {
  if (typeof text === "string") return text;
  const shown = policy.languages.includes(lang) ? lang : policy.languages[0];
  return text[shown] ?? Object.values(text)[0];
}

function loadPolicy(site) {
  return JSON.parse(readFileSync(join(repoRoot, "www", "policies", `${site}.json`), "utf8"));
}

/** Opens the privacy page of `site`, switches the element to `lang`, expands every purpose. */
async function openStore(browser, server, site, lang) {
  const opened = await openPage(browser, { csp: STRICT_CSP });
  const { page } = opened;
  await page.goto(`${server.url}/sites/${site}/privacy/`, { waitUntil: "load" });
  if (lang !== "nl") {
    await page.locator("privacy-widget .pw-store").waitFor();
    await page.evaluate((l) => document.querySelector("privacy-widget").setAttribute("lang", l), lang);
  }
  await page.locator("privacy-widget .pw-store h2", { hasText: UI[lang].title }).waitFor();
  // Keyboard only: focus the "expand all" button and press Enter.
  const expand = page.locator("privacy-widget .pw-expand");
  await expand.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => {
    const root = document.querySelector("privacy-widget").shadowRoot;
    return [...root.querySelectorAll(".pw-purpose")].every((d) => d.open);
  });
  return opened;
}

describe("what we store", () => {
  const suite = useSuite();

  for (const site of SITES) {
    for (const lang of ["nl", "en"]) {
      test(`${site} in ${lang}: every category, purpose and recipient label, outside-EU marks, axe`, async () => {
        const policy = loadPolicy(site);
        const { context, page, problems } = await openStore(suite.browser, suite.server, site, lang);
        try {
          const shown = norm(await page.evaluate(() => document.querySelector("privacy-widget").shadowRoot.querySelector(".pw-store").innerText));
          assert.ok(shown.includes(UI[lang].title), "UI title in the chosen language");
          assert.ok(shown.includes(UI[lang].rights), "rights heading in the chosen language");
          assert.ok(shown.includes(norm(policy.version)), "policy version shown");
          const missing = [];
          for (const c of policy.categories ?? []) {
            if (!shown.includes(norm(textIn(policy, c.label, lang)))) missing.push(`category ${c.id}`);
            for (const f of c.fields ?? []) {
              if (!shown.includes(norm(textIn(policy, f.label, lang)))) missing.push(`field ${c.id}.${f.id}`);
            }
          }
          for (const p of policy.purposes ?? []) {
            if (!shown.includes(norm(textIn(policy, p.label, lang)))) missing.push(`purpose ${p.id}`);
          }
          for (const r of policy.recipients ?? []) {
            if (!shown.includes(norm(textIn(policy, r.name, lang)))) missing.push(`recipient ${r.id}`);
          }
          assert.deepEqual(missing, [], `not shown: ${missing.join(", ")}`);

          // Outside-EU recipients carry the textual badge, recipients whose location the policy
          // does not state ("unknown") say so in text; EU recipients carry neither (C-C4).
          const marks = await page.evaluate(() => {
            const root = document.querySelector("privacy-widget").shadowRoot;
            return [...root.querySelectorAll(".pw-all-recipients .pw-recipient")].map((li) => ({
              id: li.dataset.recipient,
              badge: li.querySelector(".pw-outside-eu")?.textContent ?? null,
              unknown: li.querySelector(".pw-location-unknown")?.textContent ?? null,
            }));
          });
          for (const r of policy.recipients ?? []) {
            const mark = marks.find((m) => m.id === r.id);
            assert.ok(mark, `recipient ${r.id} listed`);
            assert.equal(mark.badge, r.outside_eu === true ? UI[lang].outside : null, `outside-EU mark of ${r.id}`);
            assert.equal(mark.unknown, r.outside_eu === "unknown" ? UI[lang].unknown : null, `location-unknown mark of ${r.id}`);
          }

          // Policy texts in another language than the UI carry their own lang attribute (WCAG 3.1.2).
          if (!policy.languages.includes(lang)) {
            const marked = await page.evaluate((l) => document.querySelector("privacy-widget").shadowRoot.querySelectorAll(`[lang="${l}"]`).length, policy.languages[0]);
            assert.ok(marked > 0, "policy texts are marked with their language");
          }

          const violations = await axe(page);
          assert.deepEqual(violations, [], formatViolations(violations));
          assert.deepEqual(problems, [], problems.join("\n"));
        } finally {
          await context.close();
        }
      });
    }
  }

  test("a policy that is not valid shows the neutral message and logs every error", async () => {
    // Expected: the widget names every error of the policy on the console (and only there).
    const expect = [
      { console: /^privacy-widget: the policy document at \/policies\/webhost\.json is not valid:/ },
      { console: /^(versie: unknown field "versie"|site: expected a string|(version|date|languages|controller|rights): required field is missing)/ },
    ];
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP, expect });
    const errors = [];
    page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
    await page.route("**/policies/webhost.json", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: '{"site": 1, "versie": "x"}' }));
    try {
      await page.goto(`${suite.server.url}/sites/webhost/privacy/`, { waitUntil: "load" });
      await page.locator("privacy-widget[view=store] .pw-unavailable").waitFor();
      const text = await page.locator("privacy-widget[view=store] .pw-unavailable").innerText();
      assert.match(text, /niet beschikbaar/);
      assert.ok(errors.some((e) => e.includes("versie")), `the unknown field is reported: ${errors.join("\n")}`);
      assert.ok(errors.some((e) => e.includes("site")), "the wrong type is reported");
      // The host page is untouched: its own heading and links are still there.
      assert.match(await page.locator("h1").innerText(), /^Privacy bij /);
      assert.ok(await page.locator("footer a").count() > 0);
    } finally {
      await context.close();
    }
  });
});
