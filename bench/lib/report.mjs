// The benchmark's statistics and its markdown: one table per network profile, what each tool
// downloads, the goals of issues 4 and 7, and how it was measured; written into README.md
// between the bench markers.
import { readFileSync, writeFileSync } from "node:fs";

/** Nearest-rank quantile. */
export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] : NaN;
};
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
};
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : "–");

/** Per tool: medians and p95s over the loads where the banner showed. */
export function summarize(tools, results) {
  return tools.map((tool) => {
    const all = results.get(tool.id);
    const good = all.filter((m) => m.ok);
    const pick = (k) => good.map((m) => m[k]);
    const spread = (k) => ({ median: median(pick(k)), p95: quantile(pick(k), 0.95), max: Math.max(0, ...pick(k)) });
    // Bytes do not vary between loads; the file list comes from one of them.
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
        body: f.body,
        decoded: f.decoded,
        // When each file was requested and arrived, ms after t0, median over the loads.
        start: median(good.map((m) => m.files.get(path)?.start).filter(Number.isFinite)),
        end: median(good.map((m) => m.files.get(path)?.end).filter(Number.isFinite)),
      })),
      visible: spread("visible"),
      inDom: spread("inDom"),
      fromNavigation: spread("fromNavigation"),
      tbt: spread("tbt"),
      longest: spread("longest"),
      cls: spread("cls"),
    };
  });
}

/** The README section: `profiles` is [{ label, summary }], the first one loopback. */
export function markdown({ meta, profiles, budget }) {
  const lines = [];
  const out = (s = "") => lines.push(s);
  out(
    `Measured by \`make bench\` (\`bench/run.mjs\`) on ${meta.date}: headless Chromium ${meta.browser}, ` +
      `${meta.cores} cores (load average ${meta.loadStart.toFixed(1)} at the start, ${meta.loadEnd.toFixed(1)} at the end), ` +
      `${meta.throttle > 1 ? `CPU throttled ${meta.throttle}×` : "no CPU throttling"}, viewport 1280×800; ` +
      `${meta.runs} cold loads per tool and network profile (new browser context, HTTP cache disabled, tools interleaved), ` +
      `all three served by one loopback server with the same gzip (zopfli, as the widget's build ships its .gz files; ` +
      `plain gzip -9 adds about 6 % to every tool).`,
  );
  for (const { label, summary } of profiles) {
    out();
    out(`**${label}**`);
    out();
    out(
      "| tool | version | bytes (gzip) | requests | time to banner, median | p95 | in DOM, median | " +
        "banner after navigation start, median | total blocking time, median | longest task, median | layout shift, max |",
    );
    out("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const s of summary) {
      out(
        `| ${s.name} | ${s.version} | ${kb(s.body)} | ${s.requests} | ${ms(s.visible.median)} | ${ms(s.visible.p95)} | ` +
          `${ms(s.inDom.median)} | ${ms(s.fromNavigation.median)} | ${ms(s.tbt.median)} | ${ms(s.longest.median)} | ${s.cls.max.toFixed(3)} |`,
      );
    }
    out();
    out("Each file: gzip body bytes (request start – response end, ms after t0, median):");
    out();
    for (const s of summary) {
      const parts = s.files.map((f) => `\`${f.path.split("/").pop()}\` ${kb(f.body)} (${Math.round(f.start)}–${Math.round(f.end)})`);
      out(`- ${s.name}: ${parts.join(", ")}; ${kb(s.decoded)} uncompressed`);
    }
    const failed = summary.filter((s) => s.failed > 0);
    if (failed.length) {
      out();
      out(`Loads where the banner never became visible: ${failed.map((s) => `${s.name} ${s.failed}/${s.loads}`).join(", ")}.`);
    }
  }

  // Every goal, on every network profile: "met" or "**not met**" each time.
  for (const profile of profiles) {
    const ours = profile.summary[0];
    const cc = profile.summary.find((s) => s.id === "vanilla-cookieconsent");
    const code = ours.files.filter((f) => f.path.startsWith("/widget/")).reduce((a, f) => a + f.body, 0);
    const all = ours.failed === 0;
    out();
    out(`Goals (${profile.label.toLowerCase()}):`);
    out();
    out(
      `- issue 7, the whole widget within the ${kb(budget)} gzip goal: ${code <= budget ? "met" : "**not met**"} ` +
        `(loader, glue and wasm ${kb(code)}, ${code <= budget ? `${kb(budget - code)} to spare` : `${kb(code - budget)} over`}; ` +
        `the site's consent notice adds ${kb(ours.body - code)})`,
    );
    out(
      `- issue 7, time to banner no slower than vanilla-cookieconsent's in the same run: ` +
        `${all && ours.visible.median <= cc.visible.median ? "met" : "**not met**"} ` +
        `(median ${ms(ours.visible.median)} against ${ms(cc.visible.median)}; p95 ${ms(ours.visible.p95)} against ${ms(cc.visible.p95)}` +
        `${all ? "" : `; ${ours.failed} of ${ours.loads} loads never showed the banner`})`,
    );
    out(
      `- issue 4, the banner shows on every load: ${all ? "met" : "**not met**"}; time from the loader starting to the banner being visible: ` +
        `median ${ms(ours.visible.median)} over ${ours.loads - ours.failed} loads (p95 ${ms(ours.visible.p95)})`,
    );
  }
  out();
  out(
    "How it is measured: each page (`bench/pages/*.html`) is the same Dutch hosting page; only the tool's tags differ " +
      "(privacy-widget: its synchronous loader in `<head>`; vanilla-cookieconsent: its CSS in `<head>`, its UMD build and config script " +
      "with `defer`, as its documentation's module script is deferred; klaro: config and `klaro.js` with `defer`, as documented). " +
      "All three have the same three purposes (analytics, advertising, remarketing), the same services and cookies and the same Dutch texts; " +
      "privacy-widget reads them from the consent notice the reference server compiles from `bench/pages/policy.json` (served as a static file), counted in its bytes like the other two's config scripts. " +
      "*Time to banner*: from t0, marked by the probe script right before the tool's tags, until the first-layer banner " +
      "(`.pw-banner` in the widget's open shadow root, `#cc-main .cm`, `.klaro .cookie-notice`) has a non-zero box in the viewport " +
      "and is not `visibility: hidden` (MutationObservers and every animation frame); *in DOM*: when that element first exists; " +
      "*after navigation start*: the same moment counted from the start of the page load. " +
      "vanilla-cookieconsent inserts its banner hidden and reveals it 100 ms later with a fade. " +
      "*Total blocking time*: the sum over long tasks (PerformanceObserver `longtask`) of their time beyond 50 ms, " +
      "from navigation until 1 s after the banner; *layout shift*: the sum of `layout-shift` entries over the same span. " +
      "Network profiles are Chromium's request-level throttling; slow 4G is Lighthouse's mobile profile. " +
      "vanilla-cookieconsent runs with `hideFromBots: false`, because the automated browser sets `navigator.webdriver`. " +
      "The machine's load average is printed because other work on it makes the times noisy; the tools are interleaved so that noise hits all three alike.",
  );
  return lines.join("\n");
}

/** Replaces the README section between the bench markers (adds it before "## License" if missing). */
export function writeReadme(file, body) {
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
}
