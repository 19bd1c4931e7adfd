// Proof of consent (C-A8): every decision reaches the server's append-only store exactly once,
// through a server that is stopped and restarted mid-way, answers 503, or whose answer is lost.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, openPage, test } from "./lib/harness.mjs";
import { consentId, eventually, pw, records, snapshot, startFixedServer, visit } from "./consent-lib.mjs";

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

let browser;
let dir;
before(async () => {
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), "pw-proof-"));
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const outbox = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("pw_outbox") || "[]"));

// C-A8
test("decisions made while the server is down arrive once each after it restarts", async () => {
  const addr = `127.0.0.1:${await freePort()}`;
  const db = join(dir, "restart.sqlite3");
  let server = await startFixedServer(addr, db);
  // Expected: the records sent while the server is down find no one listening.
  const { page, context } = await openPage(browser, { expect: [{ method: "POST", path: "/api/v1/consents", failed: true }] });
  try {
    await visit(page, server.url, "/sites/pcextreme/");
    await pw(page, "accept-all").click();
    const id = consentId(await snapshot(page));
    await eventually(() => records(server.url, id).then((r) => r.length === 1));

    await server.stop();
    await page.evaluate(() => window.PrivacyWidget.open());
    await page.locator("#privacy-widget-consent [data-pw=switch][name=remarketing]").uncheck();
    await pw(page, "save").click();
    await pw(page, "dialog").waitFor({ state: "detached" });
    await page.evaluate(() => window.PrivacyWidget.open());
    await pw(page, "reject-all").last().click();
    await eventually(async () => (await outbox(page)).length === 2 && (await outbox(page))[0].attempts >= 1);
    const waiting = await outbox(page);
    assert.equal(new Set(waiting.map((e) => e.key)).size, 2, "one idempotency key per decision");

    server = await startFixedServer(addr, db);
    await page.evaluate(() => dispatchEvent(new Event("online")));
    const stored = await eventually(() => records(server.url, id).then((r) => r.length >= 3 && r), { timeout: 30_000 });
    assert.deepEqual(stored.map((r) => r.action), ["accept_all", "withdraw", "reject_all"]);
    assert.deepEqual(stored[1].purposes, { ad_measurement: true, analytics: true, remarketing: false });
    assert.deepEqual(stored[2].purposes, { ad_measurement: false, analytics: false, remarketing: false });
    assert.deepEqual(await outbox(page), []);
    // More loads and ticks send nothing again.
    await visit(page, server.url, "/sites/pcextreme/");
    await page.waitForTimeout(2500);
    assert.equal((await records(server.url, id)).length, 3);
  } finally {
    await context.close();
    await server.stop();
  }
});

// C-A8: a lost answer and a 503 are retried with the same Idempotency-Key; stored once.
test("a lost answer and a 503 are retried with the same key and stored once", async () => {
  const addr = `127.0.0.1:${await freePort()}`;
  const server = await startFixedServer(addr, join(dir, "lost.sqlite3"));
  // Expected: the injected 503 and the cut answer.
  const expect = [{ method: "POST", path: "/api/v1/consents", status: 503 }, { method: "POST", path: "/api/v1/consents", failed: true }];
  const { page, context } = await openPage(browser, { expect });
  const keys = [];
  let calls = 0;
  try {
    await page.route("**/api/v1/consents", async (route) => {
      calls += 1;
      keys.push(route.request().headers()["idempotency-key"]);
      if (calls === 1) return route.fulfill({ status: 503, body: "" });
      if (calls === 2) {
        await route.fetch(); // the server stores it ...
        return route.abort("connectionreset"); // ... but the answer never arrives
      }
      return route.continue();
    });
    await visit(page, server.url, "/sites/manetti/");
    await pw(page, "accept-all").click();
    const id = consentId(await snapshot(page));
    await eventually(async () => calls >= 3 && (await outbox(page)).length === 0, { timeout: 30_000 });
    assert.equal(new Set(keys).size, 1, "the same Idempotency-Key every time");
    const stored = await records(server.url, id);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].action, "accept_all");
    assert.deepEqual(stored[0].purposes, { analytics: true });
  } finally {
    await context.close();
    await server.stop();
  }
});
