#!/usr/bin/env bash
# `make bench-server` (issues 6 and 14), against SQLite (and PostgreSQL when PW_BENCH_PG_URL names a
# database the server can use), each with the `server` profile build:
# - durable consent records per second and p50/p99 latency of POST /api/v1/consents at 50
#   keep-alive clients for 10 s;
# - sign-in token exchanges per second and p50/p99 of POST /api/v1/sessions, same clients and time,
#   each request a fresh Ed25519 token (its jti used once);
# - webhook deliveries per second: 50,000 events waiting in the outbox, delivered to a receiver on
#   loopback that verifies every signature (first delivery to the last distinct webhook-id).
# Prints markdown tables and writes them into README.md between the bench-server markers.
#   BENCH_CLIENTS=50 BENCH_SECONDS=10 BENCH_EVENTS=50000 scripts/bench-server.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

clients=${BENCH_CLIENTS:-50}
seconds=${BENCH_SECONDS:-10}
events=${BENCH_EVENTS:-50000}
target=${CARGO_TARGET_DIR:-$PWD/target}
cargo build -q --profile server -p privacy-widget-server --bin privacy-widget-server --example bench_consents --example bench_sessions --example bench_webhooks
server="$target/server/privacy-widget-server"
bench="$target/server/examples/bench_consents"
bench_sessions="$target/server/examples/bench_sessions"
bench_webhooks="$target/server/examples/bench_webhooks"

