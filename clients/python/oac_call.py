"""Call an oac-kit API from Python with botocore.

Two things make a request acceptable behind Cloudflare -> CloudFront (OAC) -> Function URL -> api:

- ``X-Fluid-Identity``: STS ``GetCallerIdentity`` presigned with your credentials, with the
  header ``x-fluid-audience: <the API's audience>`` signed (docs/identity.md). The value is a
  bearer credential until it expires: keep it short-lived and never log it.
- ``x-amz-content-sha256``: the lowercase hex SHA-256 of the exact body bytes, on every request
  with a body. OAC signs with it and Lambda checks the body against it; above 1 MB it is the
  only way a body gets through, since CloudFront shows an origin-request function only 1 MB.

Where the request goes: ``https://`` anywhere; plain ``http://`` only to loopback (``localhost``,
127.0.0.0/8, ``[::1]``) -- anything else raises ``RefusedUrlError`` before the identity is minted,
since both it and any secret header would cross the network unencrypted. Redirects are never
followed. The environment's proxy variables (``HTTP(S)_PROXY``, ``ALL_PROXY``, ``NO_PROXY``) are
ignored unless ``use_env_proxy=True`` / ``--use-env-proxy``. The rule is oac-client's
(shared/oac-client/src/transport.rs); fixtures/clients/plain-http-cases.json keeps them in step.

Answers are read in chunks as they arrive, under a cap (``max_bytes``, 64 MiB unless set, the
default of oac-client and ``fluid-identity request``): past it, ``ResponseTooLargeError`` --
before reading when the ``Content-Length`` says so, else at the chunk that passes it.

As a library::

    from oac_call import call, open_call, read_chunks
    status, headers, body = call("https://api.example.com/v1/whoami", audience="111122223333:eu-west-1:OacKitApi/Api")
    # Server-sent events, or an NDJSON export, as they come:
    with open_call("https://api.example.com/v1/audit-events/stream", audience=AUD) as (status, headers, response):
        for chunk in read_chunks(response):
            print(chunk.decode(), end="", flush=True)

As a command (credentials and region from botocore's standard chain)::

    python oac_call.py --audience AUD [--region R] [-X METHOD] [-H 'K: V']... [--data @file|STRING] [--use-env-proxy] [--max-bytes N] URL

writes the body to stdout chunk by chunk as it arrives, the status to stderr, and exits 0 below
400, 4 for 4xx, 5 for 5xx, 3 without a whole answer (none, one cut short, or one past
``--max-bytes``: what came before stays on stdout), 2 for a refused URL or without a region or
credentials -- the codes of ``fluid-identity request``.
Only botocore and the standard library are needed.
"""
import argparse
import contextlib
import hashlib
import http.client
import ipaddress
import os
import re
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request

from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
import botocore.session

AUDIENCE_HEADER = "x-fluid-audience"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 64 * 1024


def sts_url(region):
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://sts.{region}.{suffix}/?Action=GetCallerIdentity&Version=2011-06-15"


def mint_identity(credentials, region, audience, expires=60):
    """The X-Fluid-Identity value: GetCallerIdentity presigned with the audience header signed."""
    request = AWSRequest(method="GET", url=sts_url(region), headers={AUDIENCE_HEADER: audience})
    SigV4QueryAuth(credentials, "sts", region, expires=expires).add_auth(request)
    return request.url


def content_sha256(body):
    """x-amz-content-sha256: lowercase hex SHA-256 of the exact body bytes."""
    return hashlib.sha256(body).hexdigest()


class RefusedUrlError(ValueError):
    """A URL the snippet won't send to: not http(s), or plain http to a host that isn't loopback."""


# An http netloc urllib connects to exactly as written: a name or an address, an optional port --
# no user info, no percent-encoding, no zone id, nothing urlsplit and http.client might read apart.
_PLAIN_NETLOC = re.compile(r"(\[[0-9a-f:.]+\]|[0-9a-z.-]+)(:[0-9]*)?", re.ASCII)
_LOOPBACK_V4 = ipaddress.ip_network("127.0.0.0/8")
_LOOPBACK_V6 = ipaddress.ip_address("::1")


