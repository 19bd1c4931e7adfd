// `make bench`: privacy-widget, vanilla-cookieconsent 3 and klaro side by side in one headless
// Chromium run. One loopback static server (gzip -9 for every text and wasm file, the same
// headers for all three) serves bench/pages, dist/ and the two npm packages. Every load is cold:
// a new browser context with the HTTP cache disabled. bench/pages/probe.js, the first script of
// each page, marks t0 right before the tool's tags and watches until the banner is rendered.
//
//   node bench/run.mjs [--runs 20] [--cpu-throttle 1] [--no-readme] [--network none|slow4g|fast3g]
//                      [--json out.json] [--serve]
import http from "node:http";
import zlib from "node:zlib";
import os from "node:os";
import { readFileSync, readdirSync, statSync, writeFileSync, existsSync } from "node:fs";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const pages = join(here, "pages");
const modules = join(here, "node_modules");

// ---- options ----
const argv = process.argv.slice(2);
function option(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = argv[i + 1];
  return v === undefined || v.startsWith("--") ? true : v;
}
const RUNS = Number(option("runs", process.env.BENCH_RUNS || 20));
const THROTTLE = Number(option("cpu-throttle", process.env.BENCH_CPU_THROTTLE || 1));
const NETWORK = String(option("network", process.env.BENCH_NETWORK || "none"));
// DevTools-style request-level throttling; "slow4g" is Lighthouse's mobile profile.
const NETWORKS = {
  none: null,
  slow4g: { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 },
  fast3g: { latency: 562.5, downloadThroughput: (1.6 * 1024 * 1024) / 8 * 0.9, uploadThroughput: (750 * 1024) / 8 * 0.9 },
};
if (!(NETWORK in NETWORKS)) throw new Error(`--network must be one of ${Object.keys(NETWORKS).join(", ")}`);
const WRITE_README = !argv.includes("--no-readme");
const JSON_OUT = option("json", null);
const SETTLE_MS = 1000; // observed after the banner is visible (late long tasks and shifts)
const TIMEOUT_MS = 15000;
if (!(RUNS >= 1)) throw new Error("--runs must be a positive number");

// ---- the tools ----
const pkgVersion = (name) => JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8")).version;
const ownVersion = () => {
  const toml = readFileSync(join(root, "Cargo.toml"), "utf8");
  const v = (toml.match(/^version\s*=\s*"([^"]+)"/m) || [])[1] || "?";
  let rev = "";
  try {
    rev = execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {}
  return rev ? `${v} (${rev})` : v;
};
const TOOLS = [
  { id: "privacy-widget", name: "privacy-widget", version: ownVersion() },
  { id: "vanilla-cookieconsent", name: "vanilla-cookieconsent", version: pkgVersion("vanilla-cookieconsent") },
  { id: "klaro", name: "klaro", version: pkgVersion("klaro") },
];
// The host page's own files, the same on every page: not counted as the tool's bytes.
const PAGE_FILES = new Set(["/bench/page.css", "/bench/probe.js", "/favicon.ico"]);

checkIdenticalPages();

// ---- the server ----
const ROUTES = [
  ["/bench/", pages],
  ["/widget/", join(root, "dist")],
  ["/vendor/vanilla-cookieconsent/", join(modules, "vanilla-cookieconsent", "dist")],
  ["/vendor/klaro/", join(modules, "klaro", "dist")],
];
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
};

// Everything is read once, up front, into memory. dist/ may be rebuilt by another `make build`
// at any moment: wait until it is complete and has not changed for 3 s, and read it again if it
// changed while it was being read (the glue and the wasm must come from the same build).
const NEEDED = ["privacy-widget.js", "privacy_widget.js", "privacy_widget_bg.wasm"];
const files = await snapshot();

