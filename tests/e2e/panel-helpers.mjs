// Helpers for the control-panel end-to-end tests: keyboard sign-in, reading the widget's shadow
// DOM, the live region, same-origin API calls from the page, and the operator command.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SITES, expectProblem, repoRoot } from "./lib/harness.mjs";

export const W = "privacy-widget";

export function policyOf(site) {
  return JSON.parse(readFileSync(join(repoRoot, "www", "policies", `${site}.json`), "utf8"));
}

export function seedOf(site) {
  return JSON.parse(readFileSync(join(repoRoot, "server", "seed", `${site}.json`), "utf8"));
}

/** The panel asks who is signed in before anyone is: the one expected 401 of a signed-out panel. */
export const SESSION_CHECK = { method: "GET", path: "/api/v1/me", status: 401 };

/** A promise and its resolve. */
export function deferred() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Opens the panel page and signs in as `customer` using only the keyboard; waits for the first
 * tab's content unless `waitForContent` is false (its answer is held).
 */
export async function signIn(page, base, site, customer, { waitForContent = true } = {}) {
  expectProblem(page, SESSION_CHECK);
  await page.goto(`${base}/sites/${site}/panel/`, { waitUntil: "load" });
  const select = page.locator(`${W} .pw-login select`);
  await page.locator(`${W} .pw-login select option[value="${customer}"]`).waitFor({ state: "attached" });
  await select.focus();
  await select.selectOption(customer);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.locator(`${W} .pw-tab`).first().waitFor();
  if (waitForContent) await page.locator(`${W} .pw-tabpanel:not([hidden]):not([aria-busy]) > *`).first().waitFor();
}

/** Selects a tab with the keyboard (arrow keys from the selected tab). */
export async function openTab(page, name) {
  const order = ["data", "optins", "requests"];
  const current = await page.locator(`${W} .pw-tab[aria-selected=true]`).getAttribute("data-tab");
  await page.locator(`${W} .pw-tab[aria-selected=true]`).focus();
  let steps = (order.indexOf(name) - order.indexOf(current) + 3) % 3;
  while (steps-- > 0) await page.keyboard.press("ArrowRight");
  await page.locator(`${W} .pw-tab[data-tab=${name}][aria-selected=true]`).waitFor();
}

/** Focuses the first element matching `selector` and presses `key` (the keyboard's way to use it). */
export async function press(page, selector, key = "Enter") {
  await page.locator(selector).first().focus();
  await page.keyboard.press(key);
}

/** The visible text of the selected tab panel, whitespace-normalised. */
export async function panelText(page) {
  const text = await page.evaluate(() => {
    const root = document.querySelector("privacy-widget").shadowRoot;
    return root.querySelector(".pw-tabpanel:not([hidden])").innerText;
  });
  return text.replace(/\s+/g, " ");
}

/** Empties the live region, so that the next [`announced`] waits for a new message. */
export async function quiet(page) {
  await page.evaluate(() => { document.querySelector("privacy-widget").shadowRoot.querySelector("[role=status]").textContent = ""; });
}

/** Waits until the live region says `message`. */
export async function announced(page, message) {
  await page.waitForFunction(
    (m) => document.querySelector("privacy-widget").shadowRoot.querySelector("[role=status]").textContent.includes(m),
    message,
    { timeout: 10_000 },
  );
}

/** A same-origin API call from the page (with the session cookie). */
export async function api(page, path, init = {}) {
  return page.evaluate(
    async ({ path, init }) => {
      const r = await fetch(path, { credentials: "same-origin", ...init });
      return { status: r.status, body: await r.json().catch(() => null) };
    },
    { path, init },
  );
}

/** Runs `privacy-widget-server requests <args>` against the test database. */
export function operator(db, ...args) {
  const bin = process.env.PW_SERVER || join(repoRoot, "target", "debug", "privacy-widget-server");
  const r = spawnSync(bin, ["requests", "--db", db, "--www", "www", ...args], { cwd: repoRoot, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`operator ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Rows of a query on the test database (sqlite3 CLI, JSON mode). */
export function sql(db, query) {
  const r = spawnSync("sqlite3", ["-json", db, query], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

/** A policy text in Dutch (the panel pages are Dutch). */
export function nl(text) {
  return typeof text === "string" ? text : text.nl ?? Object.values(text)[0];
}

/**
 * Webhost's policy with every unstated basis made a legal obligation: no purpose then rests on
 * legitimate interest, an unstated basis or direct marketing, so the law grants no objection
 * under it (C-C1), while the seed (unstated bases) grants one. For "page and server disagree".
 */
export function webhostWithoutObjection() {
  const p = policyOf("webhost"); // same version: a server-side difference only
  for (const purpose of p.purposes) {
    if (purpose.legal_basis === "unspecified" || purpose.legal_basis === "legitimate_interest") purpose.legal_basis = "legal_obligation";
  }
  return p;
}

/** A temp folder (`dir`, inside `root`) with the five seeds, `site`'s file replaced by `policy`. */
export function policiesFolderWith(site, policy) {
  const root = mkdtempSync(join(tmpdir(), "pw-policies-"));
  const dir = join(root, "policies");
  mkdirSync(dir);
  for (const name of SITES) {
    if (name !== site) copyFileSync(join(repoRoot, "www", "policies", `${name}.json`), join(dir, `${name}.json`));
  }
  writeFileSync(join(dir, `${site}.json`), JSON.stringify(policy, null, 2));
  return { root, dir };
}
