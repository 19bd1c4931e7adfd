#!/usr/bin/env bash
# Runs the test layers and sums them up. Expects scripts/setup.sh and scripts/build.sh to have run
# (the Makefile does that).
#   scripts/test.sh            every layer
#   scripts/test.sh size       the size budget (scripts/size.mjs --check)
#   scripts/test.sh native     cargo test: the pure widget modules; the server (real SQLite) with
#                              scripts/server-tests.sh (cargo-nextest, or cargo test without it)
#   scripts/test.sh browser    wasm-bindgen-test in headless Chromium: the files tests/browser_*.rs
#   scripts/test.sh e2e        node --test tests/e2e/ against the real server and dist/
#                              (PW_E2E_JOBS test files at a time, default 2); the core flows
#                              in Chromium, Firefox ESR and WebKitGTK (engines.test.mjs)
#   scripts/test.sh contract   schemathesis against the real server from server/openapi.yaml
#   scripts/test.sh postgres   the server's tests again on PostgreSQL (scripts/with-postgres.sh),
#                              with the test binaries the native layer built
# Every layer runs even when an earlier one fails; the exit status is non-zero if any failed, or
# if a layer ran fewer tests than its minimum below. cargo runs with --no-fail-fast (one failing
# test binary does not hide the others); node's cancelled tests count as failures.
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
# scripts/server-tests.sh: cargo-nextest's "Summary [...] N tests run: P passed, F failed,
# T timed out, S skipped" plus the "test result:" lines of the cargo test before it (the doc
# tests), or only "test result:" lines when it fell back to cargo test. After nextest's
# "Starting" line a "test result:" is a failing test's captured output, not counted again.
count_server() {
  awk '/^ *Starting [0-9]+ tests? across/ { nextest = 1 }
       /^test result:/ && !nextest { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed/) p += $(i-1); if ($(i) ~ /^failed/) f += $(i-1) } }
       /^ *Summary \[/ { for (i = 2; i <= NF; i++) { w = $(i); sub(/,$/, "", w)
           if (w == "passed") p += $(i-1)
           if (w == "failed") f += $(i-1)
           if (w == "out" && $(i-1) == "timed") f += $(i-2) } }
       END { printf "%d %d\n", p, f }' "$1"
}
# Adds up node --test's "# pass N" / "# fail N" (or "ℹ pass N" with the spec reporter); a
# cancelled test (a timeout, or a hook that failed) counts as a failure, like a todo left open.
count_node() {
  awk '$2 == "pass" { p += $3 } $2 == "fail" || $2 == "cancelled" { f += $3 } END { printf "%d %d\n", p, f }' "$1"
}

# The fewest tests each layer must have run (a little under what it has today, to be raised as
# tests are added): a layer that runs nothing, or loses a test binary or file, fails.
declare -A minimum=(
  ["size budget"]=1
  ["native: widget"]=95
  ["native: server"]=140
  ["browser: wasm-bindgen-test"]=20
  ["e2e: node --test"]=145
  ["contract: schemathesis"]=1
  ["postgres (rerun): server"]=140
)

run_layer() { # name, counter, command...
  local name=$1 counter=$2 log="$logdir/${1//[^a-z]/_}.log" rc started=${layer_started:-$SECONDS}
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
  local min=${minimum[$name]:-1} short=""
  if [ "$p" -lt "$min" ]; then # too few tests ran: the layer hid something
    short="  (fewer than the $min tests this layer must run)"
    f=$((f + 1))
    [ "$rc" -eq 0 ] && rc=1
  fi
  [ "$rc" -ne 0 ] && status=1
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
  summary+=("$(printf '%-28s %4d passed, %d failed  %4ds%s%s' "$name" "$p" "$f" $((SECONDS - started)) \
    "$([ "$rc" -ne 0 ] && echo "  (exit $rc)")" "$short")")
}

# The PostgreSQL rerun mostly waits (on timeouts, as the native server layer does) and so does
# the e2e layer (on browsers and timers): when both run, the rerun starts in the background with
# the e2e layer, its output is kept in a file, and it is shown and counted in its own place (its
# time in the summary then counts from the e2e layer's start).
postgres_rerun=(scripts/with-postgres.sh scripts/server-tests.sh)
beside_e2e=""
[[ " ${layers[*]} " == *" e2e "*"postgres "* ]] && beside_e2e=yes
replay() { cat "$1"; return "$(cat "$2")"; } # log file, exit status file

for layer in "${layers[@]}"; do
  case "$layer" in
    size)
      run_layer "size budget" single node scripts/size.mjs --check
      ;;
    native)
      # The widget's own tests build it with its dev-dependencies' features, the server with the
      # server's; both debug libraries would land on one file name (a cdylib has no hash in it)
      # and each run would rebuild the other, then the server and its ~20 test binaries (~30 s).
      # An explicit --target (the host) gives the widget's tests their own folder.
      host=$(rustc -vV | sed -n 's/^host: //p')
      run_layer "native: widget" count_cargo cargo test --no-fail-fast -p privacy-widget --no-default-features --target "$host"
      run_layer "native: server" count_server scripts/server-tests.sh
      ;;
    browser)
      run_layer "browser: wasm-bindgen-test" count_cargo \
        cargo test --no-fail-fast -p privacy-widget --target wasm32-unknown-unknown --test 'browser_*'
      ;;
    e2e)
      if [ -n "$beside_e2e" ]; then
        postgres_started=$SECONDS
        { "${postgres_rerun[@]}" >"$logdir/postgres.out" 2>&1; echo $? >"$logdir/postgres.rc"; } &
        postgres_pid=$!
      fi
      # A server that does not build fails the layer (never a stale binary).
      export PW_SERVER="${PW_SERVER:-${CARGO_TARGET_DIR:-$PWD/target}/debug/privacy-widget-server}"
      # Each test file starts its own server (port 0, temp database) and browser, so files run
      # side by side: the suite mostly waits (timers, the widget's timeouts), ~0.4 CPU per file.
      # The longest files start first so that the two lanes end together; the others follow in
      # name order (every *.test.mjs runs, listed here or not).
      e2e_files=()
      for f in engines adversarial-faults adversarial-a11y panel-requests consent; do
        [ -f "tests/e2e/$f.test.mjs" ] && e2e_files+=("tests/e2e/$f.test.mjs")
      done
      for f in tests/e2e/*.test.mjs; do
        [[ " ${e2e_files[*]} " == *" $f "* ]] || e2e_files+=("$f")
      done
      run_layer "e2e: node --test" count_node bash -c \
        'cargo build -p privacy-widget-server && node --test --test-concurrency="${PW_E2E_JOBS:-2}" --test-timeout=600000 --test-reporter=tap "$@"' \
        e2e "${e2e_files[@]}"
      ;;
    contract)
      run_layer "contract: schemathesis" single scripts/schemathesis.sh
      ;;
    postgres)
      if [ -n "${postgres_pid:-}" ]; then # started with the e2e layer
        wait "$postgres_pid"
        layer_started=$postgres_started run_layer "postgres (rerun): server" count_server \
          replay "$logdir/postgres.out" "$logdir/postgres.rc"
      else
        run_layer "postgres (rerun): server" count_server "${postgres_rerun[@]}"
      fi
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
