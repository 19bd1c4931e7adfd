// Objection and restriction requests in PCextreme's control panel, end to end (C-C1, C-C2,
// C-A11, C-D5, C-D6). None of the seed policies offers objection, so the server reads its site
// policies from a temp folder (--policies) holding the five seeds with a PCextreme variant that
// offers restriction and objection (version bumped; its "service rating" purpose rests on
// legitimate interest, so that the form offers a specific purpose to object to). The page's
// policy file is routed to the same variant, so page and server agree; the last suite routes it
// to the seed, making them disagree, and checks that the server refuses, naming the field, and the customer is told.
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { axe, formatViolations, launchBrowser, openPage, repoRoot, SITES, startServer, STRICT_CSP, test } from "./lib/harness.mjs";
import { W, announced, api, openTab, panelText, policiesFolderWith, policyOf, quiet, seedOf, signIn, sql, webhostWithoutObjection } from "./panel-helpers.mjs";

const SITE = "pcextreme";
/** The purpose the variant bases on legitimate interest (unspecified in the seed). */
const LI_PURPOSE = "service_rating";

/** PCextreme's policy offering restriction and objection too, as a new version. */
function variantPolicy() {
  const p = policyOf(SITE);
  p.version = `${p.version}-objection`;
  p.rights.requests.push(
    {
      kind: "restriction",
      description: {
        nl: "Je kunt ons vragen het gebruik van je gegevens te beperken.",
        en: "You can ask us to restrict the use of your data.",
      },
    },
    {
      kind: "objection",
      description: {
        nl: "Je kunt bezwaar maken tegen direct marketing en tegen gebruik op grond van ons gerechtvaardigd belang.",
        en: "You can object to direct marketing and to use based on our legitimate interest.",
      },
    },
  );
  const purpose = p.purposes.find((x) => x.id === LI_PURPOSE);
  assert.ok(purpose, `the seed has a ${LI_PURPOSE} purpose`);
  purpose.legal_basis = "legitimate_interest";
  return p;
}

/** A temp folder (`dir`, inside `root`) holding the five seeds, PCextreme as `variant`. */
function policiesFolder(variant) {
  const root = mkdtempSync(join(tmpdir(), "pw-objection-"));
  const dir = join(root, "policies");
  mkdirSync(dir);
  for (const site of SITES) {
    if (site !== SITE) copyFileSync(join(repoRoot, "www", "policies", `${site}.json`), join(dir, `${site}.json`));
  }
  writeFileSync(join(dir, `${SITE}.json`), JSON.stringify(variant, null, 2));
  return { root, dir };
}

/**
 * `privacy-widget-server requests <args>` reading the site policies from `policies`, the same
 * folder as the server's (a request is carried out under the policy it was accepted under).
 */
