"""Canned AWS answers on loopback, in front of moto, for `oac-kit doctor --distribution`'s tests.

    aws_answers.py ANSWERS.json REQUEST-LOG [UPSTREAM]

ANSWERS.json maps "METHOD /path?query" (the query as the SDK sends it) to
{"status": 200, "headers": {...}, "body": "..."}. A request with an answer gets it; any other is
forwarded to UPSTREAM (moto's server) when given, else answered 404 with an error naming it, so a
call the test did not expect shows in the doctor's report instead of passing. Each request's
method, path and upstream-or-canned is appended to REQUEST-LOG as a JSON line (the test checks the
doctor only reads).

Binds 127.0.0.1 port 0, prints `PORT <n>`, serves until stdin closes (the test ended).
"""
import http.server
import json
import sys
import threading
import urllib.error
import urllib.request

answers_file, log_file = sys.argv[1], sys.argv[2]
upstream = sys.argv[3] if len(sys.argv) > 3 else None
with open(answers_file, encoding="utf-8") as f:
    ANSWERS = json.load(f)
LOG_LOCK = threading.Lock()

# Hop-by-hop and length headers the forwarding itself sets.
NOT_FORWARDED = {"host", "connection", "content-length", "transfer-encoding", "keep-alive"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _record(self, served_by):
        with LOG_LOCK, open(log_file, "a", encoding="utf-8") as log:
            log.write(json.dumps({"method": self.command, "path": self.path, "by": served_by}) + "\n")

    def _send(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in NOT_FORWARDED:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        answer = ANSWERS.get(f"{self.command} {self.path}")
        if answer is not None:
            self._record("canned")
            self._send(answer.get("status", 200), answer.get("headers", {}),
                       answer.get("body", "").encode("utf-8"))
            return
        if upstream is None:
            self._record("none")
            message = f"aws_answers.py has no answer for {self.command} {self.path}"
            self._send(404, {"Content-Type": "text/xml", "x-amzn-ErrorType": "NotFound"},
                       f"<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code>"
                       f"<Message>{message}</Message></Error></ErrorResponse>".encode("utf-8"))
            return
        self._record("upstream")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in NOT_FORWARDED}
        request = urllib.request.Request(upstream + self.path, data=body or None,
                                         headers=headers, method=self.command)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                self._send(response.status, dict(response.headers.items()), response.read())
        except urllib.error.HTTPError as e:
            self._send(e.code, dict(e.headers.items()), e.read())

    do_GET = do_POST = do_PUT = do_DELETE = _handle


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
print("PORT", server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
