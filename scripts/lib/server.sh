# shellcheck shell=bash
# Sourced by the scripts that run a real privacy-widget-server (bench-server.sh,
# schemathesis.sh): a temp folder $tmp removed on exit, with the server started by
# start_server stopped first.

tmp=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# start_server NAME COMMAND...: runs COMMAND (the server binary and its arguments, with
# RUST_LOG=warn; its stderr in $tmp/NAME.log), sets $pid, and once it prints its
# "listening on" line sets $server_url (http://host:port, no trailing slash). Exits when the
# server has not started within 30 s, showing its log.
start_server() {
  local name=$1 line
  shift
  mkfifo "$tmp/$name.out"
  RUST_LOG=warn "$@" >"$tmp/$name.out" 2>"$tmp/$name.log" &
  pid=$!
  read -r -t 30 line <"$tmp/$name.out" || { echo "server did not start:" >&2; cat "$tmp/$name.log" >&2; exit 1; }
  server_url=${line#privacy-widget-server listening on }
  server_url=${server_url%/}
}

# stop_server: stops the server start_server started.
stop_server() {
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}
