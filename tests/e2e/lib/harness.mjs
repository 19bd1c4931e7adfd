// Shared end-to-end harness: starts the real reference server on a free loopback port with a
// temporary SQLite database, launches Debian's Chromium through playwright-core, opens pages that
// record console errors and failed requests, and runs axe-core inside a page.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { AsyncLocalStorage } from "node:async_hooks";
import { after, afterEach, before, beforeEach, test as nodeTest } from "node:test";
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
 * Starts privacy-widget-server on 127.0.0.1:0 with a fresh database in a temp dir, serving `www`
 * (default the repository's www/) and dist/. Resolves once it prints its "listening on" line. `stop()` sends SIGTERM and waits.
 */
export async function startServer({ env = {}, args = [], www = "www" } = {}) {
  const bin = process.env.PW_SERVER || join(repoRoot, "target", "debug", "privacy-widget-server");
  if (!existsSync(bin)) {
    throw new Error(`server binary ${bin} not found: run cargo build -p privacy-widget-server`);
  }
  const dir = mkdtempSync(join(tmpdir(), "pw-e2e-"));
  const db = join(dir, "e2e.sqlite3");
  const child = spawn(
    bin,
    ["--addr", "127.0.0.1:0", "--db", db, "--www", www, "--widget", "dist", ...args],
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
  }).catch((err) => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw err;
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
 * The page problems left once the expected ones are taken out. Each expectation is precise:
 * - `{ method, path, status }`: a response with that status to that request (path without the
 *   query; a RegExp for a path with an id in it), with the console's echo of it ("Failed to load
 *   resource: … status of N … [at url]");
 * - `{ method, path, failed: true }`: that request failed (no response: offline, refused), with
 *   the console's echo of it;
 * - `{ console: /regex/ }` or `{ pageError: /regex/ }`: a console error or an uncaught error
 *   whose text matches.
 * Engines that cannot see a request's method report "(fetch)" and the like, matched on path
 * and status.
 */
export function unexpectedProblems(problems, expected = []) {
  const pathOf = (url) => {
    try {
      return new URL(url).pathname;
    } catch {
      return null;
    }
  };
  const sameMethod = (seen, e) => seen === e.method || seen.startsWith("(");
  const samePath = (url, e) => {
    const path = pathOf(url);
    return e.path instanceof RegExp ? path !== null && e.path.test(path) : path === e.path;
  };
  const isExpected = (p) =>
    expected.some((e) => {
      let m;
      if (e.status !== undefined && (m = p.match(/^HTTP (\d+): (\S+) (\S+)$/))) {
        return Number(m[1]) === e.status && sameMethod(m[2], e) && samePath(m[3], e);
      }
      if (e.status !== undefined && (m = p.match(/^console error: Failed to load resource: .*status of (\d+).*\[at (\S+)\]$/))) {
        return Number(m[1]) === e.status && samePath(m[2], e);
      }
      if (e.failed && (m = p.match(/^request failed: (\S+) (\S+) /))) {
        return sameMethod(m[1], e) && samePath(m[2], e);
      }
      if (e.failed && (m = p.match(/^console error: Failed to load resource: net::\S+ \[at (\S+)\]$/))) {
        return samePath(m[1], e);
      }
      if (e.console && p.startsWith("console error: ")) return e.console.test(p.slice(15).replace(/ \[at \S+\]$/, ""));
      if (e.pageError && p.startsWith("page error: ")) return e.pageError.test(p.slice(12));
      return false;
    });
  return problems.filter((p) => !isExpected(p));
}

/**
 * The responses >= 400 in server log lines (the server started with
 * `RUST_LOG=warn,tower_http=debug` traces each response), as page-problem lines
 * (`HTTP <status>: <METHOD> <base><uri>`): for an engine whose driver sees no response status.
 */
export function serverErrorResponses(lines, base) {
  const out = [];
  for (const line of lines) {
    // eslint-disable-next-line no-control-regex
    const plain = line.replace(/\x1b\[[0-9;]*m/g, "");
    const m = plain.match(/method=(\S+) uri=(\S+) .*on_response.* status=(\d+)/);
    if (m && Number(m[3]) >= 400) out.push(`HTTP ${m[3]}: ${m[1]} ${base}${m[2]}`);
  }
  return out;
}

/**
 * Whether a failed request was only cut off because its page went away (a navigation or the
 * test closing the page): the browser's own abort, not a fault of the page or the server.
 */
export const aborted = (errorText = "") => /^(net::ERR_ABORTED|NS_BINDING_ABORTED)$/.test(errorText);

// Every page a test opens through `openPage` is checked when the test ends: an unexpected page
// problem fails the test it happened in, whether or not the test looked at `problems`. The
// `test` below keeps each test's pages apart (so tests may run concurrently); pages opened
// elsewhere (a file that uses node:test's own `test`) are checked by a hook after each test.
const pagesOfTest = new AsyncLocalStorage();
let unclaimed = [];
const expectations = new WeakMap();

function check(records) {
  const left = records.flatMap(({ problems, expected }) => unexpectedProblems(problems, expected));
  if (left.length > 0) throw new Error(`unexpected page problems (declare each expected one with openPage's expect):\n${left.join("\n")}`);
}

beforeEach(() => {
  unclaimed = [];
});
afterEach(() => {
  const records = unclaimed;
  unclaimed = [];
  check(records);
});

/**
 * node:test's `test` (same arguments), which fails the test when a page it opened with
 * `openPage` had a problem the test did not declare.
 */
export function test(name, options, fn) {
  if (typeof options === "function") [fn, options] = [options, {}];
  return nodeTest(name, options, async (t) => {
    const records = [];
    await pagesOfTest.run(records, () => fn(t));
    check(records);
  });
}

/**
 * Opens a fresh context and page that record problems: console errors, uncaught page errors,
 * failed requests and responses with status >= 400. The test fails when it ends if any problem
 * is not declared in `expect` (see [`unexpectedProblems`]), or later with `expectProblem(...)`.
 * With `csp`, every HTML document is served with that Content-Security-Policy header added (so
 * violations surface as console errors).
 */
export async function openPage(browser, { csp = null, contextOptions = {}, expect = [] } = {}) {
  const context = await browser.newContext({ locale: "nl-NL", ...contextOptions });
  const page = await context.newPage();
  const problems = watchProblems(page, { expect });
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
 * Records the problems of a playwright `page` (console errors, uncaught errors, failed requests,
 * responses >= 400) for the check at the end of the running test, like `openPage` does for its
 * own pages; returns the live list.
 */
export function watchProblems(page, { expect = [] } = {}) {
  const problems = [];
  const expected = [...expect];
  (pagesOfTest.getStore() ?? unclaimed).push({ problems, expected });
  expectations.set(page, expected);
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}${msg.location()?.url ? ` [at ${msg.location().url}]` : ""}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => {
    if (!aborted(req.failure()?.errorText)) problems.push(`request failed: ${req.method()} ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  return problems;
}

/** Declares more expected problems for a page `openPage` opened (same forms as its `expect`). */
export function expectProblem(page, ...more) {
  const expected = expectations.get(page);
  if (!expected) throw new Error("expectProblem: the page was not opened with openPage");
  expected.push(...more);
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

