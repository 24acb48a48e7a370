"""A local STS stand-in for GetCallerIdentity on loopback.

It checks the presigned SigV4 query signature with known test credentials by recomputing it with
botocore (independently of the Rust code under test) and answers like STS: JSON when asked with
`Accept: application/json`, XML otherwise; STS-style error documents; and, on demand (`--mode`),
redirects, slowness, oversized, malformed and duplicate-key bodies, throttling, an outage (503).

Prints `PORT <n>` on stdout once listening. `GET /__count` returns how many identity requests
(path `/`) it has served.
"""
import argparse
import datetime
import http.server
import json
import os
import sys
import threading
import time
from unittest import mock
from urllib.parse import parse_qsl, urlsplit, parse_qs

try:
    from botocore.auth import SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from botocore.utils import percent_encode_sequence
except ImportError as e:
    sys.stderr.write(f"botocore is not importable by {sys.executable}: {e}\n")
    sys.exit(3)

# Known test credentials: access key -> (secret, session token or None, ARN STS reports), from
# standin_credentials.json beside this script (the one copy; the Rust tests read it too).
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "standin_credentials.json")) as f:
    CREDENTIALS = {
        c["access_key_id"]: (c["secret_access_key"], c["session_token"], c["caller_arn"])
        for name, c in json.load(f).items()
        if not name.startswith("_")
    }
ATTACKER_ARN = "arn:aws:iam::999988887777:root"
NS = "https://sts.amazonaws.com/doc/2011-06-15/"

MODE = "normal"
COUNT = 0
COUNT_LOCK = threading.Lock()


def identity_json(arn, request_id="standin-request"):
    account = arn.split(":")[4]
    user_id = ("AROASTANDIN:" + arn.rsplit("/", 1)[1]) if ":assumed-role/" in arn else "AIDASTANDIN"
    return {
        "GetCallerIdentityResponse": {
            "GetCallerIdentityResult": {"Account": account, "Arn": arn, "UserId": user_id},
            "ResponseMetadata": {"RequestId": request_id},
        }
    }


