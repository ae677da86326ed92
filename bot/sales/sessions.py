"""Signed session cookies and the CSRF tokens tied to them.

Nothing is kept in the process: a session is ``expires.nonce.signature``,
signed with HMAC-SHA256 under a key derived from the password hash. Any
instance configured with the same hash accepts it (two instances behind a
load balancer work), and changing the password signs everyone out.

Signing out clears the cookie in the browser and records the session as
ended (``revocation.py``), so a copied cookie is refused from then on rather
than until it expires (:data:`SESSION_LIFETIME`).

The same key signs a *device mark*: a long-lived cookie given to a browser that
signed in, so that its later logins are throttled apart from everyone else
behind the same address (``throttle.py``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Callable

SESSION_LIFETIME = 8 * 60 * 60  # one working day
_KEY_LABEL = b"footcare sales inbox session key v1"


@dataclass(frozen=True)
class Session:
    """A verified session: its random id and when it stops being accepted."""

    nonce: str
    expires: int


class SessionSigner:
    """Issues and checks session tokens and their CSRF tokens."""

    def __init__(
        self,
        secret: bytes,
        lifetime: int = SESSION_LIFETIME,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = secret
        self.lifetime = lifetime
        self._clock = clock

    @classmethod
    def from_password_hash(cls, password_hash: str, **kwargs) -> SessionSigner:
        """Derive the signing key from the configured hash (a secret only the servers know)."""
        key = hmac.new(password_hash.strip().encode("utf-8"), _KEY_LABEL, hashlib.sha256)
        return cls(key.digest(), **kwargs)

    def issue(self) -> str:
        """A new session token for a browser that just gave the right password."""
        expires = int(self._clock()) + self.lifetime
        nonce = secrets.token_urlsafe(18)
        payload = f"{expires}.{nonce}"
        return f"{payload}.{self._sign('session', payload)}"

    def verify(self, token: str | None) -> Session | None:
        """The session in ``token``, or ``None`` if it is forged, garbled or expired."""
        parts = (token or "").split(".")
        if len(parts) != 3 or not (parts[0].isascii() and parts[0].isdigit()):
            return None
        payload = f"{parts[0]}.{parts[1]}"
        if not _same(parts[2], self._sign("session", payload)):
            return None
        expires = int(parts[0])
        return Session(parts[1], expires) if expires > self._clock() else None

    def issue_device(self) -> str:
        """A new device mark: a random id and its signature."""
        device = secrets.token_urlsafe(12)
        return f"{device}.{self._sign('device', device)}"

    def verify_device(self, token: str | None) -> str | None:
        """The device id in ``token``, or ``None`` if it is forged or garbled."""
        device, _, signature = (token or "").partition(".")
        if not device or len(device) > 32 or not _same(signature, self._sign("device", device)):
            return None
        return device

    def csrf_token(self, session: Session) -> str:
        """The token every form of this session must send back with a POST."""
        return self._sign("csrf", session.nonce)

    def check_csrf(self, session: Session, token: str | None) -> bool:
        return _same(token or "", self.csrf_token(session))

    def _sign(self, purpose: str, payload: str) -> str:
        # The purpose prefix keeps a CSRF token from ever passing as a session signature.
        digest = hmac.new(self._key, f"{purpose}:{payload}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison that also accepts non-ASCII junk from a cookie or form."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("ascii"))
