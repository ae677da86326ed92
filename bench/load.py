"""Load generators: concurrent visitors for throughput, one long conversation for growth.

Both talk to the REST channel with aiohttp over keep-alive connections. Every
loop is bounded by a deadline and every request by a timeout.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

import aiohttp

from bench.conversations import Script

REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=60)


@dataclass
class Phase:
    """What one load phase against one system measured."""

    latencies: List[float] = field(default_factory=list)  # seconds, one per answered turn
    errors: int = 0
    first_error: Optional[str] = None
    seconds: float = 0.0

    @property
    def turns(self) -> int:
        return len(self.latencies)

    def fail(self, error: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or error


async def say(session: aiohttp.ClientSession, webhook: str, sender: str, text: str) -> float:
    """One visitor turn; its latency in seconds. Raises on anything but a 200 reply."""
    started = time.perf_counter()
    async with session.post(webhook, json={"sender": sender, "message": text}) as response:
        body = await response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")
    return time.perf_counter() - started


async def visitors(webhook: str, scripts: Sequence[Script], count: int, seconds: float,
                   seed: int = 0) -> Phase:  # fmt: skip
    """``count`` visitors chat without pausing until ``seconds`` have passed.

    Each visitor plays whole conversations, a fresh sender each, picked from
    ``scripts``; a turn in flight at the deadline still finishes and counts.
    """
    phase = Phase()
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=count)
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector, timeout=REQUEST_TIMEOUT) as session:
        await asyncio.gather(*(
            _visitor(session, webhook, scripts, random.Random(seed * 1000 + n), deadline, phase)
            for n in range(count)
        ))  # fmt: skip
    phase.seconds = time.perf_counter() - started
    return phase


async def _visitor(session, webhook, scripts, rng, deadline, phase: Phase) -> None:
    while time.perf_counter() < deadline:
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        for text in rng.choice(scripts):
            if time.perf_counter() >= deadline:
                return
            try:
                phase.latencies.append(await say(session, webhook, sender, text))
            except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError) as error:
                phase.fail(f"{type(error).__name__}: {error}")
                break


@dataclass
class LongConversations:
    """Per-turn latencies of one long conversation per system, and how it was cut."""

    latencies: Dict[str, List[float]]
    planned_turns: int
    notes: List[str]


async def long_conversations(webhooks: Dict[str, str], messages: Dict[str, Script],
                             turns: int, budget: float,
                             log: Callable[[str], None] = print) -> LongConversations:  # fmt: skip
    """One sender per system, turn by turn, the systems interleaved at every turn.

    After 20 turns the time taken so far is projected: a run that would not
    fit ``budget`` is cut to 200 turns; past the budget it stops outright.
    """
    result = LongConversations({name: [] for name in webhooks}, turns, [])
    senders = {name: f"bench-long-{uuid.uuid4().hex[:8]}" for name in webhooks}
    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=REQUEST_TIMEOUT) as session:
        for turn in itertools.count(1):
            if turn > result.planned_turns or _out_of_time(result, turn, started, budget, log):
                break
            for name, webhook in webhooks.items():
                text = messages[name][(turn - 1) % len(messages[name])]
                result.latencies[name].append(await say(session, webhook, senders[name], text))
    return result


def _out_of_time(result: LongConversations, turn: int, started: float, budget: float,
                 log: Callable[[str], None]) -> bool:  # fmt: skip
    elapsed = time.perf_counter() - started
    if elapsed > budget:
        result.notes.append(f"stopped at turn {turn - 1}: the {budget:.0f} s budget ran out")
        log(result.notes[-1])
        return True
    if turn == 21 and result.planned_turns > 200 and elapsed / 20 * result.planned_turns > budget:
        result.notes.append(
            f"cut from {result.planned_turns} to 200 turns: 20 turns took {elapsed:.1f} s, "
            f"{result.planned_turns} would not fit the {budget:.0f} s budget"
        )
        result.planned_turns = 200
        log(result.notes[-1])
    return False
