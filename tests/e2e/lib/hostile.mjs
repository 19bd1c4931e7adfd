// The adversarial suite's shared material: a corpus of hostile strings, a policy rewriter that
// puts them into every human text of a policy, a writer that puts them into a customer's stored
// values, probes for injected elements and CSP violations, and a small PNG comparison.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { repoRoot } from "./harness.mjs";

/** A 100 KB string: over the policy's 10,000-character text limit. */
export const BIG = "A".repeat(50_000) + "<b>x</b>".repeat(6_250);

const P = "window.__pwned=1";
/**
 * At least 50 hostile strings. Every executable one sets `window.__pwned` if it ever runs; every
 * one is legal in JSON and in SQLite TEXT, and none is blank (a required text must not be).
 */
export const PAYLOADS = [
  `<script>${P}</script>`,
  `<script>alert(1)</script>`,
  `<img src=x onerror="${P}">`,
  `<img src=x onerror=alert(1)>`,
  `"><svg onload="${P}">`,
  `'><svg/onload=${P}>`,
  `<svg><script>${P}</script></svg>`,
  `<iframe src="javascript:${P}"></iframe>`,
  `<iframe srcdoc="<script>parent.${P}</script>"></iframe>`,
  `javascript:${P}`,
  `JaVaScRiPt:alert(1)`,
  `data:text/html,<script>${P}</script>`,
  `<a href="javascript:${P}">klik</a>`,
  `<body onload="${P}">`,
  `<details open ontoggle="${P}">`,
  `<video><source onerror="${P}"></video>`,
  `<object data="javascript:${P}"></object>`,
  `<embed src="javascript:${P}">`,
  `<math><mtext><table><mglyph><style><img src=x onerror="${P}">`,
  `<noscript><p title="</noscript><img src=x onerror=${P}>">`,
  `<style>*{display:none!important}</style>`,
  `</style><script>${P}</script>`,
  `</script><script>${P}</script>`,
  `<!--<img src=x onerror=${P}>-->`,
  `<![CDATA[<script>${P}</script>]]>`,
  `<template><img src=x onerror=${P}></template>`,
  `<input autofocus onfocus="${P}">`,
  `<marquee onstart="${P}">x</marquee>`,
  `<base href="javascript:${P}//">`,
  `<meta http-equiv="refresh" content="0;url=javascript:${P}">`,
  `<link rel="stylesheet" href="data:text/css,*{color:red}">`,
  `&lt;b&gt;not bold&lt;/b&gt;`,
  `&amp;lt;script&amp;gt;`,
  `&#60;script&#62;${P}&#60;/script&#62;`,
  `&#x3C;img src=x onerror=${P}&#x3E;`,
  `\u202Egnp.exe`,
  `abc\u202Edef\u202Cghi`,
  `\u200Bzero\u200Bwidth\u200B`,
  `\uFEFFbom at start`,
  `\u200D\u200C\u2060joiners`,
  `👍🏽 🏳️‍🌈 👨‍👩‍👧‍👦 🧑🏿‍💻`,
  `ﷺ ﷽ 𒐫 ꧅`,
  `Z̷̛̪a̸̰͝l̶̠̇g̴̱̈o̵̬͘`,
  `{{7*7}}`,
  `\${7*7}`,
  `#{7*7}`,
  `<%= 7*7 %>`,
  `{{constructor.constructor('${P}')()}}`,
  `' OR '1'='1`,
  `"; DROP TABLE customer_values; --`,
  `\\"\\'\\\\`,
  `nul\u0000byte`,
  `line\nbreak\r\ttab`,
  `\u001B[31mansi\u001B[0m`,
  `%3Cscript%3E${P}%3C/script%3E`,
  `\\u003cscript\\u003e`,
  `𝕳𝖔𝖘𝖙𝖎𝖑𝖊 𝖙𝖊𝖝𝖙`,
  `الخصوصية مهمة`,
  `שלום <b>עולם</b>`,
  "W".repeat(300),
  `averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongwordwithoutanybreakopportunityatall`,
  `__proto__`,
  `constructor`,
  `toString`,
];

/** The keys whose values are human texts (a string or a map language → string) in a policy. */
const TEXT_KEYS = new Set([
  "name", "label", "description", "reason", "source_note", "note", "how", "consequences",
  "safeguard", "processor_agreement", "address",
]);
const isText = (v) =>
  typeof v === "string" || (v !== null && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string"));
/** Objects whose `name` is an identifier (a cookie name), not a human text. */
const NOT_TEXT_PARENTS = new Set(["cookies"]);

/**
 * What the reference server's `notice` command makes of `policy` (validation, then the consent
 * notice a marketing page reads): `{ code, out, err }` (exit code, stdout, stderr).
 */
export function compileNotice(policy, lang = "nl") {
  const dir = mkdtempSync(join(tmpdir(), "pw-notice-"));
  const file = join(dir, "policy.json");
  writeFileSync(file, JSON.stringify(policy));
  const bin = process.env.PW_SERVER || join(repoRoot, "target", "debug", "privacy-widget-server");
  const r = spawnSync(bin, ["notice", file, "--lang", lang], { encoding: "utf8", maxBuffer: 64 << 20 });
  rmSync(dir, { recursive: true, force: true });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export function loadPolicy(site) {
  return JSON.parse(readFileSync(join(repoRoot, "www", "policies", `${site}.json`), "utf8"));
}

/**
 * Returns a copy of `policy` with every human text replaced, in every language, by payloads
 * taken in turn (from `offset`). Ids, enum values, dates and URLs stay as they are. Returns
 * { policy, used } where `used[i]` is the payload at text location i (its first language).
 */
export function hostilePolicy(policy, payloads = PAYLOADS, offset = 0) {
  const copy = structuredClone(policy);
  let n = offset;
  const used = [];
  const next = () => {
    const p = payloads[n++ % payloads.length];
    used.push(p);
    return p;
  };
  const replaceText = (value) => {
    if (typeof value === "string") return next();
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const p = next();
      return Object.fromEntries(Object.keys(value).map((lang) => [lang, p]));
    }
    return value;
  };
  const walk = (node, parentKey) => {
    if (Array.isArray(node)) {
      node.forEach((item) => walk(item, parentKey));
      return;
    }
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "notes" && Array.isArray(value)) node[key] = value.map(replaceText);
      else if (TEXT_KEYS.has(key) && !NOT_TEXT_PARENTS.has(parentKey) && isText(value)) node[key] = replaceText(value);
      else walk(value, key);
    }
  };
  walk(copy, null);
  return { policy: copy, used };
}