async function snapshot() {
  const dist = join(root, "dist");
  const stamp = () =>
    existsSync(dist) && NEEDED.every((f) => existsSync(join(dist, f)))
      ? walk(dist).map((r) => `${r}:${statSync(join(dist, r)).mtimeMs}`).join("|")
      : null;
  for (let waited = 0; ; waited += 1000) {
    const before = stamp();
    const quiet = before && walk(dist).every((r) => Date.now() - statSync(join(dist, r)).mtimeMs > 3000);
    if (quiet) {
      const out = readAll();
      if (stamp() === before) return out;
    }
    if (waited > 180_000) throw new Error("dist/ is missing or incomplete: run make build");
    if (waited === 0) console.log("waiting for a complete dist/ …");
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function readAll() {
  const out = new Map(); // url path -> { type, raw, gz }
  for (const [prefix, dir] of ROUTES) {
    if (!existsSync(dir)) throw new Error(`${dir} is missing (run npm ci in bench/)`);
    for (const rel of walk(dir)) {
      const ext = extname(rel);
      if (!TYPES[ext]) continue;
      const raw = readFileSync(join(dir, rel));
      out.set(prefix + rel.split(sep).join("/"), { type: TYPES[ext], raw, gz: zlib.gzipSync(raw, { level: 9 }) });
    }
  }
  return out;
}

function walk(dir, rel = "") {
  const out = [];
  for (const name of readdirSync(join(dir, rel))) {
    const r = rel ? join(rel, name) : name;
    if (statSync(join(dir, r)).isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out;
}

const server = http.createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (req.method === "POST" && path.startsWith("/api/")) {
    req.resume();
    res.writeHead(201, { "content-type": "application/json", "cache-control": "no-store" });
    res.end("{}");
    return;
  }
  const file = files.get(path);
  if (!file || (req.method !== "GET" && req.method !== "HEAD")) {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
    return;
  }
  const gzip = /\bgzip\b/.test(req.headers["accept-encoding"] || "");
  const body = gzip ? file.gz : file.raw;
  const html = file.type.startsWith("text/html") || file.type.includes("json");
  const headers = {
    "content-type": file.type,
    "content-length": body.length,
    "cache-control": html ? "no-cache" : "public, max-age=300",
    "x-content-type-options": "nosniff",
    vary: "accept-encoding",
  };
  if (gzip) headers["content-encoding"] = "gzip";
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
if (argv.includes("--serve")) {
  // Only the server, to look at the pages by hand: bench/pages/<tool>.html.
  console.log(`bench pages on ${origin}/bench/{${TOOLS.map((t) => t.id).join(",")}}.html (Ctrl-C stops)`);
  await new Promise(() => {});
}

// ---- the browser ----
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
});
const browserVersion = browser.version();

/** One cold load of a tool's page: what probe.js saw, plus the bytes of every response. */
async function load(tool) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: "block" });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    if (THROTTLE > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE });
    if (NETWORKS[NETWORK]) await cdp.send("Network.emulateNetworkConditions", { offline: false, ...NETWORKS[NETWORK] });
    const urls = new Map();
    const wire = new Map(); // url path -> bytes on the wire (headers + encoded body)
    cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
    cdp.on("Network.loadingFinished", (e) => {
      const url = urls.get(e.requestId);
      if (url) wire.set(new URL(url).pathname, (wire.get(new URL(url).pathname) || 0) + e.encodedDataLength);
    });

    let ok = true;
    try {
      await page.goto(`${origin}/bench/${tool.id}.html`, { waitUntil: "load", timeout: TIMEOUT_MS });
      await page.waitForFunction(() => window.__bench && window.__bench.visible !== null, null, {
        timeout: TIMEOUT_MS,
        polling: 100,
      });
    } catch (e) {
      ok = false;
      errors.push(`bench: ${String(e).split("\n")[0]}`);
    }
    await page.waitForTimeout(SETTLE_MS);
    const seen = await page.evaluate(() => ({
      ...window.__bench,
      resources: performance
        .getEntriesByType("resource")
        .map((e) => ({
          path: new URL(e.name).pathname,
          body: e.encodedBodySize,
          decoded: e.decodedBodySize,
          start: e.startTime - window.__bench.t0,
          end: e.responseEnd - window.__bench.t0,
        })),
    }))
      .catch((e) => ({ t0: 0, inDom: null, visible: null, frame: null, longTasks: [], shifts: [], resources: [], errors: [String(e)] }));
    return { ok, errors: [...errors, ...seen.errors], seen, wire };
  } finally {
    await context.close();
  }
}

