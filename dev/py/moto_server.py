"""moto's DynamoDB-compatible server on loopback, for the api's store tests.

Binds port 0 (the OS picks a free port), prints `PORT <n>`, serves until stdin closes (the test
ended). One request at a time: moto's TransactWriteItems is not atomic across server threads (two
concurrent transactions with the same condition can both commit), while DynamoDB's is. Served
serially, moto keeps the guarantee the store relies on, so the concurrency tests judge our code,
not a race inside the stand-in.
"""
import sys
import threading

try:
    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server
except ImportError as e:
    sys.stderr.write(f"moto[server] is not importable by {sys.executable}: {e}\n")
    sys.exit(3)

server = make_server("127.0.0.1", 0, DomainDispatcherApplication(create_backend_app), threaded=False)
threading.Thread(target=server.serve_forever, daemon=True).start()
print("PORT", server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
