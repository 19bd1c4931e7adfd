"""Schemathesis hooks of the contract layer (scripts/schemathesis.sh, SCHEMATHESIS_HOOKS).

adminTransition: each case is sent to a request whose status allows the step it asks for, so
every step's happy path (in_progress, extended, completed, refused) is reached, not only the first
one a single request allows before it is closed. The requests are the pool the script filed
(PW_ADMIN_POOL, space-separated ids), read through the admin API just before each call; a case
whose step no pooled request allows any more keeps the id it was given (PW_ADMIN_TRANSITION_REQUEST).
"""

import json
import os
import urllib.request

import schemathesis

TRANSITIONS = ("POST", "/api/v1/admin/requests/{id}/transitions")
# The statuses each step starts from (the request lifecycle); extended only once.
SOURCES = {
    "in_progress": ("verified",),
    "extended": ("in_progress",),
    "completed": ("in_progress", "extended"),
    "refused": ("verified", "in_progress", "extended"),
}


def pooled_requests():
    """The pooled requests as the admin API shows them now, oldest first."""
    query = urllib.request.Request(
        os.environ["PW_BASE"] + "/api/v1/admin/requests",
        headers={"Authorization": "Bearer " + os.environ["PW_ADMIN_TOKEN"]},
    )
    with urllib.request.urlopen(query, timeout=10) as answer:
        listed = json.load(answer)["requests"]
    pool = set(os.environ["PW_ADMIN_POOL"].split())
    return [r for r in listed if r["id"] in pool]


@schemathesis.hook
def before_call(context, case, kwargs):
    if (case.operation.method.upper(), case.operation.path) != TRANSITIONS:
        return
    to = case.body.get("to") if isinstance(case.body, dict) else None
    sources = SOURCES.get(to) if isinstance(to, str) else None
    if not sources:
        return
    for request in pooled_requests():
        if request["status"] in sources and not (to == "extended" and request.get("extended")):
            case.path_parameters["id"] = request["id"]
            return
