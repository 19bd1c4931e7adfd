#!/usr/bin/env bash
# Builds the widget: release wasm → wasm-bindgen (web target) → wasm-opt -Oz, then assembles
#   dist/  the files a page loads from one folder (served at /widget/ by the reference server):
#          privacy-widget.js (the synchronous loader, from js/loader.js), privacy_widget.js (glue),
#          privacy_widget_bg.wasm, element.js (the custom element) and any other js/*.js,
#          each with .gz and .br precompressed copies;
#   pkg/   the npm package "privacy-widget" (glue, wasm, TypeScript declarations, element.js).
# The same sources give the same bytes: no timestamps, pinned tools, remapped paths
# (.cargo/config.toml), gzip -n.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-0}"

TOOLS=tests/e2e/node_modules/.bin
step() { printf '[build] %s\n' "$*"; }
die() { printf '[build] error: %s\n' "$*" >&2; exit 1; }

[ -x "$TOOLS/esbuild" ] || die "$TOOLS/esbuild missing: run scripts/setup.sh"
command -v wasm-bindgen >/dev/null || die "wasm-bindgen missing: run scripts/setup.sh"
command -v brotli >/dev/null || die "brotli missing: run scripts/setup.sh"
command -v zopfli >/dev/null || die "zopfli missing: run scripts/setup.sh"

# wasm-opt: the pinned npm binaryen (newer, smaller output) if installed, else Debian's.
# Features: what rustc enables by default for wasm32-unknown-unknown (rustc --print cfg).
WASM_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
if [ -x "$TOOLS/wasm-opt" ]; then
  WASM_OPT="$TOOLS/wasm-opt"
  WASM_FEATURES+=(--enable-bulk-memory-opt --enable-call-indirect-overlong)
elif command -v wasm-opt >/dev/null; then
  WASM_OPT=wasm-opt
else
  die "wasm-opt missing: run scripts/setup.sh"
fi

# What wasm-opt may assume about a Rust module, for smaller code: memory starts zeroed (it is
# the module's own, not imported), and the low 1 KB is never addressed (rustc puts the 1 MB
# stack first, counting down from 1 MB, and the data above it).
WASM_ASSUME=(--zero-filled-memory --low-memory-unused)

# ---- input stamp: skip the build when dist/ and pkg/ already hold what these inputs give ----
# The stamp (in the target dir, so dist/ and pkg/ hold exactly what a full build writes) records
# a hash of every input and the sha256 of every file in dist/ and pkg/. When both still match,
# the outputs are byte for byte what a build would write again (the build is reproducible), so
# nothing is rebuilt. Inputs: src/**, js/**, the manifests and cargo config, this script and
# short-imports.mjs, README.md (copied into pkg/), the npm lockfile (esbuild, binaryen), the
# versions and paths of every tool, and the environment that changes what cargo builds. The
# release wasm includes nothing from outside src/ (see its dep-info); keep it that way or add
# the file here. PW_BUILD_FORCE=1 builds regardless.
stamp="${CARGO_TARGET_DIR:-target}/privacy-widget-build.stamp"
build_inputs() {
  (
    export LC_ALL=C
    env | grep -E '^(RUSTFLAGS|CARGO_ENCODED_RUSTFLAGS|CARGO_BUILD_|CARGO_PROFILE_|CARGO_TARGET_WASM32|RUSTC|RUSTUP_TOOLCHAIN|SOURCE_DATE_EPOCH)' | sort
    rustc -vV
    cargo -V
    command -v wasm-bindgen
    wasm-bindgen --version
    echo "$WASM_OPT"
    "$WASM_OPT" --version
    "$TOOLS/esbuild" --version
    node --version
    brotli --version
    dpkg-query -W zopfli 2>/dev/null || command -v zopfli
    gzip --version | head -n 1
    find src js -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum
    for f in Cargo.toml Cargo.lock .cargo/config.toml scripts/build.sh scripts/short-imports.mjs \
      tests/e2e/package-lock.json README.md; do
      if [ -f "$f" ]; then sha256sum "$f"; else echo "absent $f"; fi
    done
  ) | sha256sum | awk '{print $1}'
}
build_outputs() { # one sha256sum line per file of dist/ and pkg/
  [ -d dist ] && [ -d pkg ] || return 0
  find dist pkg -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
}
inputs=$(build_inputs)
if [ "${PW_BUILD_FORCE:-0}" != 1 ] && [ -f "$stamp" ] &&
  [ "$(head -n 1 "$stamp")" = "inputs $inputs" ] &&
  [ "$(tail -n +2 "$stamp")" = "$(build_outputs)" ]; then
  step "up to date: dist/ and pkg/ match the inputs (${inputs:0:12}); PW_BUILD_FORCE=1 rebuilds"
  exit 0
fi
rm -f "$stamp"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wasm_out="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/privacy_widget.wasm"

