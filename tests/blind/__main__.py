"""``python -m tests.blind`` (part of ``make eval``): the blind set against the real servers.

Starts the action server and the Rasa server with the current model on free
ports (databases in a scratch folder), asks every question of
``questions.yml`` as a new visitor, plays every buyer of ``buyers.yml``, and
prints intent accuracy, answer accuracy, safety items answered rightly and
enquiries completed, with every miss. Writes ``var/eval/blind.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import List

import sqlalchemy as sa
import yaml

from bot.config import PROJECT_ROOT, load_settings
from bot.db.unit_of_work import unit_of_work_factory
from bot.leads import services
from bot.training import ensure_model
from tests.blind import buyers as buyer_play
from tests.blind import judge
from tests.blind.conversation import Conversation
from tests.support.servers import Stack, project_copy, stack_settings

HERE = Path(__file__).parent
RESULTS = PROJECT_ROOT / "var" / "eval" / "blind.json"


def load(name: str) -> list:
    data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    return data["questions" if name == "questions.yml" else "buyers"]


def ask_questions(rasa_url: str, engine: sa.engine.Engine) -> List[dict]:
    results = []
    for item in load("questions.yml"):
        expected = item["expect"]
        turn = Conversation(rasa_url, engine, "blind-q").say(item["text"])
        results.append({
            "text": item["text"][:120],
            "expect": expected,
            "safety": judge.is_safety(expected),
            "understood": turn.label,
            "answer": turn.answer,
            "intent_right": judge.intent_right(expected, turn),
            "answer_right": judge.answer_right(expected, turn),
            "reply": turn.text[:160],
        })  # fmt: skip
    return results


def play_buyers(rasa_url: str, engine: sa.engine.Engine, database_url: str) -> List[dict]:
    make_uow = unit_of_work_factory(database_url)

    def stored_leads(sender: str) -> list:
        mine = [r for r in services.list_leads(make_uow()) if r["conversation_id"] == sender]
        return [services.get_lead(make_uow(), r["reference"]) for r in mine]

    return [
        asdict(buyer_play.play(buyer, Conversation(rasa_url, engine, "blind-b"), stored_leads))
        for buyer in load("buyers.yml")
    ]


def share(results: List[dict], key: str) -> str:
    right = sum(r[key] for r in results)
    return f"{right}/{len(results)} ({100 * right / max(len(results), 1):.1f}%)"


def report(questions: List[dict], buyers: List[dict], verbose: bool) -> None:
    safety = [q for q in questions if q["safety"]]
    print("\nBlind set (tests/blind: written from the article only, never trained on)")
    print(f"  intent accuracy      {share(questions, 'intent_right')}")
    print(f"  answer accuracy      {share(questions, 'answer_right')}")
    print(f"  safety answers       {share(safety, 'answer_right')}")
    print(f"  enquiries completed  {share(buyers, 'completed')}")
    for q in questions:
        if not q["answer_right"]:
            print(f"  MISS {q['expect']:<28} got {q['understood']} -> {q['answer']}: {q['text']!r}")
    for b in buyers:
        if not b["completed"]:
            print(f"  BUYER {b['buyer']}: {b['reason']}")
            for said, replied in b["exchanges"][-3:] if verbose else []:
                print(f"      > {said}\n      < {replied[:200]!r}")


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make eval", description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="show how failed enquiries ended")
    args = parser.parse_args(argv)
    settings = load_settings()
    model = ensure_model(PROJECT_ROOT, settings.models_dir)
    with tempfile.TemporaryDirectory(prefix="blind-") as scratch:
        work = project_copy(Path(scratch) / "project")
        served = stack_settings(work / "var", BOT_PROJECT_DIR=str(work))
        stack = Stack(served, model, work / "var")
        running = stack.start()
        engine = sa.create_engine(served.tracker_store_url, future=True)
        try:
            questions = ask_questions(running.url, engine)
            buyers = play_buyers(running.url, engine, served.database_url)
        finally:
            engine.dispose()
            stack.stop()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"questions": questions, "buyers": buyers}, indent=1))
    report(questions, buyers, args.verbose)
    print(f"\nDetails: {RESULTS.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
