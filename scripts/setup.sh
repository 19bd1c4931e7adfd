#!/usr/bin/env bash
# Installs everything the build and the three test layers need, idempotently: each step checks
# first and is skipped when its tool is already there, so a second run takes seconds.
#
#   wasm32 target · wasm-bindgen CLI (exactly the Cargo.lock version) · cargo-nextest ·
#   Chromium + chromedriver, Firefox ESR, WebKitGTK's WebKitWebDriver + MiniBrowser, Xvfb,
#   binaryen (wasm-opt), brotli, zopfli, php-cli from apt · the e2e npm packages from
#   tests/e2e/package-lock.json
#
# Needs: rustup, cargo, node, npm, make; root (or sudo) for apt.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '[setup] %s\n' "$*"; }

# 1. The wasm target.
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "wasm32-unknown-unknown target: present"
else
  step "wasm32-unknown-unknown target: installing"
  rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen CLI at exactly the version of the wasm-bindgen crate in Cargo.lock.
# No --locked: the registry mirror lacks one of its pinned dependencies.
want_bindgen=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$want_bindgen" ]; then
  echo "[setup] cannot find the wasm-bindgen version in Cargo.lock" >&2
  exit 1
fi
have_bindgen=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
have_runner=$(command -v wasm-bindgen-test-runner || true)
if [ "$have_bindgen" = "$want_bindgen" ] && [ -n "$have_runner" ]; then
  step "wasm-bindgen-cli $want_bindgen: present"
else
  step "wasm-bindgen-cli $want_bindgen: installing (found '${have_bindgen:-none}'; takes a few minutes)"
  cargo install wasm-bindgen-cli --version "$want_bindgen" --force
fi

# 2b. cargo-nextest, which runs the server's test binaries side by side (scripts/server-tests.sh;
# without it the tests run with cargo test, one binary after the other). 0.9.91 or later: the
# test priorities of .config/nextest.toml.
have_nextest=$(cargo nextest --version 2>/dev/null | awk 'NR == 1 { print $2 }' || true)
if [ -n "$have_nextest" ] && [ "$(printf '%s\n' 0.9.91 "$have_nextest" | sort -V | head -n 1)" = 0.9.91 ]; then
  step "cargo-nextest $have_nextest: present"
else
  step "cargo-nextest: installing (found '${have_nextest:-none}'; takes a few minutes)"
  cargo install cargo-nextest --version 0.9.143 --locked
fi

# 3. System packages: Chromium + chromedriver (browser tests, e2e), Firefox ESR, WebKitGTK's
# WebKitWebDriver (drives MiniBrowser) and Xvfb (MiniBrowser has no headless mode) for the
# three-engine e2e flows, binaryen (wasm-opt), brotli, zopfli.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v wasm-opt >/dev/null || missing+=(binaryen)
command -v brotli >/dev/null || missing+=(brotli)
command -v zopfli >/dev/null || missing+=(zopfli)
# The PHP token signer of examples/signin/ (libsodium is built into Debian's PHP); its test runs it.
command -v php >/dev/null || missing+=(php-cli)
if [ ${#missing[@]} -eq 0 ]; then
  step "chromium, chromedriver, firefox-esr, WebKitWebDriver, Xvfb, wasm-opt, brotli, zopfli, php: present"
else
  step "apt: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "[setup] need root or sudo for apt-get" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# 4. The e2e suite's npm packages (and the build's minifier) from the committed lockfile.
# A stamp holding the lockfile's hash tells whether node_modules already matches it.
lock_hash=$(sha256sum tests/e2e/package-lock.json | awk '{print $1}')
stamp=tests/e2e/node_modules/.setup-stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
  step "tests/e2e node_modules: matches package-lock.json"
else
  step "tests/e2e: npm ci"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" >"$stamp"
fi

# 5. schemathesis (the contract layer of scripts/test.sh) in a venv under .tools/, from PyPI.
if [ -x .tools/schemathesis/bin/schemathesis ]; then
  step "schemathesis: present"
else
  step "schemathesis: installing into .tools/schemathesis"
  python3 -m venv .tools/schemathesis
  .tools/schemathesis/bin/pip install -q --disable-pip-version-check schemathesis
fi

# 6. The Python token signer of examples/signin/ needs `cryptography` (its test runs it).
if .tools/examples-py/bin/python3 -c 'import cryptography' 2>/dev/null; then
  step "examples-py (cryptography): present"
else
  step "examples-py: installing cryptography into .tools/examples-py"
  python3 -m venv .tools/examples-py
  .tools/examples-py/bin/pip install -q --disable-pip-version-check cryptography
fi

step "done"