# Two builds of the one crate: the marketing-page module (consent banner and dialog only, what the
# script tag loads) and the full module (plus the store view and the control panel: element.js,
# the ES module and the npm package). Both go through wasm-bindgen and wasm-opt the same way.
build_module() { # out-name, cargo feature flags...
  local name=$1
  shift
  step "cargo build (release, wasm32) $name: $*"
  cargo build --release --target wasm32-unknown-unknown -p privacy-widget --lib "$@"
  step "wasm-bindgen --target web ($name)"
  wasm-bindgen --target web --typescript --out-dir "$work/bindgen" --out-name "$name" "$wasm_out"
  step "wasm-opt -Oz ($name, $("$WASM_OPT" --version | awk '{print $3}'))"
  "$WASM_OPT" "${WASM_ASSUME[@]}" -Oz --converge "${WASM_FEATURES[@]}" --strip-debug --strip-producers --strip-target-features \
    "$work/bindgen/${name}_bg.wasm" -o "$work/opt.wasm"
  cp "$work/opt.wasm" "$work/bindgen/${name}_bg.wasm"
  # Short import names in the wasm and the glue (the hashed names do not compress).
  node scripts/short-imports.mjs "$work/bindgen/${name}_bg.wasm" "$work/bindgen/${name}.js"
}
build_module privacy_widget_consent --no-default-features --features browser
build_module privacy_widget

# ---- dist/: the script-tag files ----
step "dist/"
rm -rf dist
mkdir -p dist
for name in privacy_widget_consent privacy_widget; do
  cp "$work/bindgen/${name}_bg.wasm" dist/
done
# The full module keeps every export (pages import it); the marketing page's glue is imported
# only by the loader, which uses `default` (init) and `start`: bundling just those drops the
# rest (`initSync`).
"$TOOLS/esbuild" --log-level=warning --minify --legal-comments=none \
  "$work/bindgen/privacy_widget.js" --outfile="dist/privacy_widget.js"
echo 'export { default, start } from "./privacy_widget_consent.js";' >"$work/bindgen/consent_entry.js"
"$TOOLS/esbuild" --log-level=warning --minify --legal-comments=none --bundle --format=esm \
  "$work/bindgen/consent_entry.js" --outfile="dist/privacy_widget_consent.js"
shopt -s nullglob
for src in js/*.js; do
  name=$(basename "$src")
  [ "$name" = loader.js ] && out=privacy-widget.js || out=$name
  "$TOOLS/esbuild" --log-level=warning --minify --legal-comments=none "$src" --outfile="dist/$out"
done
[ -f js/loader.js ] || step "note: js/loader.js not there yet, dist/ has no privacy-widget.js"
for f in dist/*.js dist/*.wasm; do
  # zopfli: a gzip stream ~6 % smaller than gzip -9 that every gzip client reads; deterministic
  # (no name, mtime 0). The server sends these precompressed copies.
  zopfli --gzip -c "$f" >"$f.gz"
  brotli -q 11 -f -o "$f.br" "$f"
done

# ---- pkg/: the npm package ----
step "pkg/"
rm -rf pkg
mkdir -p pkg
cp "$work/bindgen/privacy_widget.js" "$work/bindgen/privacy_widget.d.ts" \
  "$work/bindgen/privacy_widget_bg.wasm" "$work/bindgen/privacy_widget_bg.wasm.d.ts" pkg/
[ -f README.md ] && cp README.md pkg/
has_element=false
if [ -f js/element.js ]; then
  cp js/element.js pkg/
  has_element=true
fi
version=$(awk -F'"' '/^\[package\]/ { p = 1 } p && /^version *=/ { print $2; exit }' Cargo.toml)
license=$(awk -F'"' '/^\[package\]/ { p = 1 } p && /^license *=/ { print $2; exit }' Cargo.toml)
node - "$version" "$license" "$has_element" <<'EOF' >pkg/package.json
const [version, license, hasElement] = process.argv.slice(2);
const withElement = hasElement === "true";
const files = ["privacy_widget.js", "privacy_widget.d.ts", "privacy_widget_bg.wasm",
  "privacy_widget_bg.wasm.d.ts", "README.md"];
const exports = {
  ".": { types: "./privacy_widget.d.ts", default: "./privacy_widget.js" },
  "./privacy_widget_bg.wasm": "./privacy_widget_bg.wasm",
};
if (withElement) {
  files.push("element.js");
  exports["./element.js"] = "./element.js";
}
const pkg = {
  name: "privacy-widget",
  version,
  description: "Consent banner, privacy dashboard and data-subject requests, driven by a declarative policy document (Rust + WebAssembly)",
  license,
  type: "module",
  main: "./privacy_widget.js",
  module: "./privacy_widget.js",
  types: "./privacy_widget.d.ts",
  exports,
  files,
  // Importing element.js registers <privacy-widget>; the glue has no side effects.
  sideEffects: withElement ? ["./element.js"] : false,
  keywords: ["consent", "gdpr", "avg", "privacy", "cookie-banner", "wasm"],
};
process.stdout.write(JSON.stringify(pkg, null, 2) + "\n");
EOF

# The inputs are hashed again: a source edited during the build leaves no stamp that vouches
# for outputs built from the older text.
if [ "$(build_inputs)" = "$inputs" ]; then
  mkdir -p "$(dirname "$stamp")"
  { echo "inputs $inputs"; build_outputs; } >"$stamp.tmp"
  mv "$stamp.tmp" "$stamp"
else
  step "note: inputs changed during the build; the next build runs again"
fi
step "done: $(cd dist && ls | tr '\n' ' ')"