/** Per load: the tool's bytes, time to banner, total blocking time and layout shift. */
function measure(result) {
  const { seen, wire } = result;
  const files = new Map();
  for (const r of seen.resources) {
    if (PAGE_FILES.has(r.path)) continue;
    const f = files.get(r.path) || { body: 0, decoded: 0, wire: 0, start: r.start, end: r.end };
    f.body += r.body;
    f.decoded += r.decoded;
    files.set(r.path, f);
  }
  for (const [path, bytes] of wire) {
    if (PAGE_FILES.has(path) || path.endsWith(".html")) continue;
    const f = files.get(path) || { body: 0, decoded: 0, wire: 0 };
    f.wire += bytes;
    files.set(path, f);
  }
  const sum = (k) => [...files.values()].reduce((a, f) => a + f[k], 0);
  return {
    ok: result.ok && seen.visible !== null,
    errors: result.errors,
    files,
    body: sum("body"),
    decoded: sum("decoded"),
    wire: sum("wire"),
    requests: files.size,
    inDom: seen.inDom,
    visible: seen.visible,
    fromNavigation: seen.visible === null ? null : seen.t0 + seen.visible,
    frame: seen.frame,
    tbt: seen.longTasks.reduce((a, [, d]) => a + Math.max(0, d - 50), 0),
    longest: seen.longTasks.reduce((a, [, d]) => Math.max(a, d), 0),
    cls: seen.shifts.reduce((a, v) => a + v, 0),
  };
}

const loadStart = os.loadavg()[0];
// ---- the run: one warm-up load per tool, then RUNS rounds in rotating order ----
const results = new Map(TOOLS.map((t) => [t.id, []]));
for (const tool of TOOLS) await load(tool);
for (let i = 0; i < RUNS; i++) {
  for (let k = 0; k < TOOLS.length; k++) {
    const tool = TOOLS[(i + k) % TOOLS.length];
    const m = measure(await load(tool));
    results.get(tool.id).push(m);
    process.stdout.write(m.ok ? "." : "x");
  }
}
process.stdout.write("\n");
await browser.close();
server.close();

// ---- statistics and the report ----
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] : NaN;
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
};
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : "–");

const summary = TOOLS.map((tool) => {
  const all = results.get(tool.id);
  const good = all.filter((m) => m.ok);
  const pick = (k) => good.map((m) => m[k]);
  // Bytes do not vary between loads; take the median load's file list for the breakdown.
  const files = good.length ? good[Math.floor(good.length / 2)].files : new Map();
  return {
    ...tool,
    loads: all.length,
    failed: all.length - good.length,
    errors: [...new Set(all.flatMap((m) => m.errors))],
    body: median(pick("body")),
    decoded: median(pick("decoded")),
    wire: median(pick("wire")),
    requests: median(pick("requests")),
    files: [...files].map(([path, f]) => ({
      path,
      ...f,
      // When each file was requested and arrived, ms after t0, median over the loads.
      start: median(good.map((m) => m.files.get(path)?.start).filter(Number.isFinite)),
      end: median(good.map((m) => m.files.get(path)?.end).filter(Number.isFinite)),
    })),
    visible: { median: median(pick("visible")), p95: quantile(pick("visible"), 0.95) },
    inDom: { median: median(pick("inDom")), p95: quantile(pick("inDom"), 0.95) },
    fromNavigation: { median: median(pick("fromNavigation")), p95: quantile(pick("fromNavigation"), 0.95) },
    frame: { median: median(pick("frame")), p95: quantile(pick("frame"), 0.95) },
    tbt: { median: median(pick("tbt")), p95: quantile(pick("tbt"), 0.95) },
    longest: { median: median(pick("longest")), max: Math.max(0, ...pick("longest")) },
    cls: { median: median(pick("cls")), max: Math.max(0, ...pick("cls")) },
  };
});

