"""Hashing account passwords, so only a salted hash ever sits in the database.

The encoded form ``scrypt$n$r$p$salt$hash`` (salt and hash URL-safe base64)
carries its own cost parameters, so they can be raised later without
invalidating hashes already deployed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

SCHEME = "scrypt"
# About 50 ms and 16 MiB per check: slow enough to make guessing a leaked hash
# expensive, fast enough for a login form.
DEFAULT_N, DEFAULT_R, DEFAULT_P = 2**14, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
MAX_COST = 2**20  # refuse hashes that would make every login eat gigabytes


class PasswordHashError(ValueError):
    """The configured hash is not one :func:`hash_password` could have produced."""


@dataclass(frozen=True)
class _Parsed:
    n: int
    r: int
    p: int
    salt: bytes
    key: bytes


def hash_password(password: str, n: int = DEFAULT_N, r: int = DEFAULT_R, p: int = DEFAULT_P) -> str:
    """A fresh salted scrypt hash of ``password``, as stored with an account."""
    if not password:
        raise ValueError("the password must not be empty")
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, n, r, p)
    return "$".join([SCHEME, str(n), str(r), str(p), _b64(salt), _b64(key)])


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches ``encoded``; the comparison takes constant time."""
    parsed = parse_hash(encoded)
    candidate = _derive(password, parsed.salt, parsed.n, parsed.r, parsed.p)
    return hmac.compare_digest(candidate, parsed.key)


def parse_hash(encoded: str) -> _Parsed:
    parts = (encoded or "").strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise PasswordHashError("expected scrypt$n$r$p$salt$hash")
    try:
        n, r, p = (int(value) for value in parts[1:4])
        salt, key = _unb64(parts[4]), _unb64(parts[5])
    except ValueError:
        raise PasswordHashError(
            "the cost numbers, salt or hash of the password hash are garbled"
        ) from None
    if n < 2 or n & (n - 1) or n > MAX_COST or not 0 < r <= 32 or not 0 < p <= 16:
        raise PasswordHashError(f"unsupported scrypt cost n={n}, r={r}, p={p}")
    if len(salt) < 8 or len(key) < 16:
        raise PasswordHashError("the salt or hash of the password hash is too short")
    return _Parsed(n, r, p, salt, key)


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    maxmem = 128 * r * (n + p + 2) + 1024 * 1024
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=maxmem,
                          dklen=KEY_BYTES)  # fmt: skip


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as error:
        raise ValueError(str(error)) from None
