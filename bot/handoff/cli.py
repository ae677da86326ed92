"""``bot handoff`` (the outbox dispatcher), and ``bot leads forget`` / ``bot leads purge``.

``bot handoff dispatch`` is the long-running process the supervisor starts;
``--once`` drains what is due and exits, for cron. Erasure (``forget``, and
``purge`` for retention) is registered under ``bot leads`` but defined here,
because it erases the hand-off's notifications and requests along with the leads.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from contextlib import contextmanager
from datetime import timedelta
from typing import Iterator

from bot.cli_support import guarded
from bot.db import upgrade
from bot.db.unit_of_work import unit_of_work_factory
from bot.handoff.backoff import Backoff
from bot.handoff.channels import ChannelConfigError, build_channels, no_channel_warning
from bot.handoff.dispatcher import DEFAULT_LEASE, Dispatcher
from bot.handoff.human.cli import register_commands as register_person_requests
from bot.handoff.outbox import Outbox
from bot.leads.errors import LeadError
from bot.leads.redis_spool import shared_spool
from bot.leads.rules import RulesError, assess, load_rules
from bot.leads.services import get_lead
from bot.leads.spool import spool_dir


def register(subparsers) -> None:
    _register_handoff(subparsers)


def _register_handoff(subparsers) -> None:
    parser = subparsers.add_parser("handoff", help="deliver leads to the sales team")
    commands = parser.add_subparsers(title="handoff commands", metavar="COMMAND")
    dispatch = commands.add_parser("dispatch", help="deliver pending notifications (loop)")
    dispatch.add_argument("--once", action="store_true", help="deliver what is due, then exit")
    dispatch.add_argument("--interval", type=float, default=5.0, help="poll seconds (5)")
    dispatch.add_argument(
        "--lease",
        type=float,
        default=DEFAULT_LEASE.total_seconds(),
        help="seconds before an unfinished delivery is retried (120)",
    )
    dispatch.add_argument(
        "--backoff",
        type=float,
        default=30.0,
        help="first retry delay in seconds, doubled each time (30)",
    )
    dispatch.set_defaults(handler=_guarded(dispatch_command))  # fmt: skip
    status = commands.add_parser("status", help="list pending and dead notifications")
    status.set_defaults(handler=_guarded(status_command))
    retry = commands.add_parser("retry", help="requeue the dead notifications of a lead")
    retry.add_argument("reference")
    retry.set_defaults(handler=_guarded(retry_command))
    rules = commands.add_parser("rules", help="check the scoring and routing rules file")
    rules.add_argument("--lead", metavar="REFERENCE", help="also score and route this lead")
    rules.set_defaults(handler=_guarded(rules_command))
    register_person_requests(commands, _guarded)


def _guarded(handler):
    """The common error policy; rules, channels and arguments (``ValueError``) are ours too."""
    return guarded(handler, configuration_errors=(RulesError, ChannelConfigError),
                   errors=(LeadError, ValueError))  # fmt: skip


def _outbox(settings) -> Outbox:
    return Outbox(unit_of_work_factory(settings.database_url))


def dispatch_command(args, settings) -> int:
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")  # fmt: skip
    dispatcher = Dispatcher(
        unit_of_work_factory(settings.database_url),
        _outbox(settings),
        build_channels(settings),
        load_rules(settings.handoff_rules),
        max_attempts=settings.handoff_max_attempts,
        backoff=Backoff(base=timedelta(seconds=args.backoff)),
        lease=timedelta(seconds=args.lease),
        spool_directory=spool_dir(settings.var_dir),
        shared_spool=shared_spool(settings.redis_url),
        prepare_database=lambda: upgrade(settings.database_url),  # `bot run` may start without
    )
    with _stop_on_signals() as stop:
        if args.once:
            report = dispatcher.run_once(stop)
            print(", ".join(f"{k}: {len(v)}" for k, v in report.outcomes.items()) or "nothing due")
        else:
            dispatcher.run_forever(stop, interval=args.interval)
    return 0


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """SIGTERM/SIGINT finish the delivery in progress, then stop: none is left half-sent.

    The previous handlers come back afterwards, for callers of ``main()`` such as tests.
    """
    stop = threading.Event()
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    for signum in previous:
        signal.signal(signum, lambda *_: stop.set())
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def status_command(args, settings) -> int:
    outbox = _outbox(settings)
    counts = outbox.counts()
    print(", ".join(f"{s}: {counts.get(s, 0)}" for s in ("pending", "delivered", "dead")))
    warning = no_channel_warning(settings)
    if warning:
        print(warning)
    for row in outbox.undelivered():
        when = row["next_attempt_at"].isoformat(timespec="seconds")
        error = (row["last_error"] or "").replace("\n", " ")[:80]
        print(f"{row['reference']:<16} {row['kind']:<15} {row['status']:<8} "
              f"attempts={row['attempts']:<3} next={when} {error}")  # fmt: skip
    return 0


def retry_command(args, settings) -> int:
    requeued = _outbox(settings).requeue(args.reference)
    if not requeued:
        print(f"no dead notification for {args.reference}", file=sys.stderr)
        return 1
    print(f"requeued {requeued} notification(s) of {args.reference}")
    return 0


def rules_command(args, settings) -> int:
    rules = load_rules(settings.handoff_rules)
    print(f"rules OK: {len(rules.routes)} routing rule(s), default team "
          f"{rules.default_route.team}")  # fmt: skip
    if args.lead:
        lead = get_lead(unit_of_work_factory(settings.database_url)(), args.lead)
        verdict = assess(rules, lead)
        print(f"{args.lead}: {verdict.priority}, score {verdict.score} "
              f"{dict(verdict.breakdown)}, team {verdict.route.team} "
              f"<{verdict.route.email or settings.sales_email or 'no address'}>")  # fmt: skip
    return 0
