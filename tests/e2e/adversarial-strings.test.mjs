// Hostile strings (tests/e2e/lib/hostile.mjs, more than 50) in every human text of a policy and
// in every stored value of a customer: nothing executes (no dialog, window.__pwned never set),
// no element is injected (the same number of script/img/svg/iframe/... as on the clean page),
// the text is shown literally, and the layout holds. The pages are served WITHOUT their CSP here,
// so that an injection would really run: the widget's own escaping is what is tested.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPage, repoRoot, startServer, test, useSuite } from "./lib/harness.mjs";
import { pw } from "./consent-lib.mjs";
import { W, signIn } from "./panel-helpers.mjs";
import { BIG, PAYLOADS, compileNotice, hostileCustomer, hostilePolicy, injectionProbe, loadPolicy } from "./lib/hostile.mjs";

const suite = useSuite();

/**
 * A page whose documents come without CSP, recording dialogs; `policy` replaces pcextreme's: the
 * privacy page reads it as it is, the marketing page reads the notice the server compiles from it.
 */
async function hostilePage(policy = null, { expect = [] } = {}) {
  const opened = await openPage(suite.browser, { expect });
  const dialogs = [];
  opened.page.on("dialog", (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  await opened.page.route("**/*", async (route) => {
    if (route.request().resourceType() !== "document") return route.continue();
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers["content-security-policy"];
    delete headers["content-encoding"];
    delete headers["content-length"];
    return route.fulfill({ response, headers });
  });
  if (policy) {
    await opened.page.route("**/policies/pcextreme.json", (route) => route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(policy) }));
    const notice = compileNotice(policy);
    assert.equal(notice.code, 0, `the server compiles the hostile policy: ${notice.err}`);
    await opened.page.route("**/sites/pcextreme/notice*", (route) => route.fulfill({ status: 200, contentType: "application/json", body: notice.out }));
  }
  return { ...opened, dialogs };
}

/** The widget's text (through its shadow root) and whether its boxes stay inside the viewport. */
function widgetState(page, host) {
  return page.evaluate((host) => {
    const h = document.querySelector(host);
    const root = h.shadowRoot;
    const out = [];
    for (const el of root.querySelectorAll("section, dialog, .pw-root, .pw-panel, .pw-store, .pw-card")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.width > innerWidth + 1) out.push(`${el.tagName}.${el.className} is ${r.width} px wide`);
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible") out.push(`${el.tagName}.${el.className} overflows: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return { text: root.textContent, overflow: out, pageOverflow: document.documentElement.scrollWidth > innerWidth + 1 };
  }, host);
}

/** Asserts what every hostile test asserts: nothing ran, nothing was injected, the layout held. */
async function harmless(page, dialogs, baseline, host, what) {
  const probe = await injectionProbe(page);
  assert.deepEqual(dialogs, [], `${what}: no dialog`);
  assert.equal(probe.pwned, null, `${what}: no payload ran`);
  assert.deepEqual({ ...probe, pwned: null }, { ...baseline, pwned: null }, `${what}: no element injected`);
  const state = await widgetState(page, host);
  assert.deepEqual(state.overflow, [], `${what}: the layout holds`);
  return state;
}

const shownLiterally = (text, used) => [...new Set(used)].filter((p) => !text.includes(p));

