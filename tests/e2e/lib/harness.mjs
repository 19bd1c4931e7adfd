// Shared end-to-end harness: starts the real reference server on a free loopback port with a
// temporary SQLite database, launches Debian's Chromium through playwright-core, opens pages that
// record console errors and failed requests, and runs axe-core inside a page.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { after, afterEach, before, beforeEach } from "node:test";
import { chromium } from "playwright-core";

/** The repository root. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The ten demo pages: a marketing page and a control panel per seed company. */
export const SITES = ["host-tracker", "webhost", "pcextreme", "webanizr", "manetti"];
export const PAGES = SITES.flatMap((site) => [
  { site, kind: "marketing", path: `/sites/${site}/` },
  { site, kind: "panel", path: `/sites/${site}/panel/` },
]);

/** The Content-Security-Policy every demo page must work under (no inline script or style). */
export const STRICT_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/**
 * Starts privacy-widget-server on 127.0.0.1:0 with a fresh database in a temp dir, serving www/
 * and dist/. Resolves once it prints its "listening on" line. `stop()` sends SIGTERM and waits.
 */
export async function startServer({ env = {}, args = [] } = {}) {
  const bin = process.env.PW_SERVER || join(repoRoot, "target", "debug", "privacy-widget-server");
  if (!existsSync(bin)) {
    throw new Error(`server binary ${bin} not found: run cargo build -p privacy-widget-server`);
  }
  const dir = mkdtempSync(join(tmpdir(), "pw-e2e-"));
  const db = join(dir, "e2e.sqlite3");
  const child = spawn(
    bin,
    ["--addr", "127.0.0.1:0", "--db", db, "--www", "www", "--widget", "dist", ...args],
    { cwd: repoRoot, env: { ...process.env, RUST_LOG: "warn", ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const log = [];
  createInterface({ input: child.stderr }).on("line", (line) => log.push(line));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${log.join("\n")}`)), 20_000);
    createInterface({ input: child.stdout }).on("line", (line) => {
      log.push(line);
      const m = line.match(/listening on (http:\/\/\S+?)\/?$/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${log.join("\n")}`));
    });
  });

  return {
    url,
    db,
    log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      let timer;
      const timeout = new Promise((r) => { timer = setTimeout(() => r(null), 10_000); });
      const result = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (result === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      return result;
    },
  };
}

/** Launches headless Chromium (/usr/bin/chromium); never downloads a browser. */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Registers node:test hooks (in the enclosing describe, or the file) that launch one browser for
 * the suite and start the server: once for the suite (`server: "suite"`), afresh for each test
 * (`"test"`), or not at all (`"none"`). Returns an object whose `browser` and `server` are set
 * once the hooks have run; afterwards the browser is closed and the server stopped.
 */
export function useSuite({ server = "suite" } = {}) {
  const suite = { browser: undefined, server: undefined };
  const start = async () => {
    suite.server = await startServer();
  };
  const stop = async () => {
    await suite.server?.stop();
  };
  before(async () => {
    if (server === "suite") await start();
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    if (server === "suite") await stop();
  });
  if (server === "test") {
    beforeEach(start);
    afterEach(stop);
  }
  return suite;
}

/**
 * Opens a fresh context and page that record problems: console errors, uncaught page errors,
 * failed requests and responses with status >= 400. With `csp`, every HTML document is served
 * with that Content-Security-Policy header added (so violations surface as console errors).
 */
export async function openPage(browser, { csp = null, contextOptions = {} } = {}) {
  const context = await browser.newContext({ locale: "nl-NL", ...contextOptions });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => {
    problems.push(`request failed: ${req.method()} ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  if (csp) {
    await page.route("**/*", async (route) => {
      if (route.request().resourceType() !== "document") return route.continue();
      const response = await route.fetch();
      // route.fetch() hands back the decoded body: drop the encoding headers that described it.
      const headers = { ...response.headers(), "content-security-policy": csp };
      delete headers["content-encoding"];
      delete headers["content-length"];
      await route.fulfill({ response, headers });
    });
  }
  return { context, page, problems };
}

/**
 * Waits until a `[data-privacy-widget]` host has an open shadow root with at least one element.
 * Returns the number of such hosts.
 */
export async function waitForWidget(page, { timeout = 10_000 } = {}) {
  const handle = await page.waitForFunction(
    () => {
      const hosts = [...document.querySelectorAll("[data-privacy-widget]")];
      const rendered = hosts.filter((h) => h.shadowRoot && h.shadowRoot.childElementCount > 0);
      return rendered.length > 0 ? rendered.length : false;
    },
    null,
    { timeout },
  );
  return handle.jsonValue();
}

let axeText;
/** axe-core's source, read once per test file. */
const axeSource = () =>
  (axeText ??= readFileSync(join(repoRoot, "tests", "e2e", "node_modules", "axe-core", "axe.min.js"), "utf8"));

/**
 * Runs axe-core in the page (WCAG 2.x A/AA + best practices by default; open shadow roots are
 * included) and returns its violations. axe is evaluated through the DevTools protocol, which a
 * strict CSP does not block, unlike an injected <script>.
 */
export async function axe(page, { context = null, tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } = {}) {
  const loaded = await page.evaluate(() => typeof window.axe === "object");
  if (!loaded) await page.evaluate(`${axeSource()}\n;void 0`);
  return page.evaluate(
    async ({ context, tags }) => {
      const result = await window.axe.run(context ?? document, { runOnly: { type: "tag", values: tags } });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => n.target),
      }));
    },
    { context, tags },
  );
}

/** One line per axe violation, for assertion messages. */
export function formatViolations(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.targets)}`).join("\n");
}
