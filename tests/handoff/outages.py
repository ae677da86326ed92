"""Databases that go down and come back on demand, for tests of outage handling.

:class:`TcpSwitch` sits in front of the real local PostgreSQL: while down its
port refuses connections and the connections it carried are cut, as when the
server stops. :class:`SqliteSwitch` is a SQLite file that cannot be opened
until it comes up (its folder is a plain file), for machines without PostgreSQL.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path
from typing import List

from sqlalchemy.engine import make_url

from tests.support.database import sqlite_url
from tests.support.servers import free_port


class TcpSwitch:
    """A local port forwarding to ``target_url``'s server while up, refusing while down."""

    def __init__(self, target_url: str) -> None:
        target = make_url(target_url)
        self.target = (target.host or "127.0.0.1", target.port or 5432)
        self.port = free_port()
        self.url = target.set(host="127.0.0.1", port=self.port).render_as_string(False)
        self._listener: socket.socket | None = None
        self._sockets: List[socket.socket] = []
        self._lock = threading.Lock()

    def up(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.1)
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def down(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:  # closed by down()
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class SqliteSwitch:
    """A SQLite database in a folder that is a plain file until :meth:`up` replaces it."""

    def __init__(self, tmp_path: Path) -> None:
        self.folder = tmp_path / "database"
        self.folder.write_text("not a folder yet")
        self.url = sqlite_url(self.folder / "leads.db")

    def up(self) -> None:
        self.folder.unlink()
        self.folder.mkdir()

    def down(self) -> None:
        raise NotImplementedError("an open SQLite file cannot be taken away")
