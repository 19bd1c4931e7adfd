// Faults between the widget and its backend (C-A8, C-D5): the backend down, slow (10 s, past the
// widget's 8 s timeout), answering 500, answering malformed JSON after doing its work, the
// connection cut in the middle of the answer (a proxy that sends half the body, then closes),
// and the browser offline then online. For the consent record, a panel opt-in and a request:
// the visitor is told what happened in plain words, nothing is lost, and everything is stored
// exactly once when the backend recovers. (The consent record with the server process killed
// and restarted is proved in consent-proof.test.mjs.)
import { describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectProblem, openPage, test, useSuite } from "./lib/harness.mjs";
import { consentId, eventually, pw, records, snapshot, startFixedServer, visit } from "./consent-lib.mjs";
import { W, quiet, signIn, sql } from "./panel-helpers.mjs";
import { startFaultProxy } from "./fixtures/fault-proxy.mjs";

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const outbox = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("pw_outbox") || "[]"));
const live = (page, host) => page.evaluate((h) => document.querySelector(h).shadowRoot.querySelector("[role=status]").textContent, host);

const suite = useSuite();

/**
 * Sets up `fault` for requests matching `pattern` (and method) on `page` while `state.broken`.
 * Returns the base URL the page should load from (a cutting proxy for "cut") and a cleanup.
 */
async function injectFault(fault, { page, context, pattern, method, state }) {
  let base = suite.server.url;
  let cleanup = async () => {};
  const hit = (route) => route.request().method() === method && state.broken;
  // The page problems this fault causes, declared precisely (the rest still fail the test).
  const path = pattern.replace(/^\*\*/, "");
  const failed = { method, path, failed: true };
  const expected = { down: [failed], slow: [], 500: [{ method, path, status: 500 }], malformed: [], cut: [failed], offline: [failed, { method: "GET", path, failed: true }] }[fault] ?? [];
  expectProblem(page, ...expected);
  if (fault === "down") {
    await page.route(pattern, (route) => (hit(route) ? route.abort("connectionrefused") : route.continue()));
  } else if (fault === "slow") {
    await page.route(pattern, async (route) => {
      if (!hit(route)) return route.continue();
      await sleep(10_000);
      return route.continue().catch(() => {});
    });
  } else if (fault === "500") {
    await page.route(pattern, (route) =>
      hit(route) ? route.fulfill({ status: 500, contentType: "application/problem+json", body: '{"title":"Internal Server Error","status":500}' }) : route.continue());
  } else if (fault === "malformed") {
    // The server does its work; the answer that reaches the browser is not JSON.
    await page.route(pattern, async (route) => {
      if (!hit(route)) return route.continue();
      const response = await route.fetch();
      state.reached = (state.reached ?? 0) + 1;
      return route.fulfill({ status: response.status(), contentType: "application/json", body: '{"id": "abc", "status": tru' });
    });
  } else if (fault === "cut") {
    // One answer is cut (the server did its work); the connection works again afterwards.
    const proxy = await startFaultProxy(suite.server.url, (req) => {
      if (!(req.method === method && req.url.startsWith(path) && state.broken)) return false;
      state.broken = false;
      state.reached = (state.reached ?? 0) + 1;
      return true;
    });
    base = proxy.url;
    cleanup = () => proxy.stop();
  } else if (fault === "offline") {
    state.goOffline = () => context.setOffline(true);
    state.goOnline = () => context.setOffline(false);
  } else {
    throw new Error(`unknown fault ${fault}`);
  }
  return { base, cleanup };
}

/** Ends the fault and tells the page the network is back. */
async function recover(page, state) {
  state.broken = false;
  if (state.goOnline) await state.goOnline();
  await page.evaluate(() => dispatchEvent(new Event("online")));
}

const FAULTS = ["down", "slow", "500", "malformed", "cut", "offline"];

