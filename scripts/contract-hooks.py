"""Schemathesis hooks of the contract layer (scripts/schemathesis.sh, SCHEMATHESIS_HOOKS).

adminTransition: each case is sent to a request whose status allows the step it asks for, so
every step's happy path (in_progress, extended, completed, refused) is reached, not only the first
one a single request allows before it is closed. The requests are the pool the script filed
(PW_ADMIN_POOL, space-separated ids), read through the admin API just before each call; a case
whose step no pooled request allows any more keeps the id it was given (PW_ADMIN_TRANSITION_REQUEST).

createSession: every third schema-valid case sends a fresh sign-in token of the seed customer
(ST_SITE, ST_CUSTOMER) from the demo host backend (GET /demo/host/token: EdDSA, its own jti), so
the exchange's happy path (201, a session) is reached; the others keep their generated token and
are refused (401 naming why), as are the negative cases, which are never replaced.
"""

import json
import os
import urllib.request

import schemathesis

TRANSITIONS = ("POST", "/api/v1/admin/requests/{id}/transitions")
SESSIONS = ("POST", "/api/v1/sessions")
# Schema-valid createSession cases so far (every third gets a real token).
session_cases = [0]
# The statuses each step starts from (the request lifecycle); extended only once.
SOURCES = {
    "in_progress": ("verified",),
    "extended": ("in_progress",),
    "completed": ("in_progress", "extended"),
    "refused": ("verified", "in_progress", "extended"),
}


def get_json(path, headers=None):
    """GET the server's `path`; answers the parsed JSON body."""
    query = urllib.request.Request(os.environ["PW_BASE"] + path, headers=headers or {})
    with urllib.request.urlopen(query, timeout=10) as answer:
        return json.load(answer)


def pooled_requests():
    """The pooled requests as the admin API shows them now, oldest first."""
    listed = get_json("/api/v1/admin/requests", {"Authorization": "Bearer " + os.environ["PW_ADMIN_TOKEN"]})["requests"]
    pool = set(os.environ["PW_ADMIN_POOL"].split())
    return [r for r in listed if r["id"] in pool]


def fresh_token(case):
    """Every third schema-valid createSession case: a real token instead of the generated one."""
    meta = getattr(case, "_meta", None)
    if meta is not None and meta.generation.mode.is_negative:
        return
    if not (isinstance(case.body, dict) and isinstance(case.body.get("token"), str)):
        return
    session_cases[0] += 1
    if session_cases[0] % 3 == 0:
        site, customer = os.environ["ST_SITE"], os.environ["ST_CUSTOMER"]
        case.body["token"] = get_json(f"/demo/host/token?site={site}&customer={customer}")["token"]


@schemathesis.hook
def before_call(context, case, kwargs):
    operation = (case.operation.method.upper(), case.operation.path)
    if operation == SESSIONS:
        fresh_token(case)
    if operation != TRANSITIONS:
        return
    to = case.body.get("to") if isinstance(case.body, dict) else None
    sources = SOURCES.get(to) if isinstance(to, str) else None
    if not sources:
        return
    for request in pooled_requests():
        if request["status"] in sources and not (to == "extended" and request.get("extended")):
            case.path_parameters["id"] = request["id"]
            return