# The demo site pcextreme: its policy version and browser-consent purposes.
read -r version purposes < <(python3 -c '
import json; p = json.load(open("www/policies/pcextreme.json"))
print(p["version"], ",".join(x["id"] + "=" + ("true" if i == 0 else "false") for i, x in enumerate(q for q in p["purposes"] if q.get("consent") == "browser")))')

# shellcheck source=scripts/lib/server.sh
. scripts/lib/server.sh

run_one() { # label, db
  local label=$1 db=$2 out
  start_server "$label" "$server" --addr 127.0.0.1:0 --db "$db" --www www --widget dist
  out=$("$bench" "${server_url#http://}" "$clients" "$seconds" pcextreme "$purposes" "$version")
  echo "$label: $out" >&2
  stop_server
  # "N requests in T s with C clients: R records/s, p50 A ms, p99 B ms, non-201: E"
  echo "$out" | sed -E "s/^([0-9]+) requests in ([0-9.]+) s with ([0-9]+) clients: ([0-9]+) records\/s, p50 ([0-9.]+) ms, p99 ([0-9.]+) ms, non-201: ([0-9]+)$/| $label | \3 | \4 | \5 | \6 | \7 |/"
}

# Token exchanges (POST /api/v1/sessions): pcextreme gets a sign-in key made for the run.
openssl genpkey -algorithm ed25519 -out "$tmp/signin.pem" 2>/dev/null
cat >"$tmp/signin.toml" <<TOML
[[sites]]
id = "pcextreme"
[[sites.signin_keys]]
kid = "bench"
public_key = """
$(openssl pkey -in "$tmp/signin.pem" -pubout)
"""
TOML

run_sessions() { # label, db
  local label=$1 db=$2 out
  start_server "$label-sessions" "$server" --config "$tmp/signin.toml" --no-demo --addr 127.0.0.1:0 --db "$db" --www www --widget dist
  out=$("$bench_sessions" "${server_url#http://}" "$clients" "$seconds" pcextreme "$tmp/signin.pem" bench)
  echo "$label sessions: $out" >&2
  stop_server
  echo "$out" | sed -E "s/^([0-9]+) requests in ([0-9.]+) s with ([0-9]+) clients: ([0-9]+) exchanges\/s, p50 ([0-9.]+) ms, p99 ([0-9.]+) ms, non-201: ([0-9]+)$/| $label | \3 | \4 | \5 | \6 | \7 |/"
}

# Webhook deliveries: the bench fills the outbox of the database with $events request.created
# events of pcextreme and starts its receiver; then the server starts with that receiver as the
# site's endpoint and delivers the backlog.
secret="whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
run_webhooks() { # label, db
  local label=$1 db=$2 out receiver
  rm -f "$tmp/receiver.url"
  "$bench_webhooks" "$db" "$events" pcextreme "$secret" "$tmp/receiver.url" >"$tmp/webhooks.out" &
  receiver=$!
  while [ ! -s "$tmp/receiver.url" ] && kill -0 "$receiver" 2>/dev/null; do sleep 0.2; done
  [ -s "$tmp/receiver.url" ] || { echo "bench_webhooks did not start its receiver" >&2; exit 1; }
  cat >"$tmp/webhooks.toml" <<TOML
[[sites]]
id = "pcextreme"
[[sites.webhooks]]
url = "$(cat "$tmp/receiver.url")"
secret = "$secret"
events = ["request.*"]
TOML
  start_server "$label-webhooks" "$server" --config "$tmp/webhooks.toml" --no-demo --addr 127.0.0.1:0 --db "$db" --www www --widget dist
  wait "$receiver" || { echo "$label webhooks: not every event arrived" >&2; cat "$tmp/webhooks.out" >&2; exit 1; }
  stop_server
  out=$(cat "$tmp/webhooks.out")
  echo "$label webhooks: $out" >&2
  # "N deliveries in T s: R deliveries/s, unverified: U, repeated: D"
  echo "$out" | sed -E "s/^([0-9]+) deliveries in ([0-9.]+) s: ([0-9]+) deliveries\/s, unverified: ([0-9]+), repeated: ([0-9]+)$/| $label | \1 | \3 | \2 | \4 | \5 |/"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=$(run_one SQLite "$tmp/bench.sqlite3")
session_rows=$(run_sessions SQLite "$tmp/sessions.sqlite3")
webhook_rows=$(run_webhooks SQLite "$tmp/webhooks.sqlite3")
# PostgreSQL: PW_BENCH_PG_URL, or the throwaway cluster of scripts/with-postgres.sh (the Makefile
# target runs this script inside it when the server has the PostgreSQL backend).
pg_url=${PW_BENCH_PG_URL:-${PW_TEST_DATABASE_URL:-}}
if [ -n "$pg_url" ]; then
  rows+=$'\n'$(run_one PostgreSQL "$pg_url")
  session_rows+=$'\n'$(run_sessions PostgreSQL "$pg_url")
  webhook_rows+=$'\n'$(run_webhooks PostgreSQL "$pg_url")
else
  rows+=$'\n'"| PostgreSQL | – | not run (set PW_BENCH_PG_URL) | | | |"
  session_rows+=$'\n'"| PostgreSQL | – | not run (set PW_BENCH_PG_URL) | | | |"
  webhook_rows+=$'\n'"| PostgreSQL | – | not run (set PW_BENCH_PG_URL) | | | |"
fi
cores=$(nproc)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
table=$(cat <<EOF
\`make bench-server\`: POST /api/v1/consents, ${clients} keep-alive clients for ${seconds} s on loopback,
\`--profile server\` build, every record committed before its 201 (SQLite: WAL, synchronous=FULL; PostgreSQL: synchronous_commit=on).
Machine: ${cores} cores (${cpu:-unknown CPU}), load average (1, 5, 15 min) before the runs ${load_before}, after them ${load_after}, $(date -u +%Y-%m-%d).

| backend | clients | durable records/s | p50 ms | p99 ms | non-201 |
| --- | --- | --- | --- | --- | --- |
${rows}

Sign-in token exchanges: POST /api/v1/sessions, each request a fresh Ed25519 token (signed by the
client), verified, its \`jti\` stored once, the customer upserted and a session stored, all committed
before the 201.

| backend | clients | token exchanges/s | p50 ms | p99 ms | non-201 |
| --- | --- | --- | --- | --- | --- |
${session_rows}

Webhook deliveries: ${events} \`request.created\` events waiting in the outbox, fanned out, claimed and
POSTed signed by the server's delivery worker to one endpoint, a receiver on loopback that verifies
every Standard Webhooks signature; counted from the first delivery to the last distinct \`webhook-id\`,
each delivery settled in the database.

| backend | events | deliveries/s | seconds | unverified | repeated |
| --- | --- | --- | --- | --- | --- |
${webhook_rows}
EOF
)
echo "$table"

python3 - "$table" <<'PY'
import sys
begin, end = "<!-- bench-server:begin -->", "<!-- bench-server:end -->"
table = sys.argv[1]
text = open("README.md").read()
block = f"{begin}\n{table}\n{end}"
if begin in text and end in text:
    a, b = text.index(begin), text.index(end) + len(end)
    text = text[:a] + block + text[b:]
else:
    text = text.rstrip("\n") + "\n\n## Server load benchmark\n\n" + block + "\n"
open("README.md", "w").write(text)
PY
echo "README.md updated (bench-server section)" >&2
