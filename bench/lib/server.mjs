// The benchmark's one loopback server: bench/pages, dist/ and the two npm packages, all read into
// memory up front and served gzip-compressed the same way (zopfli, what the widget's build
// ships in its .gz files; every tool gets it) with the same headers, so no tool is favoured by
// the server. POST /api/... answers 201 (privacy-widget posts a consent only after a click).
import http from "node:http";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
};

/** The loader a marketing page embeds; the run waits until dist/ has it (and whatever it loads). */
const NEEDED = ["privacy-widget.js"];

/**
 * Starts the server on 127.0.0.1 (a free port). `routes` maps URL prefixes to folders; `dist`
 * is the widget build, which another `make build` may replace at any moment: the server waits
 * until it is complete and unchanged for 3 s and reads it again if it changed while being read
 * (the glue and the wasm must come from the same build).
 */
export async function startServer({ routes, dist }) {
  const files = await snapshot(routes, dist);
  const server = http.createServer((req, res) => serve(files, req, res));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function serve(files, req, res) {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (req.method === "POST" && path.startsWith("/api/")) {
    req.resume();
    res.writeHead(201, { "content-type": "application/json", "cache-control": "no-store" });
    res.end("{}");
    return;
  }
  const file = files.get(path);
  if (!file || (req.method !== "GET" && req.method !== "HEAD")) {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
    return;
  }
  const gzip = /\bgzip\b/.test(req.headers["accept-encoding"] || "");
  const body = gzip ? file.gz : file.raw;
  const revalidate = file.type.startsWith("text/html") || file.type.includes("json");
  const headers = {
    "content-type": file.type,
    "content-length": body.length,
    "cache-control": revalidate ? "no-cache" : "public, max-age=300",
    "x-content-type-options": "nosniff",
    vary: "accept-encoding",
  };
  if (gzip) headers["content-encoding"] = "gzip";
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

async function snapshot(routes, dist) {
  const stamp = () =>
    existsSync(dist) && NEEDED.every((f) => existsSync(join(dist, f)))
      ? walk(dist).map((r) => `${r}:${statSync(join(dist, r)).mtimeMs}`).join("|")
      : null;
  for (let waited = 0; ; waited += 1000) {
    const before = stamp();
    const quiet = before && walk(dist).every((r) => Date.now() - statSync(join(dist, r)).mtimeMs > 3000);
    if (quiet) {
      const out = readAll(routes);
      if (stamp() === before) return out;
    }
    if (waited > 180_000) throw new Error("dist/ is missing or incomplete: run make build");
    if (waited === 0) console.log("waiting for a complete dist/ …");
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function readAll(routes) {
  const out = new Map(); // url path -> { type, raw, gz }
  for (const [prefix, dir] of routes) {
    if (!existsSync(dir)) throw new Error(`${dir} is missing (npm ci in bench/, make build)`);
    for (const rel of walk(dir)) {
      const type = TYPES[extname(rel)];
      if (!type) continue;
      const path = join(dir, rel);
      const raw = readFileSync(path);
      const gz = execFileSync("zopfli", ["--gzip", "-c", path], { maxBuffer: 64 << 20 });
      out.set(prefix + rel.split(sep).join("/"), { type, raw, gz });
    }
  }
  return out;
}

function walk(dir, rel = "") {
  const out = [];
  for (const name of readdirSync(join(dir, rel))) {
    const r = rel ? join(rel, name) : name;
    if (statSync(join(dir, r)).isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out;
}
