"""SigV4-sign requests for service `lambda` with botocore: the independent oracle for oac-dev's OAC signer and Function URL verifier.

Reads one JSON object per line on stdin:
  {"method", "url", "params": [[name, value], ...] (optional, decoded), "headers": [[name, value], ...],
   "body_b64", "time": <unix>, "access_key", "secret_key", "region"}
and prints, per line, {"url": the URL botocore sends (its query encoded from "params" as botocore
does: `+` for a space), "headers": the [name, value] headers botocore's SigV4Auth sent}.
One process serves every case, so thousands of cases cost about a second.
"""
import base64
import datetime
import json
import sys
from unittest import mock

try:
    import botocore
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as e:  # make the Rust test fail with a clear message
    sys.stderr.write(f"botocore is not importable by {sys.executable}: {e}\n")
    sys.exit(3)


def sign(case):
    request = AWSRequest(
        method=case["method"],
        url=case["url"],
        headers=dict(case["headers"]),
        data=base64.b64decode(case["body_b64"]),
        params=[tuple(p) for p in case.get("params", [])],
    )
    when = datetime.datetime.fromtimestamp(case["time"], tz=datetime.timezone.utc).replace(tzinfo=None)
    creds = Credentials(case["access_key"], case["secret_key"])
    with mock.patch("botocore.auth.get_current_datetime", return_value=when):
        SigV4Auth(creds, "lambda", case["region"]).add_auth(request)
    return {"url": request.prepare().url, "headers": [[k, v] for k, v in request.headers.items()]}


for line in sys.stdin:
    if line.strip():
        print(json.dumps(sign(json.loads(line))), flush=True)
sys.stderr.write(f"botocore {botocore.__version__}\n")