const ours = summary[0];
const cc = summary.find((s) => s.id === "vanilla-cookieconsent");
const budget = budgetBytes();
const lines = [];
lines.push(
  `Measured by \`make bench\` (\`bench/run.mjs\`) on ${new Date().toISOString().slice(0, 10)}: ` +
    `headless Chromium ${browserVersion}, ${os.cpus().length} cores (load average ${loadStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end), ` +
    `${THROTTLE > 1 ? `CPU throttled ${THROTTLE}×` : "no CPU throttling"}, ` +
    `${NETWORKS[NETWORK] ? `network throttled (${NETWORK}: ${NETWORKS[NETWORK].latency} ms latency per request, ${Math.round((NETWORKS[NETWORK].downloadThroughput * 8) / 1024)} kbit/s down)` : "no network throttling"}, viewport 1280×800; ` +
    `${RUNS} cold loads per tool (new browser context, HTTP cache disabled, interleaved), ` +
    `all three served by one loopback server with gzip -9.`,
);
lines.push("");
lines.push(
  "| tool | version | bytes (gzip) | requests | time to banner, median | p95 | in DOM, median | banner after navigation start, median | total blocking time, median | longest task, median | layout shift, max |",
);
lines.push("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const s of summary) {
  lines.push(
    `| ${s.name} | ${s.version} | ${kb(s.body)} | ${s.requests} | ${ms(s.visible.median)} | ${ms(s.visible.p95)} | ` +
      `${ms(s.inDom.median)} | ${ms(s.fromNavigation.median)} | ${ms(s.tbt.median)} | ${ms(s.longest.median)} | ${s.cls.max.toFixed(3)} |`,
  );
}
lines.push("");
lines.push(
  "What each tool downloads (gzip body bytes, and in brackets when the request started and the response ended, ms after t0, median; " +
    "the page's own HTML, CSS and the probe are not counted):",
);
lines.push("");
for (const s of summary) {
  const parts = s.files
    .map((f) => `\`${f.path.split("/").pop()}\` ${kb(f.body)} (${Math.round(f.start)}–${Math.round(f.end)})`)
    .join(", ");
  lines.push(`- ${s.name}: ${parts} (${kb(s.decoded)} uncompressed)`);
}
lines.push("");
const failed = summary.filter((s) => s.failed > 0);
if (failed.length) {
  lines.push(`Loads where the banner never became visible: ${failed.map((s) => `${s.name} ${s.failed}/${s.loads}`).join(", ")}.`);
  lines.push("");
}
lines.push("Goals of issue 7:");
lines.push("");
const code = ours.files.filter((f) => f.path.startsWith("/widget/")).reduce((a, f) => a + f.body, 0);
lines.push(
  `- the whole widget within the ${kb(budget)} gzip budget: ${code <= budget ? "met" : "**not met**"} ` +
    `(loader, glue and wasm ${kb(code)}, ${code <= budget ? `${kb(budget - code)} to spare` : `${kb(code - budget)} over`}; ` +
    `the site's policy document adds ${kb(ours.body - code)})`,
);
lines.push(
  `- time to banner no slower than vanilla-cookieconsent's in the same run: ` +
    `${ours.visible.median <= cc.visible.median ? "met" : "**not met**"} ` +
    `(median ${ms(ours.visible.median)} against ${ms(cc.visible.median)}; p95 ${ms(ours.visible.p95)} against ${ms(cc.visible.p95)})`,
);
lines.push(
  `- issue 4, time from the loader starting to the banner being visible: median ${ms(ours.visible.median)} over ${ours.loads - ours.failed} loads ` +
    `(p95 ${ms(ours.visible.p95)})`,
);
lines.push("");
lines.push(
  "How it is measured: each page (`bench/pages/*.html`) is the same Dutch hosting page; only the tool's tags differ, " +
    "each embedded as its documentation shows (privacy-widget: the synchronous loader in `<head>`; " +
    "vanilla-cookieconsent: its CSS plus `defer`red UMD build and config; klaro: `defer`red config and `klaro.js`), " +
    "all configured with the same three purposes (analytics, advertising, remarketing), the same services and cookies, and the same Dutch texts " +
    "(privacy-widget reads them from `bench/pages/policy.json`, counted in its bytes, as are the other two's config scripts). " +
    "*Time to banner*: from t0, marked by the probe script right before the tool's tags, until the first-layer banner " +
    "(`.pw-banner` inside the widget's open shadow root, `#cc-main .cm`, `.klaro .cookie-notice`) has a non-zero box in the viewport " +
    "and is not `visibility: hidden` (watched with MutationObservers and every animation frame); *in DOM* is when the element first exists; *after navigation start* counts from the start of the page load instead of t0. " +
    "vanilla-cookieconsent inserts its banner hidden and reveals it 100 ms later with a fade. " +
    "*Total blocking time*: sum over long tasks (PerformanceObserver `longtask`) of their time beyond 50 ms, from navigation until 1 s after the banner. " +
    "*Layout shift*: sum of `layout-shift` entries over the same span. " +
    "vanilla-cookieconsent is run with `hideFromBots: false`, because the automated browser sets `navigator.webdriver`.",
);
const table = lines.join("\n");

