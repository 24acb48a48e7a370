"""The independent oracle of body-hash's Runtime API test: hashlib and the documented policy, not
the code under test.

Argument: a directory of Lambda@Edge sample events. Prints one JSON object,
{fixture name: the x-amz-content-sha256 the request is forwarded with (a string), or the status
of the generated problem response (a number)}, for every `origin-request-*.json` in it:

- a truncated body is forwarded with the viewer's x-amz-content-sha256 when that is exactly one
  value of 64 lowercase hex digits, else refused with 413;
- a complete body is forwarded with its SHA-256, unless the viewer sent one well-formed value
  that differs (400).
"""
import base64
import hashlib
import json
import pathlib
import re
import sys


def viewer_claim(headers):
    """The viewer's x-amz-content-sha256 if it is one well-formed value, else None."""
    values = [e["value"] for e in headers.get("x-amz-content-sha256", [])]
    if len(values) == 1 and re.fullmatch(r"[0-9a-f]{64}", values[0]):
        return values[0]
    return None


out = {}
for p in sorted(pathlib.Path(sys.argv[1]).glob("origin-request-*.json")):
    request = json.loads(p.read_text())["Records"][0]["cf"]["request"]
    body = request.get("body")
    claim = viewer_claim(request["headers"])
    if body and body.get("inputTruncated"):
        out[p.name] = claim if claim else 413
        continue
    data = (body or {}).get("data", "")
    raw = data.encode() if (body or {}).get("encoding") == "text" else base64.b64decode(data, validate=True)
    digest = hashlib.sha256(raw).hexdigest()
    out[p.name] = 400 if body and claim and claim != digest else digest
print(json.dumps(out))
