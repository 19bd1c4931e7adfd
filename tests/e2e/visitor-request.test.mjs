// A visitor who is not logged in files a data-subject request on a company's privacy page
// (C-C1), proves control of the e-mail address with the mailed six-digit code (C-C3), and follows
// the request's status and due date (C-C2) across a reload and the operator's steps. An unknown
// address gets the same answer and its code too (no account enumeration), and once verified the
// answer "no personal data is linked to this address" (C-C4: Art. 15(1) whether or not). The
// answer mail's link opens the status in another browser (the token in the fragment). Keyboard only, axe
// clean in every state (C-D5, C-D6), under the strict CSP. Once the operator completes an access
// request the visitor reads and downloads the answer with the status token only (C-C4), and
// told by a mail without data; a pending request can be withdrawn after a confirmation.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { axe, formatViolations, openPage, startServer, STRICT_CSP, test, useSuite } from "./lib/harness.mjs";
import { operator, policiesFolderWith, policyOf, seedOf, sql, webhostWithoutObjection } from "./panel-helpers.mjs";

const V = 'privacy-widget[view="request"]';
/** A wrong code is refused with 422: the expected page problem of the tests that enter one. */
const WRONG_CODE = { method: "POST", path: /^\/api\/v1\/requests\/r_[0-9a-f]+\/verify$/, status: 422 };
const STORAGE_KEY = "pw_visitor_request:pcextreme";

async function noViolations(page, what) {
  const v = await axe(page);
  assert.deepEqual(v, [], `${what}:\n${formatViolations(v)}`);
}

/** The messages of the demo outbox (through the server's API, as the brief allows). */
async function outbox(base) {
  const r = await fetch(`${base}/demo/outbox`);
  assert.equal(r.status, 200);
  return (await r.json()).messages;
}

async function codeFor(base, to) {
  // The outbox lists the newest first.
  const mails = (await outbox(base)).filter((m) => m.to === to);
  assert.ok(mails.length > 0, `a code was mailed to ${to}`);
  return mails[0].body.match(/\b(\d{6})\b/)[1];
}

/** Empties the view's live region, so that the next `announced` waits for a new message. */
async function quiet(page) {
  await page.evaluate((sel) => { document.querySelector(sel).shadowRoot.querySelector("[role=status]").textContent = ""; }, V);
}

async function announced(page, message) {
  await page.waitForFunction(
    ({ sel, message }) => document.querySelector(sel).shadowRoot.querySelector("[role=status]").textContent.includes(message),
    { sel: V, message },
    { timeout: 15_000 },
  );
}

async function press(page, selector, key = "Enter") {
  await page.locator(selector).first().focus();
  await page.keyboard.press(key);
}

/** What the focused element in the view is (class, name, aria-invalid), or null. */
async function focused(page) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel).shadowRoot.activeElement;
    return el ? { name: el.getAttribute("name"), invalid: el.getAttribute("aria-invalid"), tag: el.tagName } : null;
  }, V);
}

/** The visible error texts an element's aria-describedby points to. */
async function describedErrors(page, selector) {
  return page.evaluate(({ sel, selector }) => {
    const root = document.querySelector(sel).shadowRoot;
    const el = root.querySelector(selector);
    const owner = el.getAttribute("aria-describedby") ? el : el.closest("fieldset");
    return (owner.getAttribute("aria-describedby") || "").split(" ")
      .map((id) => root.getElementById(id)).filter((e) => e && !e.hidden && e.classList.contains("pw-error")).map((e) => e.textContent);
  }, { sel: V, selector });
}

/** Fills the form with the keyboard: the kind radio, the e-mail address, then Enter. */
async function fileRequest(page, kind, email) {
  await page.locator(`${V} .pw-visitor-form`).waitFor();
  await press(page, `${V} input[name=kind][value=${kind}]`, "Space");
  await page.locator(`${V} input[name=email]`).focus();
  await page.keyboard.type(email);
  await page.keyboard.press("Enter");
  await page.locator(`${V} .pw-code-form`).waitFor();
}

