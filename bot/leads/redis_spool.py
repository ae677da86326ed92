"""Lead submissions waiting for the database, kept in Redis so that every host sees them.

With several action servers (Kubernetes pods with ephemeral disks), a folder
spool strands an enquiry on the pod that took it: no other host's dispatcher
replays it, and it is gone when the pod is replaced. With ``REDIS_URL`` set,
the submit action spools here instead, and any host's dispatcher, ``bot run``
or ``bot leads replay`` writes it once the database is back. The folder spool
(:mod:`bot.leads.spool`) stays the fallback when Redis itself is unreachable.

Durability: Redis keeps data in memory. In production it must persist with the
append-only file (``appendonly yes``, ``appendfsync everysec`` or ``always``),
or a Redis restart during a database outage loses every spooled enquiry.

Layout, under :data:`PREFIX` in the database number of the URL: the hash
``<prefix>:spool`` holds one entry per conversation (a newer submission
replaces the older one), and ``<prefix>:set_aside`` the submissions the
database refused, for a person to look at; nothing replays those. Fields are
a hash of the conversation id, as the folder's file names are: ids come from
the outside world. Every write carries a fresh token, so a replay deletes an
entry only if it still holds exactly what was read (compare-and-delete in one
Lua script): a resubmission that arrived meanwhile stays for the next replay.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Dict, Iterator, List

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.leads.errors import InvalidSubmission, LeadError
from bot.leads.submission import LeadSubmission, submission_from_dict, submission_to_dict

PREFIX = "footcare:leads"
# A dead Redis must not freeze the visitor's turn: the folder takes the enquiry instead.
TIMEOUT_SECONDS = 2.0
_DELETE_IF_UNCHANGED = """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
    return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
"""


class SpoolUnavailable(LeadError):
    """Redis cannot be reached or refused the command; nothing was written or removed."""


@dataclass(frozen=True)
class RedisLocation:
    """Where an entry is kept: said in the stand-in lead, ``bot leads replay`` and logs."""

    key: str
    field: str

    def __str__(self) -> str:
        return f"Redis hash {self.key} field {self.field}"


@dataclass(frozen=True)
class RedisSpooled:
    """One spooled entry exactly as read: ``raw`` is what compare-and-delete compares."""

    field: str
    raw: str
    spooled_at_ns: int


def field_for(conversation_id: str) -> str:
    """The same name as the folder's file (without ``.json``), so both spools agree."""
    return hashlib.sha256(conversation_id.encode("utf-8", "surrogatepass")).hexdigest()


