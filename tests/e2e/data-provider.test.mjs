// "My data" from the company's systems in the panel (issue 14 section 2, C-C4, C-E3) in Chromium
// against the real binary with `--no-demo`: the customer signs in through an Ed25519 token (as in
// signin.test.mjs) and the server pulls their data from a data provider run here, which checks
// the Standard Webhooks signature (examples/standard-webhooks.mjs). While the provider fails, the
// data tab says so in plain words with a "Try again" button (announced, axe-clean, C-D5, C-D6), the
// erasure form too, and the other tabs keep working; once it is fixed, retrying by keyboard shows the values, and a
// value the privacy statement does not describe appears in its own section, as text. While the
// provider is slow (its answer held until the test releases it), only the data tab waits: the
// opt-ins are saved and a request is filed meanwhile, and the erasure form, which shows the
// values, says it waits for them and is completed when they come.
import { describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STRICT_CSP, axe, formatViolations, launchBrowser, openPage, startServer, test } from "./lib/harness.mjs";
import { W, announced, api, deferred, openTab, panelText, press, quiet } from "./panel-helpers.mjs";
import { signToken } from "../../examples/signin/sign-token.mjs";
import { readBody, verify } from "../../examples/standard-webhooks.mjs";

const SITE = "pcextreme";
const KID = "e2e-data";
const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
const customer = { sub: "klant-0815", name: "Bram Smit", email: "bram@example.nl" };
const UNAVAILABLE = "Uw gegevens kunnen op dit moment niet worden opgehaald.";

/** What the company's systems hold: two values the statement describes, two it does not. */
const ANSWER = {
  plan: null,
  events: {},
  values: [
    { category: "account", field: "name", value: "Bram Smit" },
    { category: "account", field: "email", value: "bram@example.nl" },
    { category: "hobbies", field: "favourite", value: "<b>schaken</b>" },
    { category: "account", field: "shoe_size", value: "44" },
  ],
};

/** The host panel's page: the widget with token-url pointing at the host's own backend. */
const hostPage = `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Klantenpaneel</title></head>
<body><main><h1>Mijn privacy</h1>
<script type="module" src="/widget/element.js"></script>
<privacy-widget site="${SITE}" view="panel" policy="/policies/${SITE}.json" api="/api/v1" token-url="/privacy/token"></privacy-widget>
</main></body></html>`;

/** The element focused inside the widget's shadow root: its tag, classes and text. */
const focused = (page) =>
  page.evaluate(() => {
    const el = document.querySelector("privacy-widget").shadowRoot.activeElement;
    return el ? { tag: el.tagName.toLowerCase(), classes: [...el.classList], text: el.textContent, role: el.getAttribute("role") } : null;
  });