console.log("\n" + table + "\n");
for (const s of summary) if (s.errors.length) console.log(`${s.name} page errors:\n  ${s.errors.slice(0, 10).join("\n  ")}`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ browser: browserVersion, runs: RUNS, throttle: THROTTLE, network: NETWORK, summary, raw: Object.fromEntries([...results].map(([k, v]) => [k, v.map((m) => ({ ...m, files: Object.fromEntries(m.files) }))])) }, null, 1));
if (WRITE_README) writeReadme(table);
if (summary.some((s) => s.failed === s.loads)) {
  console.error("bench: a tool never showed its banner");
  process.exitCode = 1;
}

// ---- helpers ----

/** The gzip budget of the marketing-page widget: size-budget.json's total (40 KB if unreadable). */
function budgetBytes() {
  try {
    const b = JSON.parse(readFileSync(join(root, "size-budget.json"), "utf8"));
    if (Number.isFinite(b.total_gzip_bytes)) return b.total_gzip_bytes;
  } catch {}
  return 40 * 1024;
}

/** The pages must differ only in the tool block and the probe's data-tool. */
function checkIdenticalPages() {
  const strip = (id) =>
    readFileSync(join(pages, `${id}.html`), "utf8")
      .replace(/<!-- tool:begin -->[\s\S]*<!-- tool:end -->/, "")
      .replace(/data-tool="[^"]*"/, "");
  const base = strip(TOOLS[0].id);
  for (const t of TOOLS.slice(1)) {
    if (strip(t.id) !== base) throw new Error(`bench/pages/${t.id}.html differs from ${TOOLS[0].id}.html outside the tool block`);
  }
}

/** Replaces the README section between the bench markers (appends it before "## License" if missing). */
function writeReadme(body) {
  const file = join(root, "README.md");
  const begin = "<!-- bench:begin -->";
  const end = "<!-- bench:end -->";
  let text = readFileSync(file, "utf8");
  const block = `${begin}\n${body}\n${end}`;
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) {
    text = text.slice(0, a) + block + text.slice(b + end.length);
  } else {
    const section = `## Benchmark\n\n${block}\n\n`;
    const license = text.indexOf("\n## License");
    text = license >= 0 ? text.slice(0, license + 1) + section + text.slice(license + 1) : `${text.trimEnd()}\n\n${section}`;
  }
  writeFileSync(file, text);
  console.log("README.md: benchmark section updated");
}
