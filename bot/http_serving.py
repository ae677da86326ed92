"""What the project's small standard-library HTTP servers have in common.

The demo site (``bot.web.server``) and the sales inbox (``bot.sales.server``)
run as their own processes, started by ``bot web`` / ``bot sales-inbox`` and
stopped by the runner or a process manager with SIGTERM. Both need to finish
open requests and close their socket on that signal rather than die mid-answer.
Routes, headers and files stay in each server's module.
"""

from __future__ import annotations

import signal
import threading
from http.server import ThreadingHTTPServer

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class LocalHTTPServer(ThreadingHTTPServer):
    """A threaded server that can say where a browser on this machine reaches it."""

    daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{host}:{port}"


def serve_until_stopped(server: ThreadingHTTPServer, thread_name: str, banner: str) -> None:
    """Serve until SIGINT or SIGTERM, then finish open requests and close the socket.

    ``banner`` says where the server is; it is flushed at once so that it shows
    up even when the output goes to a pipe or a log file.
    """
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in STOP_SIGNALS}
    worker = threading.Thread(target=server.serve_forever, name=thread_name, daemon=True)
    worker.start()
    print(banner, flush=True)
    try:
        # A timed wait keeps the main thread responsive to signals on every platform.
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        server.server_close()
        worker.join(timeout=5)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
