// One small driver interface over three browser engines, so that a test is written once and runs
// in each: Chromium (Debian's, through playwright-core), Firefox ESR (puppeteer-core over WebDriver
// BiDi) and WebKitGTK's MiniBrowser (WebKitWebDriver under Xvfb, through selenium-webdriver).
// Each adapter supplies only the primitives an engine does differently: navigation, running a
// function in the page, native keyboard and pointer (mouse or touch) input, the viewport, the
// cookie jar and the page problems. Everything a test reads goes through `evaluate`, with
// selectors that pierce open shadow roots at `>>>` (`"#privacy-widget-consent >>> [data-pw=banner]"`).
// No engine is downloaded: the browsers come from apt (scripts/setup.sh).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import { chromium } from "playwright-core";
import puppeteer from "puppeteer-core";
import { Builder, Capabilities } from "selenium-webdriver";
import { Key, Origin } from "selenium-webdriver/lib/input.js";
import { aborted, repoRoot } from "./harness.mjs";

/** The engines `make test` runs the core flows in; `PW_ENGINES=firefox,webkit` narrows them. */
export const ENGINES = (process.env.PW_ENGINES || "chromium,firefox,webkit").split(",").map((e) => e.trim()).filter(Boolean);

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];
const MINIBROWSER = process.env.MINIBROWSER || "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/** A free loopback TCP port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `fn` (async) until it returns a truthy value; throws after `timeout` ms with `what`. */
async function poll(fn, { timeout = 10_000, interval = 50, what = "condition" } = {}) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > until) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

// In-page helpers, sent with every query: `deep(sel)` resolves a `>>>`-separated selector
// through open shadow roots and returns every match.
// A comma separates alternatives, each of which may pierce (no comma inside one selector).
const DEEP = `(sel) => sel.split(",").flatMap((one) => {
  let roots = [document];
  const parts = one.split(">>>").map((s) => s.trim());
  for (let i = 0; i < parts.length; i++) {
    const found = roots.flatMap((r) => [...r.querySelectorAll(parts[i])]);
    if (i === parts.length - 1) return found;
    roots = found.map((e) => e.shadowRoot).filter(Boolean);
  }
  return [];
})`;

/**
 * The page every engine gives a test. `problems()` lists what went wrong in the page (console
 * errors, uncaught errors, failed requests, responses >= 400) as strings.
 */
class Page {
  constructor(engine, backend) {
    this.engine = engine;
    this.b = backend;
  }

  goto(url) {
    return this.b.goto(url);
  }

  reload() {
    return this.b.reload();
  }

  /** Runs `fn(arg)` in the page (it may be async) and returns its JSON-serialisable result. */
  evaluate(fn, arg = null) {
    return this.b.evaluate(fn.toString(), arg);
  }

  /** Polls `fn(arg)` in the page until it returns a truthy value, which it returns. */
  waitFor(fn, arg = null, { timeout = 10_000, what } = {}) {
    return poll(() => this.evaluate(fn, arg).catch(() => null), { timeout, what: what ?? fn.toString().slice(0, 120) });
  }

  /** Runs `body(elements, arg)` on every element `selector` matches (through shadow roots). */
  query(selector, body, arg = null) {
    return this.b.evaluate(
      `async ({ selector, arg }) => (${body.toString()})((${DEEP})(selector), arg)`,
      { selector, arg },
    );
  }

  count(selector) {
    return this.query(selector, (els) => els.length);
  }

  /** Waits until `selector` matches an element that is rendered (`visible`), exists (`attached`), or none (`detached`). */
  async waitForSelector(selector, { state = "visible", timeout = 10_000 } = {}) {
    await poll(
      () => this.query(selector, (els, state) => {
        const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
        if (state === "detached") return els.length === 0;
        if (state === "attached") return els.length > 0;
        return els.some(shown);
      }, state).catch(() => false),
      { timeout, what: `${selector} ${state}` },
    );
  }

  text(selector) {
    return this.query(selector, (els) => (els[0] ? els[0].textContent : null));
  }

  attribute(selector, name) {
    return this.query(selector, (els, name) => (els[0] ? els[0].getAttribute(name) : null), name);
  }

  /** The element's rectangle in CSS pixels relative to the viewport (null when absent). */
  box(selector) {
    return this.query(selector, (els) => {
      if (!els[0]) return null;
      const r = els[0].getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    });
  }

