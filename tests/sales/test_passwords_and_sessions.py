"""Password hashing and signed sessions: the two things that keep the inbox closed."""

from __future__ import annotations

import pytest

from bot.sales.passwords import PasswordHashError, check_hash, hash_password, verify_password
from bot.sales.sessions import SessionSigner
from bot.sales.throttle import LoginThrottle

FAST = dict(n=2**10)  # the format and checks are the same; only the cost is lower


def test_hash_round_trip_and_format():
    encoded = hash_password("s3cret pass", **FAST)
    scheme, n, r, p, salt, key = encoded.split("$")
    assert (scheme, n, r, p) == ("scrypt", "1024", "8", "1")
    assert salt and key and "s3cret" not in encoded
    assert verify_password("s3cret pass", encoded)
    assert not verify_password("s3cret pas", encoded)
    assert not verify_password("", encoded)


def test_same_password_gets_a_different_salt_each_time():
    assert hash_password("same", **FAST) != hash_password("same", **FAST)


def test_default_cost_is_used_for_real_hashes():
    assert hash_password("x").startswith("scrypt$16384$8$1$")


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "plain-text-password",
        "pbkdf2$1$2$3$abc$def",
        "scrypt$1000$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",  # n not a power of two
        "scrypt$1073741824$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",  # n too large
        "scrypt$16384$8$1$!!!$a2V5",
        "scrypt$16384$8$1$c2FsdA$a2V5",  # salt and key too short
        "scrypt$x$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
    ],
)
def test_malformed_hashes_are_refused_with_a_reason(encoded):
    with pytest.raises(PasswordHashError):
        check_hash(encoded)


def test_empty_password_cannot_be_hashed():
    with pytest.raises(ValueError):
        hash_password("")


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_session_round_trip_and_expiry():
    clock = Clock()
    signer = SessionSigner(b"k" * 32, lifetime=60, clock=clock)
    token = signer.issue()
    session = signer.verify(token)
    assert session is not None and session.expires == int(clock.now) + 60
    clock.now += 61
    assert signer.verify(token) is None


def test_tampered_or_foreign_tokens_are_refused():
    signer = SessionSigner.from_password_hash("scrypt$a")
    expires, nonce, signature = signer.issue().split(".")
    later = str(int(expires) + 10_000)
    for token in (
        f"{later}.{nonce}.{signature}",  # a longer life
        f"{expires}.other.{signature}",
        f"{expires}.{nonce}.{signature[:-2]}",
        f"{expires}.{nonce}",
        "",
        None,
        "１２３.ñ.é",  # non-ASCII junk from a cookie
    ):
        assert signer.verify(token) is None, token
    assert SessionSigner.from_password_hash("scrypt$b").verify(signer.issue()) is None


def test_instances_with_the_same_hash_share_sessions():
    """Two inbox processes behind a load balancer accept each other's cookies."""
    first = SessionSigner.from_password_hash("scrypt$16384$8$1$salt$hash")
    second = SessionSigner.from_password_hash("scrypt$16384$8$1$salt$hash")
    session = second.verify(first.issue())
    assert session is not None
    assert second.check_csrf(session, first.csrf_token(session))


def test_csrf_token_belongs_to_its_session():
    signer = SessionSigner(b"k" * 32)
    mine, theirs = signer.verify(signer.issue()), signer.verify(signer.issue())
    assert signer.check_csrf(mine, signer.csrf_token(mine))
    assert not signer.check_csrf(mine, signer.csrf_token(theirs))
    assert not signer.check_csrf(mine, None)
    assert not signer.check_csrf(mine, "ünïcode")


def test_throttle_blocks_after_repeated_failures_then_forgets():
    clock = Clock(0.0)
    throttle = LoginThrottle(max_failures=3, window=60, clock=clock)
    for _ in range(3):
        assert not throttle.blocked("10.0.0.1")
        throttle.failed("10.0.0.1")
    assert throttle.blocked("10.0.0.1") and not throttle.blocked("10.0.0.2")
    clock.now = 61
    assert not throttle.blocked("10.0.0.1")
