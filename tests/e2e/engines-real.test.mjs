// What real browsers do to consent, in the engines that do it: Firefox's own Global Privacy
// Control setting (`privacy.globalprivacycontrol.enabled`: `navigator.globalPrivacyControl` and
// `Sec-GPC: 1` on every request), and the decision cookie's lifetime in WebKit, where Safari's
// ITP caps a cookie written by script at 7 days but not one the server sets.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ENGINES, axeIn, launchEngine } from "./lib/engines.mjs";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, unexpectedProblems } from "./lib/harness.mjs";
import { eventually, records } from "./consent-lib.mjs";

const PCX = "/sites/pcextreme/";
const C = "#privacy-widget-consent >>> ";
const THIRTEEN_MONTHS = 390 * 24 * 3600;

/**
 * The server with the demo site configured for the demo page's cookie: `cookie_domain = ""`,
 * host-only, as the page has no data-cookie-domain (without it the server sets no pw_consent).
 */
async function serverWithCookieDomain() {
  const dir = mkdtempSync(join(tmpdir(), "pw-engines-real-"));
  const config = join(dir, "server.toml");
  writeFileSync(config, '[[sites]]\nid = "pcextreme"\ncookie_domain = ""\n');
  const server = await startServer({ args: ["--config", config] });
  const stop = server.stop;
  server.stop = async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return server;
}

const consentCookie = (page) => page.evaluate(() => (document.cookie.split("; ").find((c) => c.startsWith("pw_consent=")) || "").slice(11));

describe("[firefox] real Global Privacy Control", { skip: !ENGINES.includes("firefox") }, () => {
  let server;
  let browser;
  before(async () => {
    server = await serverWithCookieDomain();
    browser = await launchEngine("firefox", { prefs: { "privacy.globalprivacycontrol.enabled": true } });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // C-B1: with Firefox's own setting on, the banner and dialog say the signal was honoured,
  // advertising stays denied and cannot be switched on, the decision is "gpc", and the backend
  // records that Sec-GPC: 1 came with it.
  test("[firefox] C-B1 the GPC setting: said in banner and dialog, advertising denied, Sec-GPC recorded", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(server.url + PCX);
      await page.waitForSelector(`${C}[data-pw=banner]`);
      assert.equal(await page.evaluate(() => navigator.globalPrivacyControl), true, "Firefox sets navigator.globalPrivacyControl");
      assert.equal(await page.count(`${C}[data-pw=banner] [data-pw=gpc]`), 1, "the banner says GPC is honoured");
      await page.click(`${C}[data-pw=settings]`);
      await page.waitForSelector(`${C}[data-pw=dialog]`);
      assert.equal(await page.count(`${C}[data-pw=dialog] [data-pw=gpc]`), 1, "so does the dialog");
      const switches = await page.query(`${C}[data-pw=switch]`, (els) => els.map((e) => [e.name, e.disabled, e.checked]));
      assert.deepEqual(switches, [["analytics", false, false], ["ad_measurement", true, false], ["remarketing", true, false]]);
      const v = await axeIn(page);
      assert.deepEqual(v, [], v.map((x) => x.id).join(", "));
      await page.click(`${C}[data-pw=dialog] [data-pw=accept-all]`);
      await page.waitForSelector(`${C}[data-pw=dialog]`, { state: "detached" });
      const decision = await page.evaluate(() => window.PrivacyWidget.consent());
      assert.equal(decision.method, "gpc");
      assert.deepEqual(decision.purposes, { analytics: true, ad_measurement: false, remarketing: false });
      const update = await page.evaluate(() => (window.dataLayer || []).map((e) => Array.from(e)).filter((e) => e[0] === "consent").at(-1)[2]);
      assert.equal(update.ad_storage, "denied");
      assert.equal(update.ad_user_data, "denied");
      assert.equal(update.ad_personalization, "denied");
      const id = (await consentCookie(page)).split("~")[1];
      const stored = await eventually(() => records(server.url, id).then((r) => r.length === 1 && r));
      assert.equal(stored[0].action, "gpc");
      assert.equal(stored[0].gpc, true);
      assert.equal(stored[0].sec_gpc, true, "the backend recorded that Sec-GPC: 1 came with the decision");
      assert.deepEqual(unexpectedProblems(await page.problems()), []);
    } finally {
      await page.close();
    }
  });
});

describe("[webkit] the decision cookie's lifetime", { skip: !ENGINES.includes("webkit") }, () => {
  let server;
  let browser;
  before(async () => {
    server = await serverWithCookieDomain();
    browser = await launchEngine("webkit");
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // C-A10: the consent API is same-origin with the page, so its answer sets pw_consent itself
  // (the loader's value, 13 months). To tell the server's cookie from the script's, the page
  // then rewrites it by script with one hour and posts the same decision again: the cookie
  // WebKit keeps afterwards has the full 13 months, so it came from the server's Set-Cookie.
  test("[webkit] C-A10 the server-set pw_consent carries 13 months", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(server.url + PCX);
      await page.waitForSelector(`${C}[data-pw=banner]`);
      await page.click(`${C}[data-pw=reject-all]`);
      await page.waitForSelector(`${C}[data-pw=banner]`, { state: "detached" });
      const value = await consentCookie(page);
      const id = value.split("~")[1];
      const [record] = await eventually(() => records(server.url, id).then((r) => r.length === 1 && r));
      const lifetime = async () => {
        const jar = (await page.cookies()).filter((c) => c.name === "pw_consent");
        assert.equal(jar.length, 1, "one decision cookie");
        assert.equal(jar[0].value, value, "the loader's own value");
        return jar[0].expires - Date.now() / 1000;
      };
      const first = await lifetime();
      assert.ok(first > THIRTEEN_MONTHS - 3600 && first <= THIRTEEN_MONTHS + 60, `expires in ${(first / 86400).toFixed(1)} days`);
      const body = Object.fromEntries(["site", "consent_id", "policy_version", "language", "action", "purposes", "origin", "widget_version", "gpc"].map((k) => [k, record[k]]));
      const status = await page.evaluate(async ({ value, body }) => {
        document.cookie = `pw_consent=${value}; Path=/; SameSite=Lax; Max-Age=3600`;
        const res = await fetch("/api/v1/consents", { method: "POST", headers: { "content-type": "application/json", "idempotency-key": "engines-real-again" }, body: JSON.stringify(body) });
        return res.status;
      }, { value, body });
      assert.equal(status, 201, "the same decision posted again by the page");
      const left = await lifetime();
      assert.ok(left > THIRTEEN_MONTHS - 3600 && left <= THIRTEEN_MONTHS + 60, `after the server's answer: expires in ${(left / 86400).toFixed(1)} days, not the script's hour`);
      assert.deepEqual(unexpectedProblems(await page.problems()), []);
    } finally {
      await page.close();
    }
  });
});
