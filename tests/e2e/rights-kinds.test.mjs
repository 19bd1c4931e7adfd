// C-C1: every seed site offers the request kinds the law grants, not only the ones its statement
// mentions, in the control panel, the visitor's request form and the privacy page's store view:
// access, rectification, erasure and restriction always; portability where a purpose rests on
// consent or contract; objection where one rests on legitimate interest or is direct marketing;
// both where a basis is not stated. The expected kinds are worked out here from the policy file,
// independently of the widget's Rust rule. Each form for a kind the statement does not mention
// is opened and checked with axe (C-D6), under the strict CSP.
import { describe } from "node:test";
import assert from "node:assert/strict";
import { SITES, STRICT_CSP, axe, formatViolations, openPage, test, useSuite } from "./lib/harness.mjs";
import { W, openTab, policyOf, seedOf, signIn } from "./panel-helpers.mjs";

const ORDER = ["access", "export", "rectification", "erasure", "restriction", "objection"];
const DIRECT_MARKETING = new Set(["newsletter", "product_mail", "audience_sharing"]);
const V = 'privacy-widget[view="request"]';
const S = 'privacy-widget[view="store"]';

/** The kinds the law grants under `policy` (GDPR Art. 15-21), in the widget's order. */
function lawKinds(policy) {
  const bases = policy.purposes.map((p) => p.legal_basis);
  const portable = bases.some((b) => ["consent", "contract", "unspecified"].includes(b));
  const objectable = policy.purposes.some((p) =>
    ["legitimate_interest", "unspecified"].includes(p.legal_basis) || DIRECT_MARKETING.has(p.kind));
  return ORDER.filter((k) => (k === "export" ? portable : k === "objection" ? objectable : true));
}

async function noViolations(page, what) {
  const v = await axe(page);
  assert.deepEqual(v, [], `${what}:\n${formatViolations(v)}`);
}

async function press(page, selector, key = "Enter") {
  await page.locator(selector).first().focus();
  await page.keyboard.press(key);
}

describe("C-C1: the kinds the law grants, per seed site", () => {
  const suite = useSuite();

  for (const site of SITES) {
    const policy = policyOf(site);
    const expected = lawKinds(policy);
    const mentioned = new Set(policy.rights.requests.map((r) => r.kind));
    const added = expected.filter((k) => !mentioned.has(k));

    test(`C-C1 ${site}: the control panel offers ${expected.join(", ")}; each form the statement omits (${added.join(", ") || "none"}) opens, axe clean`, async () => {
      assert.ok(["access", "rectification", "erasure", "restriction"].every((k) => expected.includes(k)));
      const { context, page, problems } = await openPage(suite.browser, { csp: STRICT_CSP });
      try {
        await signIn(page, suite.server.url, site, seedOf(site).customers[0].id);
        await openTab(page, "requests");
        await page.locator(`${W} button[data-kind]`).first().waitFor();
        const kinds = await page.locator(`${W} button[data-kind]`).evaluateAll((bs) => bs.map((b) => b.dataset.kind));
        assert.deepEqual(kinds, expected, "the panel's kinds");
        for (const kind of added) {
          await press(page, `${W} button[data-kind=${kind}]`);
          await page.locator(`${W} .pw-request-form form[data-kind=${kind}]`).waitFor();
          const text = await page.locator(`${W} .pw-request-form form`).innerText();
          assert.match(text, /binnen een maand \(de wettelijke termijn\)/, `${kind}: the statutory term`);
          await noViolations(page, `${site} panel: ${kind} form`);
        }
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });

    test(`C-C1 ${site}: the privacy page's request form and store view offer the same kinds; a right the statement omits is said to come from the law, axe clean`, async () => {
      const { context, page, problems } = await openPage(suite.browser, { csp: STRICT_CSP });
      try {
        await page.goto(`${suite.server.url}/sites/${site}/privacy/`, { waitUntil: "load" });
        await page.locator(`${V} .pw-visitor-form`).waitFor();
        const kinds = await page.locator(`${V} input[name=kind]`).evaluateAll((els) => els.map((e) => e.value));
        assert.deepEqual(kinds, expected, "the visitor form's kinds");
        for (const kind of added) {
          await press(page, `${V} input[name=kind][value=${kind}]`, "Space");
          assert.equal(await page.locator(`${V} input[name=kind][value=${kind}]`).isChecked(), true);
          await noViolations(page, `${site} visitor form: ${kind}`);
        }

        await page.locator(`${S} li.pw-right`).first().waitFor();
        const listed = await page.locator(`${S} li.pw-right`).evaluateAll((lis) => lis.map((li) => li.dataset.requestKind));
        assert.deepEqual(listed, expected, "the store view's rights");
        const byLaw = await page.locator(`${S} li.pw-right:has(.pw-by-law)`).evaluateAll((lis) => lis.map((li) => li.dataset.requestKind));
        assert.deepEqual(byLaw, added, "the rights the statement omits are marked as given by law");
        if (added.length > 0) {
          const sentence = await page.locator(`${S} li.pw-right .pw-by-law`).first().innerText();
          assert.match(sentence, /de wet \(AVG\) geeft het u|the law \(GDPR\) gives it/);
        }
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});

describe("the server's own privacy statement (C-E1, C-E2)", () => {
  const suite = useSuite();

  test("C-E2 linked from the demo index, rendered by the store view with every purpose and its term, the disclosures, and all six kinds (C-C1); axe clean", async () => {
    const policy = policyOf("privacy-widget");
    const { context, page, problems } = await openPage(suite.browser, { csp: STRICT_CSP });
    try {
      await page.goto(`${suite.server.url}/`, { waitUntil: "load" });
      await press(page, 'a[href="/sites/privacy-widget/privacy/"]');
      await page.waitForURL(/\/sites\/privacy-widget\/privacy\/$/);
      await page.locator(`${S} li.pw-right`).first().waitFor();
      const text = (await page.locator(S).evaluate((el) => el.shadowRoot.textContent)).replace(/\s+/g, " ");
      for (const p of policy.purposes) assert.ok(text.includes(p.label.nl), `purpose ${p.id} shown`);
      assert.match(text, /5 jaar/, "the consent proofs' term");
      assert.match(text, /24 uur/, "the rate-limit entries' term");
      assert.match(text, /Gerechtvaardigd belang/);
      assert.match(text, /Moet u gegevens verstrekken\?/);
      assert.match(text, /geen besluiten over u genomen door alleen een computer/);
      const listed = await page.locator(`${S} li.pw-right`).evaluateAll((lis) => lis.map((li) => li.dataset.requestKind));
      assert.deepEqual(listed, ORDER);
      await page.locator(`${V} .pw-visitor-form`).waitFor();
      const kinds = await page.locator(`${V} input[name=kind]`).evaluateAll((els) => els.map((e) => e.value));
      assert.deepEqual(kinds, ORDER);
      await noViolations(page, "the server's own statement");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
