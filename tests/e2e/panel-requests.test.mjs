// Data-subject requests in the control panel of each seed company (C-C1, C-C2, C-C4..C-C7,
// C-D5, C-D6): every kind the policy offers is filed through its own form (errors identified and
// labelled first), followed through the operator command to completion, and its answer checked;
// a pending request can be withdrawn.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { axe, formatViolations, openPage, SITES, STRICT_CSP, test, useSuite } from "./lib/harness.mjs";
import { W, announced, api, openTab, operator, panelText, policyOf, quiet, seedOf, signIn, sql } from "./panel-helpers.mjs";

const ORDER = ["access", "export", "rectification", "restriction", "objection", "erasure"];
const NEEDS_INPUT = new Set(["rectification", "erasure", "restriction", "objection"]);

async function noViolations(page, what) {
  const v = await axe(page);
  assert.deepEqual(v, [], `${what}:\n${formatViolations(v)}`);
}

async function press(page, selector, key = "Enter") {
  await page.locator(selector).first().focus();
  await page.keyboard.press(key);
}

/** Checks that the first invalid control is marked and described by a visible error (C-D5). */
async function errorShown(page, kind) {
  const info = await page.evaluate(() => {
    const root = document.querySelector("privacy-widget").shadowRoot;
    const bad = root.querySelector(".pw-request-form [aria-invalid=true]");
    if (!bad) return null;
    const ids = (bad.getAttribute("aria-describedby") || bad.closest("fieldset")?.getAttribute("aria-describedby") || "").split(" ");
    const messages = ids.map((id) => root.getElementById(id)).filter((e) => e && !e.hidden).map((e) => e.textContent);
    return { focused: root.activeElement === bad, messages };
  });
  assert.ok(info, `${kind}: an invalid control is marked`);
  assert.ok(info.messages.some((m) => m.trim().length > 0), `${kind}: the error is described`);
  assert.ok(info.focused, `${kind}: focus moves to the first error`);
}

async function fill(page, kind) {
  const form = `${W} .pw-request-form form`;
  if (kind === "rectification") {
    const select = page.locator(`${form} select`);
    const value = await page.locator(`${form} select option`).nth(1).getAttribute("value");
    await select.selectOption(value);
    await page.locator(`${form} input[name=value]`).fill("Nieuwe waarde 123");
  } else if (kind === "erasure") {
    await press(page, `${form} input[name=confirm]`, "Space");
  } else if (kind === "restriction" || kind === "objection") {
    await press(page, `${form} fieldset input[type=checkbox]`, "Space");
  }
}

async function latest(page) {
  return (await api(page, "/api/v1/requests")).body.requests[0];
}

