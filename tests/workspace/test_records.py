"""Password hashing, sign-out records and the login brake."""

from __future__ import annotations

import pytest

from bot.accounts.passwords import PasswordHashError, hash_password, parse_hash, verify_password
from bot.workspace.revocation import RevokedSessions, Session
from bot.workspace.throttle import LoginThrottle

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
        parse_hash(encoded)


def test_empty_password_cannot_be_hashed():
    with pytest.raises(ValueError):
        hash_password("")


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_throttle_delays_grow_and_are_capped():
    throttle = LoginThrottle(free_attempts=2, base_delay=1, max_delay=30)
    assert [throttle.delay(n) for n in range(1, 10)] == [0, 0, 1, 2, 4, 8, 16, 30, 30]
    assert throttle.delay(10**6) == 30  # no overflow after a very long attack


def test_throttle_waits_then_admits_and_keys_are_separate():
    clock = Clock(0.0)
    throttle = LoginThrottle(free_attempts=1, base_delay=2, max_delay=30, clock=clock)
    assert throttle.admit("a") == 0 and throttle.admit("a") == 0
    assert throttle.admit("a") == 2  # refused attempts are not counted...
    clock.now = 1.5
    assert throttle.admit("a") == 0.5  # ...and do not lengthen the wait
    assert throttle.admit("b") == 0
    clock.now = 2
    assert throttle.admit("a") == 0
    throttle.succeeded("a")
    assert throttle.admit("a") == 0 and throttle.admit("a") == 0


def test_throttle_memory_is_bounded():
    clock = Clock(0.0)
    throttle = LoginThrottle(forget_after=60, max_keys=100, clock=clock)
    for n in range(1000):
        throttle.admit(f"10.0.{n // 256}.{n % 256}")
    assert len(throttle) == 100
    clock.now = 61
    throttle.admit("10.9.9.9")
    assert len(throttle) == 1


def test_revoked_sessions_in_memory():
    clock = Clock()
    revoked = RevokedSessions(clock=clock)
    session, other = Session("n1", int(clock.now) + 60), Session("n2", int(clock.now) + 120)
    revoked.revoke(session)
    assert revoked.is_revoked(session) and not revoked.is_revoked(other)
    clock.now += 61
    revoked.revoke(other)  # recording forgets sessions that have expired anyway
    assert len(revoked) == 1


def test_revoked_sessions_file_is_shared_and_compacted(tmp_path):
    clock = Clock()
    path = tmp_path / "var" / "signed-out.txt"
    first, second = RevokedSessions(path, clock=clock), RevokedSessions(path, clock=clock)
    short, long = Session("short", int(clock.now) + 10), Session("long", int(clock.now) + 100)
    first.revoke(short)
    first.revoke(long)
    assert second.is_revoked(short) and second.is_revoked(long)
    with open(path, "a") as file:
        file.write("garbage line\n12 ../../x\n")
    clock.now += 11
    restarted = RevokedSessions(path, clock=clock)
    assert restarted.is_revoked(long) and not restarted.is_revoked(short)
    assert path.read_text() == f"{long.expires} long\n"
    third = Session("third", int(clock.now) + 100)
    first.revoke(third)
    assert second.is_revoked(third) and restarted.is_revoked(third)
