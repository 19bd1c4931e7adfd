"""Counts the contract layer's cases per operation and status class, from schemathesis's HAR
report and server/openapi.yaml, and fails when the pass proved less than it seems to:

- an operation of the spec that got no case at all;
- an operation that takes the session or the admin token (its `security` lists `session` or
  `adminToken`) that never got a 2xx answer: then the pass was not signed in (every case a 401),
  or its seeded data never let a case reach the happy path.

    python3 scripts/contract-counts.py server/openapi.yaml report.har

Prints one line per operation (2xx 3xx 4xx 5xx, how it signs in, whether a 2xx was reached) and
exits 1 with the reasons when a rule fails.
"""

import json
import re
import sys
from urllib.parse import urlsplit

import yaml

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
# The security schemes that sign a case in, by the name the table shows.
SIGN_INS = {"session": "session", "adminToken": "admin"}


def operations(spec):
    """(operationId, METHOD, compiled path regex, literal segment count, how it signs in: "session",
    "admin" or "")."""
    default_security = spec.get("security", [])
    ops = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            security = op.get("security", default_security)
            sign_in = next((name for scheme, name in SIGN_INS.items() if any(scheme in r for r in security)), "")
            pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$"
            literal = sum(1 for seg in path.split("/") if seg and not seg.startswith("{"))
            ops.append((op["operationId"], method.upper(), re.compile(pattern), literal, sign_in))
    # Literal paths win over templated ones (/api/v1/requests before /api/v1/requests/{id}).
    ops.sort(key=lambda o: -o[3])
    return ops


def main(spec_path, har_path):
    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    with open(har_path, encoding="utf-8") as f:
        entries = json.load(f)["log"]["entries"]
    ops = operations(spec)
    counts = {op[0]: {"2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0} for op in ops}
    unmatched = 0
    for entry in entries:
        method = entry["request"]["method"].upper()
        path = urlsplit(entry["request"]["url"]).path
        status = entry["response"]["status"]
        match = next((op for op in ops if op[1] == method and op[2].match(path)), None)
        if match is None or not 200 <= status <= 599:
            unmatched += 1
            continue
        counts[match[0]][f"{status // 100}xx"] += 1

    print(f"{'operation':<24} {'2xx':>6} {'3xx':>6} {'4xx':>6} {'5xx':>6}  {'sign-in':<8} 2xx reached")
    failures = []
    for op_id, _, _, _, sign_in in sorted(ops, key=lambda o: o[0]):
        c = counts[op_id]
        reached = "yes" if c["2xx"] else "NO"
        print(f"{op_id:<24} {c['2xx']:>6} {c['3xx']:>6} {c['4xx']:>6} {c['5xx']:>6}  {sign_in:<8} {reached}")
        if sum(c.values()) == 0:
            failures.append(f"{op_id}: no case at all")
        elif sign_in and c["2xx"] == 0:
            failures.append(f"{op_id}: takes the {sign_in} sign-in but never got a 2xx answer (was it signed in, with data that lets a case succeed?)")
    print(f"{len(entries)} cases; {unmatched} matched no operation of the spec")
    for failure in failures:
        print(f"contract counts: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