describe("consent record under faults", { concurrency: true }, () => {
  for (const fault of FAULTS) {
    // C-A8: the decision takes effect at once, its record waits in the outbox and is stored once.
    test(`${fault}: the decision applies, the record waits and is stored exactly once`, async () => {
      const { context, page } = await openPage(suite.browser);
      const state = { broken: true };
      const { base, cleanup } = await injectFault(fault, { page, context, pattern: "**/api/v1/consents", method: "POST", state });
      // Offline, the tags the decision activates cannot be fetched either.
      if (fault === "offline") expectProblem(page, ...["gtag-standin.js", "uet-standin.js", "fbevents-standin.js"].map((f) => ({ method: "GET", path: `/stand-ins/${f}`, failed: true })));
      const keys = [];
      page.on("request", (r) => r.method() === "POST" && r.url().endsWith("/api/v1/consents") && keys.push(r.headers()["idempotency-key"]));
      try {
        await visit(page, base, "/sites/pcextreme/");
        if (state.goOffline) await state.goOffline();
        await pw(page, "accept-all").click();
        await pw(page, "banner").waitFor({ state: "detached" });
        // C-D5: what happened, in plain words: the choice is saved (in this browser).
        await eventually(async () => (await live(page, "#privacy-widget-consent")) === "Voorkeuren opgeslagen");
        const s = await snapshot(page);
        assert.equal(s.decision.method, "accept_all", "the decision applies while the backend is unreachable");
        const id = consentId(s);
        if (fault === "malformed" || fault === "cut") {
          // The server stored it; a 2xx with a broken body is an acknowledgement, a lost one is
          // retried with the same Idempotency-Key.
          await eventually(async () => state.reached >= 1 && (await outbox(page)).length === 0);
        } else {
          const waiting = await eventually(async () => {
            const o = await outbox(page);
            return o.length === 1 && o[0].attempts >= 1 && o;
          }, { timeout: 20_000 });
          assert.equal(waiting[0].kind, "consent", "kept in the outbox");
          await recover(page, state);
        }
        await eventually(async () => (await outbox(page)).length === 0 && (await records(base, id)).length === 1, { timeout: 30_000 });
        await sleep(2500); // more ticks of the courier send nothing again
        const stored = await records(base, id);
        assert.equal(stored.length, 1, "stored exactly once");
        assert.equal(stored[0].action, "accept_all");
        assert.equal(new Set(keys).size, 1, "every attempt carried the same Idempotency-Key");
      } finally {
        await context.close();
        await cleanup();
      }
    });
  }
});

/** Rows for one customer of one site in `table`. */
function countFor(db, table, site, customer) {
  return sql(db, `SELECT COUNT(*) AS n FROM ${table} t JOIN customers c ON c.id = t.customer_id WHERE c.site = '${site}' AND c.handle = '${customer}'`)[0].n;
}

const OPTIN_CUSTOMERS = {
  down: ["pcextreme", "jan-de-vries"],
  slow: ["pcextreme", "fatima-el-amrani"],
  "500": ["webhost", "kees-mulder"],
  malformed: ["webhost", "noor-hendriks"],
  cut: ["webanizr", "lisa-de-boer"],
  offline: ["webanizr", "pieter-visser"],
};

describe("panel opt-in under faults", { concurrency: true }, () => {
  for (const fault of FAULTS) {
    const [site, customer] = OPTIN_CUSTOMERS[fault];
    // C-A11, C-D5: an opt-in is never shown as saved when it was not; the switch shows what the
    // server holds; after recovery one change is one stored row.
    test(`${fault}: the visitor is told, the switch shows the stored state, one change one row`, async () => {
      const { context, page } = await openPage(suite.browser);
      const state = { broken: false };
      const { base, cleanup } = await injectFault(fault, { page, context, pattern: "**/api/v1/me/preferences", method: "PUT", state });
      try {
        await signIn(page, base, site, customer);
        await page.locator(`${W} .pw-tab[data-tab=optins]`).click();
        const sw = page.locator(`${W} input[role=switch]:not([disabled])`).first();
        await sw.waitFor();
        const purpose = await sw.getAttribute("data-purpose");
        const rows = countFor(suite.server.db, "preference_changes", site, customer);
        state.broken = true;
        if (state.goOffline) await state.goOffline();
        await quiet(page);
        await sw.click();
        const said = await eventually(async () => (await live(page, W)) || false, { timeout: 20_000 });
        const stored = () => sql(suite.server.db, `SELECT granted FROM preference_changes p JOIN customers c ON c.id = p.customer_id WHERE c.site = '${site}' AND c.handle = '${customer}' AND p.purpose = '${purpose}' ORDER BY p.id DESC LIMIT 1`)[0]?.granted === 1;
        if (fault === "malformed" || fault === "cut") {
          // The server stored the change but its answer was lost or broken: one row, and the
          // switch must not claim the opposite of what is stored.
          await eventually(() => countFor(suite.server.db, "preference_changes", site, customer) === rows + 1);
        } else {
          assert.match(said, /niet bereikbaar|mis op de server|verbinding/, `plain words: "${said}"`);
          assert.equal(countFor(suite.server.db, "preference_changes", site, customer), rows, "nothing stored");
        }
        await eventually(async () => (await sw.isChecked()) === stored(), { timeout: 5_000 })
          .catch(async () => assert.fail(`switch shows ${await sw.isChecked()} but the server holds ${stored()} (said "${said}")`));
        await recover(page, state);
        const before = countFor(suite.server.db, "preference_changes", site, customer);
        const now = await sw.isChecked();
        await quiet(page);
        await sw.click();
        await eventually(async () => (await live(page, W)) === "Voorkeuren opgeslagen", { timeout: 15_000 });
        assert.equal(countFor(suite.server.db, "preference_changes", site, customer), before + 1, "one change, one row");
        assert.equal(stored(), !now);
      } finally {
        await context.close();
        await cleanup();
      }
    });
  }
});

