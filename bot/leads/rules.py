"""Scoring and routing rules, kept in a YAML file the sales admin edits.

Sales changes its mind about what makes a lead hot more often than the code
changes, so the weights and the team addresses live in ``rules.yml``. The file
is validated as a whole when it is loaded: a typo must stop the dispatcher
with a message naming the entry, not silently score every lead zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

from bot.leads.models import BUYER_TYPES
from bot.settings_file import read_settings_file

DEFAULT_RULES_FILE = Path(__file__).resolve().parent / "rules.yml"
PRIORITIES = ("hot", "warm")  # anything below "warm" is "cold"
_SCORING_KEYS = {
    "buyer_type",
    "total_quantity",
    "timeline",
    "budget_present",
    "phone_present",
    "organisation_present",
}
_ROUTE_KEYS = {"team", "email", "buyer_type", "country"}


class RulesError(ValueError):
    """The rules file is missing, not YAML, or says something that makes no sense."""


@dataclass(frozen=True)
class Route:
    """Where a lead goes: a team name and, optionally, its address."""

    team: str
    email: str | None = None
    buyer_types: Tuple[str, ...] = ()
    countries: Tuple[str, ...] = ()

    def matches(self, buyer_type: str | None, country: str | None) -> bool:
        if self.buyer_types and buyer_type not in self.buyer_types:
            return False
        return not self.countries or (country or "").strip().casefold() in self.countries

    def as_dict(self) -> Dict[str, Any]:
        return {"team": self.team, "email": self.email}


@dataclass(frozen=True)
class Rules:
    buyer_points: Mapping[str, int]
    quantity_points: Tuple[Tuple[int, int], ...]  # (at_least, points), ascending
    timeline_points: Tuple[Tuple[Tuple[str, ...], int], ...]
    presence_points: Mapping[str, int]  # lead field -> points when it is filled in
    priority_minimum: Mapping[str, int]
    default_route: Route
    routes: Tuple[Route, ...] = field(default=())


@dataclass(frozen=True)
class Assessment:
    """What the rules say about one lead, sent along with it."""

    score: int
    priority: str
    breakdown: Mapping[str, int]
    route: Route


def load_rules(path: Path | None = None) -> Rules:
    """Read and validate the rules file (the packaged default when ``path`` is None)."""
    path = Path(path or DEFAULT_RULES_FILE)
    return read_settings_file(path, "rules file", RulesError, parse_rules)


def parse_rules(document: Any) -> Rules:
    top = _mapping(document, "the file", {"scoring", "priority", "routing"})
    scoring = _mapping(top.get("scoring", {}), "scoring", _SCORING_KEYS)
    buyers = _mapping(scoring.get("buyer_type", {}), "scoring.buyer_type", set(BUYER_TYPES))
    routing = _mapping(top.get("routing"), "routing", {"default", "rules"})
    return Rules(
        buyer_points={k: _points(v, f"scoring.buyer_type.{k}") for k, v in buyers.items()},
        quantity_points=_thresholds(scoring.get("total_quantity", [])),
        timeline_points=_timeline(scoring.get("timeline", [])),
        presence_points={
            name: _points(scoring.get(f"{name}_present", 0), f"scoring.{name}_present")
            for name in ("budget", "phone", "organisation")
        },
        priority_minimum=_priorities(top.get("priority")),
        default_route=_route(routing.get("default"), "routing.default", conditions=False),
        routes=tuple(
            _route(rule, f"routing.rules[{i}]", conditions=True)
            for i, rule in enumerate(_list(routing.get("rules", []), "routing.rules"))
        ),
    )


def assess(rules: Rules, lead: Mapping[str, Any]) -> Assessment:
    """Score, prioritise and route one lead record (see ``bot.leads.records``)."""
    breakdown = {
        "buyer_type": rules.buyer_points.get(lead.get("buyer_type"), 0),
        "total_quantity": _quantity_points(rules, lead),
        "timeline": _timeline_points(rules, lead.get("timeline")),
    }
    for name, points in rules.presence_points.items():
        breakdown[f"{name}_present"] = points if (lead.get(name) or "").strip() else 0
    score = sum(breakdown.values())
    priority = next(
        (p for p in PRIORITIES if score >= rules.priority_minimum.get(p, float("inf"))), "cold"
    )
    return Assessment(score, priority, breakdown, route(rules, lead))


def route(rules: Rules, lead: Mapping[str, Any]) -> Route:
    """The first routing rule matching the lead's buyer type and country, else the default."""
    buyer_type, country = lead.get("buyer_type"), lead.get("country")
    return next((r for r in rules.routes if r.matches(buyer_type, country)), rules.default_route)


