"""Sessions ended by "Sign out" before their cookie expires.

A session cookie is signed, not stored (``bot.workspace.auth``), so signing out
could only delete the browser's copy: a copied cookie would stay valid for
the rest of its life. The workspace therefore records each ended session until it
would have expired anyway and refuses it on every request.

The record is an append-only text file under the var dir, one
``expires nonce`` line per sign-out, rather than memory alone, because it is
cheap and buys two things: a restart does not bring ended sessions back, and
a second workspace process on the same machine (same var dir) refuses them too.
Each check costs one ``stat``; only lines added since the last check are read.
Without a path (unit tests, tools) the record lives in memory only.

Instances on different machines share no var dir: with REDIS_URL,
:class:`SharedRevokedSessions` also records each ended session in Redis until
it would have expired (``redis_store.py``).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict

import redis

from bot.workspace.redis_store import RedisStore, StoreUnavailable

FILE_NAME = "workspace-signed-out.txt"


@dataclass(frozen=True)
class Session:
    """A signed-in session as far as signing out goes: its random id and its end."""

    nonce: str
    expires: int


_LINE = re.compile(r"^([0-9]{1,12}) ([A-Za-z0-9_-]{1,64})$")


class RevokedSessions:
    """Nonces of signed-out sessions with their expiry, optionally mirrored in a file."""

    def __init__(self, path: Path | None = None, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._expires: Dict[str, int] = {}
        self._offset = 0  # bytes of the file already read
        self._inode = 0  # a restarting process replaces the file: read the new one from the top
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._compact()

    def revoke(self, session: Session) -> None:
        """Refuse ``session`` from now on, here and in every process reading the file."""
        with self._lock:
            self._expires[session.nonce] = session.expires
            self._forget_expired()
            if self.path is not None:
                # One short append: other processes never see half a line.
                with open(self.path, "a", encoding="ascii") as file:
                    file.write(f"{session.expires} {session.nonce}\n")

    def is_revoked(self, session: Session) -> bool:
        with self._lock:
            if self.path is not None:
                self._read_new_lines()
            return session.nonce in self._expires

    def __len__(self) -> int:
        with self._lock:
            return len(self._expires)

    def _read_new_lines(self) -> None:
        try:
            status = self.path.stat()
        except FileNotFoundError:
            return
        size = status.st_size
        if status.st_ino != self._inode or size < self._offset:
            self._inode, self._offset = status.st_ino, 0
        if size == self._offset:
            return
        with open(self.path, "rb") as file:
            file.seek(self._offset)
            data = file.read(size - self._offset)
        complete = data.rfind(b"\n") + 1  # a line still being written waits for the next check
        self._offset += complete
        self._merge(data[:complete])
        self._forget_expired()

    def _merge(self, data: bytes) -> None:
        for line in data.decode("ascii", "replace").splitlines():
            match = _LINE.match(line)
            if match:
                self._expires[match.group(2)] = int(match.group(1))

    def _forget_expired(self) -> None:
        now = self._clock()
        for nonce in [nonce for nonce, expires in self._expires.items() if expires <= now]:
            del self._expires[nonce]

    def _compact(self) -> None:
        """Load the file and rewrite it without expired lines, so it cannot grow forever.

        Done once at start-up; a line another process appends in the same
        instant could be lost, so restart instances one at a time.
        """
        if self.path.exists():
            self._merge(self.path.read_bytes())
        self._forget_expired()
        lines = "".join(f"{expires} {nonce}\n" for nonce, expires in self._expires.items())
        scratch = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        scratch.write_text(lines, encoding="ascii")
        os.replace(scratch, self.path)
        self._inode, self._offset = self.path.stat().st_ino, len(lines)


class SharedRevokedSessions(RevokedSessions):
    """The same record, also kept in Redis so that every instance refuses an ended session.

    Each ended session is a key that expires when the session would have, and
    the local record (file or memory) is kept as well and checked first.

    If Redis does not answer, a check relies on the local record alone: a
    session ended on this instance (or on another sharing its var dir) is still
    refused; one ended on another machine is accepted until Redis answers
    again. Refusing every session instead would sign the whole team out for
    the length of the outage, and let anyone who can disturb Redis do so at
    will; relying on the local record only reopens, for the outage and only
    for a copied cookie of a session ended elsewhere, the gap that the signed
    cookie's expiry bounds anyway. Sessions ended while Redis is away are
    written to it by the next call that reaches it, so every instance refuses
    them afterwards.
    """

    def __init__(self, store: RedisStore, path: Path | None = None,
                 clock: Callable[[], float] = time.time) -> None:  # fmt: skip
        super().__init__(path, clock)
        self._store = store
        self._unshared: Dict[str, int] = {}  # ended while Redis was away

    def revoke(self, session: Session) -> None:
        super().revoke(session)
        with self._lock:
            self._unshared[session.nonce] = session.expires
        # If Redis is away (already logged), the next call that reaches it shares this one.
        with contextlib.suppress(StoreUnavailable):
            self._store.run(self._share)

    def is_revoked(self, session: Session) -> bool:
        if super().is_revoked(session):
            return True
        try:
            return self._store.run(lambda client: self._ask(client, session))
        except StoreUnavailable:
            return False  # this instance's record said no; see the class docstring

    def _ask(self, client: redis.Redis, session: Session) -> bool:
        self._share(client)
        return bool(client.exists(self._store.key("revoked", session.nonce)))

    def _share(self, client: redis.Redis) -> None:
        """Write the sessions ended since Redis last answered, each until it expires."""
        with self._lock:
            unshared = dict(self._unshared)
        if not unshared:
            return
        now = int(self._clock())
        pipeline = client.pipeline(transaction=False)
        for nonce, expires in unshared.items():
            if expires > now:
                pipeline.set(self._store.key("revoked", nonce), "1", ex=expires - now)
        pipeline.execute()
        with self._lock:
            for nonce in unshared:
                self._unshared.pop(nonce, None)  # another thread may have shared it too


def revoked_sessions(path: Path | None, store: RedisStore | None = None) -> RevokedSessions:
    """The record for one workspace instance: shared through ``store`` when there is one."""
    return RevokedSessions(path) if store is None else SharedRevokedSessions(store, path)
