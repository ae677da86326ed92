"""Serving a test's HTTP server on a background thread."""

from __future__ import annotations

import contextlib
import threading
from typing import Iterator, TypeVar

Server = TypeVar("Server")


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    """Serve ``server`` (a ``socketserver`` server) for the duration of the block, then close it."""
    worker = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    worker.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        worker.join(timeout=5)
