// Time from the loader starting to the consent banner being visible, headless Chromium,
// median of 20 cold loads (fresh context each, so no cache and no stored decision).
// Not part of `make test`:  node tests/e2e/bench-banner.mjs [site] [loads]
import { launchBrowser, startServer } from "./lib/harness.mjs";

const site = process.argv[2] || "pcextreme";
const loads = Number(process.argv[3] || 20);

// Runs before any page script: t0 is the loader's first statement (it reads window.dataLayer),
// t1 the first animation frame in which the banner has a box inside the viewport.
const probe = () => {
  let store;
  Object.defineProperty(window, "dataLayer", {
    configurable: true,
    get() {
      if (window.__t0 === undefined) window.__t0 = performance.now();
      return store;
    },
    set(v) {
      if (window.__t0 === undefined) window.__t0 = performance.now();
      store = v;
    },
  });
  const check = () => {
    const host = document.querySelector("#privacy-widget-consent");
    const banner = host && host.shadowRoot && host.shadowRoot.querySelector(".pw-banner");
    const box = banner && banner.getBoundingClientRect();
    if (box && box.width > 0 && box.height > 0 && box.top < innerHeight) {
      window.__t1 = performance.now();
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const server = await startServer();
const browser = await launchBrowser();
const sinceLoader = [];
const sinceNavigation = [];
let failed = 0;
try {
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ locale: "nl-NL" });
    await context.addInitScript(probe);
    const page = await context.newPage();
    if (process.env.DEBUG) page.on("console", (m) => console.log(m.text())), page.on("pageerror", (e) => console.log(e.message));
    await page.goto(`${server.url}/sites/${site}/`);
    const seen = await page
      .waitForFunction(() => window.__t1 !== undefined, null, { timeout: 15_000 })
      .then(() => true, () => false);
    if (!seen) {
      failed += 1;
      await context.close();
      continue;
    }
    const [t0, t1] = await page.evaluate(() => [window.__t0, window.__t1]);
    sinceLoader.push(t1 - t0);
    sinceNavigation.push(t1);
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
const fmt = (x) => `${x.toFixed(0)} ms`;
console.log(`site ${site}, ${loads} cold loads (${failed} without a banner in 15 s), headless Chromium, load average ${(await import("node:os")).loadavg()[0].toFixed(1)}`);
console.log(`loader start → banner visible: median ${fmt(median(sinceLoader))}, min ${fmt(Math.min(...sinceLoader))}, max ${fmt(Math.max(...sinceLoader))}`);
console.log(`navigation start → banner visible: median ${fmt(median(sinceNavigation))}`);