/**
 * Writes payloads into every stored value of a customer (and its display name), and adds rows so
 * that every payload is stored at least once. Uses python3's sqlite3 (Node 20 has no SQLite).
 */
export function hostileCustomer(db, site, handle, payloads = PAYLOADS) {
  const script = `
import json, sqlite3, sys
args = json.load(sys.stdin)
con = sqlite3.connect(args["db"], timeout=10)
cid, = con.execute("SELECT id FROM customers WHERE site = ? AND handle = ?", (args["site"], args["handle"])).fetchone()
rows = con.execute("SELECT id, category, field FROM customer_values WHERE customer_id = ? ORDER BY id", (cid,)).fetchall()
payloads = args["payloads"]
for i, (vid, _, _) in enumerate(rows):
    con.execute("UPDATE customer_values SET value = ? WHERE id = ?", (payloads[i % len(payloads)], vid))
for i in range(len(rows), len(payloads)):
    _, category, field = rows[i % len(rows)]
    con.execute("INSERT INTO customer_values (customer_id, category, field, value) VALUES (?, ?, ?, ?)", (cid, category, field, payloads[i]))
con.execute("UPDATE customers SET display_name = ? WHERE id = ?", (payloads[2], cid))
con.commit()
print(max(len(rows), len(payloads)))
`;
  const r = spawnSync("python3", ["-c", script], { input: JSON.stringify({ db, site, handle, payloads }), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python3 sqlite3 failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

/** Pretends every payload ran: a page-side probe of injected elements and executed code. */
export function injectionProbe(page) {
  return page.evaluate(() => {
    const roots = [document, ...[...document.querySelectorAll("*")].filter((e) => e.shadowRoot).map((e) => e.shadowRoot)];
    const count = (sel) => roots.reduce((n, r) => n + r.querySelectorAll(sel).length, 0);
    return {
      pwned: window.__pwned ?? null,
      script: count("script"),
      img: count("img"),
      svg: count("svg"),
      iframe: count("iframe"),
      object: count("object, embed"),
      style: count("style, link[rel=stylesheet]"),
      handlers: roots.reduce((n, r) => n + [...r.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length, 0),
      jsLinks: roots.reduce((n, r) => n + [...r.querySelectorAll("[href],[src]")].filter((e) => /^\s*javascript:/i.test(e.getAttribute("href") ?? e.getAttribute("src"))).length, 0),
    };
  });
}

/**
 * An init script: collects `securitypolicyviolation` events into window.__cspViolations (it runs
 * through the DevTools protocol, so a strict CSP does not stop it).
 */
export function collectCspViolations() {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber}`);
  }, true);
}

/** Serves bootstrap's CSS (from tests/e2e/node_modules) at /hostile/vendor/bootstrap.min.css. */
export async function serveBootstrap(page) {
  const css = readFileSync(join(repoRoot, "tests", "e2e", "node_modules", "bootstrap", "dist", "css", "bootstrap.min.css"));
  await page.route("**/hostile/vendor/bootstrap.min.css", (route) => route.fulfill({ status: 200, contentType: "text/css", body: css }));
}

/**
 * Compares two PNG screenshots. Returns { sameSize, width, height, otherWidth, otherHeight, ratio }
 * where ratio is the share of pixels whose channels differ by more than `threshold` (0-255).
 */
export function pngDiff(a, b, threshold = 32) {
  const x = PNG.sync.read(a);
  const y = PNG.sync.read(b);
  // A box at a fractional page position rounds to a clip one pixel larger or smaller: up to 1 px
  // counts as the same size, and the common area is compared.
  const sameSize = Math.abs(x.width - y.width) <= 1 && Math.abs(x.height - y.height) <= 1;
  const result = { sameSize, width: x.width, height: x.height, otherWidth: y.width, otherHeight: y.height, ratio: 1 };
  if (!result.sameSize) return result;
  const w = Math.min(x.width, y.width);
  const h = Math.min(x.height, y.height);
  let differing = 0;
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      const i = (row * x.width + col) * 4;
      const j = (row * y.width + col) * 4;
      const d = Math.max(
        Math.abs(x.data[i] - y.data[j]),
        Math.abs(x.data[i + 1] - y.data[j + 1]),
        Math.abs(x.data[i + 2] - y.data[j + 2]),
      );
      if (d > threshold) differing += 1;
    }
  }
  result.ratio = differing / (w * h);
  return result;
}
