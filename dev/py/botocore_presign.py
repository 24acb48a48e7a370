"""Presign STS GetCallerIdentity with botocore, as the independent oracle for our signer.

Reads one JSON object per line on stdin:
  {"access_key": .., "secret_key": .., "token": null|.., "region": .., "audience": .., "expires": 60, "time": <unix>}
and prints botocore's presigned URL for each, one per line. `presign` is also imported by
schemathesis_hooks.py (the identity it sends).
"""
import datetime
import json
import sys
from unittest import mock

try:
    import botocore
    from botocore.auth import SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as e:  # make the Rust test fail with a clear message
    sys.stderr.write(f"botocore is not importable by {sys.executable}: {e}\n")
    sys.exit(3)


def presign(case):
    region = case["region"]
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    url = f"https://sts.{region}.{suffix}/?Action=GetCallerIdentity&Version=2011-06-15"
    request = AWSRequest(method="GET", url=url, headers={"x-fluid-audience": case["audience"]})
    creds = Credentials(case["access_key"], case["secret_key"], case.get("token"))
    when = datetime.datetime.fromtimestamp(case["time"], tz=datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", return_value=when):
        SigV4QueryAuth(creds, "sts", region, expires=case["expires"]).add_auth(request)
    return request.url


if __name__ == "__main__":
    for line in sys.stdin:
        if line.strip():
            print(presign(json.loads(line)), flush=True)
    sys.stderr.write(f"botocore {botocore.__version__}\n")
