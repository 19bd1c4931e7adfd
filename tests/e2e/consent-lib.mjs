// Helpers for the marketing-page consent suites (tests/e2e/consent*.test.mjs): reading the
// page's dataLayer, tags that ran, cookies, the widget's shadow DOM, and the server's records.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { repoRoot } from "./lib/harness.mjs";

/** The tracking cookies the stand-in tags set. */
export const TRACKING_COOKIES = ["_ga", "_ga_DEMO", "_gcl_au", "_fbp", "_uetsid", "_uetvid"];

/** Pretends the browser sends Global Privacy Control (C-B1). */
export const GPC_INIT = () => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true });

/** Opens `path` and waits until the widget has rendered its banner or its floating button. */
export async function visit(page, base, path) {
  await page.goto(base + path);
  await page.locator("#privacy-widget-consent [data-pw=banner], #privacy-widget-consent [data-pw=open]").first().waitFor({ state: "attached" });
  // The stored decision's update is pushed before the UI mounts; let activated tags run.
  await page.waitForTimeout(150);
}

/** A snapshot of what the page did: Consent Mode calls, tags that ran, cookies, our decision. */
export function snapshot(page) {
  return page.evaluate(() => {
    const consent = (window.dataLayer || [])
      .map((e) => (e && typeof e === "object" && "length" in e ? Array.from(e) : e))
      .filter((e) => Array.isArray(e) && e[0] === "consent")
      .map((e) => ({ command: e[1], ...e[2] }));
    const events = (window.dataLayer || []).filter((e) => e && e.event === "privacy_widget_consent");
    const cookies = Object.fromEntries(
      document.cookie.split(";").map((c) => c.trim()).filter(Boolean).map((c) => [c.split("=")[0], c.slice(c.indexOf("=") + 1)]),
    );
    return {
      consent,
      events,
      ran: window.__ran || [],
      fbq: window.__fbq || [],
      cookies,
      storage: Object.keys(localStorage),
      decision: window.PrivacyWidget.consent(),
    };
  });
}

/** The names of the tracking cookies present. */
export const trackingCookies = (snap) => TRACKING_COOKIES.filter((n) => n in snap.cookies);

/** The consent id inside the pw_consent cookie. */
export const consentId = (snap) => (snap.cookies.pw_consent || "").split("~")[1];

/** The server's records for a consent id (GET /api/v1/consents/{id}). */
export async function records(base, id) {
  const res = await fetch(`${base}/api/v1/consents/${id}`);
  if (res.status !== 200) throw new Error(`GET consents: ${res.status} ${await res.text()}`);
  return (await res.json()).records;
}

/** Polls `fn` until it returns a truthy value (or throws after `timeout` ms). */
export async function eventually(fn, { timeout = 15_000, interval = 200 } = {}) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`eventually: timed out (last: ${last})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** The widget's elements, by their data-pw name (Playwright locators pierce open shadow roots). */
export const pw = (page, name) => page.locator(`#privacy-widget-consent [data-pw=${name}]`);

/** The element that has focus, described by its data-pw name or tag (through shadow roots). */
export function focused(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return null;
    return el.getAttribute("name") || el.getAttribute("data-pw") || el.tagName.toLowerCase();
  });
}

/**
 * Starts the reference server on a fixed address and database (so it can be restarted on the
 * same ones). Resolves with { url, stop }.
 */
export async function startFixedServer(addr, db) {
  const bin = process.env.PW_SERVER || join(repoRoot, "target", "debug", "privacy-widget-server");
  const child = spawn(bin, ["--addr", addr, "--db", db, "--www", "www", "--widget", "dist"], {
    cwd: repoRoot,
    env: { ...process.env, RUST_LOG: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const log = [];
  createInterface({ input: child.stderr }).on("line", (l) => log.push(l));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log.join("\n")}`)), 20_000);
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = line.match(/listening on (http:\/\/\S+?)\/?$/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    exited.then(() => reject(new Error(`server exited:\n${log.join("\n")}`)));
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
