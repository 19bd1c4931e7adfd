// The marketing-page consent, end to end: loader order, banner, preferences, tag gating,
// Consent Mode v2, GPC, withdrawal and proof of consent, on the pcextreme and manetti pages
// with local stand-in tags (www/stand-ins/) and the real reference server.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { axe, formatViolations, openPage, STRICT_CSP, test, useSuite } from "./lib/harness.mjs";
import { consentId, eventually, focused, GPC_INIT, pw, records, snapshot, trackingCookies, visit } from "./consent-lib.mjs";

const PCX = "/sites/pcextreme/";
const ALL_DENIED = { analytics_storage: "denied", ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied" };
const ALL_GRANTED = { analytics_storage: "granted", ad_storage: "granted", ad_user_data: "granted", ad_personalization: "granted" };
const DEFAULT = {
  command: "default",
  ad_storage: "denied",
  ad_user_data: "denied",
  ad_personalization: "denied",
  analytics_storage: "denied",
  functionality_storage: "granted",
  personalization_storage: "denied",
  security_storage: "granted",
  wait_for_update: 500,
};

const suite = useSuite();

/** A fresh visitor (own cookie jar) on `path`. */
async function fresh(path = PCX, { gpc = false } = {}) {
  const opened = await openPage(suite.browser);
  if (gpc) await opened.context.addInitScript(GPC_INIT);
  const requests = [];
  opened.page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  await visit(opened.page, suite.server.url, path);
  return { ...opened, requests };
}

/** Presses Tab until `name` has focus, at most `max` times. */
async function tabTo(page, name, max) {
  for (let i = 0; i < max && (await focused(page)) !== name; i++) await page.keyboard.press("Tab");
  assert.equal(await focused(page), name);
}

async function reload(page) {
  await visit(page, suite.server.url, new URL(page.url()).pathname);
}

describe("first visit", () => {
  // C-A1, C-B2: the default comes first, nothing runs and no tracking cookie exists.
  test("nothing runs before consent; the Consent Mode default has all seven types", async () => {
    const { page, context, problems, requests } = await fresh();
    await pw(page, "banner").waitFor();
    const s = await snapshot(page);
    assert.deepEqual(s.consent, [DEFAULT]);
    assert.deepEqual(s.ran, []);
    assert.deepEqual(trackingCookies(s), []);
    assert.equal(s.cookies.pw_consent, undefined);
    assert.equal(s.decision, null);
    assert.deepEqual(requests.filter((p) => p.startsWith("/stand-ins/")), [], "no tag script was fetched");
    assert.deepEqual(problems, []);
    await context.close();
  });

  // C-A3, C-D3, C-A6: a non-modal region naming the controller and every purpose; the three
  // choices are the same size and style.
  test("the banner is a labelled region with three equal choices", async () => {
    const { page, context } = await fresh();
    const banner = pw(page, "banner");
    assert.equal(await banner.getAttribute("role"), "region");
    assert.ok(await banner.getAttribute("aria-label"));
    const text = await banner.textContent();
    assert.match(text, /PCextreme/);
    for (const purpose of ["Websitestatistieken", "Meten van onze advertenties", "remarketing"]) assert.match(text, new RegExp(purpose));
    const buttons = ["accept-all", "reject-all", "settings"];
    const boxes = await Promise.all(buttons.map((b) => pw(page, b).boundingBox()));
    const classes = await Promise.all(buttons.map((b) => pw(page, b).getAttribute("class")));
    assert.deepEqual(new Set(classes).size, 1, "same style");
    for (const box of boxes) {
      assert.ok(Math.abs(box.height - boxes[0].height) < 1, "same height");
      assert.ok(Math.abs(box.width - boxes[0].width) < 2, `same width ${boxes.map((b) => b.width)}`);
    }
    assert.deepEqual(await pw(page, "accept-all").textContent(), "Alles accepteren");
    assert.deepEqual(await pw(page, "reject-all").textContent(), "Alles weigeren");
    assert.equal(await page.evaluate(() => document.body.inert || false), false, "the page is not inert");
    assert.equal(await pw(page, "open").isVisible(), false, "the floating button waits until the banner is answered");
    // C-D6
    const violations = await axe(page);
    assert.deepEqual(violations, [], formatViolations(violations));
    await context.close();
  });
});

describe("the page around the widget", () => {
  // C-D3: nothing of the page stays hidden under the fixed widget: at the end of the page the
  // footer's own "Privacy-instellingen" link can be scrolled clear of the floating button and
  // clicked with a mouse (the pointer reaches the link, not the button over it).
  test("the footer link is clickable with a mouse at the end of the page, on a wide and a narrow screen", async () => {
    for (const viewport of [{ width: 1280, height: 720 }, { width: 320, height: 640 }]) {
      const { page, context } = await fresh();
      await page.setViewportSize(viewport);
      await pw(page, "reject-all").click();
      await pw(page, "open").waitFor();
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      const link = page.locator("footer [data-privacy-widget-open]");
      const [linkBox, buttonBox] = [await link.boundingBox(), await pw(page, "open").boundingBox()];
      const overlap = !(linkBox.y + linkBox.height <= buttonBox.y || buttonBox.y + buttonBox.height <= linkBox.y || linkBox.x + linkBox.width <= buttonBox.x || buttonBox.x + buttonBox.width <= linkBox.x);
      assert.equal(overlap, false, `${viewport.width} px: link ${JSON.stringify(linkBox)} under button ${JSON.stringify(buttonBox)}`);
      await link.click({ timeout: 5_000 });
      await pw(page, "dialog").waitFor();
      await context.close();
    }
  });
});

describe("decisions", () => {
  // C-A2: closing or Escape is no consent; the banner asks again on the next page.
  test("Escape and the close button record nothing", async () => {
    const { page, context } = await fresh();
    await pw(page, "accept-all").focus();
    await page.keyboard.press("Escape");
    await pw(page, "banner").waitFor({ state: "detached" });
    let s = await snapshot(page);
    assert.deepEqual(s.consent, [DEFAULT]);
    assert.equal(s.cookies.pw_consent, undefined);
    assert.deepEqual(s.ran, []);
    assert.equal(await focused(page), "open", "focus goes to the Privacy-instellingen button");
    await reload(page);
    await pw(page, "dismiss").click();
    await pw(page, "banner").waitFor({ state: "detached" });
    s = await snapshot(page);
    assert.deepEqual(s.ran, []);
    assert.deepEqual(trackingCookies(s), []);
    assert.equal(s.cookies.pw_consent, undefined);
    await context.close();
  });

  // C-A2, C-A3, C-A4, C-A8, C-B2: reject all with the keyboard only.
  test("reject all: denied update, nothing runs, remembered across a reload, recorded", async () => {
    const { page, context } = await fresh();
    await tabTo(page, "accept-all", 2); // the banner comes first in the keyboard order
    await page.keyboard.press("Tab");
    assert.equal(await focused(page), "reject-all");
    await page.keyboard.press("Enter");
    await pw(page, "banner").waitFor({ state: "detached" });
    let s = await snapshot(page);
    assert.deepEqual(s.consent, [DEFAULT, { command: "update", ...ALL_DENIED }]);
    assert.deepEqual(s.ran, []);
    assert.deepEqual(trackingCookies(s), []);
    assert.match(s.cookies.pw_consent, /~r~nl~/);
    assert.equal(s.decision.method, "reject_all");
    assert.deepEqual(s.decision.purposes, { analytics: false, ad_measurement: false, remarketing: false });
    const id = consentId(s);
    await reload(page);
    assert.equal(await pw(page, "banner").count(), 0, "no banner after a reload");
    s = await snapshot(page);
    assert.deepEqual(s.consent, [DEFAULT, { command: "update", ...ALL_DENIED }]);
    assert.deepEqual(s.ran, []);
    const stored = await eventually(() => records(suite.server.url, id).then((r) => r.length === 1 && r));
    assert.equal(stored[0].action, "reject_all");
    assert.deepEqual(stored[0].purposes, { ad_measurement: false, analytics: false, remarketing: false });
    assert.equal(stored[0].policy_version, "2019-02-25");
    assert.equal(stored[0].language, "nl");
    assert.equal(stored[0].gpc, false);
    assert.equal(stored[0].origin, suite.server.url);
    await context.close();
  });

  // C-A5, C-B2, C-B3, C-A8
  test("accept all: granted update, every tag runs once, cookies set, survives a reload", async () => {
    const { page, context } = await fresh();
    const changes = await page.evaluate(() => {
      window.__changes = [];
      window.__events = [];
      window.PrivacyWidget.onChange((d) => window.__changes.push(d.method));
      addEventListener("privacy-widget:change", (e) => window.__events.push(e.detail.method));
      return true;
    });
    assert.ok(changes);
    await pw(page, "accept-all").click();
    await page.waitForFunction(() => (window.__ran || []).length >= 4);
    let s = await snapshot(page);
    assert.deepEqual(s.consent, [DEFAULT, { command: "update", ...ALL_GRANTED }]);
    assert.deepEqual(s.ran, ["ga", "gads", "uet", "fb"]);
    for (const c of ["_ga", "_gcl_au", "_fbp", "_uetsid"]) assert.ok(c in s.cookies, c);
    assert.equal(s.events.length, 1);
    assert.equal(s.events[0].method, "accept_all");
    assert.deepEqual(await page.evaluate(() => [window.__changes, window.__events]), [["accept_all"], ["accept_all"]]);
    assert.ok(!s.fbq.some((c) => c[1] === "revoke"));
    const id = consentId(s);
    await reload(page);
    await page.waitForFunction(() => (window.__ran || []).length >= 4);
    s = await snapshot(page);
    assert.equal(await pw(page, "banner").count(), 0);
    assert.deepEqual(s.consent, [DEFAULT, { command: "update", ...ALL_GRANTED }]);
    assert.deepEqual(s.ran, ["ga", "gads", "uet", "fb"], "each tag once per page");
    assert.equal(await page.locator("script[data-privacy-activated]").count(), 4, "4 live copies");
    assert.equal(await page.locator("script[type='text/plain'][data-purpose]").count(), 0, "the inert originals replaced");
    const stored = await eventually(() => records(suite.server.url, id).then((r) => r.length === 1 && r));
    assert.equal(stored[0].action, "accept_all");
    assert.deepEqual(stored[0].purposes, { ad_measurement: true, analytics: true, remarketing: true });
    await context.close();
  });

  // C-A5, C-A2, C-D2, C-D5: the custom choice made with the keyboard only.
  test("custom: only analytics, with Tab, Space and Enter", async () => {
    const { page, context } = await fresh();
    await tabTo(page, "accept-all", 2);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.equal(await focused(page), "settings");
    await page.keyboard.press("Enter");
    await pw(page, "dialog").waitFor();
    // Every switch starts off (C-A2).
    const states = await page.locator("#privacy-widget-consent [data-pw=switch]").evaluateAll((els) => els.map((e) => e.checked));
    assert.deepEqual(states, [false, false, false]);
    for (let i = 0; i < 8 && (await focused(page)) !== "analytics"; i++) await page.keyboard.press("Tab");
    assert.equal(await focused(page), "analytics");
    await page.keyboard.press("Space");
    for (let i = 0; i < 8 && (await focused(page)) !== "save"; i++) await page.keyboard.press("Tab");
    assert.equal(await focused(page), "save");
    await page.keyboard.press("Enter");
    await pw(page, "dialog").waitFor({ state: "detached" });
    await page.waitForFunction(() => (window.__ran || []).length >= 1);
    const s = await snapshot(page);
    assert.deepEqual(s.consent, [
      DEFAULT,
      { command: "update", analytics_storage: "granted", ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied" },
    ]);
    assert.deepEqual(s.ran, ["ga"]);
    assert.deepEqual(trackingCookies(s), ["_ga", "_ga_DEMO"]);
    assert.equal(s.decision.method, "custom");
    assert.equal(await page.locator("#privacy-widget-consent [role=status]").textContent(), "Voorkeuren opgeslagen");
    const id = consentId(s);
    await reload(page);
    await page.waitForFunction(() => (window.__ran || []).length >= 1);
    const again = await snapshot(page);
    assert.deepEqual(again.ran, ["ga"]);
    assert.deepEqual(again.consent, s.consent);
    const stored = await eventually(() => records(suite.server.url, id).then((r) => r.length === 1 && r));
    assert.equal(stored[0].action, "custom");
    assert.deepEqual(stored[0].purposes, { ad_measurement: false, analytics: true, remarketing: false });
    await context.close();
  });

  // C-B3: the Bing and Facebook pixels serve ad measurement and personalised ads; they run only
  // when both are granted, and the dialog lists them under each of the two purposes.
  test("a pixel of two purposes needs both: ad measurement alone runs Google Ads only", async () => {
    const { page, context } = await fresh();
    await pw(page, "settings").click();
    await pw(page, "dialog").waitFor();
    const listed = await page.locator("#privacy-widget-consent [data-service]").evaluateAll((els) => els.map((e) => e.dataset.service));
    for (const id of ["bing_ads", "facebook_pixel"]) {
      assert.equal(listed.filter((x) => x === id).length, 2, `${id} listed under both purposes: ${listed}`);
    }
    await page.locator("#privacy-widget-consent [data-pw=switch][name=ad_measurement]").check();
    await pw(page, "save").click();
    await pw(page, "dialog").waitFor({ state: "detached" });
    await page.waitForFunction(() => (window.__ran || []).length >= 1);
    await page.waitForTimeout(200);
    const s = await snapshot(page);
    assert.deepEqual(s.ran, ["gads"], "the two-purpose pixels stay inert");
    assert.deepEqual(s.decision.purposes, { analytics: false, ad_measurement: true, remarketing: false });
    await context.close();
  });

  test("manetti: accept all runs Google Analytics only", async () => {
    const { page, context, problems } = await fresh("/sites/manetti/");
    await pw(page, "accept-all").click();
    await page.waitForFunction(() => (window.__ran || []).length >= 1);
    const s = await snapshot(page);
    assert.deepEqual(s.consent, [
      DEFAULT,
      { command: "update", analytics_storage: "granted", ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied" },
    ]);
    assert.deepEqual(s.ran, ["ga"]);
    assert.deepEqual(trackingCookies(s), ["_ga", "_ga_DEMO"]);
    assert.deepEqual(s.decision.purposes, { analytics: true });
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe("preferences dialog", () => {
  // C-D1, C-D2, C-A6, C-D6
  test("modal semantics, focus in, Tab wraps, Escape closes without consent, focus returns", async () => {
    const { page, context } = await fresh();
    await pw(page, "settings").click();
    const dialog = pw(page, "dialog");
    await dialog.waitFor();
    assert.equal(await dialog.evaluate((d) => d.tagName), "DIALOG");
    assert.equal(await dialog.getAttribute("aria-modal"), "true");
    assert.equal(await dialog.evaluate((d) => d.matches(":modal")), true, "opened with showModal: the page is inert");
    const title = await dialog.evaluate((d) => d.getRootNode().getElementById(d.getAttribute("aria-labelledby")).textContent);
    assert.equal(title, "Privacy-instellingen");
    assert.equal(await focused(page), "close", "focus moved into the dialog");
    await page.keyboard.press("Shift+Tab");
    assert.equal(await focused(page), "reject-all", "Shift+Tab wraps to the last control");
    await page.keyboard.press("Tab");
    assert.equal(await focused(page), "close", "Tab wraps to the first control");
    // C-A6: per purpose the services with cookies and lifetimes, recipients with country, retention, controller.
    const text = await dialog.textContent();
    for (const expected of ["Google Analytics", "_ga (2 jaar)", "_gid (24 uur)", "_gat (1 minuut)", "_fbp", "buiten de EU", "Bewaartermijn", "Verwerkingsverantwoordelijke", "Ontvangers", "Altijd aan"]) {
      assert.ok(text.includes(expected), `dialog mentions ${expected}`);
    }
    const violations = await axe(page);
    assert.deepEqual(violations, [], formatViolations(violations));
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.equal(await focused(page), "settings", "focus returned to the opener");
    const s = await snapshot(page);
    assert.deepEqual(s.consent, [DEFAULT]);
    assert.equal(s.cookies.pw_consent, undefined);
    assert.equal(await pw(page, "banner").count(), 1, "the question stays open");
    await context.close();
  });
});

describe("later changes", () => {
  // C-A9
  test("a new policy version asks again and enables nothing until answered", async () => {
    const { page, context } = await fresh();
    await pw(page, "accept-all").click();
    await page.waitForFunction(() => (window.__ran || []).length >= 4);
    await page.route("**/sites/pcextreme/notice*", async (route) => {
      const response = await route.fetch();
      const notice = await response.json();
      notice.version = "2099-01-01";
      await route.fulfill({ response, json: notice });
    });
    await reload(page);
    await pw(page, "banner").waitFor();
    const s = await snapshot(page);
    assert.deepEqual(s.consent, [DEFAULT]);
    assert.deepEqual(s.ran, []);
    assert.equal(s.decision, null);
    await context.close();
  });

  // C-A7: one action withdraws; cookies and storage cleared, denied pushed, Meta revoked.
  test("withdrawal from the footer link clears cookies and pushes denied", async () => {
    const { page, context } = await fresh();
    await pw(page, "accept-all").click();
    await page.waitForFunction(() => (window.__ran || []).length >= 4 && document.cookie.includes("_fbp"));
    const before = await snapshot(page);
    assert.ok(before.storage.includes("_uetsid_exp"));
    const id = consentId(before);
    await page.locator("footer [data-privacy-widget-open]").focus();
    await page.keyboard.press("Enter");
    await pw(page, "dialog").waitFor();
    assert.deepEqual(
      await page.locator("#privacy-widget-consent [data-pw=switch]").evaluateAll((els) => els.map((e) => e.checked)),
      [true, true, true],
      "the dialog shows the current choice",
    );
    await page.locator("#privacy-widget-consent [data-pw=switch][name=ad_measurement]").uncheck();
    await page.locator("#privacy-widget-consent [data-pw=switch][name=remarketing]").uncheck();
    await pw(page, "save").click();
    await pw(page, "dialog").waitFor({ state: "detached" });
    assert.equal(await focused(page), "a", "focus back on the footer link");
    const s = await snapshot(page);
    assert.deepEqual(s.consent.at(-1), {
      command: "update",
      analytics_storage: "granted",
      ad_storage: "denied",
      ad_user_data: "denied",
      ad_personalization: "denied",
    });
    assert.deepEqual(trackingCookies(s), ["_ga", "_ga_DEMO"], "ad cookies cleared");
    assert.ok(!s.storage.includes("_uetsid_exp") && !s.storage.includes("_uetvid_exp"), "UET storage cleared");
    assert.deepEqual(s.fbq.at(-1), ["consent", "revoke"]);
    assert.equal(s.decision.method, "withdraw");
    const stored = await eventually(() => records(suite.server.url, id).then((r) => r.length === 2 && r));
    assert.deepEqual(stored.map((r) => r.action), ["accept_all", "withdraw"]);
    assert.deepEqual(stored[1].purposes, { ad_measurement: false, analytics: true, remarketing: false });
    await context.close();
  });

  // C-B1
  test("GPC keeps advertising denied, says so, and is recorded as gpc", async () => {
    const { page, context } = await fresh(PCX, { gpc: true });
    assert.equal(await pw(page, "gpc").count(), 1, "the banner mentions GPC");
    await pw(page, "settings").click();
    await pw(page, "dialog").waitFor();
    assert.equal(await page.locator("#privacy-widget-consent [data-pw=dialog] [data-pw=gpc]").count(), 1, "so does the dialog");
    const disabled = await page.locator("#privacy-widget-consent [data-pw=switch]").evaluateAll((els) => els.map((e) => [e.name, e.disabled, e.checked]));
    assert.deepEqual(disabled, [["analytics", false, false], ["ad_measurement", true, false], ["remarketing", true, false]]);
    await pw(page, "accept-all").last().click();
    await page.waitForFunction(() => (window.__ran || []).length >= 1);
    const s = await snapshot(page);
    assert.deepEqual(s.consent.at(-1), {
      command: "update",
      analytics_storage: "granted",
      ad_storage: "denied",
      ad_user_data: "denied",
      ad_personalization: "denied",
    });
    assert.deepEqual(s.ran, ["ga"]);
    assert.equal(s.decision.method, "gpc");
    assert.deepEqual(s.decision.purposes, { analytics: true, ad_measurement: false, remarketing: false });
    const stored = await eventually(() => records(suite.server.url, consentId(s)).then((r) => r.length === 1 && r));
    assert.equal(stored[0].action, "gpc");
    assert.equal(stored[0].gpc, true);
    await context.close();
  });
});

describe("host page API", () => {
  test("reset() asks again; open() opens the dialog; loading twice is harmless", async () => {
    const { page, context, problems } = await fresh();
    await pw(page, "reject-all").click();
    await page.evaluate(() => {
      const s = document.createElement("script");
      s.src = "/widget/privacy-widget.js";
      s.dataset.site = "pcextreme";
      document.head.append(s);
    });
    await page.waitForTimeout(500);
    let s = await snapshot(page);
    assert.equal(s.consent.filter((c) => c.command === "default").length, 1, "one default");
    assert.equal(await page.locator("#privacy-widget-consent").count(), 1, "one widget");
    assert.equal(await page.evaluate(() => window.PrivacyWidget === window.__privacyWidget), true);
    const unsubscribed = await page.evaluate(() => {
      window.__seen = 0;
      const off = window.PrivacyWidget.onChange(() => window.__seen++);
      off();
      return typeof off;
    });
    assert.equal(unsubscribed, "function");
    await page.evaluate(() => window.PrivacyWidget.reset());
    await pw(page, "banner").waitFor();
    s = await snapshot(page);
    assert.equal(s.decision, null);
    assert.equal(s.cookies.pw_consent, undefined);
    await page.evaluate(() => window.PrivacyWidget.open());
    await pw(page, "dialog").waitFor();
    assert.equal(await page.evaluate(() => window.__seen), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a page's own global PrivacyWidget is left alone", async () => {
    const opened = await openPage(suite.browser);
    await opened.context.addInitScript(() => {
      window.PrivacyWidget = { mine: true };
    });
    await visit(opened.page, suite.server.url, PCX);
    const r = await opened.page.evaluate(() => [window.PrivacyWidget.mine, typeof window.__privacyWidget.consent]);
    assert.deepEqual(r, [true, "function"]);
    await opened.context.close();
  });
});

describe("robustness", () => {
  // C-A6: the page reads the consent notice the backend compiled from the policy (never the
  // whole policy), once, in the page's language; an English page gets the English texts.
  test("the page reads only its consent notice, in the page's language", async () => {
    const opened = await openPage(suite.browser);
    const fetched = [];
    opened.page.on("request", (r) => fetched.push(new URL(r.url())));
    await opened.page.route("**/sites/pcextreme/", async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace('<html lang="nl">', '<html lang="en">');
      await route.fulfill({ response, body: html, headers: { "content-type": "text/html; charset=utf-8" } });
    });
    await visit(opened.page, suite.server.url, PCX);
    await pw(opened.page, "banner").waitFor();
    assert.deepEqual(fetched.filter((u) => u.pathname.startsWith("/policies/")).map(String), [], "no policy document");
    const notices = fetched.filter((u) => u.pathname === "/api/v1/sites/pcextreme/notice");
    assert.deepEqual(notices.map((u) => u.search), ["?lang=en"], "one notice request (preloaded and reused)");
    assert.equal(await pw(opened.page, "accept-all").textContent(), "Accept all");
    await pw(opened.page, "settings").click();
    await pw(opened.page, "dialog").waitFor();
    const dialog = await pw(opened.page, "dialog").textContent();
    assert.match(dialog, /_ga \(2 years\)/, "cookie lifetimes rendered in English by the server");
    assert.deepEqual(opened.problems, []);
    await opened.context.close();
  });

  // C-A1: a broken notice enables nothing; the visitor sees a neutral note, the console the details.
  test("an invalid consent notice shows a neutral message and enables nothing", async () => {
    const expect = [{ console: /^privacy-widget: the consent notice could not be loaded; nothing is enabled/ }, { console: /^notice version: expected a string/ }];
    const opened = await openPage(suite.browser, { expect });
    await opened.page.route("**/sites/pcextreme/notice*", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: '{"notice": 2, "site": "pcextreme", "version": 7}' }),
    );
    await opened.page.goto(suite.server.url + PCX);
    const note = opened.page.locator("#privacy-widget-consent .pw-unavailable");
    await note.waitFor();
    assert.match(await note.textContent(), /niet beschikbaar/);
    const s = await snapshot(opened.page);
    assert.deepEqual(s.consent, [DEFAULT]);
    assert.deepEqual(s.ran, []);
    assert.ok(opened.problems.some((p) => p.includes("privacy-widget")), "the reason goes to the console");
    assert.ok(opened.problems.some((p) => p.includes("notice version: expected a string")), opened.problems.join("\n"));
    await opened.context.close();
  });

  // Strict CSP (no inline script or style): every consent flow works without a violation.
  test("works under a strict Content-Security-Policy", async () => {
    const opened = await openPage(suite.browser, { csp: STRICT_CSP });
    await visit(opened.page, suite.server.url, PCX);
    await pw(opened.page, "accept-all").click();
    await opened.page.waitForFunction(() => (window.__ran || []).length >= 4);
    await pw(opened.page, "open").click();
    await pw(opened.page, "reject-all").last().click();
    await pw(opened.page, "dialog").waitFor({ state: "detached" });
    const s = await snapshot(opened.page);
    assert.equal(s.decision.method, "reject_all");
    assert.ok(/^\d+px$/.test(await opened.page.evaluate(() => document.documentElement.style.scrollPaddingBottom)), "C-D3: focus kept clear of the widget");
    assert.deepEqual(opened.problems, []);
    await opened.context.close();
  });
});
