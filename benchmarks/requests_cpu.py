"""CPU time the client side spends per request (our HTTP layer plus requests and urllib3),
against a trivial JSON server in another process so that only the client's CPU is counted.

Run with ``python -m benchmarks requests_cpu``.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from components.clients import KibanaClient, KibanaConnection

REQUESTS = 2000
BODY = json.dumps({"version": {"number": "9.1.0"}}).encode()
RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
    + f"content-length: {len(BODY)}\r\n\r\n".encode()
    + BODY
)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        # Head and body in one write: two writes meet delayed ACKs and stall ~40 ms each.
        self.wfile.write(RESPONSE)

    def log_message(self, *_: Any) -> None:
        pass


def _serve(port: Any) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port.value = server.server_address[1]
    server.serve_forever()


def main() -> None:
    port = multiprocessing.Value("i", 0)
    server = multiprocessing.Process(target=_serve, args=(port,), daemon=True)
    server.start()
    while not port.value:
        time.sleep(0.01)
    try:
        connection = KibanaConnection(f"http://127.0.0.1:{port.value}", api_key="bench")
        with KibanaClient(connection) as client:
            http = client._http
            http.call("GET", "/api/status")  # open the connection first
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(REQUESTS):
                http.call("GET", "/api/status")
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"  {REQUESTS} GETs: {1000 * cpu / REQUESTS:.3f} ms CPU and "
            f"{1000 * wall / REQUESTS:.3f} ms wall per request (client process)"
        )
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
