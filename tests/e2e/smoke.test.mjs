// Smoke test of the ten demo pages: the widget renders inside a shadow root on every marketing
// page and control panel, under a strict CSP, with no console error and no failed request.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { openPage, PAGES, STRICT_CSP, test, useSuite, waitForWidget } from "./lib/harness.mjs";

describe("demo pages", () => {
  const suite = useSuite();

  test("the index lists every marketing page and panel", async () => {
    const { context, page, problems } = await openPage(suite.browser, { csp: STRICT_CSP });
    await page.goto(`${suite.server.url}/`);
    const links = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href")));
    for (const { path } of PAGES) assert.ok(links.includes(path), `index links to ${path}`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  for (const { site, kind, path } of PAGES) {
    test(`${site} ${kind} page (${path}) mounts the widget`, async () => {
      const { context, page, problems } = await openPage(suite.browser, { csp: STRICT_CSP });
      try {
        await page.goto(`${suite.server.url}${path}`, { waitUntil: "load" });
        const hosts = await waitForWidget(page).catch((err) => {
          throw new Error(`widget did not render: ${err.message}\n${problems.join("\n")}`);
        });
        assert.ok(hosts >= 1);
        await page.waitForLoadState("networkidle");
        assert.deepEqual(problems, [], problems.join("\n"));
      } finally {
        await context.close();
      }
    });
  }
});
