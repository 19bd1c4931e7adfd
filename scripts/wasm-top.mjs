// Where the wasm bytes go: code size per function (from the name section) and per crate, plus
// the data section. Needs a module that kept its names: `make size-top` builds one.
//   node scripts/wasm-top.mjs file.wasm [how-many-functions]
import { readFileSync } from "node:fs";

const buf = readFileSync(process.argv[2]);
const top = Number(process.argv[3] || 30);
let p = 8;
const leb = () => {
  let r = 0, s = 0, b;
  do { b = buf[p++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80);
  return r >>> 0;
};
const skipLimits = () => { const flags = leb(); leb(); if (flags & 1) leb(); };

let importedFuncs = 0;
let dataBytes = 0;
const bodies = [];
const names = new Map();
while (p < buf.length) {
  const id = buf[p++];
  const size = leb();
  const end = p + size; // leb() has moved p past the size
  if (id === 2) { // imports: count the functions, which come first in the function index space
    const n = leb();
    for (let i = 0; i < n; i++) {
      const moduleLen = leb();
      p += moduleLen;
      const fieldLen = leb();
      p += fieldLen;
      const kind = buf[p++];
      if (kind === 0) { leb(); importedFuncs++; }
      else if (kind === 1) { p++; skipLimits(); }
      else if (kind === 2) skipLimits();
      else if (kind === 3) p += 2;
    }
  } else if (id === 10) {
    const n = leb();
    for (let i = 0; i < n; i++) {
      const s = leb();
      bodies.push(s);
      p += s;
    }
  } else if (id === 11) {
    dataBytes += size;
  } else if (id === 0) {
    const len = leb();
    const name = buf.subarray(p, p + len).toString();
    p += len;
    while (name === "name" && p < end) {
      const sub = buf[p++];
      const subLen = leb();
      const subEnd = p + subLen;
      if (sub === 1) {
        const n = leb();
        for (let i = 0; i < n; i++) { const idx = leb(); const l = leb(); names.set(idx, buf.subarray(p, p + l).toString()); p += l; }
      }
      p = subEnd;
    }
  }
  p = end;
}

const demangle = (s) => s.replace(/\$LT\$/g, "<").replace(/\$GT\$/g, ">").replace(/\$u20\$/g, " ")
  .replace(/\$RF\$/g, "&").replace(/\$C\$/g, ",").replace(/\.\./g, "::").replace(/::h[0-9a-f]{16}$/, "");
const rows = bodies.map((s, i) => [s, demangle(names.get(i + importedFuncs) || `func${i + importedFuncs}`)])
  .sort((a, b) => b[0] - a[0]);
const code = bodies.reduce((a, b) => a + b, 0);
console.log(`code ${code} B in ${bodies.length} functions, data ${dataBytes} B${names.size ? "" : " (no name section)"}`);
const crates = new Map();
for (const [s, n] of rows) {
  const m = n.match(/^<?&?(?:dyn )?([a-z_0-9]+)(?:\[[0-9a-f]+\])?::/);
  const k = m ? m[1] : "(shims and other)";
  crates.set(k, (crates.get(k) || 0) + s);
}
console.log("---- by crate");
for (const [k, v] of [...crates].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${String(v).padStart(8)}  ${k}`);
console.log(`---- top ${top} functions`);
for (const [s, n] of rows.slice(0, top)) console.log(`${String(s).padStart(8)}  ${n.slice(0, 150)}`);