def _quantity_points(rules: Rules, lead: Mapping[str, Any]) -> int:
    total = sum(item["quantity"] for item in lead.get("items") or ())
    reached = [points for at_least, points in rules.quantity_points if total >= at_least]
    return reached[-1] if reached else 0


def _timeline_points(rules: Rules, timeline: str | None) -> int:
    text = (timeline or "").casefold()
    for words, points in rules.timeline_points:
        if any(word in text for word in words):
            return points
    return 0


def _mapping(value: Any, where: str, allowed: set) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise RulesError(f"{where} must be a mapping, got {_kind(value)}")
    unknown = sorted(str(key) for key in value if key not in allowed)
    if unknown:
        raise RulesError(
            f"{where}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(allowed))}"
        )
    return value


def _list(value: Any, where: str) -> List[Any]:
    if not isinstance(value, list):
        raise RulesError(f"{where} must be a list, got {_kind(value)}")
    return value


def _points(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RulesError(f"{where} must be a whole number of points >= 0, got {value!r}")
    return value


def _thresholds(value: Any) -> Tuple[Tuple[int, int], ...]:
    entries = []
    for i, entry in enumerate(_list(value, "scoring.total_quantity")):
        where = f"scoring.total_quantity[{i}]"
        entry = _mapping(entry, where, {"at_least", "points"})
        entries.append((_points(entry.get("at_least"), where + ".at_least"),
                        _points(entry.get("points"), where + ".points")))  # fmt: skip
    if [at_least for at_least, _ in entries] != sorted({at_least for at_least, _ in entries}):
        raise RulesError("scoring.total_quantity: at_least must be increasing, without repeats")
    return tuple(entries)


def _timeline(value: Any) -> Tuple[Tuple[Tuple[str, ...], int], ...]:
    entries = []
    for i, entry in enumerate(_list(value, "scoring.timeline")):
        where = f"scoring.timeline[{i}]"
        entry = _mapping(entry, where, {"contains", "points"})
        entries.append((_words(entry.get("contains"), where + ".contains"),
                        _points(entry.get("points"), where + ".points")))  # fmt: skip
    return tuple(entries)


def _words(value: Any, where: str) -> Tuple[str, ...]:
    words = _list(value, where)
    if not words or not all(isinstance(w, (str, int)) and str(w).strip() for w in words):
        raise RulesError(f"{where} must be a non-empty list of words")
    return tuple(str(word).strip().casefold() for word in words)


def _priorities(value: Any) -> Dict[str, int]:
    levels = _mapping(value, "priority", set(PRIORITIES))
    minimum = {name: _points(levels.get(name), f"priority.{name}") for name in PRIORITIES}
    if minimum["hot"] <= minimum["warm"]:
        raise RulesError("priority.hot must be higher than priority.warm")
    return minimum


def _route(value: Any, where: str, conditions: bool) -> Route:
    allowed = _ROUTE_KEYS if conditions else {"team", "email"}
    entry = _mapping(value, where, allowed)
    team, email = entry.get("team"), entry.get("email")
    if not isinstance(team, str) or not team.strip():
        raise RulesError(f"{where}.team must name the team")
    if email is not None and (not isinstance(email, str) or "@" not in email):
        raise RulesError(f"{where}.email must be an e-mail address, got {email!r}")
    buyer_types = _optional_words(entry, "buyer_type", where)
    unknown = sorted(set(buyer_types) - set(BUYER_TYPES))
    if unknown:
        raise RulesError(f"{where}.buyer_type: unknown {', '.join(unknown)}")
    countries = _optional_words(entry, "country", where)
    return Route(team.strip(), email, buyer_types, countries)


def _optional_words(entry: Dict[str, Any], key: str, where: str) -> Tuple[str, ...]:
    return _words(entry[key], f"{where}.{key}") if key in entry else ()


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__
