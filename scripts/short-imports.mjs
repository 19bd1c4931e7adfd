// Shortens the names a wasm-bindgen module imports from its glue: wasm-bindgen names each
// import `__wbg_<method>_<16 hex digits>` and puts it both in the wasm's import section and in
// the glue's import object; the hashes do not compress, and a marketing page pays for them
// twice. Each import becomes `a`, `b`, … `ba`, … in both files, and the import module (the
// glue's own file name) becomes `g`.
//   node scripts/short-imports.mjs <module_bg.wasm> <module.js>   (rewrites both in place)
// Run after wasm-opt (which keeps import names) and before minifying the glue.
import { readFileSync, writeFileSync } from "node:fs";

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
let section = null;
while (pos < wasm.length) {
  const headerStart = pos;
  const id = wasm[pos++];
  const size = leb();
  if (id === 2) {
    section = { headerStart, start: pos, end: pos + size };
    break;
  }
  pos += size;
}
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

// ---- writing both ----
const body = Buffer.concat([encodeLeb(count), ...entries]);
const out = Buffer.concat([
  wasm.subarray(0, section.headerStart),
  Buffer.from([2]),
  encodeLeb(body.length),
  body,
  wasm.subarray(section.end),
]);
writeFileSync(wasmPath, out);
writeFileSync(gluePath, glue);
console.log(`short-imports: ${renamed.size} names, ${wasm.length - out.length} bytes fewer in ${wasmPath}`);