function operator(db, policies, ...args) {
  const bin = process.env.PW_SERVER || join(repoRoot, "target", "debug", "privacy-widget-server");
  const r = spawnSync(bin, ["requests", "--db", db, "--policies", policies, ...args], { cwd: repoRoot, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`operator ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Serves `policy` for the page's /policies/pcextreme.json. */
async function routePolicy(page, policy) {
  await page.route(`**/policies/${SITE}.json`, (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(policy) }),
  );
}

async function noViolations(page, what) {
  const v = await axe(page);
  assert.deepEqual(v, [], `${what}:\n${formatViolations(v)}`);
}

/** What has focus inside the widget: tag, type, value, class. */
async function focused(page) {
  return page.evaluate(() => {
    const a = document.querySelector("privacy-widget").shadowRoot.activeElement;
    return a ? { tag: a.tagName.toLowerCase(), type: a.getAttribute("type"), value: a.getAttribute("value"), text: a.textContent.trim() } : null;
  });
}

/** Presses Tab until `wanted(focused)` holds (at most 20 times). */
async function tabTo(page, wanted, what) {
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (f && wanted(f)) return f;
  }
  throw new Error(`Tab never reached ${what}`);
}

async function press(page, selector, key = "Enter") {
  await page.locator(selector).first().focus();
  await page.keyboard.press(key);
}

async function openForm(page, kind) {
  await openTab(page, "requests");
  await press(page, `${W} button[data-kind=${kind}]`);
  await page.locator(`${W} .pw-request-form form[data-kind=${kind}]`).waitFor();
}

/** The offered choices of the open restriction/objection form, by value. */
async function choices(page) {
  return page.locator(`${W} .pw-request-form fieldset input[type=checkbox]`).evaluateAll((boxes) => boxes.map((b) => b.value));
}

async function latest(page) {
  return (await api(page, "/api/v1/requests")).body.requests[0];
}

async function preferences(page) {
  const body = (await api(page, "/api/v1/me/preferences")).body;
  return Object.fromEntries(body.preferences.map((p) => [p.purpose, p]));
}

/** One month after `received` (YYYY-MM-DD), clamped to the month's end (C-C2). */
function oneMonthAfter(received) {
  const [y, m, d] = received.split("-").map(Number);
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const due = new Date(Date.UTC(y, m, Math.min(d, last)));
  return due.toISOString().slice(0, 10);
}

/** The filed request's card: kind, status and due date shown (C-C2). */
async function checkCard(page, filed, kindLabel) {
  const card = `${W} .pw-request[data-request="${filed.id}"]`;
  await page.locator(card).waitFor();
  const text = (await page.locator(card).innerText()).replace(/\s+/g, " ");
  assert.match(text, new RegExp(kindLabel));
  assert.match(text, /Status Bevestigd/);
  assert.match(text, /Uiterlijk beantwoord/);
  const [y, m, d] = filed.due_on.split("-").map(Number);
  const shown = await page.locator(`${card} .pw-due`).innerText();
  assert.match(shown, new RegExp(`\\b${d}\\b`), `due day shown in ${shown}`);
  assert.match(shown, new RegExp(`${y}`), `due year shown in ${shown}`);
  assert.ok(m >= 1 && m <= 12);
  return card;
}

/** The operator starts and completes `id`; the customer sees it completed after a reload. */
async function completeAndSee(page, db, policies, id) {
  operator(db, policies, "start", id);
  const out = operator(db, policies, "complete", id);
  assert.match(out, /is now completed/);
  await page.reload();
  await page.locator(`${W} .pw-tab`).first().waitFor();
  await openTab(page, "requests");
  const card = `${W} .pw-request[data-request="${id}"]`;
  await page.locator(`${card}[data-status=completed]`).waitFor();
  const timeline = (await page.locator(`${card} .pw-timeline`).innerText()).replace(/\s+/g, " ");
  assert.match(timeline, /In behandeling/);
  assert.match(timeline, /Afgehandeld/);
  return JSON.parse(operator(db, policies, "show", id));
}

describe("objection and restriction (server and page on the variant policy)", () => {
  const variant = variantPolicy();
  const folder = policiesFolder(variant);
  let browser;
  let server;
  before(async () => {
    server = await startServer({ args: ["--policies", folder.dir] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(folder.root, { recursive: true, force: true });
  });

  test("objection to direct marketing, keyboard only: every marketing opt-in off (C-A11), due date (C-C2), completed", async () => {
    const { context, page, problems } = await openPage(browser, { csp: STRICT_CSP });
    try {
      await routePolicy(page, variant);
      await signIn(page, server.url, SITE, "jan-de-vries");
      const before = await preferences(page);
      assert.equal(before.newsletter.granted, true, "seed: newsletter on");
      assert.equal(before.product_mail.granted, true, "seed: product mailing on");
      const marketing = Object.values(before).filter((p) => p.direct_marketing).map((p) => p.purpose);
      assert.deepEqual(marketing.sort(), ["audience_sharing", "newsletter", "product_mail"]);

      await openForm(page, "objection");
      assert.deepEqual(await choices(page), ["direct_marketing", LI_PURPOSE], "direct marketing and the legitimate-interest purpose");
      assert.match(await panelText(page), /Je kunt bezwaar maken tegen direct marketing/, "the offer's own words");
      await noViolations(page, "objection form");

      // Keyboard only: from the form's heading, Tab to submit with nothing chosen (C-D5).
      await tabTo(page, (f) => f.tag === "button" && f.type === "submit", "the submit button");
      await quiet(page);
      await page.keyboard.press("Enter");
      const invalid = await focused(page);
      assert.equal(invalid.value, "direct_marketing", "focus moves to the first choice");
      const error = (await page.locator(`${W} .pw-request-form fieldset .pw-error`).innerText()).trim();
      assert.equal(error, "Kies ten minste één mogelijkheid.");
      await noViolations(page, "objection form with an error");

      await page.keyboard.press("Space"); // tick "all direct marketing" (focus is on it)
      await tabTo(page, (f) => f.tag === "button" && f.type === "submit", "the submit button");
      await page.keyboard.press("Enter");
      await announced(page, "Verzoek ontvangen");
      const filed = await latest(page);
      assert.equal(filed.kind, "objection");
      assert.equal(filed.status, "verified");
      assert.deepEqual(filed.details.purposes, ["direct_marketing"]);
      assert.equal(filed.due_on, oneMonthAfter(filed.received_on), "due one month after receipt (C-C2)");
      const card = await checkCard(page, filed, "Bezwaar");
      // What the objection is against is on the card, as text.
      const against = (await page.locator(`${card} .pw-asked li[data-purpose=direct_marketing]`).innerText()).trim();
      assert.match(against, /^Alle direct marketing/);
      assert.equal(await page.locator(`${card} .pw-asked li`).count(), 1);
      assert.equal(await page.locator(`${card} h4`).evaluate((h) => h.getRootNode().activeElement === h), true, "focus on the new request");
      await noViolations(page, "objection received");

      // C-A11: verified at once, so every marketing opt-in is off already, in the page and stored.
      const now = await preferences(page);
      for (const id of marketing) {
        assert.equal(now[id].granted, false, `${id} off`);
      }
      for (const id of ["newsletter", "product_mail"]) {
        assert.equal(now[id].source, "objection");
        const [row] = sql(server.db, `SELECT p.granted, p.source, p.policy_version FROM preference_changes p JOIN customers c ON c.id = p.customer_id WHERE c.handle = 'jan-de-vries' AND p.purpose = '${id}' ORDER BY p.id DESC LIMIT 1`);
        assert.deepEqual(row, { granted: 0, source: "objection", policy_version: variant.version }, `${id} stored off`);
      }
      await openTab(page, "optins");
      for (const id of marketing) {
        assert.equal(await page.locator(`${W} input[data-purpose=${id}]`).isChecked(), false, `${id} shown off`);
      }

      const shown = await completeAndSee(page, server.db, folder.dir, filed.id);
      assert.equal(shown.status, "completed");
      await noViolations(page, "objection completed");
      await openTab(page, "optins");
      for (const id of marketing) {
        assert.equal(await page.locator(`${W} input[data-purpose=${id}]`).isChecked(), false, `${id} still off after reload`);
      }
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("objection to one purpose leaves the marketing opt-ins alone; restriction of chosen categories", async () => {
    const { context, page, problems } = await openPage(browser, { csp: STRICT_CSP });
    try {
      await routePolicy(page, variant);
      await signIn(page, server.url, SITE, "fatima-el-amrani");
      const before = await preferences(page);

      // Objection to the purpose resting on legitimate interest.
      await openForm(page, "objection");
      await page.locator(`${W} .pw-request-form input[value=${LI_PURPOSE}]`).check();
      await quiet(page);
      await press(page, `${W} .pw-request-form button[type=submit]`);
      await announced(page, "Verzoek ontvangen");
      const objection = await latest(page);
      assert.equal(objection.kind, "objection");
      assert.deepEqual(objection.details.purposes, [LI_PURPOSE]);
      const objectionCard = await checkCard(page, objection, "Bezwaar");
      const purposeLabel = variant.purposes.find((p) => p.id === LI_PURPOSE).label.nl;
      assert.equal((await page.locator(`${objectionCard} .pw-asked li[data-purpose=${LI_PURPOSE}]`).innerText()).trim(), purposeLabel);
      const kept = await preferences(page);
      for (const [id, p] of Object.entries(before)) assert.equal(kept[id].granted, p.granted, `${id} unchanged`);
      const done = await completeAndSee(page, server.db, folder.dir, objection.id);
      assert.equal(done.status, "completed");

      // Restriction of two chosen categories: only their values become restricted.
      const chosen = ["phone_contact", "quotes"];
      await openForm(page, "restriction");
      const offered = await choices(page);
      for (const c of chosen) assert.ok(offered.includes(c), `${c} offered`);
      await quiet(page);
      await press(page, `${W} .pw-request-form button[type=submit]`);
      assert.equal((await focused(page)).value, offered[0], "nothing chosen: focus on the first choice");
      await noViolations(page, "restriction form with an error");
      for (const c of chosen) await page.locator(`${W} .pw-request-form input[value=${c}]`).check();
      await press(page, `${W} .pw-request-form button[type=submit]`);
      await announced(page, "Verzoek ontvangen");
      const restriction = await latest(page);
      assert.equal(restriction.kind, "restriction");
      assert.deepEqual(restriction.details.categories, chosen);
      assert.equal(restriction.due_on, oneMonthAfter(restriction.received_on));
      const restrictionCard = await checkCard(page, restriction, "Beperking van de verwerking");
      // The chosen categories are on the card, by their labels, as text.
      const listed = await page.locator(`${restrictionCard} .pw-asked li[data-category]`).evaluateAll((lis) => lis.map((li) => [li.dataset.category, li.textContent]));
      assert.deepEqual(listed, chosen.map((id) => [id, variant.categories.find((c) => c.id === id).label.nl]));
      await noViolations(page, "restriction received");

      await completeAndSee(page, server.db, folder.dir, restriction.id);
      const rows = sql(server.db, `SELECT v.category, v.restricted FROM customer_values v JOIN customers c ON c.id = v.customer_id WHERE c.site = '${SITE}' AND c.handle = 'fatima-el-amrani'`);
      assert.ok(rows.some((r) => chosen.includes(r.category)), "the customer has values in the chosen categories");
      for (const r of rows) assert.equal(r.restricted, chosen.includes(r.category) ? 1 : 0, `${r.category} restricted iff chosen`);
      await openTab(page, "data");
      // Restricted at the customer's request: said so, not the legal-hold wording (C-C6 is erasure).
      const shownData = await panelText(page);
      assert.match(shownData, /beperkt op uw verzoek: we bewaren dit gegeven, maar gebruiken het niet meer/);
      assert.doesNotMatch(shownData, /wettelijke plicht/);
      const data = (await api(page, "/api/v1/me/data")).body;
      for (const c of data.categories) {
        for (const v of c.values) assert.equal(v.restricted_reason, chosen.includes(c.id) ? "restriction_request" : null, `${c.id}.${v.field}`);
      }
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("page and server disagree: the server refuses an objection the law does not grant under its policy", () => {
  // The server serves webhost with every unstated basis made a legal obligation: no objection
  // under it (C-C1). The page keeps the seed (unstated bases: objection offered). The other
  // sites are the seeds.
  const noObjection = webhostWithoutObjection();
  const folder = policiesFolderWith("webhost", noObjection);
  let browser;
  let server;
  before(async () => {
    server = await startServer({ args: ["--policies", folder.dir] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(folder.root, { recursive: true, force: true });
  });

  test("a clear 4xx naming the field, told to the customer in plain words; nothing stored or switched off", async () => {
    const { context, page } = await openPage(browser, { csp: STRICT_CSP, expect: [{ method: "POST", path: "/api/v1/requests", status: 422 }] });
    try {
      await page.route("**/policies/webhost.json", (route) =>
        route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(policyOf("webhost")) }));
      await signIn(page, server.url, "webhost", seedOf("webhost").customers[0].id);
      const before = await preferences(page);
      await openForm(page, "objection");
      await press(page, `${W} .pw-request-form fieldset input[type=checkbox]`, "Space");
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/api/v1/requests") && r.request().method() === "POST"),
        press(page, `${W} .pw-request-form button[type=submit]`),
      ]);
      assert.equal(response.status(), 422);
      assert.match(response.headers()["content-type"], /application\/problem\+json/);
      const problem = await response.json();
      assert.deepEqual(problem.errors.map((e) => e.field), ["kind"]);
      assert.match(problem.errors[0].reason, /does not offer/);

      const message = page.locator(`${W} .pw-request-form .pw-form-error`);
      await page.waitForFunction((sel) => {
        const el = document.querySelector("privacy-widget").shadowRoot.querySelector(sel);
        return el && el.textContent.trim().length > 0;
      }, ".pw-request-form .pw-form-error");
      const text = (await message.innerText()).trim();
      assert.match(text, /biedt dit soort verzoek niet aan/, `plain words: ${text}`);
      assert.doesNotMatch(text, /does not offer|kind:/, `no server jargon: ${text}`);
      await noViolations(page, "objection refused by the server");

      assert.equal((await api(page, "/api/v1/requests")).body.requests.length, 0, "nothing stored");
      const after = await preferences(page);
      for (const [id, p] of Object.entries(before)) assert.equal(after[id].granted, p.granted, `${id} unchanged`);
    } finally {
      await context.close();
    }
  });

  test("an opt-in the server does not offer (same version, the page's copy differs) is refused by name, in plain words", async () => {
    // The page's copy of the policy has one more account opt-in than the server's, under the
    // same version (an edited file served before the version was bumped): the server refuses
    // it naming `preferences.partner_offers`, and the customer hears which choice was not saved.
    const seed = policyOf(SITE);
    const newsletter = seed.purposes.find((p) => p.id === "newsletter");
    const extra = { ...newsletter, id: "partner_offers", label: { nl: "Aanbiedingen van partners", en: "Partner offers" } };
    const { context, page } = await openPage(browser, { csp: STRICT_CSP, expect: [{ method: "PUT", path: "/api/v1/me/preferences", status: 422 }] });
    try {
      await routePolicy(page, { ...seed, purposes: [...seed.purposes, extra] });
      await signIn(page, server.url, SITE, "jan-de-vries");
      await openTab(page, "optins");
      const before = await preferences(page);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().includes("/api/v1/me/preferences") && r.request().method() === "PUT"),
        press(page, `${W} input[data-purpose=partner_offers]`, "Space"),
      ]);
      assert.equal(response.status(), 422);
      assert.deepEqual((await response.json()).errors.map((e) => e.field), ["preferences.partner_offers"]);
      await announced(page, "Niet opgeslagen: Aanbiedingen van partners wordt hier niet (meer) aangeboden; laad de pagina opnieuw.");
      const status = await page.locator(`${W} [role=status]`).textContent();
      assert.doesNotMatch(status, /not an account opt-in|preferences\./, `no server jargon: ${status}`);
      assert.equal(await page.locator(`${W} input[data-purpose=partner_offers]`).isChecked(), false, "the switch shows what is stored");
      await noViolations(page, "an opt-in refused by name");
      const after = await preferences(page);
      assert.equal(after.partner_offers, undefined, "nothing stored for it");
      for (const [id, p] of Object.entries(before)) assert.equal(after[id].granted, p.granted, `${id} unchanged`);
    } finally {
      await context.close();
    }
  });
});

describe("page on the seed policy, server on the variant", () => {
  const variant = variantPolicy();
  const folder = policiesFolder(variant);
  let browser;
  let server;
  before(async () => {
    server = await startServer({ args: ["--policies", folder.dir] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(folder.root, { recursive: true, force: true });
  });

  test("the page offers the kinds the law grants under its policy (C-C1); an opt-in change under the old version is refused (409) and nothing is stored", async () => {
    const { context, page } = await openPage(browser, { csp: STRICT_CSP, expect: [{ method: "PUT", path: "/api/v1/me/preferences", status: 409 }] });
    try {
      // The server sends /policies/pcextreme.json from the policy it serves (the variant), so a
      // page on an older copy of the file (a separately hosted page, say) is routed to the seed.
      await routePolicy(page, policyOf(SITE));
      await signIn(page, server.url, SITE, "fatima-el-amrani");
      await openTab(page, "requests");
      const kinds = await page.locator(`${W} .pw-request-form`).evaluate((slot) =>
        [...slot.parentElement.querySelectorAll("button[data-kind]")].map((b) => b.dataset.kind));
      // The seed names three kinds, but the law grants all six under it (C-C1).
      assert.deepEqual(kinds, ["access", "export", "rectification", "erasure", "restriction", "objection"], "the page's (seed) offer");
      await openTab(page, "optins");
      const before = await preferences(page);
      const changeCount = () =>
        sql(server.db, `SELECT COUNT(*) AS n FROM preference_changes p JOIN customers c ON c.id = p.customer_id WHERE c.handle = 'fatima-el-amrani'`)[0].n;
      const changesBefore = changeCount();
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().includes("/api/v1/me/preferences") && r.request().method() === "PUT"),
        press(page, `${W} input[data-purpose=newsletter]`, "Space"),
      ]);
      assert.equal(response.status(), 409);
      const problem = await response.json();
      assert.equal(problem.current_policy_version, variant.version);
      const after = await preferences(page);
      for (const [id, p] of Object.entries(before)) assert.equal(after[id].granted, p.granted, `${id} unchanged`);

      // The customer is told in plain words that the privacy statement changed, what was not
      // saved, and is offered a reload; the switch shows what is stored, nothing is retried.
      const notice = `${W} .pw-tabpanel:not([hidden]) .pw-stale`;
      await page.locator(notice).waitFor();
      const text = (await page.locator(notice).innerText()).replace(/\s+/g, " ");
      assert.match(text, /De privacyverklaring is gewijzigd/);
      assert.match(text, new RegExp(`Uw wijziging \\(Nieuwsbrief: ${before.newsletter.granted ? "uit" : "aan"}\\) is daarom niet opgeslagen`), text);
      assert.doesNotMatch(text, /Dit kon niet worden verwerkt|policy version/);
      assert.equal(await page.locator(`${W} input[data-purpose=newsletter]`).isChecked(), before.newsletter.granted, "the switch shows what is stored");
      assert.equal(await page.locator(`${W} input[data-purpose=newsletter]`).isDisabled(), true, "no further change under the old statement");
      assert.equal(await page.locator(`${notice} h3`).evaluate((h) => h.getRootNode().activeElement === h), true, "focus on the notice");
      await noViolations(page, "opt-ins under a changed privacy statement");
      assert.equal(changeCount(), changesBefore, "nothing stored under the new version");
      // Reload, by keyboard: the page starts again (no notice).
      await Promise.all([page.waitForEvent("load"), press(page, `${notice} .pw-reload`)]);
      await page.locator(`${W} .pw-tab`).first().waitFor();
      await openTab(page, "optins");
      assert.equal(await page.locator(notice).count(), 0);
    } finally {
      await context.close();
    }
  });
});