const REQUEST_CUSTOMERS = {
  slow: ["host-tracker", "olga-petrenko"],
  "500": ["host-tracker", "mark-jansen"],
  malformed: ["host-tracker", "sanne-bakker"],
  cut: ["manetti", "ahmed-yilmaz"],
  offline: ["manetti", "eva-smit"],
};
/** Files an access request from the panel; returns what the live region said. */
async function fileAccess(page) {
  await page.locator(`${W} .pw-tab[data-tab=requests]`).click();
  await page.locator(`${W} button[data-kind=access]`).click();
  await page.locator(`${W} .pw-request-form form[data-kind=access]`).waitFor();
  await quiet(page);
  await page.locator(`${W} .pw-request-form button[type=submit]`).click();
  return eventually(async () => (await live(page, W)) || false, { timeout: 20_000 });
}

describe("panel request under faults", { concurrency: true }, () => {
  for (const [fault, [site, customer]] of Object.entries(REQUEST_CUSTOMERS)) {
    // C-C1, C-D5: a request made while the backend is unreachable is kept and filed once.
    test(`${fault}: the visitor is told, the request is kept and filed exactly once`, async () => {
      const { context, page } = await openPage(suite.browser);
      const state = { broken: false };
      const { base, cleanup } = await injectFault(fault, { page, context, pattern: "**/api/v1/requests", method: "POST", state });
      try {
        await signIn(page, base, site, customer);
        const before = countFor(suite.server.db, "requests", site, customer);
        state.broken = true;
        if (state.goOffline) await state.goOffline();
        const said = await fileAccess(page);
        if (fault === "malformed" || fault === "cut") {
          assert.match(said, /Verzoek ontvangen|bewaard/, `plain words: "${said}"`);
        } else {
          assert.match(said, /Uw verzoek is bewaard en wordt verstuurd/, `plain words: "${said}"`);
          const kept = await outbox(page);
          assert.equal(kept.length, 1, "kept in the outbox");
          assert.equal(kept[0].kind, "request");
          assert.equal(countFor(suite.server.db, "requests", site, customer), before, "not filed yet");
          await recover(page, state);
        }
        await eventually(async () => (await outbox(page)).length === 0 && countFor(suite.server.db, "requests", site, customer) === before + 1, { timeout: 20_000 });
        await sleep(2500);
        assert.equal(countFor(suite.server.db, "requests", site, customer), before + 1, "filed exactly once");
      } finally {
        await context.close();
        await cleanup();
      }
    });
  }

  // The server process itself killed and restarted on the same address and database.
  test("down (server killed): the request is kept and filed once after a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pw-faults-"));
    const db = join(dir, "down.sqlite3");
    const addr = `127.0.0.1:${await freePort()}`;
    let own = await startFixedServer(addr, db);
    // Expected: the request sent while the server is down finds no one listening.
    const { context, page } = await openPage(suite.browser, { expect: [{ method: "POST", path: "/api/v1/requests", failed: true }] });
    try {
      await signIn(page, own.url, "webhost", "kees-mulder");
      const before = countFor(db, "requests", "webhost", "kees-mulder");
      await own.stop();
      const said = await fileAccess(page);
      assert.match(said, /Uw verzoek is bewaard en wordt verstuurd/, `plain words: "${said}"`);
      assert.equal((await outbox(page)).length, 1, "kept in the outbox");
      own = await startFixedServer(addr, db);
      await page.evaluate(() => dispatchEvent(new Event("online")));
      await eventually(async () => (await outbox(page)).length === 0 && countFor(db, "requests", "webhost", "kees-mulder") === before + 1, { timeout: 20_000 });
    } finally {
      await context.close();
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
