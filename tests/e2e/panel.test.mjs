// The control panel of each seed company (C-C1..C-C7, C-A11, C-D2, C-D5, C-D6): keyboard sign-in,
// every stored value shown with its retention, opt-ins that persist (UI, API and database),
// eligibility per plan, marketing mail sent unless turned off, the objection switch, every
// offered request kind from form to operator completion, error states, export and access
// answers; axe-core on every view and form. A customer who signs out while their data still load,
// with another signing in on the same panel, never sees the first one's answer in their tabs.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { axe, formatViolations, openPage, SITES, STRICT_CSP, test, unexpectedProblems, useSuite } from "./lib/harness.mjs";
import { SESSION_CHECK, W, announced, deferred, quiet, api, nl, openTab, operator, panelText, policyOf, press, seedOf, signIn, sql } from "./panel-helpers.mjs";

async function noViolations(page, what) {
  const v = await axe(page);
  assert.deepEqual(v, [], `${what}:\n${formatViolations(v)}`);
}


describe("control panel", () => {
  const suite = useSuite();

  for (const site of SITES) {
    const seed = seedOf(site);
    const customer = seed.customers[seed.customers.length - 1];

    test(`${site}: sign in, every stored value with its retention, axe on each tab`, async () => {
      // The one expected problem: the session check's 401 (GET /api/v1/me) before sign-in.
      const { context, page, problems } = await openPage(suite.browser, { csp: STRICT_CSP, expect: [SESSION_CHECK] });
      try {
        await page.goto(`${suite.server.url}/sites/${site}/panel/`);
        await page.locator(`${W} .pw-login select option`).first().waitFor({ state: "attached" });
        await noViolations(page, "sign-in form");
        await signIn(page, suite.server.url, site, customer.id);
        const shown = await panelText(page);
        const data = (await api(page, "/api/v1/me/data")).body;
        assert.ok(data.categories.length > 0, "the API lists categories");
        assert.ok(data.categories.some((c) => c.values.length > 0), "with values");
        assert.ok(customer.values.length > 0, "the seed has values");
        for (const category of data.categories) {
          for (const item of category.values) {
            assert.ok(shown.includes(item.value.replace(/\s+/g, " ")), `value ${category.id}.${item.field} shown`);
          }
        }
        for (const v of customer.values) assert.ok(shown.includes(v.value.replace(/\s+/g, " ")), `seeded ${v.category}.${v.field}`);
        // Each row says how long it is kept.
        const kept = await page.evaluate(() =>
          [...document.querySelector("privacy-widget").shadowRoot.querySelectorAll(".pw-data-category tbody tr")].map((tr) => tr.cells[1].textContent.trim()));
        assert.ok(kept.length > 0 && kept.every((k) => k.length > 0), "every value has a retention");
        await noViolations(page, "my data");
        await openTab(page, "optins");
        await noViolations(page, "opt-ins");
        await openTab(page, "requests");
        await noViolations(page, "requests");
        const left = unexpectedProblems(problems, [SESSION_CHECK]);
        assert.deepEqual(left, [], left.join("\n"));
      } finally {
        await context.close();
      }
    });

    const optins = policyOf(site).purposes.filter((p) => p.consent === "account" || p.consent === "account_opt_out");
    if (optins.length > 0) {
      test(`${site}: each opt-in toggles with the keyboard and persists (UI, API, database)`, async () => {
        const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP });
        try {
          await signIn(page, suite.server.url, site, customer.id);
          await openTab(page, "optins");
          const before = (await api(page, "/api/v1/me/preferences")).body.preferences;
          assert.ok(before.filter((x) => x.eligible).length > 0, "at least one eligible opt-in to toggle");
          for (const p of before.filter((x) => x.eligible)) {
            const sw = page.locator(`${W} input[role=switch][data-purpose="${p.purpose}"]`);
            await sw.focus();
            await quiet(page);
            await page.keyboard.press("Space");
            await announced(page, "Voorkeuren opgeslagen"); // C-D5
            const after = (await api(page, "/api/v1/me/preferences")).body.preferences.find((x) => x.purpose === p.purpose);
            assert.equal(after.granted, !p.granted, `${p.purpose} stored`);
            const rows = sql(suite.server.db, `SELECT granted, source, policy_version FROM preference_changes WHERE purpose = '${p.purpose}' ORDER BY id DESC LIMIT 1`);
            assert.equal(rows[0].granted, p.granted ? 0 : 1);
            assert.equal(rows[0].source, "control_panel");
          }
          await page.reload();
          await page.locator(`${W} .pw-tab`).first().waitFor();
          await openTab(page, "optins");
          for (const p of before.filter((x) => x.eligible)) {
            const checked = await page.locator(`${W} input[role=switch][data-purpose="${p.purpose}"]`).isChecked();
            assert.equal(checked, !p.granted, `${p.purpose} after reload`);
          }
        } finally {
          await context.close();
        }
      });
    }
  }

  test("webanizr free plan: no newsletter, shown disabled with the reason", async () => {
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP });
    try {
      await signIn(page, suite.server.url, "webanizr", "pieter-visser");
      await openTab(page, "optins");
      const sw = page.locator(`${W} input[role=switch][data-purpose=newsletter]`);
      assert.equal(await sw.isDisabled(), true);
      assert.equal(await sw.isChecked(), false);
      const described = await sw.getAttribute("aria-describedby");
      const reason = await page.evaluate((id) => document.querySelector("privacy-widget").shadowRoot.getElementById(id).textContent, described);
      assert.match(reason, /Niet beschikbaar met uw abonnement/);
      await noViolations(page, "opt-ins with an ineligible one");
    } finally {
      await context.close();
    }
  });

  // C-A11 (Telecommunicatiewet 11.7(3)): Host-Tracker's company news goes to customers unless they
  // turn it off: a switch that is on by default, a plain sentence saying so, and turning it off
  // with the keyboard is stored at once (C-D5, C-D6).
  test("host-tracker: company news is on until the customer turns it off, and says so", async () => {
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP });
    try {
      await signIn(page, suite.server.url, "host-tracker", "olga-petrenko");
      await openTab(page, "optins");
      const sw = page.locator(`${W} input[role=switch][data-purpose=company_news]`);
      assert.equal(await sw.isChecked(), true, "on by default");
      assert.equal(await sw.isDisabled(), false);
      const described = await sw.getAttribute("aria-describedby");
      const description = () => page.evaluate((id) => document.querySelector("privacy-widget").shadowRoot.getElementById(id).textContent, described);
      assert.match(await description(), /We sturen dit aan klanten, tenzij u het uitzet\. Uitzetten is gratis en werkt meteen\./);
      await noViolations(page, "opt-ins with an opt-out purpose");
      await sw.focus();
      await quiet(page);
      await page.keyboard.press("Space");
      await announced(page, "Voorkeuren opgeslagen");
      assert.equal(await page.locator(`${W} input[role=switch][data-purpose=company_news]`).isChecked(), false);
      const after = (await api(page, "/api/v1/me/preferences")).body.preferences.find((x) => x.purpose === "company_news");
      assert.equal(after.granted, false);
      assert.equal(after.consent, "account_opt_out");
      const rows = sql(suite.server.db, "SELECT p.granted, p.source FROM preference_changes p JOIN customers c ON c.id = p.customer_id WHERE c.handle = 'olga-petrenko' AND p.purpose = 'company_news'");
      assert.deepEqual(rows, [{ granted: 0, source: "control_panel" }], "one stored change, the turning off");
      await noViolations(page, "opt-out purpose turned off");
      // The same sentence in English.
      await page.evaluate(() => document.querySelector("privacy-widget").setAttribute("lang", "en"));
      await page.locator(`${W} .pw-tab`, { hasText: "Permissions" }).waitFor();
      await openTab(page, "optins");
      const en = page.locator(`${W} input[role=switch][data-purpose=company_news]`);
      await en.waitFor({ state: "attached" });
      const enText = await page.evaluate((id) => document.querySelector("privacy-widget").shadowRoot.getElementById(id).textContent, await en.getAttribute("aria-describedby"));
      assert.match(enText, /We send this to customers unless you turn it off\. Turning it off is free and takes effect at once\./);
      assert.equal(await en.isChecked(), false, "still off");
    } finally {
      await context.close();
    }
  });

  // C-A11: an objection to direct marketing switches every marketing opt-in off at once.
  test("pcextreme: the objection switches every marketing opt-in off", async () => {
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP });
    try {
      await signIn(page, suite.server.url, "pcextreme", "jan-de-vries");
      await openTab(page, "optins");
      await page.locator(`${W} .pw-object`).focus();
      await quiet(page);
      await page.keyboard.press("Enter");
      await announced(page, "Voorkeuren opgeslagen");
      const prefs = (await api(page, "/api/v1/me/preferences")).body.preferences;
      assert.ok(prefs.filter((x) => x.direct_marketing).length > 0, "pcextreme has direct-marketing opt-ins");
      for (const p of prefs.filter((x) => x.direct_marketing)) assert.equal(p.granted, false, p.purpose);
      for (const p of prefs.filter((x) => x.direct_marketing)) {
        assert.equal(await page.locator(`${W} input[role=switch][data-purpose="${p.purpose}"]`).isChecked(), false);
      }
    } finally {
      await context.close();
    }
  });

  test("pcextreme panel in English: UI texts in en, policy texts in en, axe", async () => {
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP });
    try {
      await signIn(page, suite.server.url, "pcextreme", "jan-de-vries");
      await page.evaluate(() => document.querySelector("privacy-widget").setAttribute("lang", "en"));
      await page.locator(`${W} .pw-tab`, { hasText: "My data" }).waitFor();
      await page.locator(`${W} .pw-data-category`).first().waitFor();
      const tabs = await page.locator(`${W} .pw-tab`).allInnerTexts();
      assert.deepEqual(tabs, ["My data", "Permissions", "Requests"]);
      await noViolations(page, "panel in English");
    } finally {
      await context.close();
    }
  });

  test("webhost: sign-out and another customer's sign-in while the first one's data load: that answer is dropped", async () => {
    const [first, second] = seedOf("webhost").customers;
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP });
    try {
      // The first customer's stored values are fetched with their session, then held until the
      // second customer's tabs show.
      let held = false;
      const asked = deferred();
      const release = deferred();
      await page.route(`${suite.server.url}/api/v1/me/data`, async (route) => {
        if (held) return route.continue();
        held = true;
        const response = await route.fetch();
        asked.resolve();
        await release.promise;
        await route.fulfill({ response });
      });
      await signIn(page, suite.server.url, "webhost", first.id, { waitForContent: false });
      await asked.promise;
      await press(page, `${W} .pw-panel-head .pw-btn`);
      await page.locator(`${W} .pw-login select option[value="${second.id}"]`).waitFor({ state: "attached" });
      await page.locator(`${W} .pw-login select`).selectOption(second.id);
      await press(page, `${W} .pw-login button[type=submit]`);
      await page.locator(`${W} .pw-tabpanel:not([hidden]):not([aria-busy]) .pw-data-category`).first().waitFor();
      assert.ok((await panelText(page)).includes(second.email));

      const finished = page.waitForEvent("requestfinished", (r) => r.url().endsWith("/api/v1/me/data"));
      release.resolve();
      await finished;
      // The answer has reached the page; a load that kept it would render it at once.
      await page.waitForTimeout(300);
      const shown = await panelText(page);
      assert.ok(shown.includes(second.email), shown);
      assert.ok(!shown.includes(first.email) && !shown.includes(first.name), `the first customer's data in the second's tab: ${shown}`);
      const heading = await page.locator(`${W} .pw-panel-head`).textContent();
      assert.ok(heading.includes(second.name), heading);
    } finally {
      await context.close();
    }
  });
});
