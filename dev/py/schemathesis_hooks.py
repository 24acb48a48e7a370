"""Schemathesis hooks for `cargo xtask test` (xtask/src/schemathesis.rs; docs/api.md, "Schemathesis").

Loaded with SCHEMATHESIS_HOOKS=schemathesis_hooks and this directory on PYTHONPATH. Adds:

- `rfc9457_problem`, the project's own check: every 4xx and 5xx answer is
  `application/problem+json` whose body is an RFC 9457 problem — a JSON object with `type` (an
  absolute URI), `title` (a string) and `status` (the response's status code), and `detail` and
  `instance`, when present, strings.
- an `X-Fluid-Identity` for every identity-gated request: a GetCallerIdentity URL presigned with
  botocore (botocore_presign.py) for the STS stand-in's `deployer` role (a writer, so every route
  is reachable) and the audience in $OAC_KIT_IDENTITY_AUDIENCE; minted again every 30 s (valid
  for 60). Schemathesis's `ignored_auth` check still sends each operation without it and with a
  wrong one.
- cursors of the shape the service issues in positive cases (see `before_call`).
"""
import base64
import json
import os
import time
import uuid
from urllib.parse import urlsplit

import schemathesis

from botocore_presign import presign

PROBLEM_JSON = "application/problem+json"
STANDIN_CREDENTIALS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "standin_credentials.json")
# The region the identities are signed for (any standard region's STS host is accepted).
REGION = "us-west-2"


def problem_violations(status, content_type, body):
    """What makes an error answer not an RFC 9457 problem: a list of reasons, empty when it is one."""
    essence = (content_type or "").split(";")[0].strip().lower()
    if essence != PROBLEM_JSON:
        return [f"content-type is {content_type!r}, not {PROBLEM_JSON}"]
    try:
        problem = json.loads(body)
    except ValueError as e:
        return [f"the body is not JSON: {e}"]
    if not isinstance(problem, dict):
        return ["the body is not a JSON object"]
    reasons = []
    type_uri = problem.get("type")
    if not isinstance(type_uri, str) or not urlsplit(type_uri).scheme:
        reasons.append(f"`type` is not an absolute URI: {type_uri!r}")
    if not isinstance(problem.get("title"), str):
        reasons.append(f"`title` is not a string: {problem.get('title')!r}")
    if problem.get("status") != status or isinstance(problem.get("status"), bool):
        reasons.append(f"`status` is {problem.get('status')!r}, the response's is {status}")
    for member in ("detail", "instance"):
        if member in problem and not isinstance(problem[member], str):
            reasons.append(f"`{member}` is not a string: {problem[member]!r}")
    return reasons


@schemathesis.check
def rfc9457_problem(ctx, response, case):
    """Every 4xx and 5xx answer is an RFC 9457 problem (application/problem+json)."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [None])[0]
    reasons = problem_violations(response.status_code, content_type, response.content)
    if reasons:
        raise AssertionError(f"{response.status_code} is not an RFC 9457 problem: " + "; ".join(reasons))
    return None


def writer_identity(audience, now):
    """A presigned GetCallerIdentity URL for the stand-in's `deployer` role, valid 60 s from `now`."""
    with open(STANDIN_CREDENTIALS) as f:
        role = json.load(f)["role"]
    return presign(
        {
            "access_key": role["access_key_id"],
            "secret_key": role["secret_access_key"],
            "token": role["session_token"],
            "region": REGION,
            "audience": audience,
            "expires": 60,
            "time": now,
        }
    )


# A 401 is what `ignored_auth` expects of a missing identity: never retried with a fresh one.
@schemathesis.auth(refresh_interval=30, retry_on=[])
class FluidIdentity:
    """X-Fluid-Identity: the stand-in writer's identity for $OAC_KIT_IDENTITY_AUDIENCE."""

    def get(self, case, context):
        return writer_identity(os.environ["OAC_KIT_IDENTITY_AUDIENCE"], int(time.time()))

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["X-Fluid-Identity"] = data


def issued_cursor(value):
    """A cursor of the shape the service issues (`v1:` + a lowercase UUID, base64url without
    padding), derived from the generated value so runs stay reproducible."""
    after = uuid.uuid5(uuid.NAMESPACE_URL, str(value))
    return base64.urlsafe_b64encode(f"v1:{after}".encode()).decode().rstrip("=")


@schemathesis.hook
def before_call(context, case, kwargs):
    """A cursor is opaque: only values the service issued are valid, which no schema can state
    (it is documented as a string of 1-128 characters). A positive case passes back one of the
    shape the service issues; negative cases keep what was generated."""
    meta = case.meta
    if not (meta and meta.generation.mode.is_positive and isinstance(case.query, dict)):
        return
    if isinstance(case.query.get("cursor"), str):
        case.query["cursor"] = issued_cursor(case.query["cursor"])