  /** Whether the element is rendered, and inside the viewport without scrolling (`inView`). */
  visibility(selector) {
    return this.query(selector, (els) => {
      const e = els[0];
      if (!e) return { visible: false, inView: false };
      const r = e.getBoundingClientRect();
      const visible = r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden";
      // The centre must be the element itself (not clipped by a scroll container or covered).
      let hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      while (hit && hit.shadowRoot && hit !== e) {
        const inner = hit.shadowRoot.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        if (!inner || inner === hit) break;
        hit = inner;
      }
      const inView = visible && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && (hit === e || e.contains(hit));
      return { visible, inView };
    });
  }

  focus(selector) {
    return this.query(selector, (els) => {
      if (!els[0]) throw new Error("no element to focus");
      els[0].focus();
    });
  }

  /** A real (native) click, or a tap with `{ touch: true }`, at the element's centre. */
  async click(selector, { touch = false } = {}) {
    await this.waitForSelector(selector);
    await this.query(selector, (els) => els[0].scrollIntoView({ block: "center", inline: "center" }));
    const box = await this.box(selector);
    await this.b.pointer(Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2), { touch });
  }

  tap(selector) {
    return this.click(selector, { touch: true });
  }

  /** Presses a key: "Tab", "Shift+Tab", "Enter", "Space", "Escape", "Backspace", "ArrowRight". */
  press(key) {
    return this.b.press(key);
  }

  type(text) {
    return this.b.type(text);
  }

  /** Sets the size of the viewport in CSS pixels; resolves with the size the engine gave. */
  async setViewport(width, height) {
    await this.b.viewport(width, height);
    return this.evaluate(() => ({ width: innerWidth, height: innerHeight }));
  }

  /** The cookies the browser keeps for the current page: [{ name, value, expires (s since epoch or -1) }]. */
  cookies() {
    return this.b.cookies();
  }

  /** The page problems recorded so far (strings). */
  problems() {
    return this.b.problems();
  }

  close() {
    return this.b.close();
  }
}

/** The name of a key for each engine's keyboard API. */
const KEY_NAMES = { Space: " ", Enter: "Enter", Tab: "Tab", Escape: "Escape", Backspace: "Backspace", ArrowRight: "ArrowRight", ArrowLeft: "ArrowLeft", ArrowDown: "ArrowDown", ArrowUp: "ArrowUp" };

function splitKey(key) {
  const parts = key.split("+");
  return { mods: parts.slice(0, -1), key: parts.at(-1) };
}

// ---- Chromium (playwright-core) -------------------------------------------------------------

/**
 * What goes wrong on a Playwright or Puppeteer page (their events have the same shape): console
 * errors (with `where(message)` appended), page errors, failed requests other than aborted
 * ones, and HTTP answers of 400 and up. The returned array fills as the page runs.
 */
function pageProblems(page, where = () => "") {
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}${where(m)}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => aborted(r.failure()?.errorText) || problems.push(`request failed: ${r.method()} ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`));
  return problems;
}