describe("hostile strings in the policy", () => {
  const { policy, used } = hostilePolicy(loadPolicy("pcextreme"));

  test("the corpus has more than 50 payloads and reaches every text of the policy", () => {
    assert.ok(PAYLOADS.length >= 50, `${PAYLOADS.length} payloads`);
    assert.ok(used.length >= PAYLOADS.length, `${used.length} text locations hold every payload at least once`);
  });

  // C-A6 (shown as written), C-D4 (layout), and no injection: banner, dialog.
  test("marketing page: banner and dialog", async () => {
    const clean = await hostilePage();
    await clean.page.goto(`${suite.server.url}/sites/pcextreme/`);
    await pw(clean.page, "settings").click();
    await pw(clean.page, "dialog").waitFor();
    const baseline = await injectionProbe(clean.page);
    // The clean page after accepting: the activated tags add their scripts; the hostile page
    // must add exactly those and nothing more.
    await pw(clean.page, "accept-all").last().click();
    await pw(clean.page, "dialog").waitFor({ state: "detached" });
    await clean.page.waitForFunction(() => (window.__ran || []).length >= 4);
    const acceptedBaseline = await injectionProbe(clean.page);
    await clean.context.close();

    const { context, page, dialogs } = await hostilePage(policy);
    try {
      await page.goto(`${suite.server.url}/sites/pcextreme/`);
      await pw(page, "banner").waitFor();
      const banner = await harmless(page, dialogs, { ...baseline, svg: baseline.svg }, "#privacy-widget-consent", "banner");
      assert.ok(banner.text.includes(policy.purposes.find((p) => p.consent === "page")?.label?.nl ?? PAYLOADS[0]), "purpose labels shown literally");
      await pw(page, "settings").click();
      await pw(page, "dialog").waitFor();
      const dialog = await harmless(page, dialogs, baseline, "#privacy-widget-consent", "dialog");
      const tracking = policy.tracking.map((t) => (typeof t.name === "string" ? t.name : t.name.nl));
      assert.deepEqual(shownLiterally(dialog.text, tracking), [], "tracking service names shown literally");
      await pw(page, "accept-all").last().click();
      await pw(page, "dialog").waitFor({ state: "detached" });
      await page.waitForFunction(() => (window.__ran || []).length >= 4);
      await harmless(page, dialogs, acceptedBaseline, "#privacy-widget-consent", "after accepting");
    } finally {
      await context.close();
    }
  });

  test("privacy page: the store view, every purpose expanded", async () => {
    const clean = await hostilePage();
    await clean.page.goto(`${suite.server.url}/sites/pcextreme/privacy/`);
    await clean.page.locator(`${W} .pw-expand`).click();
    const baseline = await injectionProbe(clean.page);
    await clean.context.close();

    const { context, page, dialogs } = await hostilePage(policy);
    try {
      await page.goto(`${suite.server.url}/sites/pcextreme/privacy/`);
      await page.locator(`${W} .pw-expand`).click();
      await page.waitForFunction(() => [...document.querySelector("privacy-widget").shadowRoot.querySelectorAll(".pw-purpose")].every((d) => d.open));
      const state = await harmless(page, dialogs, baseline, W, "store view");
      const labels = [...policy.categories, ...policy.purposes].map((x) => x.label.nl);
      assert.deepEqual(shownLiterally(state.text, labels), [], "every category and purpose label shown literally");
      const missing = shownLiterally(state.text, used);
      assert.deepEqual(missing, [], "every hostile text shown literally");
    } finally {
      await context.close();
    }
  });

  // A text over the 10,000-character limit makes the policy invalid: the server refuses it, naming
  // where and why, so no visitor is asked on its basis; without a notice the page shows the
  // neutral message and enables nothing (C-A1). The real server answers throughout: started on a
  // copy of www/ whose pcextreme policy holds the 100 KB text it refuses to serve it (it names
  // the field and stops); serving the same pages without a valid pcextreme policy, its notice
  // answers 404 and the page enables nothing.
  test("a 100 KB text: refused by the server; the page without a notice enables nothing", async () => {
    const big = structuredClone(loadPolicy("pcextreme"));
    big.purposes[0].label = { nl: BIG, en: BIG };
    const refused = compileNotice(big);
    assert.equal(refused.code, 2, refused.err);
    assert.match(refused.err, /purposes\[0\]\.label/);
    const www = mkdtempSync(join(tmpdir(), "pw-big-www-"));
    let server;
    try {
      cpSync(join(repoRoot, "www"), www, { recursive: true });
      writeFileSync(join(www, "policies", "pcextreme.json"), JSON.stringify(big));
      await assert.rejects(startServer({ www }), /purposes\[0\]\.label\.(nl|en): text is 100000 characters; the limit is 10000/, "the server refuses the policy, naming where and why");
      rmSync(join(www, "policies", "pcextreme.json"));
      server = await startServer({ www });
      const { context, page, dialogs } = await hostilePage(null, {
        expect: [
          { method: "GET", path: "/api/v1/sites/pcextreme/notice", status: 404 },
          { console: /^privacy-widget: the consent notice could not be loaded; nothing is enabled/ },
          { console: /^the request was refused$/ },
        ],
      });
      try {
        await page.goto(`${server.url}/sites/pcextreme/`);
        await page.locator("#privacy-widget-consent .pw-unavailable").waitFor();
        assert.deepEqual(dialogs, []);
        assert.equal(await page.evaluate(() => window.__ran?.length ?? 0), 0);
        const consent = await page.evaluate(() => (window.dataLayer || []).map((e) => Array.from(e)).filter((e) => e[0] === "consent").map((e) => e[1]));
        assert.deepEqual(consent, ["default"], "only the denied default");
      } finally {
        await context.close();
      }
    } finally {
      await server?.stop();
      rmSync(www, { recursive: true, force: true });
    }
  });
});

describe("hostile strings in a stored customer record", () => {
  // C-C4 (the data itself is shown), and shown as data, never as markup.
  test("my data shows every payload literally; nothing runs or is injected", async () => {
    const clean = await hostilePage();
    await signIn(clean.page, suite.server.url, "pcextreme", "fatima-el-amrani");
    const baseline = await injectionProbe(clean.page);
    await clean.context.close();

    const stored = hostileCustomer(suite.server.db, "pcextreme", "jan-de-vries");
    assert.ok(stored >= PAYLOADS.length);
    const { context, page, dialogs } = await hostilePage();
    try {
      await signIn(page, suite.server.url, "pcextreme", "jan-de-vries");
      await page.locator(`${W} .pw-value`).first().waitFor();
      const state = await harmless(page, dialogs, baseline, W, "my data");
      const values = await page.evaluate(() => [...document.querySelector("privacy-widget").shadowRoot.querySelectorAll(".pw-value")].map((e) => e.textContent));
      const notShown = PAYLOADS.filter((p) => !values.includes(p) && !state.text.includes(p));
      assert.deepEqual(notShown, [], "every stored value shown literally");
      assert.ok(state.text.includes(PAYLOADS[2]), "the display name too");
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1 || "page scrolls"), true);
    } finally {
      await context.close();
    }
  });
});
