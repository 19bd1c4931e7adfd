// Size report: gzip (as shipped: the zopfli-made .gz the server sends; also plain gzip -9, what a
// host compressing on the fly would send) and brotli sizes of every file a marketing page downloads, and the total,
// checked against size-budget.json. Prints a markdown table, rewrites the table in README.md
// between the size markers (unless --check), and exits 1 when a budget is exceeded.
//   node scripts/size.mjs           report, update README.md, enforce the budget
//   node scripts/size.mjs --check   report and enforce only (what `make test` runs)
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const budget = JSON.parse(readFileSync(join(root, "size-budget.json"), "utf8"));
const checkOnly = process.argv.includes("--check");

// What a marketing page loads: the loader, the glue, the wasm and any CSS in dist/.
const marketing = [...budget.marketing_page_files];
for (const name of existsSync(dist) ? readdirSync(dist).sort() : []) {
  if (name.endsWith(".css") && !marketing.includes(name)) marketing.push(name);
}

const problems = [];

// Compressed size: the precompressed copy the server sends if the build wrote it, else computed.
// A precompressed copy is counted only if it decompresses to the current file: a stale .gz or .br
// left from an older build is a problem, not a size.
const decompressors = { gz: gunzipSync, br: brotliDecompressSync };
function compressed(name, ext, compress) {
  const pre = join(dist, `${name}.${ext}`);
  const current = readFileSync(join(dist, name));
  if (existsSync(pre)) {
    const packed = readFileSync(pre);
    let same = false;
    try {
      same = decompressors[ext](packed).equals(current);
    } catch {}
    if (!same) problems.push(`${name}.${ext} does not match ${name} of the current build (run scripts/build.sh)`);
    return packed.length;
  }
  return compress(current).length;
}
const gzip = (b) => gzipSync(b, { level: 9 });
const brotli = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });

const kb = (n) => (n / 1024).toFixed(1);
const rows = [];
let total = { raw: 0, gzip: 0, gzip9: 0, br: 0 };
for (const name of marketing) {
  if (!existsSync(join(dist, name))) {
    problems.push(`dist/${name} is missing (run make build)`);
    continue;
  }
  const row = {
    name,
    raw: statSync(join(dist, name)).size,
    gzip: compressed(name, "gz", gzip),
    gzip9: gzip(readFileSync(join(dist, name))).length,
    br: compressed(name, "br", brotli),
  };
  rows.push(row);
  for (const k of Object.keys(total)) total[k] += row[k];
  const limit = budget.files?.[name]?.gzip_bytes;
  if (limit !== undefined && row.gzip > limit) {
    problems.push(`${name}: ${row.gzip} B gzip is over its budget of ${limit} B`);
  }
}
if (total.gzip > budget.total_gzip_bytes) {
  problems.push(`total: ${total.gzip} B gzip is over the budget of ${budget.total_gzip_bytes} B`);
}

const lines = [
  "| file (marketing page) | raw | gzip, as shipped (zopfli) | gzip -9 | brotli | gzip budget |",
  "| --- | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map((r) => {
    const limit = budget.files?.[r.name]?.gzip_bytes;
    return `| \`${r.name}\` | ${kb(r.raw)} KB | ${kb(r.gzip)} KB | ${kb(r.gzip9)} KB | ${kb(r.br)} KB | ${limit ? kb(limit) + " KB" : ""} |`;
  }),
  `| **total** | ${kb(total.raw)} KB | **${kb(total.gzip)} KB** | ${kb(total.gzip9)} KB | **${kb(total.br)} KB** | ${kb(budget.total_gzip_bytes)} KB |`,
];
const goal = budget.goal_total_gzip_bytes;
if (goal !== undefined) {
  lines.push("", goal >= total.gzip
    ? `Goal ${kb(goal)} KB gzip in total: met.`
    : `Goal ${kb(goal)} KB gzip in total: **not met** (${kb(total.gzip - goal)} KB over); the enforced ceiling is ${kb(budget.total_gzip_bytes)} KB.`);
}
const table = lines.join("\n");
console.log(table);

if (!checkOnly && rows.length > 0) {
  const readme = join(root, "README.md");
  const begin = "<!-- size:begin -->";
  const end = "<!-- size:end -->";
  if (existsSync(readme)) {
    const text = readFileSync(readme, "utf8");
    const a = text.indexOf(begin);
    const b = text.indexOf(end);
    if (a >= 0 && b > a) {
      const next = text.slice(0, a + begin.length) + "\n" + table + "\n" + text.slice(b);
      if (next !== text) {
        writeFileSync(readme, next);
        console.log("README.md: size table updated");
      }
    }
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(`size: ${p}`);
  process.exit(1);
}
console.log(`size: within budget (${kb(total.gzip)} KB of ${kb(budget.total_gzip_bytes)} KB gzip)`);
if (goal !== undefined && total.gzip > goal) console.log(`size: goal of ${kb(goal)} KB not met yet`);
