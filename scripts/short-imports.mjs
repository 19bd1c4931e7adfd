// Shortens the names a wasm-bindgen module imports from its glue: wasm-bindgen names each
// import `__wbg_<method>_<16 hex digits>` and puts it both in the wasm's import section and in
// the glue's import object; the hashes do not compress, and a marketing page pays for them
// twice. Each import becomes `a`, `b`, … `ba`, … in both files, and the import module (the
// glue's own file name) becomes `g`. The same goes for the exports with a hashed name (the
// closure invokers, `wasm_bindgen__convert__closures_____invoke__h<16 hex digits>`): each
// becomes `$a`, `$b`, … in the wasm's export section, in the glue's `wasm.<name>` calls and,
// when wasm-bindgen wrote them, in the TypeScript declarations next to both (<module>.d.ts,
// <module_bg.wasm>.d.ts). Anything unexpected (a hashed name the glue reaches another way, a
// clash) fails the build rather than leave the two files disagreeing.
//   node scripts/short-imports.mjs <module_bg.wasm> <module.js>   (rewrites both in place)
// Run after wasm-opt (which keeps import and export names) and before minifying the glue.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const [wasmPath, gluePath] = process.argv.slice(2);
if (!wasmPath || !gluePath) {
  console.error("usage: node scripts/short-imports.mjs <module_bg.wasm> <module.js>");
  process.exit(2);
}
const wasm = readFileSync(wasmPath);
let glue = readFileSync(gluePath, "utf8");

function fail(message) {
  console.error(`short-imports: ${message}`);
  process.exit(1);
}

// ---- reading the wasm binary ----
let pos = 0;
function leb() {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = wasm[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7;
  }
}
function name() {
  const len = leb();
  const s = wasm.subarray(pos, pos + len).toString("utf8");
  pos += len;
  return s;
}
function limits() {
  const flags = wasm[pos++];
  leb();
  if (flags & 1) leb();
}
function encodeLeb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}
function encodeName(s) {
  const bytes = Buffer.from(s, "utf8");
  return Buffer.concat([encodeLeb(bytes.length), bytes]);
}

if (wasm.readUInt32LE(0) !== 0x6d736100) fail(`${wasmPath} is not a wasm module`);
pos = 8;
const sections = [];
while (pos < wasm.length) {
  const headerStart = pos;
  const id = wasm[pos++];
  const size = leb();
  sections.push({ id, headerStart, start: pos, end: pos + size });
  pos += size;
}
if (pos !== wasm.length) fail("the sections do not read to the module's end");
const section = sections.find((s) => s.id === 2);
if (!section) fail("the module has no import section");

// ---- the new import section ----
function shortName(i) {
  // a … z, ba … zz, baa … (no leading "a" after the first digit, so every name is unique).
  let s = "";
  let n = i;
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
}
pos = section.start;
const count = leb();
const entries = [];
const renamed = new Map();
const modules = new Set();
for (let i = 0; i < count; i++) {
  const module = name();
  const field = name();
  const descStart = pos;
  const kind = wasm[pos++];
  if (kind === 0) leb(); // function: type index
  else if (kind === 1) { pos++; limits(); } // table: reference type, limits
  else if (kind === 2) limits(); // memory
  else if (kind === 3) pos += 2; // global: value type, mutability
  else if (kind === 4) { pos++; leb(); } // tag: attribute, type index
  else fail(`unknown import kind ${kind}`);
  const desc = wasm.subarray(descStart, pos);
  modules.add(module);
  let short = renamed.get(field);
  if (short === undefined) {
    short = shortName(renamed.size);
    renamed.set(field, short);
  }
  entries.push(Buffer.concat([encodeName("g"), encodeName(short), desc]));
}
if (pos !== section.end) fail("the import section did not read to its end");
if (modules.size !== 1) fail(`expected imports from one module (the glue), found ${[...modules].join(", ")}`);
const [module] = modules;