describe("control panel requests", () => {
  const suite = useSuite();

  for (const site of SITES) {
    const policy = policyOf(site);
    // Every kind the law grants (C-C1), whatever the statement mentions: all six for each seed
    // (each leaves some purpose's legal basis unstated); rights-kinds.test.mjs checks the rule.
    const kinds = ORDER;
    const customer = seedOf(site).customers[0].id;

    test(`${site}: ${kinds.join(", ")} from form to completion`, async () => {
      const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP });
      try {
        await signIn(page, suite.server.url, site, customer);
        const dataShown = await panelText(page);
        for (const kind of kinds) {
          await openTab(page, "requests");
          await press(page, `${W} button[data-kind=${kind}]`);
          await page.locator(`${W} .pw-request-form form[data-kind=${kind}]`).waitFor();
          if (NEEDS_INPUT.has(kind)) {
            await press(page, `${W} .pw-request-form button[type=submit]`);
            await errorShown(page, kind);
            await noViolations(page, `${kind} form with errors`);
          } else {
            await noViolations(page, `${kind} form`);
          }
          if (kind === "erasure") {
            const text = await panelText(page);
            if (site === "pcextreme") {
              // C-C6: invoices stay under the legal hold, and the visitor is told before confirming.
              assert.match(text, /Dit blijft bewaard/);
              assert.match(text, /belastingwet/i);
            }
          }
          await fill(page, kind);
          await quiet(page);
          await press(page, `${W} .pw-request-form button[type=submit]`);
          await announced(page, "Verzoek ontvangen").catch(async (e) => {
            const why = await page.locator(`${W} .pw-form-error`).innerText().catch(() => "");
            throw new Error(`${kind} not received: ${why} (${e.message})`);
          });
          const filed = await latest(page);
          assert.equal(filed.kind, kind);
          assert.equal(filed.status, "verified");
          const card = `${W} .pw-request[data-request="${filed.id}"]`;
          await page.locator(card).waitFor();
          const cardText = (await page.locator(card).innerText()).replace(/\s+/g, " ");
          assert.match(cardText, /Uiterlijk beantwoord/); // C-C2: the due date is shown
          assert.ok(filed.due_on, "due date");
          if (kind === "rectification") {
            // What was asked is on the card, as text: the field and the new value (C-C7).
            const asked = (await page.locator(`${card} .pw-asked`).innerText()).replace(/\s+/g, " ");
            assert.match(asked, /Gegeven .+ – .+/, `field named: ${asked}`);
            assert.match(asked, /Nieuwe waarde Nieuwe waarde 123/, asked);
          }

          operator(suite.server.db, "start", filed.id);
          operator(suite.server.db, "complete", filed.id);
          await page.reload();
          if (kind === "erasure") {
            // Erasure ends the service: the session is gone; the customer signs in again (demo).
            await page.locator(`${W} .pw-login`).waitFor();
            const left = sql(suite.server.db, `SELECT v.restricted FROM customer_values v JOIN customers c ON c.id = v.customer_id WHERE c.site = '${site}' AND c.handle = '${customer}'`);
            assert.ok(left.every((r) => r.restricted === 1), "only values under a legal hold remain, restricted");
            if (site === "pcextreme") assert.ok(left.length > 0, "invoices kept under the legal hold");
            await signIn(page, suite.server.url, site, customer);
          }
          await page.locator(`${W} .pw-tab`).first().waitFor();
          await openTab(page, "requests");
          await page.locator(`${card}[data-status=completed]`).waitFor();
          const timeline = (await page.locator(`${card} .pw-timeline`).innerText()).replace(/\s+/g, " ");
          assert.match(timeline, /In behandeling/);
          assert.match(timeline, /Afgehandeld/);

          if (kind === "export" || kind === "access") {
            const [download] = await Promise.all([page.waitForEvent("download"), press(page, `${card} .pw-download`)]);
            const pkg = JSON.parse(readFileSync(await download.path(), "utf8"));
            const values = pkg.categories.flatMap((c) => c.values.map((v) => v.value));
            const data = (await api(page, "/api/v1/me/data")).body;
            for (const c of data.categories) {
              for (const v of c.values) {
                assert.ok(values.includes(v.value), `${kind} package holds ${c.id}.${v.field}`); // C-C5
                assert.ok(dataShown.includes(v.value.replace(/\s+/g, " ")), `shown ${c.id}.${v.field}`);
              }
            }
          }
          if (kind === "access") {
            // C-C4: the answer on screen too.
            await press(page, `${card} .pw-show-answer`);
            await page.locator(`${card} .pw-package`).waitFor();
            const answer = (await page.locator(`${card} .pw-package`).innerText()).replace(/\s+/g, " ");
            const data = (await api(page, "/api/v1/me/data")).body;
            for (const c of data.categories) for (const v of c.values) assert.ok(answer.includes(v.value.replace(/\s+/g, " ")));
            await noViolations(page, "access answer");
          }
          if (kind === "erasure" && site === "pcextreme") {
            await openTab(page, "data");
            const text = await panelText(page);
            assert.match(text, /beperkt: na uw verwijderverzoek alleen nog bewaard vanwege een wettelijke plicht/, "invoices kept under the legal hold (C-C6)");
            assert.doesNotMatch(text, /op uw verzoek/, "not a restriction request");
          }
        }
      } finally {
        await context.close();
      }
    });
  }

  test("a field the server refuses is marked on its control in the customer's words (C-D5)", async () => {
    const { context, page, problems } = await openPage(suite.browser, { csp: STRICT_CSP, expect: [{ method: "POST", path: "/api/v1/requests", status: 422 }] });
    const warnings = [];
    page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
    try {
      await signIn(page, suite.server.url, "pcextreme", "fatima-el-amrani");
      await openTab(page, "requests");
      await press(page, `${W} button[data-kind=rectification]`);
      const form = `${W} .pw-request-form form`;
      await page.locator(form).waitFor();
      const value = await page.locator(`${form} select option`).nth(1).getAttribute("value");
      await page.locator(`${form} select`).selectOption(value);
      // The page does not count characters; the server refuses more than 1000 (details.value).
      await page.locator(`${form} input[name=value]`).fill("x".repeat(1001));
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/api/v1/requests") && r.request().method() === "POST"),
        press(page, `${form} button[type=submit]`),
      ]);
      assert.equal(response.status(), 422);
      assert.deepEqual((await response.json()).errors.map((e) => e.field), ["details.value"]);
      await page.waitForFunction(() => document.querySelector("privacy-widget").shadowRoot.querySelector(".pw-request-form input[name=value][aria-invalid=true]"));
      const info = await page.evaluate(() => {
        const root = document.querySelector("privacy-widget").shadowRoot;
        const input = root.querySelector(".pw-request-form input[name=value]");
        const described = (input.getAttribute("aria-describedby") || "").split(" ").map((id) => root.getElementById(id)).filter((e) => e && !e.hidden);
        return {
          focused: root.activeElement === input,
          message: described.map((e) => e.textContent).join(" "),
          summary: root.querySelector(".pw-request-form .pw-form-error").textContent,
        };
      });
      assert.equal(info.message, "Dit is te lang: gebruik hooguit 1000 tekens.");
      assert.ok(info.focused, "focus on the field at fault");
      assert.match(info.summary, /Verbeter de gemarkeerde velden/);
      const shown = await panelText(page);
      assert.doesNotMatch(shown, /longer than|details\.value/, "no English server detail in the page");
      assert.ok(warnings.some((w) => w.includes("details.value")), `the detail is in the console: ${warnings}`);
      await noViolations(page, "rectification refused by the server");
      assert.equal((await api(page, "/api/v1/requests")).body.requests.length, 0, "nothing stored");
      // Corrected, the same form goes through and the mark is gone.
      await page.locator(`${form} input[name=value]`).fill("Korte waarde");
      await quiet(page);
      await press(page, `${form} button[type=submit]`);
      await announced(page, "Verzoek ontvangen");
      assert.deepEqual(problems.filter((p) => !/\b422\b/.test(p)), [], "only the expected refusal");
    } finally {
      await context.close();
    }
  });

  test("a pending request can be withdrawn", async () => {
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP });
    try {
      await signIn(page, suite.server.url, "pcextreme", "fatima-el-amrani");
      await openTab(page, "requests");
      await press(page, `${W} button[data-kind=access]`);
      await quiet(page);
      await press(page, `${W} .pw-request-form button[type=submit]`);
      await announced(page, "Verzoek ontvangen");
      const filed = await latest(page);
      await quiet(page);
      await press(page, `${W} .pw-request[data-request="${filed.id}"] .pw-cancel`);
      await announced(page, "Verzoek ingetrokken");
      await page.locator(`${W} .pw-request[data-request="${filed.id}"][data-status=cancelled]`).waitFor();
      assert.equal((await latest(page)).status, "cancelled");
      await noViolations(page, "request list with a withdrawn request");
    } finally {
      await context.close();
    }
  });
});
