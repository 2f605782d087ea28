"""A webhook receiver on 127.0.0.1 (a port the OS picks) for the dispatcher tests: it
keeps every request it gets, answers 200 (or what `status` says), and can hold one
request without answering until the test releases it."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: Message            # case-insensitive
    body: bytes

    @property
    def event(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """bound, not listening: connections are refused until `start` (the receiver down)."""
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    hold_nth: int | None = None          # the n-th request (1-based) waits for `release`
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(Received(self.headers, body))
                if len(receiver.requests) == receiver.hold_nth:
                    receiver.arrived.set()
                    receiver.release.wait(30)
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                """quiet"""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
        self.server.daemon_threads = True
        self.server.server_bind()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self) -> None:
        self.started = True
        self.server.server_activate()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
        if getattr(self, "started", False):
            self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[dict]:
        return [r.event for r in self.requests]
