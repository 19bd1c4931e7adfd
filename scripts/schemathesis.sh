#!/usr/bin/env bash
# Contract test (issue 6): schemathesis generates requests from server/openapi.yaml and runs them
# against a real server (temp database, free port, the demo site in www/): no 5xx, and every
# response must match the spec (status, content type, headers, schema).
#   scripts/schemathesis.sh                 builds the debug server, runs ~20 s
#   PW_SERVER=path/to/binary scripts/schemathesis.sh
#   ST_MAX_EXAMPLES=300 scripts/schemathesis.sh   more examples per operation (default 100)
#   ST_MAX_TIME=600 scripts/schemathesis.sh       keep fuzzing with new examples for 600 s
# One pass: every operation through the coverage phase (the spec's boundary and invalid values)
# and ST_MAX_EXAMPLES fuzzed cases each, seeded (the same ~1,900 cases every run). (A --max-time
# is a budget that schemathesis always spends, repeating the fuzzing until it runs out.)
# schemathesis comes from scripts/setup.sh (a venv in .tools/schemathesis).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

st=${SCHEMATHESIS:-.tools/schemathesis/bin/schemathesis}
if [ ! -x "$st" ]; then
  echo "schemathesis not found at $st (run scripts/setup.sh)" >&2
  exit 1
fi
server=${PW_SERVER:-}
if [ -z "$server" ]; then
  cargo build -q -p privacy-widget-server
  server="${CARGO_TARGET_DIR:-$PWD/target}/debug/privacy-widget-server"
fi

# shellcheck source=scripts/lib/server.sh
. scripts/lib/server.sh

# The demo site's policies; generous limits so the generated traffic is not throttled (429 is
# still in the spec, and schemathesis honours Retry-After).
cat >"$tmp/server.toml" <<'TOML'
demo = true
[limits]
per_ip = { burst = 0, per_minute = 0 }
per_subject = { burst = 0, per_minute = 0 }
per_session = { burst = 0, per_minute = 0 }
TOML
start_server server "$server" --config "$tmp/server.toml" --addr 127.0.0.1:0 --db "$tmp/pw.sqlite3" \
  --www www --widget dist
base=$server_url
echo "server: $base"

# Same-origin headers satisfy the CSRF guard of the state-changing calls; schemathesis makes
# the Idempotency-Key from the spec's pattern. Checks left out: ignored_auth (the spec declares
# no security scheme: sessions are a cookie) and positive_data_acceptance (a schema-valid body
# may still name a site, customer or request that does not exist: 404/422 by design).
host=${base#http://}
set +e
"$st" run server/openapi.yaml --url "$base" \
  --checks all --exclude-checks ignored_auth,positive_data_acceptance \
  --max-examples "${ST_MAX_EXAMPLES:-100}" ${ST_MAX_TIME:+--max-time "$ST_MAX_TIME"} \
  --phases examples,coverage,fuzzing \
  --rate-limit auto --request-timeout 10 --seed 6 \
  --suppress-health-check all \
  -H "Origin: $base" -H "Host: $host" -H "Sec-Fetch-Site: same-origin" \
  --no-color "$@"
rc=$?
set -e
if grep -q "panicked" "$tmp/server.log"; then
  echo "the server logged a panic:" >&2
  grep -A3 panicked "$tmp/server.log" >&2
  rc=1
fi
exit $rc
