// Accessibility in every state of both embeddings (C-D1..C-D6): axe-core (WCAG 2.x A/AA and best
// practices) at 1280 px and 320 px, light and dark; reflow at 320 px (no horizontal scrolling
// inside the widget); status messages in the role=status live region; keyboard-only runs of the
// panel flows (sign in, an opt-in, an access request) starting from the top of the page.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { axe, formatViolations, openPage, STRICT_CSP, test, useSuite } from "./lib/harness.mjs";
import { pw } from "./consent-lib.mjs";
import { W, announced, quiet } from "./panel-helpers.mjs";

const MARKETING = "#privacy-widget-consent";

const suite = useSuite({ server: "test" });

/** axe on the widget (its host and open shadow root) finds nothing (C-D6). */
async function noViolations(page, host, what) {
  const v = await axe(page, { context: host });
  assert.deepEqual(v, [], `${what}:\n${formatViolations(v)}`);
}

/**
 * Reflow (C-D4, WCAG 1.4.10): the widget's root and every visible box in it scroll no wider
 * than they are, and what is on screen stays inside the viewport horizontally.
 */
async function reflows(page, host, what) {
  const bad = await page.evaluate((host) => {
    const h = document.querySelector(host);
    const root = h.shadowRoot;
    const out = [];
    const check = (el, name) => {
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${name}: scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`);
    };
    check(h, "host");
    const top = root.querySelector(".pw-root");
    check(top, ".pw-root");
    for (const el of root.querySelectorAll(".pw-root *")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.overflowX === "auto" || style.overflowX === "scroll") check(el, el.className || el.tagName);
      if (style.position === "fixed" && (r.left < -1 || r.right > innerWidth + 1)) out.push(`${el.className || el.tagName}: fixed box ${r.left}..${r.right} outside 0..${innerWidth}`);
    }
    return out;
  }, host);
  assert.deepEqual(bad, [], `${what}: reflow`);
}

/** Both checks, for one state. */
async function state(page, host, what, width) {
  await noViolations(page, host, what);
  if (width === 320) await reflows(page, host, what);
}

/** The text of the widget's live region (C-D5). */
const liveText = (page, host) => page.evaluate((h) => document.querySelector(h).shadowRoot.querySelector("[role=status]").textContent, host);

for (const width of [1280, 320]) {
  for (const scheme of ["light", "dark"]) {
    const label = `${width} px, ${scheme}`;
    const contextOptions = { viewport: { width, height: 800 } };

    describe(`accessibility at ${label}`, () => {
      // C-D1, C-D3, C-D4, C-D5, C-D6: banner, dialog, decision status, neutral error message.
      test("marketing page: banner, dialog, saved, unavailable", async () => {
        // Expected: the invalid notice served at the end is reported to the console.
        const expect = [{ console: /^privacy-widget: the consent notice could not be loaded; nothing is enabled/ }, { console: /^notice notice: missing/ }];
        const { context, page } = await openPage(suite.browser, { contextOptions, expect });
        try {
          await page.emulateMedia({ colorScheme: scheme });
          await page.goto(`${suite.server.url}/sites/pcextreme/`);
          await pw(page, "banner").waitFor();
          await state(page, MARKETING, "banner", width);
          await pw(page, "settings").click();
          await pw(page, "dialog").waitFor();
          await state(page, MARKETING, "dialog", width);
          await pw(page, "save").click();
          await pw(page, "dialog").waitFor({ state: "detached" });
          await page.waitForFunction((h) => document.querySelector(h).shadowRoot.querySelector("[role=status]").textContent.length > 0, MARKETING);
          assert.equal(await liveText(page, MARKETING), "Voorkeuren opgeslagen", "C-D5: announced in the live region");
          await state(page, MARKETING, "after a decision (floating button)", width);
          await page.route("**/sites/pcextreme/notice*", (r) => r.fulfill({ status: 200, contentType: "application/json", body: "{}" }));
          await page.reload();
          await page.locator(`${MARKETING} .pw-unavailable`).waitFor();
          await state(page, MARKETING, "notice unavailable", width);
        } finally {
          await context.close();
        }
      });

      // C-C4, C-D4, C-D6: the "what we store" view, every purpose expanded.
      test("privacy page: the store view expanded", async () => {
        const { context, page } = await openPage(suite.browser, { contextOptions, csp: STRICT_CSP });
        try {
          await page.emulateMedia({ colorScheme: scheme });
          await page.goto(`${suite.server.url}/sites/pcextreme/privacy/`);
          await page.locator(`${W} .pw-expand`).click();
          await page.waitForFunction(() => [...document.querySelector("privacy-widget").shadowRoot.querySelectorAll(".pw-purpose")].every((d) => d.open));
          await state(page, W, "store view expanded", width);
        } finally {
          await context.close();
        }
      });

      // C-D4, C-D5, C-D6: sign-in (and its error), my data, opt-ins (saved and failed), requests,
      // each request form (empty and with errors), received and queued messages.
      test("control panel: every tab, form, error and success message", async () => {
        // Expected: the faults this test injects to show their messages.
        const expect = [
          { method: "POST", path: "/api/v1/demo/login", status: 500 },
          { method: "PUT", path: "/api/v1/me/preferences", status: 500 },
          { method: "POST", path: "/api/v1/requests", failed: true },
        ];
        const { context, page } = await openPage(suite.browser, { contextOptions, csp: STRICT_CSP, expect });
        try {
          await page.emulateMedia({ colorScheme: scheme });
          await page.goto(`${suite.server.url}/sites/pcextreme/panel/`);
          await page.locator(`${W} .pw-login select option`).first().waitFor({ state: "attached" });
          await state(page, W, "sign-in form", width);
          await page.route("**/api/v1/demo/login", (r) => r.fulfill({ status: 500, body: "" }));
          await page.locator(`${W} .pw-login select`).selectOption("jan-de-vries");
          await page.locator(`${W} .pw-login button[type=submit]`).click();
          await page.locator(`${W} .pw-login .pw-error:not([hidden])`).waitFor();
          assert.match(await page.locator(`${W} .pw-login .pw-error`).textContent(), /server/);
          await state(page, W, "sign-in error", width);
          await page.unroute("**/api/v1/demo/login");
          await quiet(page);
          await page.locator(`${W} .pw-login button[type=submit]`).click();
          await announced(page, "U bent ingelogd"); // C-D5
          await page.locator(`${W} .pw-tabpanel:not([hidden]) table`).first().waitFor();
          await state(page, W, "my data", width);

          await page.locator(`${W} .pw-tab[data-tab=optins]`).click();
          const first = page.locator(`${W} input[role=switch]:not([disabled])`).first();
          await first.waitFor();
          await quiet(page);
          await first.click();
          await announced(page, "Voorkeuren opgeslagen"); // C-D5
          await state(page, W, "opt-ins saved", width);
          await page.route("**/api/v1/me/preferences", (r) => (r.request().method() === "PUT" ? r.fulfill({ status: 500, body: "" }) : r.continue()));
          await quiet(page);
          await first.click();
          await announced(page, "Er ging iets mis op de server");
          await state(page, W, "opt-ins save failed", width);
          await page.unroute("**/api/v1/me/preferences");

          await page.locator(`${W} .pw-tab[data-tab=requests]`).click();
          await page.locator(`${W} button[data-kind]`).first().waitFor();
          await state(page, W, "requests", width);
          for (const kind of ["rectification", "erasure"]) {
            await page.locator(`${W} button[data-kind=${kind}]`).click();
            await page.locator(`${W} .pw-request-form form[data-kind=${kind}]`).waitFor();
            await state(page, W, `${kind} form`, width);
            await page.locator(`${W} .pw-request-form button[type=submit]`).click();
            await page.locator(`${W} .pw-request-form [aria-invalid=true]`).first().waitFor();
            await state(page, W, `${kind} form with errors`, width);
          }
          // Queued: the backend cannot be reached (the message says the request is kept).
          await page.locator(`${W} button[data-kind=access]`).click();
          await page.locator(`${W} .pw-request-form form[data-kind=access]`).waitFor();
          await state(page, W, "access form", width);
          await page.route("**/api/v1/requests", (r) => (r.request().method() === "POST" ? r.abort("connectionrefused") : r.continue()));
          await quiet(page);
          await page.locator(`${W} .pw-request-form button[type=submit]`).click();
          await announced(page, "Uw verzoek is bewaard");
          await state(page, W, "request queued", width);
          await page.unroute("**/api/v1/requests");
          // (Delivery of queued requests is adversarial-faults' business.)
          await page.evaluate(() => localStorage.removeItem("pw_outbox"));
          // Received: filed from the form with the backend up.
          await page.reload();
          await page.locator(`${W} .pw-tab[data-tab=requests]`).click();
          await page.locator(`${W} button[data-kind=rectification]`).click();
          await page.locator(`${W} .pw-request-form select`).selectOption({ index: 1 });
          await page.locator(`${W} .pw-request-form input[name=value]`).fill("Nieuwe waarde");
          await quiet(page);
          await page.locator(`${W} .pw-request-form button[type=submit]`).click();
          await announced(page, "Verzoek ontvangen"); // C-D5
          await page.locator(`${W} .pw-request`).first().waitFor();
          await state(page, W, "request received, request list", width);
        } finally {
          await context.close();
        }
      });
    });
  }
}

/** Presses Tab until the focused element (through shadow roots) matches `pred`. */
async function tabUntil(page, pred, what, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const hit = await page.evaluate((src) => {
      let el = document.activeElement;
      while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
      // eslint-disable-next-line no-new-func
      return new Function("el", `return ${src}`)(el);
    }, pred);
    if (hit) return;
  }
  throw new Error(`Tab never reached ${what}`);
}

describe("keyboard only", () => {
  // C-D2, C-D5, C-A11, C-C1: from the top of the panel page with Tab, arrows, Space and Enter.
  test("panel: sign in, switch an opt-in, file an access request", async () => {
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP });
    try {
      await page.goto(`${suite.server.url}/sites/pcextreme/panel/`);
      await page.locator(`${W} .pw-login select option`).first().waitFor({ state: "attached" });
      // The demo page's own "host panel" picker (light DOM) comes first: the widget's login select is the one in its shadow root.
      await tabUntil(page, "el && el.tagName === 'SELECT' && el.getRootNode() !== document", "the customer select");
      await page.keyboard.press("ArrowDown"); // the second demo customer
      const chosen = await page.evaluate(() => document.querySelector("privacy-widget").shadowRoot.querySelector(".pw-login select").value);
      assert.equal(chosen, "jan-de-vries");
      await page.keyboard.press("Tab");
      await quiet(page);
      await page.keyboard.press("Enter");
      await announced(page, "U bent ingelogd");
      // Focus lands on the selected tab; the arrow keys move between tabs.
      await page.locator(`${W} .pw-tab[aria-selected=true]:focus`).waitFor();
      await page.keyboard.press("ArrowRight");
      await page.locator(`${W} .pw-tab[data-tab=optins][aria-selected=true]:focus`).waitFor();
      await tabUntil(page, "el && el.getAttribute('role') === 'switch'", "an opt-in switch");
      const purpose = await page.evaluate(() => {
        let el = document.activeElement.shadowRoot.activeElement;
        return { id: el.dataset.purpose, checked: el.checked };
      });
      await quiet(page);
      await page.keyboard.press("Space");
      await announced(page, "Voorkeuren opgeslagen");
      const now = await page.locator(`${W} input[role=switch][data-purpose="${purpose.id}"]`).isChecked();
      assert.equal(now, !purpose.checked);
      assert.equal(await page.locator(`${W} input[role=switch][data-purpose="${purpose.id}"]:focus`).count(), 1, "focus stays on the switch");
      // To the requests tab: Shift+Tab back to the tab list, then the arrow key.
      await page.locator(`${W} .pw-tab[aria-selected=true]`).evaluate((t) => t.dataset.tab); // (read only)
      for (let i = 0; i < 10 && (await page.locator(`${W} .pw-tab:focus`).count()) === 0; i++) await page.keyboard.press("Shift+Tab");
      await page.keyboard.press("ArrowRight");
      await page.locator(`${W} .pw-tab[data-tab=requests][aria-selected=true]:focus`).waitFor();
      await tabUntil(page, "el && el.dataset.kind === 'access'", "the access request button");
      await page.keyboard.press("Enter");
      await page.locator(`${W} .pw-request-form form[data-kind=access]`).waitFor();
      await tabUntil(page, "el && el.type === 'submit'", "the submit button");
      await quiet(page);
      await page.keyboard.press("Enter");
      await announced(page, "Verzoek ontvangen");
      const card = page.locator(`${W} .pw-request[data-request]`).first();
      await card.waitFor();
      assert.match(await card.innerText(), /Inzage/);
    } finally {
      await context.close();
    }
  });
});
