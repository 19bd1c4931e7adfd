// The marketing page on real subdomains: www.pw.test and shop.pw.test, resolved to the loopback
// server by Chromium's host resolver rules, so that cookies on the parent domain (pw.test) exist
// as they do on a real site. Withdrawal clears a tracker's cookies on the host AND on the parent
// domain (C-A7); with data-cookie-domain the decision is shared across the subdomains and
// forgetting it on one forgets it on all.
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startServer, test, watchProblems } from "./lib/harness.mjs";
import { pw, snapshot, visit } from "./consent-lib.mjs";

let server;
let browser;
let port;

before(async () => {
  server = await startServer();
  port = new URL(server.url).port;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--host-resolver-rules=MAP *.pw.test 127.0.0.1",
      // A page fulfilled by the test (see visitor()) counts as public; its loopback subresources
      // would be refused as private-network requests.
      "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights",
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const origin = (host) => `http://${host}:${port}`;

/** A fresh visitor whose pcextreme page optionally names a cookie domain for the decision. */
async function visitor({ cookieDomain = "" } = {}) {
  const context = await browser.newContext({ locale: "nl-NL" });
  if (cookieDomain) {
    await context.route("**/sites/pcextreme/", async (route) => {
      // The test runner's own network stack does not know pw.test: fetch from the loopback address.
      const response = await route.fetch({ url: route.request().url().replace(/^http:\/\/[^/]+/, `http://127.0.0.1:${port}`) });
      const html = (await response.text()).replace('data-api="/api/v1"', `data-api="/api/v1" data-cookie-domain="${cookieDomain}"`);
      await route.fulfill({ response, body: html, headers: { "content-type": "text/html; charset=utf-8" } });
    });
  }
  return context;
}

/** Every cookie of the context with its domain, `name@domain`. */
async function jar(context) {
  return (await context.cookies()).map((c) => `${c.name}@${c.domain}`).sort();
}

describe("cookies on a real domain and its parent", () => {
  // C-A7: a tracker that wrote its cookie on the parent domain (as gtag.js does with
  // cookie_domain: auto) loses it on withdrawal, as do host-only ones.
  test("withdrawal clears a tracker's cookies on the host and on the parent domain", async () => {
    const context = await visitor();
    const page = await context.newPage();
    watchProblems(page);
    await visit(page, origin("www.pw.test"), "/sites/pcextreme/");
    await pw(page, "accept-all").click();
    await page.waitForFunction(() => document.cookie.includes("_ga=") && document.cookie.includes("_fbp="));
    // What the real tags would also do: _ga on .pw.test, and a host-only copy under another name.
    await page.evaluate(() => {
      document.cookie = "_ga=GA1.2.parent; Path=/; Domain=pw.test; Max-Age=3600";
      document.cookie = "_ga_PARENT=GS1.1.x; Path=/; Domain=pw.test; Max-Age=3600";
    });
    const before = await jar(context);
    assert.ok(before.includes("_ga@.pw.test") && before.includes("_ga@www.pw.test"), before.join(" "));
    await page.locator("footer [data-privacy-widget-open]").focus();
    await page.keyboard.press("Enter");
    await pw(page, "dialog").waitFor();
    await pw(page, "reject-all").last().click();
    await pw(page, "dialog").waitFor({ state: "detached" });
    const left = await jar(context);
    const trackers = left.filter((c) => /^(_ga|_gcl|_fbp|_uet)/.test(c));
    assert.deepEqual(trackers, [], `tracker cookies left: ${left.join(" ")}`);
    assert.ok(left.some((c) => c.startsWith("pw_consent@")), "the refusal itself is remembered");
    await context.close();
  });
});

describe("a decision shared across subdomains (data-cookie-domain)", () => {
  // C-A10: one decision for the whole site; reset() on any subdomain asks again everywhere.
  test("decided on www, known on shop; reset on shop asks again on www", async () => {
    const context = await visitor({ cookieDomain: "pw.test" });
    const www = await context.newPage();
    watchProblems(www);
    await visit(www, origin("www.pw.test"), "/sites/pcextreme/");
    await pw(www, "banner").waitFor();
    await pw(www, "reject-all").click();
    await www.waitForFunction(() => window.PrivacyWidget.consent() !== null);
    assert.deepEqual((await jar(context)).filter((c) => c.startsWith("pw_consent@")), ["pw_consent@.pw.test"]);

    const shop = await context.newPage();
    watchProblems(shop);
    await visit(shop, origin("shop.pw.test"), "/sites/pcextreme/");
    assert.equal(await pw(shop, "banner").count(), 0, "no question on the other subdomain");
    const decided = (await snapshot(shop)).decision;
    assert.equal(decided.method, "reject_all");
    assert.ok(Object.values(decided.purposes).every((on) => on === false));

    await shop.evaluate(() => window.PrivacyWidget.reset());
    await pw(shop, "banner").waitFor();
    assert.deepEqual((await jar(context)).filter((c) => c.startsWith("pw_consent@")), [], "forgotten on the shared domain");
    await visit(www, origin("www.pw.test"), "/sites/pcextreme/");
    await pw(www, "banner").waitFor();
    await context.close();
  });
});
