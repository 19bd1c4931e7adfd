// The sign-in handoff (issue 14 section 1, C-C3, C-E3) in Chromium against the real binary with
// `--no-demo` and a configuration with an Ed25519 sign-in key: a host control-panel page whose
// backend signs a token per page view (examples/signin/sign-token.mjs) signs the customer in and
// the panel shows their data; once on the privacy server's own origin (cookie and bearer), once
// with the panel page on another origin than the API (bearer session only, CORS). A session that
// ends while the panel's three tabs load at once is renewed once for all of them (one token, one
// exchange), and a renewal the server refuses fails all three with the same message.
import { describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { STRICT_CSP, axe, formatViolations, launchBrowser, openPage, repoRoot, startServer, test } from "./lib/harness.mjs";
import { W, panelText, sql } from "./panel-helpers.mjs";
import { signToken } from "../../examples/signin/sign-token.mjs";

const SITE = "pcextreme";
const KID = "e2e-1";
/** The calls the panel's three tabs make at once when it opens. */
const TAB_CALLS = ["/api/v1/me/data", "/api/v1/me/preferences", "/api/v1/requests"];
const SIGNED_OUT = "U bent niet (meer) ingelogd.";

/** The host panel's page: the widget with token-url pointing at the host's own backend. */
function hostPage(api) {
  return `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Klantenpaneel</title></head>
<body><main><h1>Mijn privacy</h1>
<script type="module" src="/widget/element.js"></script>
<privacy-widget site="${SITE}" view="panel" policy="/policies/${SITE}.json" api="${api}" token-url="/privacy/token"></privacy-widget>
</main></body></html>`;
}

const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

describe("sign-in handoff (--no-demo, Ed25519)", () => {
  let dir, server, browser, host, hostUrl, privateKeyPem, minted;
  const customer = { sub: "klant-4711", name: "Anna Jansen", email: "anna@example.nl" };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pw-signin-"));
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" });
    // The host panel runs on 127.0.0.1, the privacy server is reached as localhost: two origins.
    host = createServer((req, res) => {
      const path = new URL(req.url, "http://x").pathname;
      if (path === "/privacy/token") {
        minted += 1;
        res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
        return res.end(JSON.stringify({ token: signToken({ privateKeyPem, kid: KID, site: SITE, ...customer }) }));
      }
      if (path === "/favicon.ico") return res.writeHead(204).end();
      if (path === "/panel/") {
        res.writeHead(200, { "content-type": "text/html", "content-security-policy": STRICT_CSP.replace("connect-src 'self'", `connect-src 'self' ${server.url.replace("127.0.0.1", "localhost")}`) });
        return res.end(hostPage(`${server.url.replace("127.0.0.1", "localhost")}/api/v1`));
      }
      // The host serves the widget's files itself (as from the npm package) and the policy.
      const file = path.startsWith("/widget/") ? join(repoRoot, "dist", path.slice(8)) : path.startsWith("/policies/") ? join(repoRoot, "www", path) : null;
      try {
        const body = readFileSync(file);
        res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise((resolve) => host.listen(0, "127.0.0.1", resolve));
    hostUrl = `http://127.0.0.1:${host.address().port}`;
    const config = join(dir, "server.toml");
    writeFileSync(
      config,
      `[[sites]]\nid = "${SITE}"\nallowed_origins = ["${hostUrl}"]\n[[sites.signin_keys]]\nkid = "${KID}"\nalg = "EdDSA"\npublic_key = """\n${publicKey.export({ type: "spki", format: "pem" })}"""\n`,
    );
    server = await startServer({ args: ["--no-demo", "--config", config] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((resolve) => host?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The company's data for `who`: the first exchange creates the customer, then `values` (account
   * field and value) are stored beside the server, as the company's systems would provide them.
   */
  async function storedCustomer(who, values) {
    const first = await fetch(`${server.url}/api/v1/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ token: signToken({ privateKeyPem, kid: KID, site: SITE, ...who }) }),
    });
    assert.equal(first.status, 201, await first.text());
    const [{ id }] = sql(server.db, `SELECT id FROM customers WHERE site = '${SITE}' AND handle = '${who.sub}'`);
    const rows = values.map(([field, value]) => `(${id}, 'account', '${field}', '${value}')`).join(", ");
    sql(server.db, `INSERT INTO customer_values (customer_id, category, field, value) VALUES ${rows}`);
  }

  test("c_c3: the panel page on the server's origin signs in through a token and shows the customer's data", async () => {
    await storedCustomer(customer, [["name", "Anna Jansen"], ["email", "anna@example.nl"]]);

    const { context, page, problems } = await openPage(browser, { csp: STRICT_CSP });
    try {
      // The host's page on the privacy server's origin: its document and its token route are the
      // host's (routed here), everything else is the real server.
      await page.route(`${server.url}/host/panel/`, (route) =>
        route.fulfill({ contentType: "text/html", headers: { "content-security-policy": STRICT_CSP }, body: hostPage("/api/v1") }),
      );
      await page.route(`${server.url}/privacy/token`, (route) =>
        route.fulfill({ contentType: "application/json", body: JSON.stringify({ token: signToken({ privateKeyPem, kid: KID, site: SITE, ...customer }) }) }),
      );
      const exchanges = [];
      page.on("response", (r) => { if (r.url().endsWith("/api/v1/sessions")) exchanges.push(r.status()); });
      await page.goto(`${server.url}/host/panel/`);
      await page.locator(`${W} .pw-tab`).first().waitFor();
      const heading = await page.evaluate(() => document.querySelector("privacy-widget").shadowRoot.querySelector(".pw-panel-head").textContent);
      assert.ok(heading.includes("Anna Jansen") && heading.includes("anna@example.nl"), heading);
      await page.locator(`${W} .pw-tabpanel:not([hidden]):not([aria-busy]) > *`).first().waitFor();
      const shown = await panelText(page);
      assert.ok(shown.includes("anna@example.nl"), shown);
      assert.deepEqual(exchanges, [201]);
      // Signed in on the same origin: the cookie is set too.
      const cookies = await context.cookies(server.url);
      assert.ok(cookies.some((c) => c.name === "pw_session" && c.httpOnly), JSON.stringify(cookies));
      const violations = await axe(page);
      assert.deepEqual(violations, [], formatViolations(violations));
      assert.deepEqual(problems, [], problems.join("\n"));
    } finally {
      await context.close();
    }
  });

  test("c_e3: the panel page on another origin uses the bearer session, and a new token when the session has ended", async () => {
    minted = 0;
    const api = server.url.replace("127.0.0.1", "localhost");
    // Expected: the PUT answered 401 before the session is renewed.
    const { context, page, problems } = await openPage(browser, { expect: [{ method: "PUT", path: "/api/v1/me/preferences", status: 401 }] });
    try {
      const authorized = [];
      page.on("request", (r) => {
        if (r.url().startsWith(`${api}/api/v1/`) && r.method() !== "OPTIONS") authorized.push([new URL(r.url()).pathname, r.headers().authorization ?? null]);
      });
      await page.goto(`${hostUrl}/panel/`);
      await page.locator(`${W} .pw-tab`).first().waitFor();
      const heading = await page.evaluate(() => document.querySelector("privacy-widget").shadowRoot.querySelector(".pw-panel-head").textContent);
      assert.ok(heading.includes("Anna Jansen"), heading);
      await page.locator(`${W} .pw-tabpanel:not([hidden]):not([aria-busy]) > *`).first().waitFor();
      assert.ok((await panelText(page)).includes("anna@example.nl"));
      assert.equal(minted, 1, "one token for the page view");
      const calls = authorized.filter(([path]) => path !== "/api/v1/sessions");
      assert.ok(calls.length >= 2, JSON.stringify(authorized));
      assert.ok(calls.every(([, auth]) => /^Bearer [0-9a-f]{64}$/.test(auth)), JSON.stringify(calls));
      // No cookie crosses origins: the API's origin holds none.
      assert.deepEqual((await context.cookies(api)).filter((c) => c.name === "pw_session"), []);

      // The session ends (here: removed on the server); the next call gets 401, the panel asks the
      // host for a new token, signs in again and repeats the call.
      await page.locator(`${W} .pw-tab[data-tab=optins]`).click();
      const toggle = page.locator(`${W} input[role=switch]:not([disabled])`).first();
      await toggle.waitFor();
      sql(server.db, `DELETE FROM sessions WHERE customer_id = (SELECT id FROM customers WHERE handle = '${customer.sub}')`);
      const again = page.waitForResponse((r) => r.url().endsWith("/api/v1/sessions") && r.status() === 201);
      const saved = page.waitForResponse((r) => r.url().endsWith("/api/v1/me/preferences") && r.request().method() === "PUT" && r.status() === 200);
      await toggle.click();
      await again;
      await saved;
      assert.equal(minted, 2, "a second token after the session ended");
      // The one expected failure: the PUT answered 401 before the renewal.
      const unexpected = problems.filter((p) => !/HTTP 401: PUT .*\/api\/v1\/me\/preferences|status of 401/.test(p));
      assert.deepEqual(unexpected, [], problems.join("\n"));
    } finally {
      await context.close();
    }
  });

  /**
   * Opens the host's panel page on the server's origin (as in c_c3) for `who`, with tokens from
   * `mint` (counted in the returned `minted`). The panel's session check is answered, then the
   * session ends on the server (logged out with its own bearer), before the three tabs ask for
   * their parts: each of them meets the expired session at about the same time.
   */
  async function openExpiring(page, who, mint) {
    const seen = { minted: 0, exchanges: [], tabs: {} };
    await page.route(`${server.url}/host/panel/`, (route) =>
      route.fulfill({ contentType: "text/html", headers: { "content-security-policy": STRICT_CSP }, body: hostPage("/api/v1") }),
    );
    await page.route(`${server.url}/privacy/token`, (route) => {
      seen.minted += 1;
      return route.fulfill({ contentType: "application/json", headers: { "cache-control": "no-store" }, body: JSON.stringify({ token: mint(seen.minted) }) });
    });
    let ended = false;
    await page.route(`${server.url}/api/v1/session`, async (route) => {
      if (ended) return route.continue();
      ended = true;
      const response = await route.fetch();
      const out = await fetch(`${server.url}/api/v1/logout`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: route.request().headers().authorization },
        body: "{}",
      });
      assert.equal(out.status, 204, await out.text());
      await route.fulfill({ response });
    });
    page.on("response", (r) => {
      const path = new URL(r.url()).pathname;
      if (path === "/api/v1/sessions") seen.exchanges.push(r.status());
      if (TAB_CALLS.includes(path)) (seen.tabs[path] ??= []).push(r.status());
    });
    await page.goto(`${server.url}/host/panel/`);
    await page.locator(`${W} .pw-tab`).first().waitFor();
    await page.waitForFunction(
      () => [...document.querySelector("privacy-widget").shadowRoot.querySelectorAll(".pw-tabpanel")].every((p) => p.childElementCount > 0 && !p.hasAttribute("aria-busy")),
    );
    return seen;
  }

  /** The text of every tab panel (shown or not), whitespace-normalised. */
  const tabTexts = (page) =>
    page.evaluate(() => [...document.querySelector("privacy-widget").shadowRoot.querySelectorAll(".pw-tabpanel")].map((p) => p.textContent.replace(/\s+/g, " ")));

  test("c_e3: a session that ends while the three tabs load is renewed once: one token, one exchange, every tab shows its part", async () => {
    const who = { sub: "klant-5150", name: "Daan de Vries", email: "daan@example.nl" };
    await storedCustomer(who, [["email", who.email]]);
    // Expected: each tab's first call answered 401 (the session had ended), then repeated.
    const expired = TAB_CALLS.map((path) => ({ method: "GET", path, status: 401 }));
    const { context, page } = await openPage(browser, { csp: STRICT_CSP, expect: expired });
    try {
      const seen = await openExpiring(page, who, () => signToken({ privateKeyPem, kid: KID, site: SITE, ...who }));
      assert.equal(seen.minted, 2, "one token for the page view, one for the renewal, whatever the number of calls that met the ended session");
      assert.deepEqual(seen.exchanges, [201, 201]);
      for (const path of TAB_CALLS) assert.deepEqual(seen.tabs[path], [401, 200], path);
      const [data, optins, requests] = await tabTexts(page);
      assert.ok(data.includes(who.email), data);
      assert.ok(!`${data}${optins}${requests}`.includes(SIGNED_OUT), "no tab says the customer is signed out");
      assert.equal(await page.locator(`${W} .pw-tabpanel input[role=switch]`).count() > 0, true, optins);
      assert.equal(await page.locator(`${W} .pw-tabpanel .pw-error`).count(), 0, requests);
    } finally {
      await context.close();
    }
  });

  test("c_e3: a renewal the server refuses fails all three tabs with the same message, and is not tried again", async () => {
    const who = { sub: "klant-5151", name: "Eva Bos", email: "eva@example.nl" };
    // The second token has an unknown kid: the exchange answers 401 and the panel must stop there.
    const expected = [
      ...TAB_CALLS.map((path) => ({ method: "GET", path, status: 401 })),
      { method: "POST", path: "/api/v1/sessions", status: 401 },
      { console: /^privacy-widget: the sign-in token was refused:/ },
    ];
    const { context, page } = await openPage(browser, { csp: STRICT_CSP, expect: expected });
    try {
      const seen = await openExpiring(page, who, (n) => signToken({ privateKeyPem, kid: n === 1 ? KID : "unknown-kid", site: SITE, ...who }));
      assert.equal(seen.minted, 2, "one token for the page view, one renewal for the three calls");
      assert.deepEqual(seen.exchanges, [201, 401]);
      for (const path of TAB_CALLS) assert.deepEqual(seen.tabs[path], [401], `${path}: not repeated after the refused renewal`);
      const texts = await tabTexts(page);
      for (const text of texts) assert.ok(text.includes(SIGNED_OUT), text);
    } finally {
      await context.close();
    }
  });
});
