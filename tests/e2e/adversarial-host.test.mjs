// Host page abuse and the strict CSP for the panel views. (The loader included twice and the
// page's own PrivacyWidget global are in consent.test.mjs; strict CSP on marketing pages too.)
// Here: the page's own gtag recording calls, the loader added late, a second loader for another
// site, two <privacy-widget> elements on one page, and the panel and privacy views under the
// server's own CSP with zero securitypolicyviolation events.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { openPage, test, useSuite } from "./lib/harness.mjs";
import { pw } from "./consent-lib.mjs";
import { W, announced, quiet, signIn } from "./panel-helpers.mjs";
import { collectCspViolations } from "./lib/hostile.mjs";

const suite = useSuite();

/** Adds the loader by script after the page has loaded (as a tag manager would). */
function addLoader(page, site) {
  return page.evaluate((site) => {
    const s = document.createElement("script");
    s.src = "/widget/privacy-widget.js";
    s.dataset.site = site;
    document.head.append(s);
  }, site);
}

describe("host page abuse", () => {
  // C-B2: the page's own gtag is used, not replaced; the default comes before the update.
  test("the page's own gtag and PrivacyWidget; the loader added late; a second loader for another site", async () => {
    const { context, page } = await openPage(suite.browser);
    try {
      await context.addInitScript(() => {
        window.PrivacyWidget = { mine: true };
        window.__gtagCalls = [];
        window.gtag = function () { window.__gtagCalls.push(JSON.parse(JSON.stringify([...arguments]))); };
      });
      // A page without the loader tag: the panel page of manetti has none on the marketing side.
      await page.goto(`${suite.server.url}/sites/manetti/privacy/`);
      await page.waitForLoadState("load");
      await addLoader(page, "pcextreme");
      await pw(page, "banner").waitFor();
      await addLoader(page, "manetti");
      await page.waitForTimeout(500);
      assert.equal(await page.locator("#privacy-widget-consent").count(), 1, "one consent widget");
      assert.match(await pw(page, "banner").textContent(), /PCextreme/, "the first loader's site");
      await pw(page, "accept-all").click();
      const r = await page.evaluate(() => ({ mine: window.PrivacyWidget.mine, api: typeof window.__privacyWidget.consent, calls: window.__gtagCalls }));
      assert.equal(r.mine, true, "the page's PrivacyWidget is left alone");
      assert.equal(r.api, "function", "the widget's API is window.__privacyWidget");
      const consent = r.calls.filter((c) => c[0] === "consent").map((c) => c[1]);
      assert.deepEqual(consent, ["default", "update"], "the page's gtag got the default once, then the update");
      assert.equal(await page.evaluate(() => window.__privacyWidget.consent().method), "accept_all");
    } finally {
      await context.close();
    }
  });

  test("two <privacy-widget> elements on one page both work", async () => {
    const { context, page, problems } = await openPage(suite.browser);
    try {
      await page.goto(`${suite.server.url}/sites/pcextreme/privacy/`);
      await page.locator(`${W} .pw-store`).waitFor();
      await page.evaluate(() => {
        const second = document.createElement("privacy-widget");
        for (const [k, v] of Object.entries({ site: "manetti", view: "store", policy: "/policies/manetti.json", api: "/api/v1" })) second.setAttribute(k, v);
        second.id = "second";
        document.querySelector("main").append(second);
      });
      await page.locator("#second .pw-store").waitFor();
      const texts = await page.evaluate(() => [document.querySelector("privacy-widget"), document.querySelector("#second")].map((w) => w.shadowRoot.textContent));
      assert.match(texts[0], /PCextreme/);
      assert.match(texts[1], /Manetti/i);
      const ids = await page.evaluate(() => [...document.querySelectorAll("privacy-widget")].flatMap((w) => [...w.shadowRoot.querySelectorAll("[id]")].map((e) => e.id)));
      assert.equal(new Set(ids).size, ids.length, "ids unique across both widgets");
      await page.locator("#second .pw-expand").click();
      await page.waitForFunction(() => [...document.querySelector("#second").shadowRoot.querySelectorAll(".pw-purpose")].every((d) => d.open));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("strict CSP (the server's own header)", () => {
  // The panel and privacy views under `default-src 'self'; script-src 'self' 'wasm-unsafe-eval';
  // style-src 'self'; ...` as the server sends it: every flow works, zero violations.
  test("panel and privacy page: flows work, no securitypolicyviolation", async () => {
    const { context, page, problems } = await openPage(suite.browser);
    await context.addInitScript(collectCspViolations);
    try {
      const res = await page.goto(`${suite.server.url}/sites/pcextreme/privacy/`);
      assert.match(res.headers()["content-security-policy"] ?? "", /script-src 'self' 'wasm-unsafe-eval'/);
      await page.locator(`${W} .pw-expand`).click();
      await page.waitForFunction(() => [...document.querySelector("privacy-widget").shadowRoot.querySelectorAll(".pw-purpose")].every((d) => d.open));
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], "privacy page");
      await signIn(page, suite.server.url, "pcextreme", "fatima-el-amrani");
      await page.locator(`${W} .pw-tab[data-tab=optins]`).click();
      const sw = page.locator(`${W} input[role=switch]:not([disabled])`).first();
      await quiet(page);
      await sw.click();
      await announced(page, "Voorkeuren opgeslagen");
      await page.locator(`${W} .pw-tab[data-tab=requests]`).click();
      await page.locator(`${W} button[data-kind=access]`).click();
      await quiet(page);
      await page.locator(`${W} .pw-request-form button[type=submit]`).click();
      await announced(page, "Verzoek ontvangen");
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], "panel");
      assert.deepEqual(problems.filter((p) => /Content Security Policy|CSP/i.test(p)), []);
    } finally {
      await context.close();
    }
  });
});
