#!/usr/bin/env bash
# The server's cargo tests (scripts/test.sh runs this for the native layer, and again under
# scripts/with-postgres.sh for the PostgreSQL rerun; extra arguments go to the test runner):
#   - with cargo-nextest installed (scripts/setup.sh installs it): the doc tests with cargo test
#     (nextest does not run those), then every other test with `cargo nextest run`, each in a
#     process of its own and all binaries side by side (.config/nextest.toml: 8 at a time; the
#     suite mostly waits on real timeouts, so this is ~2.5x faster than cargo test on 2 cores);
#   - without it: `cargo test --no-fail-fast`, one test binary after the other.
# Both build the same test binaries (the test profile); the PostgreSQL rerun reuses them.
# Exit status: non-zero if anything failed or did not build.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if [ "${PW_NEXTEST:-1}" != 0 ] && cargo nextest --version >/dev/null 2>&1; then
  cargo test --no-fail-fast -p privacy-widget-server --doc
  doc=$?
  cargo nextest run --no-fail-fast -p privacy-widget-server "$@"
  tests=$?
  exit $((doc != 0 || tests != 0))
fi
exec cargo test --no-fail-fast -p privacy-widget-server "$@"
