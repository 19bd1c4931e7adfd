#!/usr/bin/env bash
# Runs the test layers and sums them up. Expects scripts/setup.sh and scripts/build.sh to have run
# (the Makefile does that).
#   scripts/test.sh            every layer
#   scripts/test.sh size       the size budget (scripts/size.mjs --check)
#   scripts/test.sh native     cargo test: the pure widget modules and the server (real SQLite)
#   scripts/test.sh browser    wasm-bindgen-test in headless Chromium: the files tests/browser_*.rs
#   scripts/test.sh e2e        node --test tests/e2e/ against the real server and dist/
#   scripts/test.sh contract   schemathesis against the real server from server/openapi.yaml
#   scripts/test.sh postgres   the server's cargo tests again on PostgreSQL (scripts/with-postgres.sh)
# Every layer runs even when an earlier one fails; the exit status is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

layers=("$@")
[ ${#layers[@]} -eq 0 ] && layers=(size native browser e2e contract postgres)

logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT
status=0
total_pass=0
total_fail=0
summary=()

# Adds up "test result: ok. N passed; M failed" lines of cargo / wasm-bindgen-test-runner output.
count_cargo() {
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed/) p += $(i-1); if ($(i) ~ /^failed/) f += $(i-1) } }
       END { printf "%d %d\n", p, f }' "$1"
}
# Adds up node --test's "# pass N" / "# fail N" (or "ℹ pass N" with the spec reporter).
count_node() {
  awk '$2 == "pass" { p += $3 } $2 == "fail" { f += $3 } END { printf "%d %d\n", p, f }' "$1"
}

run_layer() { # name, counter, command...
  local name=$1 counter=$2 log="$logdir/$1.log" rc
  shift 2
  printf '\n===== %s: %s\n' "$name" "$*"
  "$@" 2>&1 | tee -a "$log"
  rc=${PIPESTATUS[0]}
  if [ "$counter" = single ]; then # one check: its exit status
    p=$((rc == 0 ? 1 : 0)) f=0
  else
    read -r p f < <("$counter" "$log")
  fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # a build error counts as a failure
  [ "$rc" -ne 0 ] && status=1
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
  summary+=("$(printf '%-28s %4d passed, %d failed%s' "$name" "$p" "$f" "$([ "$rc" -ne 0 ] && echo "  (exit $rc)")")")
}

for layer in "${layers[@]}"; do
  case "$layer" in
    size)
      run_layer "size budget" single node scripts/size.mjs --check
      ;;
    native)
      run_layer "native: widget" count_cargo cargo test -p privacy-widget --no-default-features
      run_layer "native: server" count_cargo cargo test -p privacy-widget-server
      ;;
    browser)
      run_layer "browser: wasm-bindgen-test" count_cargo \
        cargo test -p privacy-widget --target wasm32-unknown-unknown --test 'browser_*'
      ;;
    e2e)
      # A server that does not build fails the layer (never a stale binary).
      export PW_SERVER="${PW_SERVER:-${CARGO_TARGET_DIR:-$PWD/target}/debug/privacy-widget-server}"
      run_layer "e2e: node --test" count_node bash -c \
        'cargo build -p privacy-widget-server && node --test --test-concurrency=1 --test-timeout=300000 --test-reporter=tap tests/e2e/'
      ;;
    contract)
      run_layer "contract: schemathesis" single scripts/schemathesis.sh
      ;;
    postgres)
      run_layer "postgres: server" count_cargo scripts/with-postgres.sh cargo test -p privacy-widget-server
      ;;
    *)
      echo "unknown layer: $layer (size, native, browser, e2e, contract, postgres)" >&2
      exit 2
      ;;
  esac
done

printf '\n===== summary\n'
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
exit "$status"
