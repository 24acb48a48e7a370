"""The independent SHA-256 oracle of body-hash's Runtime API test: hashlib, not the code under test.

Argument: a directory of Lambda@Edge sample events. Prints one JSON object,
{fixture name: the expected x-amz-content-sha256, or null when the body is truncated},
for every `origin-request-*.json` in it.
"""
import base64
import hashlib
import json
import pathlib
import sys

out = {}
for p in sorted(pathlib.Path(sys.argv[1]).glob("origin-request-*.json")):
    body = json.loads(p.read_text())["Records"][0]["cf"]["request"].get("body")
    if body and body.get("inputTruncated"):
        out[p.name] = None
        continue
    data = (body or {}).get("data", "")
    raw = data.encode() if (body or {}).get("encoding") == "text" else base64.b64decode(data, validate=True)
    out[p.name] = hashlib.sha256(raw).hexdigest()
print(json.dumps(out))