// ---- the glue: the import object's keys and the module's name ----
for (const [field, short] of renamed) {
  const key = new RegExp(`(^|[^\\w$])${field}(:)`, "gm");
  const before = glue;
  glue = glue.replace(key, `$1${short}$2`);
  if (glue === before) fail(`the glue has no import named ${field}`);
  if (glue.includes(field)) fail(`the glue names ${field} outside its import object`);
}
const moduleKey = JSON.stringify(module);
if (!glue.includes(`${moduleKey}:`)) fail(`the glue has no import module ${moduleKey}`);
glue = glue.split(`${moduleKey}:`).join(`"g":`);

// ---- the exports with hashed names ----
// Export section: count, then per export its name, kind byte and index.
const exportSection = sections.find((s) => s.id === 7);
if (!exportSection) fail("the module has no export section");
pos = exportSection.start;
const exportCount = leb();
const exportEntries = [];
const exportNames = [];
for (let i = 0; i < exportCount; i++) {
  const field = name();
  const descStart = pos;
  pos++; // kind
  leb(); // index
  exportNames.push(field);
  exportEntries.push({ field, desc: wasm.subarray(descStart, pos) });
}
if (pos !== exportSection.end) fail("the export section did not read to its end");
const hashed = /^[A-Za-z_$][\w$]*__h[0-9a-f]{16}$/;
const renamedExports = new Map();
for (const field of exportNames) {
  if (!hashed.test(field)) continue;
  const short = `$${shortName(renamedExports.size)}`;
  if (exportNames.includes(short)) fail(`an export is already named ${short}`);
  renamedExports.set(field, short);
}
const escape = (s) => s.replace(/\$/g, "\\$");
for (const [field, short] of renamedExports) {
  // The glue calls the export as `wasm.<name>(…)`; a JS function of the same name wraps it
  // (a local name that the minifier shortens anyway).
  const call = new RegExp(`(?<![\\w$])wasm\\.${escape(field)}(?![\\w$])`, "g");
  const before = glue;
  glue = glue.replace(call, () => `wasm.${short}`); // (a function: `$` is literal)
  if (glue === before) fail(`the glue never calls the export ${field}`);
  if (new RegExp(`[.'"\`\\[]${escape(field)}(?![\\w$])`).test(glue)) {
    fail(`the glue reaches the export ${field} other than as wasm.${field}`);
  }
}
// The declarations wasm-bindgen writes next to the glue and the wasm (with --typescript).
const declarations = [gluePath.replace(/\.js$/, ".d.ts"), `${wasmPath}.d.ts`]
  .filter((path) => path !== gluePath && existsSync(path))
  .map((path) => ({ path, text: readFileSync(path, "utf8") }));
for (const d of declarations) {
  for (const [field, short] of renamedExports) {
    d.text = d.text.replace(new RegExp(`(?<![\\w$])${escape(field)}(?![\\w$])`, "g"), () => short);
  }
}

// ---- writing them all ----
const body = Buffer.concat([encodeLeb(count), ...entries]);
const exportBody = Buffer.concat([
  encodeLeb(exportCount),
  ...exportEntries.map(({ field, desc }) => Buffer.concat([encodeName(renamedExports.get(field) ?? field), desc])),
]);
const parts = [wasm.subarray(0, 8)];
for (const s of sections) {
  if (s.id === 2 || s.id === 7) {
    const newBody = s.id === 2 ? body : exportBody;
    parts.push(Buffer.from([s.id]), encodeLeb(newBody.length), newBody);
  } else {
    parts.push(wasm.subarray(s.headerStart, s.end));
  }
}
const out = Buffer.concat(parts);
writeFileSync(wasmPath, out);
writeFileSync(gluePath, glue);
for (const d of declarations) writeFileSync(d.path, d.text);
console.log(
  `short-imports: ${renamed.size} import and ${renamedExports.size} export names, ` +
    `${wasm.length - out.length} bytes fewer in ${wasmPath}`,
);