async function enterCode(page, code) {
  await page.locator(`${V} input[name=code]`).focus();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(code);
  await page.keyboard.press("Enter");
}

function wrongCode(code) {
  return code === "000000" ? "111111" : "000000";
}

describe("visitor request on the privacy page", () => {
  const suite = useSuite();

  test("pcextreme: access request, wrong then right code, status and due date, reload, completed", async () => {
    const email = seedOf("pcextreme").customers[0].email;
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP, expect: [WRONG_CODE] });
    try {
      await page.goto(`${suite.server.url}/sites/pcextreme/privacy/`, { waitUntil: "load" });
      await page.locator(`${V} .pw-visitor-form`).waitFor();
      const kinds = await page.locator(`${V} input[name=kind]`).evaluateAll((els) => els.map((e) => e.value));
      // Every kind the law grants (C-C1), not only the three pcextreme's statement mentions.
      assert.deepEqual(kinds, ["access", "export", "rectification", "erasure", "restriction", "objection"], "the kinds the law grants (C-C1)");
      const formText = await page.locator(`${V} .pw-visitor`).innerText();
      assert.doesNotMatch(formText, /identiteitsbewijs uploaden|upload/i);
      assert.equal(await page.locator(`${V} input[type=file]`).count(), 0, "no ID-document upload");
      await noViolations(page, "empty form");

      // Sending the empty form: every error marked, described, focus on the first.
      await press(page, `${V} .pw-visitor-form button[type=submit]`);
      assert.equal((await focused(page)).name, "kind");
      assert.ok((await describedErrors(page, "input[name=kind]")).some((m) => m.length > 0));
      assert.equal(await page.locator(`${V} input[name=email]`).getAttribute("aria-invalid"), "true");
      assert.match((await describedErrors(page, "input[name=email]")).join(" "), /e-mailadres/);
      await noViolations(page, "form with errors");
      // An address that is not one.
      await press(page, `${V} input[name=kind][value=access]`, "Space");
      await page.locator(`${V} input[name=email]`).fill("jan.devries@");
      await press(page, `${V} .pw-visitor-form button[type=submit]`);
      assert.equal((await focused(page)).name, "email");
      assert.match((await describedErrors(page, "input[name=email]")).join(" "), /geldig e-mailadres/);
      await page.locator(`${V} input[name=email]`).fill("");

      await fileRequest(page, "access", email.replace("jan", "Jan"));
      const sent = await page.locator(`${V} .pw-code-sent`).innerText();
      assert.match(sent, new RegExp(`code van 6 cijfers gestuurd naar ${email.replace(".", "\\.")}`, "i"));
      const input = page.locator(`${V} input[name=code]`);
      assert.equal(await input.getAttribute("inputmode"), "numeric");
      assert.equal(await input.getAttribute("autocomplete"), "one-time-code");
      await noViolations(page, "code step");
      const code = await codeFor(suite.server.url, email);

      // A wrong code: a clear error with the attempts left (C-C3: at most 5).
      await quiet(page);
      await enterCode(page, wrongCode(code));
      await announced(page, "nog 4 keer");
      assert.equal(await input.getAttribute("aria-invalid"), "true");
      assert.match((await describedErrors(page, "input[name=code]")).join(" "), /klopt niet.*nog 4 keer/);
      assert.equal((await focused(page)).name, "code");
      await noViolations(page, "wrong code");

      // The right one: received, status and due date (C-C2), the timeline.
      await quiet(page);
      await enterCode(page, code);
      await announced(page, "Verzoek ontvangen");
      const card = `${V} .pw-visitor-status`;
      await page.locator(`${card}[data-status=verified]`).waitFor();
      const [row] = sql(suite.server.db, `SELECT id, status, due_on, received_on FROM requests WHERE email = '${email}' AND status = 'verified'`);
      assert.ok(row, "the request counts once verified (C-C3)");
      assert.equal(await page.locator(card).getAttribute("data-request"), row.id);
      const due = await page.locator(`${card} .pw-due`).innerText();
      assert.notEqual(due.trim(), "—");
      const [y, m, d] = row.due_on.split("-").map(Number);
      assert.match(due, new RegExp(`\\b${d}\\b.*\\b${y}\\b`), `due ${row.due_on} shown as ${due}`);
      const text = (await page.locator(`${V} .pw-visitor`).innerText()).replace(/\s+/g, " ");
      assert.match(text, /Verzoek ontvangen/);
      assert.match(text, /Uiterlijk beantwoord/);
      assert.match(text, /Inzage|inzage/);
      assert.match(await page.locator(`${card} .pw-timeline`).innerText(), /Ontvangen[\s\S]*Bevestigd/);
      assert.ok(m >= 1 && m <= 12);
      const stored = await page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY);
      assert.match(stored, /"stage":"status"/);
      assert.doesNotMatch(stored, /@/, "no e-mail address kept once verified");
      await noViolations(page, "status");

      // The status survives a reload.
      await page.reload({ waitUntil: "load" });
      await page.locator(`${card}[data-status=verified]`).waitFor();

      // The company moves it on; the page shows it completed.
      operator(suite.server.db, "start", row.id);
      operator(suite.server.db, "complete", row.id);
      await quiet(page);
      await press(page, `${V} .pw-refresh`);
      await announced(page, "Status bijgewerkt");
      await page.locator(`${card}[data-status=completed]`).waitFor();
      const timeline = (await page.locator(`${card} .pw-timeline`).innerText()).replace(/\s+/g, " ");
      assert.match(timeline, /In behandeling/);
      assert.match(timeline, /Afgehandeld/);
      await page.reload({ waitUntil: "load" });
      await page.locator(`${card}[data-status=completed]`).waitFor();
      await noViolations(page, "completed status");

      // Forget: back to an empty form, nothing kept.
      await quiet(page);
      await press(page, `${V} .pw-forget`);
      await announced(page, "vergeten");
      await page.locator(`${V} .pw-visitor-form`).waitFor();
      assert.equal(await page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY), null);
    } finally {
      await context.close();
    }
  });

  test("an unknown address gets the same answer and a code, like a known one", async () => {
    const unknown = "niet-bekend@example.com";
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP, expect: [WRONG_CODE] });
    try {
      await page.goto(`${suite.server.url}/sites/pcextreme/privacy/`, { waitUntil: "load" });
      await fileRequest(page, "access", unknown);
      const sent = await page.locator(`${V} .pw-code-sent`).innerText();
      assert.match(sent, /code van 6 cijfers gestuurd naar niet-bekend@example\.com/);
      const known = seedOf("pcextreme").customers[1].email;
      assert.ok((await outbox(suite.server.url)).some((m) => m.to === unknown), "mailed like any address");
      await quiet(page);
      await enterCode(page, "123456");
      await announced(page, "nog 4 keer");
      await noViolations(page, "unknown address, wrong code");
      // The same steps for a known address show the same texts.
      const stepText = async () => (await page.locator(`${V} .pw-visitor-step`).innerText()).replace(/\s+/g, " ");
      const unknownText = (await stepText()).replace(unknown, "ADDRESS");
      await press(page, `${V} .pw-start-over`);
      await fileRequest(page, "access", known);
      await quiet(page);
      await enterCode(page, wrongCode(await codeFor(suite.server.url, known)));
      await announced(page, "nog 4 keer");
      assert.equal((await stepText()).replace(known, "ADDRESS"), unknownText);
    } finally {
      await context.close();
    }
  });

  test("an unknown address is answered 'no personal data'; the mail's link opens it in a fresh browser", async () => {
    const unknown = "nooit-klant@example.org";
    const privacy = `${suite.server.url}/sites/pcextreme/privacy/`;
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP });
    try {
      await page.goto(privacy, { waitUntil: "load" });
      await fileRequest(page, "access", unknown);
      await quiet(page);
      await enterCode(page, await codeFor(suite.server.url, unknown));
      await announced(page, "Verzoek ontvangen");
      const card = `${V} .pw-visitor-status`;
      await page.locator(`${card}[data-status=completed]`).waitFor();
      // C-C4 / C-C2: answered at once, in plain words, with the package to read or download.
      assert.match(await page.locator(`${V} .pw-visitor-summary`).innerText(), /geen persoonsgegevens die aan dit e-mailadres gekoppeld zijn/);
      await quiet(page);
      await press(page, `${card} .pw-show-answer`);
      await announced(page, "Het antwoord staat hieronder");
      assert.match(await page.locator(`${card} .pw-package .pw-no-data`).innerText(), /geen persoonsgegevens/);
      await noViolations(page, "unknown address answered");
      const [row] = sql(suite.server.db, `SELECT id, status FROM requests WHERE email = '${unknown}'`);
      assert.equal(row.status, "completed");
    } finally {
      await context.close();
    }

    // The answer mail carries a link with a status token in the fragment.
    let mail;
    for (let i = 0; i < 50 && !mail; i++) {
      mail = (await outbox(suite.server.url)).find((m) => m.to === unknown && /beantwoord/.test(m.body));
      if (!mail) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(mail, "an answer mail");
    const link = mail.body.match(/(https?:\/\/\S+#pw-status=[0-9a-f]{64})/)?.[1];
    assert.ok(link && link.startsWith(privacy), `a link to the privacy page: ${mail.body}`);

    // Another device: a fresh browser with nothing stored opens the link and sees the answer.
    const other = await openPage(suite.browser, { csp: STRICT_CSP });
    try {
      const requests = [];
      other.page.on("request", (r) => requests.push(r.url()));
      await other.page.goto(link, { waitUntil: "load" });
      const card = `${V} .pw-visitor-status`;
      await other.page.locator(`${card}[data-status=completed]`).waitFor();
      assert.match(await other.page.locator(`${V} .pw-visitor-summary`).innerText(), /geen persoonsgegevens/);
      assert.equal(other.page.url(), privacy, "the token is taken out of the address bar");
      assert.ok(requests.every((u) => !u.includes("#")), "the fragment never goes to the server");
      const stored = await other.page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY);
      assert.match(stored, /"stage":"status"/, "kept on this device like a verified request");
      assert.match(stored, /"id":"r_[0-9a-f]+"/);
      await other.page.reload({ waitUntil: "load" });
      await other.page.locator(`${card}[data-status=completed]`).waitFor();
      await noViolations(other.page, "status opened from the mail link");

      // A damaged link says so in plain words.
      const broken = await other.context.newPage();
      await broken.goto(`${privacy}#pw-status=1234`, { waitUntil: "load" });
      const alert = broken.locator(`${V} .pw-unavailable[role=alert]`);
      await alert.waitFor();
      assert.match(await alert.innerText(), /link is onvolledig of beschadigd/);
      assert.equal(broken.url(), privacy);
      await noViolations(broken, "damaged link");
    } finally {
      await other.context.close();
    }
  });

  test("an expired code asks for a new one, which then works", async () => {
    const email = seedOf("pcextreme").customers[1].email;
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP, expect: [WRONG_CODE] });
    try {
      await page.goto(`${suite.server.url}/sites/pcextreme/privacy/`, { waitUntil: "load" });
      await page.locator(`${V} .pw-visitor-form`).waitFor();
      await press(page, `${V} input[name=kind][value=erasure]`, "Space");
      // What stays under a legal hold is said before confirming (C-C6).
      assert.match(await page.locator(`${V} .pw-kept`).innerText(), /belastingwet/i);
      await page.locator(`${V} input[name=email]`).focus();
      await page.keyboard.type(email);
      await page.keyboard.press("Enter");
      assert.equal((await focused(page)).name, "confirm", "the confirmation is required");
      await noViolations(page, "erasure without confirmation");
      await page.keyboard.press("Space");
      await press(page, `${V} .pw-visitor-form button[type=submit]`);
      await page.locator(`${V} .pw-code-form`).waitFor();
      const first = await codeFor(suite.server.url, email);
      sql(suite.server.db, "UPDATE verification_codes SET expires_at_ms = 0");
      await quiet(page);
      await enterCode(page, first);
      await announced(page, "verlopen");
      await noViolations(page, "expired code");
      await quiet(page);
      await press(page, `${V} .pw-new-code`);
      await announced(page, "nieuwe code");
      const second = await codeFor(suite.server.url, email);
      await quiet(page);
      await enterCode(page, second);
      await announced(page, "Verzoek ontvangen");
      await page.locator(`${V} .pw-visitor-status[data-kind=erasure][data-status=verified]`).waitFor();
      // The new code superseded the first request: nothing unverified is left behind.
      const erasures = sql(suite.server.db, `SELECT status FROM requests WHERE kind = 'erasure' AND email = '${email}' ORDER BY created_at_ms`);
      assert.deepEqual(erasures.map((r) => r.status), ["cancelled", "verified"]);
    } finally {
      await context.close();
    }
  });

  test("rectification: the field and the new value are required and labelled, then filed and verified", async () => {
    const email = seedOf("pcextreme").customers[0].email;
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP });
    try {
      await page.goto(`${suite.server.url}/sites/pcextreme/privacy/`, { waitUntil: "load" });
      await page.locator(`${V} .pw-visitor-form`).waitFor();
      await press(page, `${V} input[name=kind][value=rectification]`, "Space");
      await page.locator(`${V} input[name=email]`).focus();
      await page.keyboard.type(email);
      await page.keyboard.press("Enter");
      assert.equal((await focused(page)).name, "field", "focus on the first error");
      assert.ok((await describedErrors(page, "select[name=field]")).length > 0);
      assert.equal(await page.locator(`${V} input[name=value]`).getAttribute("aria-invalid"), "true");
      await noViolations(page, "rectification with errors");
      const option = await page.locator(`${V} select[name=field] option`).nth(1).getAttribute("value");
      await page.locator(`${V} select[name=field]`).selectOption(option);
      await page.locator(`${V} input[name=value]`).focus();
      await page.keyboard.type("Nieuwe waarde 42");
      await page.keyboard.press("Enter");
      await page.locator(`${V} .pw-code-form`).waitFor();
      await quiet(page);
      await enterCode(page, await codeFor(suite.server.url, email));
      await announced(page, "Verzoek ontvangen");
      await page.locator(`${V} .pw-visitor-status[data-kind=rectification][data-status=verified]`).waitFor();
      const [row] = sql(suite.server.db, `SELECT details FROM requests WHERE kind = 'rectification' AND email = '${email}'`);
      const details = JSON.parse(row.details);
      assert.equal(details.value, "Nieuwe waarde 42");
      assert.equal(`${details.category} ${details.field}`, option);
    } finally {
      await context.close();
    }
  });

  test("C-C1 refusals by the server in the visitor's words: a kind the law does not grant under the server's policy", async () => {
    // The server serves webhost with no objection ground (every unstated basis a legal
    // obligation); the page keeps the seed, under which the law grants objection.
    const folder = policiesFolderWith("webhost", webhostWithoutObjection());
    const server = await startServer({ args: ["--policies", folder.dir] });
    const email = seedOf("webhost").customers[0].email;
    const { context, page, problems } = await openPage(suite.browser, { csp: STRICT_CSP, expect: [{ method: "POST", path: "/api/v1/requests", status: 422 }] });
    try {
      await page.route("**/policies/webhost.json", (route) =>
        route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(policyOf("webhost")) }));
      await page.goto(`${server.url}/sites/webhost/privacy/`, { waitUntil: "load" });
      await page.locator(`${V} .pw-visitor-form`).waitFor();
      await press(page, `${V} input[name=kind][value=objection]`, "Space");
      await press(page, `${V} .pw-visitor-details fieldset input[type=checkbox]`, "Space");
      await page.locator(`${V} input[name=email]`).fill(email);
      const summary = `${V} .pw-visitor-form .pw-form-error`;
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/api/v1/requests") && r.request().method() === "POST"),
        press(page, `${V} .pw-visitor-form button[type=submit]`),
      ]);
      assert.equal(response.status(), 422);
      assert.deepEqual((await response.json()).errors.map((e) => e.field), ["kind"]);
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector(".pw-form-error").textContent.trim().length > 0, V);
      const text = (await page.locator(summary).innerText()).trim();
      assert.match(text, /biedt dit soort verzoek niet aan/, `plain words: ${text}`);
      assert.doesNotMatch(text, /kind:|does not offer/, `no server jargon: ${text}`);
      await noViolations(page, "visitor form, kind refused by the server");
      assert.deepEqual(problems.filter((p) => !/\b422\b/.test(p)), [], "only the expected refusal");
      const [row] = sql(server.db, `SELECT COUNT(*) AS n FROM requests WHERE email = '${email}'`);
      assert.equal(row.n, 0, "nothing stored");
    } finally {
      await context.close();
      await server.stop();
      rmSync(folder.root, { recursive: true, force: true });
    }
  });

  test("refusals by the server in the visitor's words: a field at fault", async () => {
    const email = seedOf("pcextreme").customers[0].email;
    const count = () => sql(suite.server.db, `SELECT COUNT(*) AS n FROM requests WHERE email = '${email}'`)[0].n;
    const before = count();
    const { context, page, problems } = await openPage(suite.browser, { csp: STRICT_CSP, expect: [{ method: "POST", path: "/api/v1/requests", status: 422 }] });
    const warnings = [];
    page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
    try {
      await page.goto(`${suite.server.url}/sites/pcextreme/privacy/`, { waitUntil: "load" });
      await page.locator(`${V} .pw-visitor-form`).waitFor();
      await page.locator(`${V} input[name=email]`).fill(email);
      const summary = `${V} .pw-visitor-form .pw-form-error`;
      // A rectified value longer than the server accepts: marked on the value field itself.
      await press(page, `${V} input[name=kind][value=rectification]`, "Space");
      const option = await page.locator(`${V} select[name=field] option`).nth(1).getAttribute("value");
      await page.locator(`${V} select[name=field]`).selectOption(option);
      await page.locator(`${V} input[name=value]`).fill("x".repeat(1001));
      const [second] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/api/v1/requests") && r.request().method() === "POST"),
        press(page, `${V} .pw-visitor-form button[type=submit]`),
      ]);
      assert.equal(second.status(), 422);
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector("input[name=value][aria-invalid=true]"), V);
      assert.deepEqual(await describedErrors(page, "input[name=value]"), ["Dit is te lang: gebruik hooguit 1000 tekens."]);
      assert.equal((await focused(page)).name, "value", "focus on the field at fault");
      assert.doesNotMatch(await page.locator(summary).innerText(), /longer than|details\./);
      assert.ok(warnings.some((w) => w.includes("details.value")), `the English detail is in the console: ${warnings}`);
      await noViolations(page, "visitor form, value refused by the server");
      assert.deepEqual(problems.filter((p) => !/\b422\b/.test(p)), [], "only the expected refusals");
      assert.equal(count(), before, "nothing stored");
    } finally {
      await context.close();
    }
  });

  test("a request made while the server is unreachable is kept and sent once, then asks for the code", async () => {
    const email = "offline@example.com";
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP, expect: [{ method: "POST", path: "/api/v1/requests", failed: true }] });
    try {
      await page.goto(`${suite.server.url}/sites/pcextreme/privacy/`, { waitUntil: "load" });
      await page.route("**/api/v1/requests", (route) => route.abort("internetdisconnected"));
      await page.locator(`${V} .pw-visitor-form`).waitFor();
      await press(page, `${V} input[name=kind][value=access]`, "Space");
      await page.locator(`${V} input[name=email]`).fill(email);
      await quiet(page);
      await press(page, `${V} .pw-visitor-form button[type=submit]`);
      await announced(page, "geen verbinding");
      await noViolations(page, "queued");
      const kept = await page.evaluate(() => localStorage.getItem("pw_outbox"));
      assert.match(kept, /offline@example\.com/);
      await page.unroute("**/api/v1/requests");
      await page.locator(`${V} .pw-code-form`).waitFor({ timeout: 20_000 });
      const rows = sql(suite.server.db, `SELECT id FROM requests WHERE email = '${email}'`);
      assert.equal(rows.length, 1, "filed exactly once");
    } finally {
      await context.close();
    }
  });
  test("manetti: the completed access request is read and downloaded after a reload, with a mail without data", async () => {
    const seed = seedOf("manetti");
    const [me, other] = seed.customers;
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP, contextOptions: { acceptDownloads: true } });
    try {
      await page.goto(`${suite.server.url}/sites/manetti/privacy/`, { waitUntil: "load" });
      await fileRequest(page, "access", me.email);
      await quiet(page);
      await enterCode(page, await codeFor(suite.server.url, me.email));
      await announced(page, "Verzoek ontvangen");
      const card = `${V} .pw-visitor-status`;
      await page.locator(`${card}[data-status=verified]`).waitFor();
      assert.equal(await page.locator(`${card} .pw-download`).count(), 0, "no answer before completion");
      const id = await page.locator(card).getAttribute("data-request");

      // The company answers with the operator command; the visitor comes back later.
      operator(suite.server.db, "start", id);
      operator(suite.server.db, "complete", id);
      await page.reload({ waitUntil: "load" });
      await page.locator(`${card}[data-status=completed]`).waitFor();
      assert.equal(await page.locator(`${card} .pw-cancel`).count(), 0, "a completed request cannot be withdrawn");
      assert.match(await page.locator(`${V} .pw-visitor-summary`).innerText(), /afgehandeld/);
      await noViolations(page, "completed access request with its answer");

      // On screen (C-C4), keyboard only.
      await quiet(page);
      await press(page, `${card} .pw-show-answer`);
      await announced(page, "Het antwoord staat hieronder");
      const shown = (await page.locator(`${card} .pw-package`).innerText()).replace(/\s+/g, " ");
      assert.ok(shown.includes(me.values.find((v) => v.field === "name").value), shown);
      assert.ok(!shown.includes(other.email));
      await noViolations(page, "answer shown");

      // The download: the same package the customer gets, this visitor's data only.
      await quiet(page);
      const [download] = await Promise.all([page.waitForEvent("download"), press(page, `${card} .pw-download`)]);
      await announced(page, "gedownload");
      assert.match(download.suggestedFilename(), new RegExp(`^manetti-access-${id}\\.json$`));
      const pkg = JSON.parse(readFileSync(await download.path(), "utf8"));
      const values = pkg.categories.flatMap((c) => c.values.map((v) => String(v.value)));
      for (const v of me.values.filter((v) => v.category === "account")) {
        assert.ok(values.includes(String(v.value)), `the package holds ${v.field}`);
      }
      const text = JSON.stringify(pkg);
      const theirs = other.values.map((v) => String(v.value)).filter((v) => v.length > 8 && !me.values.some((m) => String(m.value) === v));
      assert.ok(theirs.length > 3);
      for (const v of theirs) assert.ok(!text.includes(v), `nothing of the other customer (${v})`);
      const stored = sql(suite.server.db, `SELECT package FROM requests WHERE id = '${id}'`)[0].package;
      assert.deepEqual(pkg, JSON.parse(stored), "the package the operator's completion made");

      // A mail to the verified address says the answer is ready: a link, no data.
      const mail = (await outbox(suite.server.url)).find((m) => m.to === me.email && /beantwoord/.test(m.body));
      assert.ok(mail, "an answer mail");
      assert.match(mail.body, /\/sites\/manetti\/privacy\//);
      for (const v of me.values.map((v) => String(v.value)).filter((v) => v.length > 4)) assert.ok(!mail.body.includes(v), `no ${v} in the mail`);

      // Its link opens the same answer in a fresh browser (another device).
      const link = mail.body.match(/(https?:\/\/\S+#pw-status=[0-9a-f]{64})/)?.[1];
      assert.ok(link, `a link with the token: ${mail.body}`);
      const device = await openPage(suite.browser, { csp: STRICT_CSP });
      try {
        await device.page.goto(link, { waitUntil: "load" });
        await device.page.locator(`${card}[data-status=completed][data-request=${id}]`).waitFor();
        await device.page.locator(`${card} .pw-show-answer`).click();
        const there = (await device.page.locator(`${card} .pw-package`).innerText()).replace(/\s+/g, " ");
        assert.ok(there.includes(me.values.find((v) => v.field === "name").value), there);
        assert.doesNotMatch(device.page.url(), /#/);
      } finally {
        await device.context.close();
      }
    } finally {
      await context.close();
    }
  });

  test("webhost: a pending request is withdrawn after a confirmation, keyboard only", async () => {
    const email = seedOf("webhost").customers[0].email;
    const { context, page } = await openPage(suite.browser, { csp: STRICT_CSP });
    try {
      await page.goto(`${suite.server.url}/sites/webhost/privacy/`, { waitUntil: "load" });
      await fileRequest(page, "access", email);
      await quiet(page);
      await enterCode(page, await codeFor(suite.server.url, email));
      await announced(page, "Verzoek ontvangen");
      const card = `${V} .pw-visitor-status`;
      await page.locator(`${card}[data-status=verified]`).waitFor();
      const id = await page.locator(card).getAttribute("data-request");
      const activeClass = () => page.evaluate((sel) => document.querySelector(sel).shadowRoot.activeElement?.className ?? "", V);

      // Asking, then keeping it with Escape: focus returns to the button.
      await press(page, `${card} .pw-cancel`);
      await page.locator(`${card} .pw-cancel-confirm`).waitFor();
      assert.equal(await page.locator(`${card} .pw-cancel`).getAttribute("aria-expanded"), "true");
      assert.match(await page.locator(`${card} .pw-cancel-confirm`).innerText(), /Weet u zeker/);
      await noViolations(page, "cancel confirmation");
      await page.keyboard.press("Tab");
      await page.keyboard.press("Escape");
      await page.locator(`${card} .pw-cancel-confirm`).waitFor({ state: "detached" });
      assert.match(await activeClass(), /pw-cancel\b/);
      assert.equal(sql(suite.server.db, `SELECT status FROM requests WHERE id = '${id}'`)[0].status, "verified");

      // Asking again and confirming.
      await page.keyboard.press("Enter");
      await page.locator(`${card} .pw-cancel-yes`).waitFor();
      await quiet(page);
      await press(page, `${card} .pw-cancel-yes`);
      await announced(page, "ingetrokken");
      await page.locator(`${card}[data-status=cancelled]`).waitFor();
      assert.equal(await page.locator(`${card} .pw-cancel`).count(), 0);
      assert.match(await page.locator(`${card} .pw-timeline`).innerText(), /Ingetrokken|Geannuleerd/i);
      assert.equal(sql(suite.server.db, `SELECT status FROM requests WHERE id = '${id}'`)[0].status, "cancelled");
      await noViolations(page, "cancelled");
      await page.reload({ waitUntil: "load" });
      await page.locator(`${card}[data-status=cancelled]`).waitFor();
      assert.match(await page.locator(`${V} .pw-visitor-summary`).innerText(), /ingetrokken/);
    } finally {
      await context.close();
    }
  });
});
