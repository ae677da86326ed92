"""Scoring and routing come from an admin-edited YAML file, validated with clear errors."""

from __future__ import annotations

import re
import textwrap

import pytest
import yaml

from bot.cli import main
from bot.leads.rules import DEFAULT_RULES_FILE, RulesError, assess, load_rules, parse_rules

RULES = """
scoring:
  buyer_type: {healthcare: 30, reseller: 20, personal: 0}
  total_quantity:
    - {at_least: 10, points: 10}
    - {at_least: 100, points: 30}
  timeline:
    - {contains: [asap, urgent], points: 20}
    - {contains: [month], points: 5}
  budget_present: 10
  phone_present: 5
  organisation_present: 5
priority: {hot: 70, warm: 40}
routing:
  default: {team: sales, email: sales@example.com}
  rules:
    - {team: clinics-uk, buyer_type: [healthcare], country: [GB, United Kingdom],
       email: clinics-uk@example.com}
    - {team: clinics, buyer_type: [healthcare], email: clinics@example.com}
    - {team: dach, country: [DE, AT, CH]}
"""


def lead(**fields):
    values = dict(
        buyer_type="healthcare",
        country="GB",
        timeline="ASAP",
        budget="5k",
        phone="+44 1",
        organisation="Clinic",
        items=[{"product": "r", "quantity": 60}, {"product": "s", "quantity": 50}],
    )
    values.update(fields)  # fmt: skip
    return values


@pytest.fixture
def rules():
    return parse_rules(yaml.safe_load(RULES))


def test_every_rule_adds_its_points(rules):
    verdict = assess(rules, lead())
    assert dict(verdict.breakdown) == {
        "buyer_type": 30, "total_quantity": 30, "timeline": 20,
        "budget_present": 10, "phone_present": 5, "organisation_present": 5,
    }  # fmt: skip
    assert (verdict.score, verdict.priority) == (100, "hot")


@pytest.mark.parametrize(
    ("fields", "score", "priority"),
    [
        (dict(items=[{"product": "r", "quantity": 99}]), 80, "hot"),  # 10 points, not 30
        (dict(items=[{"product": "r", "quantity": 9}], timeline="next month"), 55, "warm"),
        (dict(buyer_type="personal", items=[], timeline=None, budget=" ", phone=None), 5, "cold"),
        (dict(buyer_type="other", organisation="", timeline="Urgent!"), 65, "warm"),
    ],
)
def test_thresholds_and_priorities(rules, fields, score, priority):
    verdict = assess(rules, lead(**fields))
    assert (verdict.score, verdict.priority) == (score, priority)


@pytest.mark.parametrize(
    ("fields", "team", "email"),
    [
        (dict(country="united kingdom"), "clinics-uk", "clinics-uk@example.com"),
        (dict(country="FR"), "clinics", "clinics@example.com"),  # first match wins, in order
        (dict(buyer_type="reseller", country="de"), "dach", None),
        (dict(buyer_type="reseller", country=None), "sales", "sales@example.com"),
    ],
)
def test_routing_first_matching_rule_wins(rules, fields, team, email):
    route = assess(rules, lead(**fields)).route
    assert (route.team, route.email) == (team, email)


def test_packaged_rules_file_is_valid():
    rules = load_rules(DEFAULT_RULES_FILE)
    assert assess(rules, lead()).priority == "hot"
    assert assess(rules, lead(buyer_type="personal", items=[], timeline="", budget="",
                              phone="", organisation="")).priority == "cold"  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["scoring"].update(buyer_typo={}), "scoring: unknown key(s) buyer_typo"),
        (lambda d: d["scoring"]["buyer_type"].update(vip=5), "unknown key(s) vip"),
        (lambda d: d["scoring"].update(phone_present=-1), "scoring.phone_present must be"),
        (lambda d: d["scoring"]["total_quantity"].reverse(), "at_least must be increasing"),
        (lambda d: d["scoring"]["timeline"][0].update(contains=[]), "timeline[0].contains"),
        (lambda d: d["priority"].update(hot=10), "priority.hot must be higher"),
        (lambda d: d["routing"]["rules"][1].pop("team"), "routing.rules[1].team must name"),
        (lambda d: d["routing"]["rules"][0].update(email="nobody"), "must be an e-mail"),
        (lambda d: d["routing"]["rules"][0].update(buyer_type=["vet"]), "unknown vet"),
        (lambda d: d.pop("routing"), "routing must be a mapping, got nothing"),
    ],
)
def test_invalid_rules_are_refused_with_the_place_of_the_mistake(change, message):
    document = yaml.safe_load(RULES)
    change(document)
    with pytest.raises(RulesError, match=re.escape(message)):
        parse_rules(document)


def test_unreadable_files_name_the_file(tmp_path):
    broken = tmp_path / "rules.yml"
    broken.write_text("scoring: [unclosed\n")
    with pytest.raises(RulesError, match=f"{broken}: not valid YAML"):
        load_rules(broken)
    with pytest.raises(RulesError, match="cannot read the rules file"):
        load_rules(tmp_path / "missing.yml")


def test_handoff_rules_variable_selects_the_file(handoff_env, tmp_path, capsys):
    (tmp_path / "custom.yml").write_text(textwrap.dedent(RULES))
    handoff_env.setenv("HANDOFF_RULES", "custom.yml")  # relative to the project
    assert main(["handoff", "rules"]) == 0
    assert "3 routing rule(s), default team sales" in capsys.readouterr().out
    (tmp_path / "custom.yml").write_text("priority: {hot: 1}\n")
    assert main(["handoff", "rules"]) == 1
    assert "custom.yml: routing must be a mapping, got nothing" in capsys.readouterr().err