def identity_xml(arn):
    r = identity_json(arn)["GetCallerIdentityResponse"]["GetCallerIdentityResult"]
    return (
        f'<GetCallerIdentityResponse xmlns="{NS}">\n  <GetCallerIdentityResult>\n'
        f'    <Arn>{r["Arn"]}</Arn>\n    <UserId>{r["UserId"]}</UserId>\n'
        f'    <Account>{r["Account"]}</Account>\n  </GetCallerIdentityResult>\n'
        f"  <ResponseMetadata>\n    <RequestId>standin-request</RequestId>\n"
        f"  </ResponseMetadata>\n</GetCallerIdentityResponse>\n"
    )


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def send(self, status, content_type, body, extra=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def wants_json(self):
        return MODE != "xml" and self.headers.get("Accept") == "application/json"

    def error(self, status, code, message):
        if self.wants_json():
            body = json.dumps({"Error": {"Code": code, "Message": message, "Type": "Sender"}, "RequestId": "standin"})
            self.send(status, "application/json", body)
        else:
            body = (
                f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
                f"<Message>{message}</Message></Error><RequestId>standin</RequestId></ErrorResponse>"
            )
            self.send(status, "text/xml", body)

    def do_GET(self):
        global COUNT
        parts = urlsplit(self.path)
        if parts.path == "/__count":
            return self.send(200, "text/plain", str(COUNT))
        if parts.path == "/landing":
            # Where the redirect mode points: a "successful" answer for someone else.
            return self.send(200, "application/json", json.dumps(identity_json(ATTACKER_ARN)))
        if parts.path != "/":
            return self.error(404, "NotFound", "no such path")
        with COUNT_LOCK:
            COUNT += 1
        if self.headers.get("Content-Length") not in (None, "0"):
            return self.error(400, "InvalidRequest", "unexpected body")
        if MODE == "unavailable":
            # An STS outage: a 5xx whatever the request.
            return self.error(503, "ServiceUnavailable", "Service is unavailable")
        if MODE == "strict-client":
            # The verifier must send exactly Host, the audience and Accept: application/json.
            sent = sorted(k.lower() for k in self.headers.keys())
            if sent != ["accept", "host", "x-fluid-audience"] or self.headers.get("Accept") != "application/json":
                return self.error(400, "UnexpectedClientHeaders", "headers: " + ",".join(sent))
        try:
            arn = self.check_signature(parts.query)
        except SignatureError as e:
            return self.error(403, e.code, e.message)

        if MODE == "redirect":
            port = self.server.server_address[1]
            return self.send(302, "text/plain", "moved", [("Location", f"http://127.0.0.1:{port}/landing")])
        if MODE == "slow":
            time.sleep(10)
        if MODE == "throttle":
            return self.error(400, "Throttling", "Rate exceeded")
        if MODE == "oversized":
            doc = identity_json(arn, request_id="x" * (1024 * 1024))
            return self.send(200, "application/json", json.dumps(doc))
        if MODE == "malformed":
            return self.send(200, "application/json", json.dumps(identity_json(arn))[:-7])
        if MODE == "duplicate-keys":
            good = json.dumps(identity_json(arn))
            evil = good.replace('"Arn": ', f'"Arn": "{arn}", "Arn": ', 1).replace(f'"{arn}", "Arn": "{arn}"', f'"{arn}", "Arn": "{ATTACKER_ARN}"', 1)
            return self.send(200, "application/json", evil)
        if MODE == "account-mismatch":
            doc = identity_json(arn)
            doc["GetCallerIdentityResponse"]["GetCallerIdentityResult"]["Account"] = "999988887777"
            return self.send(200, "application/json", json.dumps(doc))
        if self.wants_json():
            return self.send(200, "application/json", json.dumps(identity_json(arn)))
        return self.send(200, "text/xml", identity_xml(arn))

    def check_signature(self, query):
        try:
            params = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
        except ValueError:
            raise SignatureError("MalformedQueryString", "bad query")
        names = [k for k, _ in params]
        if len(set(n.lower() for n in names)) != len(names):
            raise SignatureError("MalformedQueryString", "repeated parameter")
        q = dict(params)
        op = [(k, v) for k, v in params if not k.startswith("X-Amz-")]
        if dict(op) != {"Action": "GetCallerIdentity", "Version": "2011-06-15"}:
            raise SignatureError("InvalidAction", "only GetCallerIdentity")
        try:
            akid, day, region, service, term = q["X-Amz-Credential"].split("/")
            amz_date = q["X-Amz-Date"]
            expires = int(q["X-Amz-Expires"])
            signed = q["X-Amz-SignedHeaders"].split(";")
            signature = q["X-Amz-Signature"]
            when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
        except (KeyError, ValueError):
            raise SignatureError("IncompleteSignature", "incomplete presigned query")
        if akid not in CREDENTIALS:
            raise SignatureError("InvalidClientTokenId", "The security token included in the request is invalid.")
        secret, token, arn = CREDENTIALS[akid]
        if q.get("X-Amz-Security-Token") != token:
            raise SignatureError("InvalidClientTokenId", "The security token included in the request is invalid.")
        # Like STS: a presigned GetCallerIdentity is honoured 15 minutes after X-Amz-Date.
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        if (now - when).total_seconds() > 900:
            raise SignatureError("ExpiredToken", "Request has expired")
        host = self.headers.get("Host")
        headers = {}
        for h in signed:
            if h == "host":
                continue
            value = self.headers.get(h)
            if value is None:
                raise SignatureError("SignatureDoesNotMatch", f"signed header {h} not sent")
            headers[h] = value
        url = f"https://{host}/?{percent_encode_sequence(op)}"
        request = AWSRequest(method="GET", url=url, headers=headers)
        with mock.patch("botocore.auth.get_current_datetime", return_value=when):
            SigV4QueryAuth(Credentials(akid, secret, token), service, region, expires=expires).add_auth(request)
        resigned = parse_qs(urlsplit(request.url).query)
        if resigned["X-Amz-SignedHeaders"][0] != q["X-Amz-SignedHeaders"] or resigned["X-Amz-Signature"][0] != signature:
            raise SignatureError(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )
        if service != "sts" or term != "aws4_request" or day != amz_date[:8]:
            raise SignatureError("SignatureDoesNotMatch", "credential scope")
        return arn


class SignatureError(Exception):
    def __init__(self, code, message):
        self.code, self.message = code, message


def main():
    global MODE
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--mode",
        default="normal",
        choices=["normal", "strict-client", "xml", "redirect", "slow", "throttle", "unavailable", "oversized", "malformed", "duplicate-keys", "account-mismatch"],
    )
    MODE = parser.parse_args().mode
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
