"""/health and /metrics over plain HTTP, served from a daemon thread."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from workers.metrics import REGISTRY


class HealthState:
    """Written by the runtime after each fetch-and-lock (engine reachable or not), read by the HTTP thread."""

    def __init__(self) -> None:
        self.engine_reachable = False
        self.last_check = 0.0
        self.unreachable_since: float | None = None
        self.stopping = False

    def snapshot(self) -> dict[str, object]:
        healthy = self.engine_reachable and not self.stopping
        since = self.unreachable_since
        return {
            "status": "UP" if healthy else "DOWN",
            "engineReachable": self.engine_reachable,
            "secondsSinceCheck": round(time.monotonic() - self.last_check, 1) if self.last_check else None,
            "unreachableForSeconds": round(time.monotonic() - since, 1) if since else 0,
            "stopping": self.stopping,
        }


def serve(state: HealthState, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/metrics":
                self.reply(200, generate_latest(REGISTRY), CONTENT_TYPE_LATEST)
            elif self.path == "/health":
                body = state.snapshot()
                self.reply(200 if body["status"] == "UP" else 503, json.dumps(body).encode(), "application/json")
            else:
                self.reply(404, b"not found", "text/plain")

        def reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="health-http", daemon=True).start()
    return server