class RedisSpool:
    """The lead spool shared by every host; each method raises :class:`SpoolUnavailable`."""

    def __init__(self, client: redis.Redis, prefix: str = PREFIX) -> None:
        self.client = client
        self.spool_key = f"{prefix}:spool"
        self.set_aside_key = f"{prefix}:set_aside"
        self._delete_if_unchanged = client.register_script(_DELETE_IF_UNCHANGED)

    @classmethod
    def from_url(cls, url: str, prefix: str = PREFIX) -> RedisSpool:
        """A client with short timeouts; the database number comes from the URL (``/11``).

        One retry on a dropped connection (Redis restarted since the last use),
        none on a timeout, so a call waits about :data:`TIMEOUT_SECONDS` at most.
        """
        client = redis.Redis.from_url(
            url,
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 1, supported_errors=(redis.exceptions.ConnectionError,)),
            retry_on_error=[redis.exceptions.ConnectionError],
            decode_responses=True,
            # Bytes someone else wrote must be read, set aside and deleted as they are.
            encoding_errors="surrogateescape",
        )
        return cls(client, prefix)

    def write(self, submission: LeadSubmission) -> RedisLocation:
        """Spool ``submission``; a newer submission of the same conversation replaces it."""
        field = field_for(submission.conversation_id)
        entry = {"token": uuid.uuid4().hex, "spooled_at_ns": time.time_ns(),
                 "submission": submission_to_dict(submission)}  # fmt: skip
        with _unavailable_on_error():
            self.client.hset(self.spool_key, field, _dumps(entry))
        return RedisLocation(self.spool_key, field)

    def entries(self) -> List[RedisSpooled]:
        """Every spooled entry, oldest first."""
        with _unavailable_on_error():
            raw_entries = self.client.hgetall(self.spool_key)
        spooled = [RedisSpooled(f, raw, _spooled_at(raw)) for f, raw in raw_entries.items()]
        return sorted(spooled, key=lambda entry: (entry.spooled_at_ns, entry.field))

    def count(self) -> int:
        with _unavailable_on_error():
            return int(self.client.hlen(self.spool_key))

    def remove(self, entry: RedisSpooled) -> bool:
        """Delete a replayed entry unless a newer submission replaced it since it was read."""
        with _unavailable_on_error():
            deleted = self._delete_if_unchanged(
                keys=[self.spool_key], args=[entry.field, entry.raw]
            )
        return bool(deleted)

    def discard(self, conversation_id: str) -> None:
        """Drop a spooled submission that a newer, saved one supersedes."""
        with _unavailable_on_error():
            self.client.hdel(self.spool_key, field_for(conversation_id))

    def set_aside(self, submission: LeadSubmission, reason: str) -> RedisLocation:
        """Keep a submission the database refused, with why and when, for a person.

        A later refusal of the same conversation replaces it: it holds newer answers.
        """
        data = submission_to_dict(submission)
        data["set_aside"] = _why(reason)
        return self._keep(field_for(submission.conversation_id), data)

    def reject(self, entry: RedisSpooled, reason: str) -> RedisLocation:
        """Set aside an entry that is not a submission, as read, then drop it from the spool."""
        kept = self._keep(entry.field, {"raw": entry.raw, "set_aside": _why(reason)})
        self.remove(entry)
        return kept

    def set_aside_entries(self) -> List[Dict[str, Any]]:
        """What was set aside, each with ``kept_in``, oldest first (for ``bot leads``)."""
        with _unavailable_on_error():
            raw_entries = self.client.hgetall(self.set_aside_key)
        kept = [{**_loads(raw), "kept_in": str(RedisLocation(self.set_aside_key, field))}
                for field, raw in raw_entries.items()]  # fmt: skip
        return sorted(kept, key=lambda data: str(data.get("set_aside", {}).get("at", "")))

    def set_aside_count(self) -> int:
        with _unavailable_on_error():
            return int(self.client.hlen(self.set_aside_key))

    def _keep(self, field: str, data: Dict[str, Any]) -> RedisLocation:
        with _unavailable_on_error():
            self.client.hset(self.set_aside_key, field, _dumps(data))
        return RedisLocation(self.set_aside_key, field)


def load(entry: RedisSpooled) -> LeadSubmission:
    """The submission of a spooled entry; :class:`InvalidSubmission` if it is not one."""
    try:
        return submission_from_dict(json.loads(entry.raw)["submission"])
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise InvalidSubmission(f"{entry.field} is not a spooled lead: {error}") from error


def shared_spool(url: str | None) -> RedisSpool | None:
    """The Redis spool of ``settings.redis_url``, or ``None`` to use the folder alone."""
    return _cached_spool(url, PREFIX) if url else None


@lru_cache(maxsize=None)
def _cached_spool(url: str, prefix: str) -> RedisSpool:
    """One client per URL, so that the action server keeps one connection pool, not one per turn."""
    return RedisSpool.from_url(url, prefix)


@contextmanager
def _unavailable_on_error() -> Iterator[None]:
    try:
        yield
    except redis.exceptions.RedisError as error:
        raise SpoolUnavailable(f"Redis: {error}") from error


def _dumps(data: Dict[str, Any]) -> str:
    # ASCII: a lone surrogate in what a visitor typed must not make the write fail.
    return json.dumps(data, ensure_ascii=True)


def _loads(raw: str) -> Dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {"raw": raw}
    return data if isinstance(data, dict) else {"raw": raw}


def _spooled_at(raw: str) -> int:
    """When an entry was written; 0 for a damaged one, so it is set aside first."""
    spooled_at = _loads(raw).get("spooled_at_ns")
    return spooled_at if isinstance(spooled_at, int) else 0


def _why(reason: str) -> Dict[str, str]:
    return {"at": datetime.now(timezone.utc).isoformat(), "reason": reason}