def is_loopback(host):
    """Whether ``host`` (urlsplit's ``hostname``) is loopback: localhost, 127.0.0.0/8 or ::1."""
    if host == "localhost":
        return True
    try:
        # The address the connection will go to: numeric forms only (127.1, 0x7f000001, ...,
        # as the C library reads them), so no name is looked up here.
        infos = socket.getaddrinfo(host, None, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return False
    addresses = {ipaddress.ip_address(info[4][0]) for info in infos}
    return all(a in _LOOPBACK_V4 if a.version == 4 else a == _LOOPBACK_V6 for a in addresses)


def check_url(url):
    """Returns if a request may go to ``url`` (https anywhere, http to loopback); else raises."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme != "http":
        raise RefusedUrlError(f"URL scheme {parts.scheme!r}: only https (or http to loopback)")
    netloc = parts.netloc.lower()
    if not (_PLAIN_NETLOC.fullmatch(netloc) and is_loopback(parts.hostname)):
        raise RefusedUrlError(
            f"refusing plain http to {netloc!r}: the identity and secret headers would travel "
            "unencrypted; use https (http is allowed only to localhost, 127.0.0.0/8 and [::1])"
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would carry the identity to wherever the answer points.
    def redirect_request(self, *args, **kwargs):
        return None


# Straight to the API whatever the environment says (an empty ProxyHandler replaces the default
# one, which reads the proxy variables); the proxy variables only when asked.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)
_VIA_ENV_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler(), _NoRedirect)


class ResponseTooLargeError(Exception):
    """The answer's body is larger than ``max_bytes``: refused before reading when its
    Content-Length says so (``read`` is then 0), else at the chunk that passed the cap."""

    def __init__(self, limit, read):
        super().__init__(
            f"response too large: more than the {limit}-byte cap ({read} bytes received); "
            "raise --max-bytes (max_bytes) or ask for less"
        )
        self.limit = limit
        self.read = read


@contextlib.contextmanager
def open_call(url, audience, method="GET", body=None, headers=None, region=None, session=None, timeout=30,
              use_env_proxy=False):
    """One request with a fresh identity (and the body's hash), up to the answer's head: yields
    (status, headers, response) with the body still unread (``read_chunks``), and closes it after.

    Raises RefusedUrlError for a URL it won't send to, before anything is signed. ``timeout`` is
    the longest wait for the head or for the next bytes of the body.
    """
    check_url(url)
    session = session or botocore.session.get_session()
    region = region or session.get_config_variable("region") or os.environ.get("AWS_REGION")
    if not region:
        raise ValueError("no region: pass one or configure AWS_REGION")
    credentials = session.get_credentials()
    if credentials is None:
        raise ValueError("no AWS credentials found")
    all_headers = dict(headers or {})
    all_headers["x-fluid-identity"] = mint_identity(credentials.get_frozen_credentials(), region, audience)
    if body is not None:
        all_headers["x-amz-content-sha256"] = content_sha256(body)
    request = urllib.request.Request(url, data=body, method=method, headers=all_headers)
    opener = _VIA_ENV_PROXY if use_env_proxy else _DIRECT
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as answer:  # >= 400 (and unfollowed redirects): still an answer
        response = answer
    with response:
        yield response.status, dict(response.headers), response


def read_chunks(response, max_bytes=DEFAULT_MAX_BYTES, method="GET"):
    """Yields the body of an ``open_call`` answer chunk by chunk as it arrives (``read1``: no
    waiting for a full buffer, so server-sent events come one by one); raises
    ResponseTooLargeError past ``max_bytes``, and http.client.IncompleteRead for a body cut short.
    """
    announced = response.headers.get("content-length", "")
    # A HEAD answer's length describes a body that is not sent.
    if method != "HEAD" and announced.isdigit() and int(announced) > max_bytes:
        raise ResponseTooLargeError(max_bytes, 0)
    read = 0
    while True:
        chunk = response.read1(CHUNK_BYTES)
        if not chunk:
            return
        read += len(chunk)
        if read > max_bytes:
            raise ResponseTooLargeError(max_bytes, read)
        yield chunk


def call(url, audience, method="GET", body=None, headers=None, region=None, session=None, timeout=30,
         use_env_proxy=False, max_bytes=DEFAULT_MAX_BYTES):
    """One request with a fresh identity (and the body's hash); returns (status, headers, body),
    the body read under ``max_bytes`` (ResponseTooLargeError past it).

    Raises RefusedUrlError for a URL it won't send to, before anything is signed.
    """
    with open_call(url, audience, method, body, headers, region, session, timeout, use_env_proxy) as (
        status,
        answer_headers,
        response,
    ):
        return status, answer_headers, b"".join(read_chunks(response, max_bytes, method))


def _read_data(data):
    if data is None:
        return None
    if data == "@-":
        return sys.stdin.buffer.read()
    if data.startswith("@"):
        with open(data[1:], "rb") as f:
            return f.read()
    return data.encode()


def main(argv=None):
    parser = argparse.ArgumentParser(description="Call an oac-kit API (curl-like).")
    parser.add_argument("--audience", required=True)
    parser.add_argument("--region")
    parser.add_argument("-X", "--request", dest="method")
    parser.add_argument("-H", "--header", dest="headers", action="append", default=[])
    parser.add_argument("-d", "--data")
    parser.add_argument("--use-env-proxy", action="store_true",
                        help="send through the proxy HTTP(S)_PROXY / ALL_PROXY name (else ignored)")
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                        help="the most body bytes to accept (default 64 MiB); past it, exit 3")
    parser.add_argument("url")
    args = parser.parse_args(argv)
    body = _read_data(args.data)
    headers = {}
    for header in args.headers:
        name, sep, value = header.partition(":")
        if not sep:
            parser.error(f"header {header!r} is not 'Name: value'")
        headers[name.strip()] = value.strip()
    method = args.method or ("POST" if body is not None else "GET")
    status, written = None, 0
    try:
        with open_call(args.url, args.audience, method, body, headers, args.region,
                       use_env_proxy=args.use_env_proxy) as (status, _, response):
            sys.stderr.write(f"HTTP {status}\n")
            for chunk in read_chunks(response, args.max_bytes, method):
                sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()  # each chunk as it comes: server-sent events show live
                written += len(chunk)
    except ValueError as e:  # a refused URL, no region, no credentials
        sys.stderr.write(f"{e}\n")
        return 2
    except ResponseTooLargeError as e:  # what came before the cap is on stdout
        sys.stderr.write(f"{e}\n")
        return 3
    except (OSError, http.client.HTTPException) as e:  # connection refused, timeout, TLS, cut short
        what = "no answer" if status is None else f"the answer was cut short after {written} bytes"
        sys.stderr.write(f"{what}: {e!r}\n")
        return 3
    return 0 if status < 400 else (4 if status < 500 else 5)


if __name__ == "__main__":
    sys.exit(main())