async function chromiumEngine() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
  return {
    async newPage({ viewport = { width: 1280, height: 720 }, touch = false } = {}) {
      const context = await browser.newContext({ locale: "nl-NL", viewport, hasTouch: touch });
      const page = await context.newPage();
      const problems = pageProblems(page, (m) => (m.location()?.url ? ` [at ${m.location().url}]` : ""));
      return {
        goto: (url) => page.goto(url, { waitUntil: "load" }),
        reload: () => page.reload({ waitUntil: "load" }),
        evaluate: (src, arg) => page.evaluate(`(${src})(${JSON.stringify(arg)})`),
        pointer: (x, y, { touch }) => (touch ? page.touchscreen.tap(x, y) : page.mouse.click(x, y)),
        press: (key) => page.keyboard.press(key),
        type: (text) => page.keyboard.type(text),
        viewport: (width, height) => page.setViewportSize({ width, height }),
        cookies: async () => (await context.cookies()).map((c) => ({ name: c.name, value: c.value, expires: c.expires })),
        problems: async () => [...problems],
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

// ---- Firefox ESR (puppeteer-core over WebDriver BiDi) ---------------------------------------

async function firefoxEngine({ prefs = {} } = {}) {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: process.env.FIREFOX || "/usr/bin/firefox-esr",
    headless: true,
    extraPrefsFirefox: { "intl.accept_languages": "nl-NL, nl", "dom.w3c_touch_events.enabled": 1, ...prefs },
  });
  return {
    async newPage({ viewport = { width: 1280, height: 720 }, touch = false } = {}) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport({ ...viewport, hasTouch: touch });
      const problems = pageProblems(page);
      return {
        goto: (url) => page.goto(url, { waitUntil: "load" }),
        reload: () => page.reload({ waitUntil: "load" }),
        evaluate: (src, arg) => page.evaluate(`(${src})(${JSON.stringify(arg)})`),
        pointer: (x, y, { touch }) => (touch ? page.touchscreen.tap(x, y) : page.mouse.click(x, y)),
        async press(key) {
          const { mods, key: k } = splitKey(key);
          for (const m of mods) await page.keyboard.down(m);
          await page.keyboard.press(KEY_NAMES[k] ?? k);
          for (const m of mods.reverse()) await page.keyboard.up(m);
        },
        type: (text) => page.keyboard.type(text),
        viewport: (width, height) => page.setViewport({ width, height, hasTouch: touch }),
        cookies: async () => (await page.cookies()).map((c) => ({ name: c.name, value: c.value, expires: c.expires })),
        problems: async () => [...problems],
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

// ---- WebKitGTK MiniBrowser (WebKitWebDriver under Xvfb, selenium-webdriver) -----------------

// WebDriver classic has no page events: the page records its own problems. A listener set is
// installed after each navigation (and again before each read, in case the page navigated);
// responses >= 400 come from the Resource Timing entries (responseStatus), which are buffered
// from the start of the page, so none is missed; console errors and uncaught errors are caught
// from the moment the recorder is installed (right after `load`).
const WEBKIT_RECORDER = `(() => {
  if (window.__pwProblems) return;
  const problems = (window.__pwProblems = []);
  addEventListener("error", (e) => problems.push("page error: " + (e.message || (e.target && (e.target.src || e.target.href)) || e.type)), true);
  addEventListener("unhandledrejection", (e) => problems.push("page error: " + (e.reason && e.reason.message || e.reason)));
  document.addEventListener("securitypolicyviolation", (e) => problems.push("console error: CSP violation of " + e.violatedDirective + " by " + e.blockedURI));
  const error = console.error.bind(console);
  console.error = (...args) => { problems.push("console error: " + args.map(String).join(" ")); error(...args); };
})()`;
const WEBKIT_READ = `return (() => {
  const http = performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
    .filter((e) => e.responseStatus >= 400)
    .map((e) => "HTTP " + e.responseStatus + ": " + (e.initiatorType === "navigation" ? "GET" : "(" + e.initiatorType + ")") + " " + e.name);
  return (window.__pwProblems || []).concat(http);
})()`;

// MiniBrowser's toolbar would keep its window at least ~450 px wide; a user style sheet for GTK
// (read from $XDG_CONFIG_HOME/gtk-3.0/gtk.css) shrinks the browser's own widgets, so that the
// viewport can be a phone's 375 or 320 CSS pixels. Web content is not styled by it.
const MINIBROWSER_GTK_CSS = `* { font-size: 1px; min-width: 0; min-height: 0; padding: 0; margin: 0; border-width: 0; }
image, button, entry { -gtk-icon-transform: scale(0.1); }
`;

async function webkitEngine() {
  const config = mkdtempSync(join(tmpdir(), "pw-webkit-"));
  mkdirSync(join(config, "gtk-3.0"));
  writeFileSync(join(config, "gtk-3.0", "gtk.css"), MINIBROWSER_GTK_CSS);
  const display = `:${90 + Math.floor(Math.random() * 800)}`;
  const xvfb = spawn("Xvfb", [display, "-screen", "0", "1600x1200x24", "-nolisten", "tcp"], { stdio: "ignore" });
  const port = await freePort();
  const driver = spawn("WebKitWebDriver", [`--port=${port}`, "--host=127.0.0.1"], { env: { ...process.env, DISPLAY: display, XDG_CONFIG_HOME: config }, stdio: "ignore" });
  await poll(() => fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok).catch(() => false), { timeout: 15_000, what: "WebKitWebDriver" });
  const caps = new Capabilities({
    browserName: "MiniBrowser",
    "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
  });
  const open = new Set();
  return {
    async newPage({ viewport = { width: 1280, height: 720 } } = {}) {
      const drv = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities(caps).build();
      open.add(drv);
      const kept = [];
      const read = async () => {
        try {
          return await drv.executeScript(WEBKIT_READ);
        } catch {
          return [];
        }
      };
      const settle = async () => {
        await drv.executeScript(WEBKIT_RECORDER);
      };
      const evaluate = (src, arg) => drv.executeScript(`return (${src})(arguments[0])`, arg);
      const resize = async (width, height) => {
        // The window includes MiniBrowser's toolbar: size it by the chrome's measured extent and
        // wait for the resize to reach the page (it is applied asynchronously).
        const size = () => drv.executeScript("return [innerWidth, innerHeight, outerWidth, outerHeight]");
        for (let i = 0; i < 5; i++) {
          const [iw, ih, ow, oh] = await size();
          if (iw === width && ih === height) return;
          await drv.manage().window().setRect({ width: width + (ow - iw), height: height + (oh - ih) });
          await poll(async () => {
            const [nw, nh] = await size();
            return nw !== iw || nh !== ih;
          }, { timeout: 1_000, what: "resize" }).catch(() => {});
        }
        const [iw, ih] = await size();
        if (iw !== width || ih !== height) throw new Error(`webkit: viewport ${iw}x${ih}, not ${width}x${height}`);
      };
      const backend = {
        async goto(url) {
          kept.push(...(await read()));
          await drv.get(url);
          await settle();
        },
        async reload() {
          kept.push(...(await read()));
          await drv.navigate().refresh();
          await settle();
        },
        evaluate,
        async pointer(x, y, { touch }) {
          if (touch) {
            const actions = drv.actions({ async: true });
            // A touch pointer: WebDriver's pointerType "touch" (a tap is down + up).
            const finger = new (await import("selenium-webdriver/lib/input.js")).Pointer("finger", "touch");
            actions.insert(finger, finger.move({ x, y, origin: Origin.VIEWPORT }), finger.press(), finger.release());
            await actions.perform();
          } else {
            await drv.actions({ async: true }).move({ x, y, origin: Origin.VIEWPORT }).click().perform();
          }
        },
        async press(key) {
          const { mods, key: k } = splitKey(key);
          const name = { Tab: Key.TAB, Enter: Key.ENTER, Space: Key.SPACE, Escape: Key.ESCAPE, Backspace: Key.BACK_SPACE, ArrowRight: Key.ARROW_RIGHT, ArrowLeft: Key.ARROW_LEFT, ArrowDown: Key.ARROW_DOWN, ArrowUp: Key.ARROW_UP }[k] ?? k;
          const modKeys = mods.map((m) => ({ Shift: Key.SHIFT, Control: Key.CONTROL, Alt: Key.ALT }[m]));
          let a = drv.actions({ async: true });
          for (const m of modKeys) a = a.keyDown(m);
          a = a.keyDown(name).keyUp(name);
          for (const m of modKeys.reverse()) a = a.keyUp(m);
          await a.perform();
        },
        type: (text) => drv.actions({ async: true }).sendKeys(text).perform(),
        viewport: resize,
        cookies: async () => (await drv.manage().getCookies()).map((c) => ({ name: c.name, value: c.value, expires: c.expiry ?? -1 })),
        problems: async () => kept.concat(await read()),
        async close() {
          open.delete(drv);
          await drv.quit().catch(() => {});
        },
      };
      await resize(viewport.width, viewport.height);
      return backend;
    },
    async close() {
      for (const drv of open) await drv.quit().catch(() => {});
      driver.kill("SIGTERM");
      xvfb.kill("SIGTERM");
      rmSync(config, { recursive: true, force: true });
    },
  };
}

const ADAPTERS = { chromium: chromiumEngine, firefox: firefoxEngine, webkit: webkitEngine };

/**
 * Launches `engine` ("chromium", "firefox" or "webkit"). `prefs` are Firefox preferences (for
 * example `{"privacy.globalprivacycontrol.enabled": true}`); other engines ignore them.
 * Returns `{ name, newPage(options), close() }`; `newPage({ viewport, touch })` gives a fresh
 * page with its own cookie jar.
 */
export async function launchEngine(engine, options = {}) {
  const adapter = ADAPTERS[engine];
  if (!adapter) throw new Error(`unknown engine ${engine}: one of ${Object.keys(ADAPTERS).join(", ")}`);
  const impl = await adapter(options);
  return {
    name: engine,
    async newPage(opts = {}) {
      return new Page(engine, await impl.newPage(opts));
    },
    close: () => impl.close(),
  };
}

let axeText;
/** Runs axe-core (WCAG 2.x A/AA + best practices) in the page; returns its violations. */
export async function axeIn(page, { tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } = {}) {
  axeText ??= readFileSync(join(repoRoot, "tests", "e2e", "node_modules", "axe-core", "axe.min.js"), "utf8");
  const loaded = await page.evaluate(() => typeof window.axe === "object");
  if (!loaded) await page.b.evaluate(`() => { ${axeText}\n;window.axe = window.axe || axe; }`, null);
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target) }));
  }, tags);
}