describe("my data from the company's data provider (--no-demo)", () => {
  let dir, server, browser, provider, privateKeyPem;
  let failing = true;
  const calls = [];
  /** While set, the provider says it was asked (`asked`) and answers once `released`. */
  let held = null;

  /** Opens the host's panel page, which signs the customer in with a token from its backend. */
  async function openHostPanel(page) {
    await page.route(`${server.url}/host/panel/`, (route) =>
      route.fulfill({ contentType: "text/html", headers: { "content-security-policy": STRICT_CSP }, body: hostPage }),
    );
    await page.route(`${server.url}/privacy/token`, (route) =>
      route.fulfill({ contentType: "application/json", body: JSON.stringify({ token: signToken({ privateKeyPem, kid: KID, site: SITE, ...customer }) }) }),
    );
    await page.goto(`${server.url}/host/panel/`);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pw-provider-"));
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" });
    provider = createServer(async (req, res) => {
      const body = await readBody(req);
      try {
        verify(SECRET, req.headers, body);
      } catch {
        calls.push("unsigned");
        return res.writeHead(401).end();
      }
      calls.push(JSON.parse(body).data.subject);
      if (held) {
        held.asked.resolve();
        await held.released.promise;
      }
      if (failing) return res.writeHead(500).end("boom");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(ANSWER));
    });
    await new Promise((resolve) => provider.listen(0, "127.0.0.1", resolve));
    const config = join(dir, "server.toml");
    writeFileSync(
      config,
      `[[sites]]\nid = "${SITE}"\n[[sites.signin_keys]]\nkid = "${KID}"\nalg = "EdDSA"\npublic_key = """\n${publicKey.export({ type: "spki", format: "pem" })}"""\n` +
        `[sites.data_provider]\nurl = "http://127.0.0.1:${provider.address().port}/privacy/data"\nsecret = "${SECRET}"\n`,
    );
    server = await startServer({ args: ["--no-demo", "--config", config] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((resolve) => provider?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  test("c_e3: a failing provider gives a plain message with a retry; fixed, retry by keyboard shows the values and the undescribed ones apart", async () => {
    // The 503s while the provider fails are the expected problems of this page.
    const { context, page } = await openPage(browser, { csp: STRICT_CSP, expect: [{ method: "GET", path: "/api/v1/me/data", status: 503 }] });
    try {
      await openHostPanel(page);
      const message = page.locator(`${W} .pw-tabpanel:not([hidden]) .pw-data-unavailable`);
      await message.waitFor();
      assert.equal((await message.textContent()).startsWith(UNAVAILABLE), true, await message.textContent());
      await announced(page, UNAVAILABLE);
      const retry = page.locator(`${W} .pw-tabpanel:not([hidden]) button.pw-retry`);
      assert.equal(await retry.textContent(), "Opnieuw proberen");
      assert.equal(await page.locator(`${W} .pw-data-category, ${W} .pw-data-not-described`).count(), 0, "no values while they cannot be fetched");
      assert.ok(calls.length >= 1 && calls.every((c) => c === customer.sub), `signed calls for the customer: ${calls}`);
      let violations = await axe(page);
      assert.deepEqual(violations, [], formatViolations(violations));

      // The other tabs work meanwhile: the opt-ins can be read and the requests offered.
      await openTab(page, "optins");
      await page.locator(`${W} .pw-tabpanel:not([hidden]) input[role=switch]`).first().waitFor();
      assert.ok(!(await panelText(page)).includes(UNAVAILABLE));
      await openTab(page, "requests");
      await page.locator(`${W} .pw-tabpanel:not([hidden]) button`).first().waitFor();
      // The erasure form shows the values (C-C6): it says they cannot be fetched, with nothing to
      // send and its own "Try again", which asks once more and keeps focus on it.
      await press(page, `${W} button[data-kind=erasure]`);
      const erasure = page.locator(`${W} .pw-request-form form[data-kind=erasure]`);
      assert.equal(await erasure.locator(".pw-form-wait").textContent(), "Dit formulier toont uw gegevens, maar die kunnen op dit moment niet worden opgehaald.");
      assert.equal(await erasure.locator("input[name=confirm], button[type=submit]").count(), 0);
      const asked = calls.length;
      await quiet(page);
      await press(page, `${W} .pw-request-form .pw-retry`);
      await announced(page, UNAVAILABLE);
      await page.waitForFunction(() => document.querySelector("privacy-widget").shadowRoot.activeElement?.matches("form[data-kind=erasure] .pw-retry"));
      assert.equal(calls.length, asked + 1, "one more call to the provider");
      await openTab(page, "data");

      // Still failing: retrying (keyboard: from the tab to the panel to the button) says so again
      // and keeps focus on the button.
      await page.locator(`${W} .pw-tab[aria-selected=true]`).focus();
      await page.keyboard.press("Tab");
      await page.keyboard.press("Tab");
      assert.deepEqual((await focused(page))?.classes.includes("pw-retry"), true, JSON.stringify(await focused(page)));
      await quiet(page);
      const before = calls.length;
      await page.keyboard.press("Enter");
      await announced(page, UNAVAILABLE);
      await page.waitForFunction(() => document.querySelector("privacy-widget").shadowRoot.activeElement?.classList.contains("pw-retry"));
      assert.equal(calls.length, before + 1, "one more call to the provider");

      // Fixed: retrying shows the values; the message and the button are gone; focus on the panel.
      failing = false;
      await quiet(page);
      await page.keyboard.press("Enter");
      await announced(page, "Uw gegevens zijn opgehaald.");
      await page.locator(`${W} .pw-data-category[data-category=account]`).waitFor();
      const shown = await panelText(page);
      assert.ok(shown.includes("bram@example.nl") && shown.includes("Bram Smit"), shown);
      assert.equal(await page.locator(`${W} .pw-data-unavailable, ${W} .pw-retry`).count(), 0, "the message is replaced");
      const after = await focused(page);
      assert.equal(after?.role, "tabpanel", JSON.stringify(after));

      // Not described by the statement: in its own section, category and field as given, as text.
      const section = page.locator(`${W} .pw-data-not-described`);
      assert.equal(await section.locator("h3").textContent(), "Niet beschreven in de privacyverklaring");
      const rows = await section.evaluate((s) =>
        [...s.querySelectorAll("tbody tr")].map((tr) => [...tr.children].map((c) => [c.tagName.toLowerCase(), c.getAttribute("scope"), c.textContent])),
      );
      assert.deepEqual(rows, [
        [["td", null, "hobbies"], ["th", "row", "favourite"], ["td", null, "<b>schaken</b>"]],
        [["td", null, "account"], ["th", "row", "shoe_size"], ["td", null, "44"]],
      ]);
      assert.equal(await section.locator("b").count(), 0, "a value is text, never markup");
      assert.equal(await section.locator("caption").textContent(), "Niet beschreven in de privacyverklaring");
      // Described values are not repeated there, and undescribed ones are not among the categories.
      assert.equal(await page.locator(`${W} .pw-data-category`).filter({ hasText: "schaken" }).count(), 0);
      // The erasure form left open is completed too.
      assert.equal(await erasure.locator("input[name=confirm]").count(), 1);
      violations = await axe(page);
      assert.deepEqual(violations, [], formatViolations(violations));
    } finally {
      await context.close();
    }
  });

  test("c_e3: a slow provider holds back only the data tab: opt-ins saved and a request filed meanwhile, then the data and the erasure form", async () => {
    failing = false;
    held = { asked: deferred(), released: deferred() };
    const { context, page, problems } = await openPage(browser, { csp: STRICT_CSP });
    const panels = page.locator(`${W} .pw-tabpanel`);
    // The panel's data answers; none may come before the provider is released (its 5 s timeout
    // would give one: a machine too slow for the steps below would show here).
    const dataAnswers = [];
    page.on("response", (r) => {
      if (new URL(r.url()).pathname === "/api/v1/me/data") dataAnswers.push(r.status());
    });
    try {
      await openHostPanel(page);
      // The provider has the call and keeps its answer: the data tab says it is fetching (busy).
      await held.asked.promise;
      await panels.nth(0).locator(".pw-loading").waitFor();
      assert.equal(await panels.nth(0).getAttribute("aria-busy"), "true");

      // The opt-ins meanwhile: loaded, one switched by keyboard and saved (C-D5), on the server too.
      await openTab(page, "optins");
      const toggle = page.locator(`${W} .pw-tabpanel:not([hidden]) input[role=switch]:not([disabled])`).first();
      await toggle.waitFor();
      assert.equal(await panels.nth(1).getAttribute("aria-busy"), null, "the opt-ins tab is not busy");
      const purpose = await toggle.getAttribute("data-purpose");
      const was = await toggle.isChecked();
      await quiet(page);
      await press(page, `${W} input[role=switch][data-purpose="${purpose}"]`, "Space");
      await announced(page, "Voorkeuren opgeslagen");
      const stored = (await api(page, "/api/v1/me/preferences")).body.preferences.find((p) => p.purpose === purpose);
      assert.equal(stored.granted, !was, `${purpose} stored as switched`);
      assert.deepEqual(dataAnswers, [], "the opt-ins were saved before the data came");

      // The requests meanwhile: an access request filed by keyboard and listed (C-D5).
      await openTab(page, "requests");
      await quiet(page);
      await press(page, `${W} button[data-kind=access]`);
      await press(page, `${W} .pw-request-form form[data-kind=access] button[type=submit]`);
      await announced(page, "Verzoek ontvangen");
      await page.locator(`${W} .pw-request[data-kind=access]`).waitFor();
      assert.deepEqual(dataAnswers, [], "the request was filed before the data came");

      // The erasure form shows what goes and what stays (C-C6): it says it waits for the data,
      // busy, with nothing to confirm or send yet.
      await press(page, `${W} button[data-kind=erasure]`);
      const erasure = page.locator(`${W} .pw-request-form form[data-kind=erasure]`);
      await erasure.locator(".pw-form-wait").waitFor();
      assert.equal(await erasure.getAttribute("aria-busy"), "true");
      assert.equal(await erasure.locator("input[name=confirm], button[type=submit]").count(), 0);
      assert.equal((await focused(page))?.tag, "h4", "focus on the form's heading");
      let violations = await axe(page);
      assert.deepEqual(violations, [], formatViolations(violations));
      // Everything above happened while the provider still held its answer.
      assert.deepEqual(dataAnswers, [], "the data are still on their way");
      assert.equal(await panels.nth(0).getAttribute("aria-busy"), "true");
      assert.equal(await page.locator(`${W} .pw-data-category`).count(), 0);

      // The provider answers: the erasure form is completed where focus is, and said so.
      await quiet(page);
      held.released.resolve();
      await announced(page, "Uw gegevens zijn opgehaald; het formulier is klaar.");
      await erasure.locator("input[name=confirm]").waitFor();
      assert.equal(await erasure.getAttribute("aria-busy"), null);
      assert.ok((await erasure.locator(".pw-erased").textContent()).includes("Bram Smit"), "the values to erase are listed");
      assert.equal((await focused(page))?.tag, "h4");
      assert.deepEqual(dataAnswers, [200]);
      violations = await axe(page);
      assert.deepEqual(violations, [], formatViolations(violations));

      // And the data tab shows the values, no longer busy.
      await openTab(page, "data");
      await page.locator(`${W} .pw-data-category[data-category=account]`).waitFor();
      assert.equal(await panels.nth(0).getAttribute("aria-busy"), null);
      assert.ok((await panelText(page)).includes("bram@example.nl"));
      violations = await axe(page);
      assert.deepEqual(violations, [], formatViolations(violations));
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      held.released.resolve();
      held = null;
      await context.close();
    }
  });
});
