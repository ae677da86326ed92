"""The real workspace on uvicorn in a background thread, on a free loopback port.

For the tests that need a socket: raw hostile requests and Chromium. The
rest use Starlette's test client on the same application.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Iterator

import uvicorn

from bot.workspace.app import create_app
from bot.workspace.context import Workspace
from bot.workspace.serve import bound_socket


@contextlib.contextmanager
def serving(workspace: Workspace) -> Iterator[str]:
    """Serve ``workspace`` for the block; yields its base URL."""
    sock = bound_socket("127.0.0.1", 0)
    config = uvicorn.Config(create_app(workspace), log_level="warning", ws="none", http="h11",
                            server_header=False, timeout_keep_alive=2)  # fmt: skip
    server = uvicorn.Server(config)
    worker = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    worker.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        worker.join(timeout=10)
        sock.close()
