// Hostile host CSS (www/hostile/): bootstrap from npm plus `* { all: unset !important }`,
// hidden buttons, 40 px root font size, loud colours and `!important` everywhere. The widget looks
// the same (screenshots of its box compared with the clean page, pixel by pixel with a small
// tolerance) and works the same (accept/reject, panel sign-in and an opt-in).
// Out of the widget's control, so not tested: a rule on the host element itself such as
// `privacy-widget, #privacy-widget-consent { display: none !important }` hides it; a transform
// or filter on an ancestor of the marketing host moves its position:fixed banner.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { openPage, test, useSuite } from "./lib/harness.mjs";
import { pw, snapshot, visit } from "./consent-lib.mjs";
import { W, announced, quiet, signIn } from "./panel-helpers.mjs";
import { pngDiff, serveBootstrap } from "./lib/hostile.mjs";

const suite = useSuite();

async function page() {
  const opened = await openPage(suite.browser, { contextOptions: { viewport: { width: 1280, height: 800 } } });
  await serveBootstrap(opened.page);
  return opened;
}

/** The hostile stylesheet really applies to the host page (the test would prove nothing otherwise). */
async function hostileApplied(p) {
  const s = await p.evaluate(() => ({ root: getComputedStyle(document.documentElement).fontSize, bootstrap: [...document.styleSheets].some((x) => (x.href || "").includes("bootstrap")) }));
  assert.equal(s.root, "40px");
  assert.ok(s.bootstrap, "bootstrap loaded");
}

function same(a, b, what, tolerance = 0.01) {
  const d = pngDiff(a, b);
  if (!d.sameSize || d.ratio > tolerance) {
    // Keep both pictures of a failed comparison for a person to look at.
    const dir = new URL("./test-results/", import.meta.url);
    mkdirSync(dir, { recursive: true });
    const name = what.replace(/[^a-z0-9]+/gi, "-");
    writeFileSync(new URL(`${name}-clean.png`, dir), a);
    writeFileSync(new URL(`${name}-hostile.png`, dir), b);
  }
  assert.ok(d.sameSize, `${what}: same size (${d.width}x${d.height} vs ${d.otherWidth}x${d.otherHeight})`);
  assert.ok(d.ratio <= tolerance, `${what}: ${(d.ratio * 100).toFixed(2)} % of pixels differ`);
}

// The widget sizes text and spacing in rem (src/ui/style.rs), so the host page's
// `html { font-size: 40px }` scales the whole widget (banner 960x218 px becomes 1220x408 px).
// `:host { all: initial }` already resets font-size to the user's default; em units inside the
// shadow root instead of rem would keep the user's text size and shut out the page's root size.

describe("hostile host CSS", () => {
  // C-A3 (the three choices stay visible and equal), C-D4.
  test("marketing page: the banner and dialog look the same; accept and reject work", async () => {
    const clean = await page();
    const hostile = await page();
    try {
      await visit(clean.page, suite.server.url, "/sites/pcextreme/");
      await visit(hostile.page, suite.server.url, "/hostile/pcextreme/");
      await hostileApplied(hostile.page);
      same(await pw(clean.page, "banner").screenshot(), await pw(hostile.page, "banner").screenshot(), "banner");
      for (const b of ["accept-all", "reject-all", "settings"]) assert.ok(await pw(hostile.page, b).isVisible(), `${b} visible`);
      await pw(clean.page, "settings").click();
      await pw(hostile.page, "settings").click();
      await pw(hostile.page, "dialog").waitFor();
      await pw(clean.page, "dialog").waitFor();
      same(await pw(clean.page, "dialog").screenshot(), await pw(hostile.page, "dialog").screenshot(), "dialog");
      await pw(hostile.page, "accept-all").last().click();
      await pw(hostile.page, "dialog").waitFor({ state: "detached" });
      await hostile.page.waitForFunction(() => (window.__ran || []).length >= 4);
      assert.equal((await snapshot(hostile.page)).decision.method, "accept_all");
      await pw(hostile.page, "open").click();
      await pw(hostile.page, "reject-all").last().click();
      await pw(hostile.page, "dialog").waitFor({ state: "detached" });
      assert.equal((await snapshot(hostile.page)).decision.method, "reject_all");
    } finally {
      await clean.context.close();
      await hostile.context.close();
    }
  });

  test("control panel: the sign-in form and my data look the same; sign-in and an opt-in work", async () => {
    const clean = await page();
    const hostile = await page();
    try {
      await clean.page.goto(`${suite.server.url}/sites/pcextreme/panel/`);
      await hostile.page.goto(`${suite.server.url}/hostile/pcextreme/panel/`);
      await hostileApplied(hostile.page);
      for (const p of [clean.page, hostile.page]) await p.locator(`${W} .pw-login select option`).first().waitFor({ state: "attached" });
      // The in-flow box is as wide as the host page makes it: compare at the same width. Under
      // `* { all: unset }` the page's footer becomes inline and its 3em padding paints over the
      // widget's area: the page's own layout, not the widget's, so the footer is taken away first.
      for (const p of [clean.page, hostile.page]) {
        await p.evaluate(() => {
          document.querySelector("privacy-widget").style.setProperty("width", "720px", "important");
          document.querySelector("footer")?.style.setProperty("display", "none", "important");
        });
      }
      same(await clean.page.locator(`${W} .pw-login`).screenshot(), await hostile.page.locator(`${W} .pw-login`).screenshot(), "sign-in form");
      // Sign in on the hostile page with the keyboard: the select, Tab, Enter.
      await hostile.page.locator(`${W} .pw-login select`).focus();
      await hostile.page.locator(`${W} .pw-login select`).selectOption("jan-de-vries");
      await hostile.page.keyboard.press("Tab");
      await hostile.page.keyboard.press("Enter");
      await hostile.page.locator(`${W} .pw-tab`).first().waitFor();
      await signIn(clean.page, suite.server.url, "pcextreme", "jan-de-vries");
      for (const p of [clean.page, hostile.page]) {
        await p.locator(`${W} .pw-data-category`).first().waitFor();
        await p.evaluate(() => document.querySelector("privacy-widget").style.setProperty("width", "720px", "important"));
      }
      same(await clean.page.locator(`${W} .pw-data-category`).first().screenshot(), await hostile.page.locator(`${W} .pw-data-category`).first().screenshot(), "my data");
      await hostile.page.locator(`${W} .pw-tab[data-tab=optins]`).click();
      const sw = hostile.page.locator(`${W} input[role=switch]:not([disabled])`).first();
      const was = await sw.isChecked();
      await quiet(hostile.page);
      await sw.click();
      await announced(hostile.page, "Voorkeuren opgeslagen");
      assert.equal(await sw.isChecked(), !was);
    } finally {
      await clean.context.close();
      await hostile.context.close();
    }
  });
});
