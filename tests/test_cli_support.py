"""The shared error policy of ``bot`` sub-commands: one line on stderr, exit code 1."""

import pytest
from sqlalchemy.exc import OperationalError

from bot.cli_support import guarded
from bot.leads.errors import DatabaseUnavailable, LeadNotFound
from bot.leads.rules import RulesError


def failing(error):
    def handler(args, settings):
        raise error

    return handler


@pytest.mark.parametrize(
    "error, line",
    [
        (RulesError("bad rules.yml"), "configuration error: bad rules.yml"),
        (DatabaseUnavailable("connection refused"), "database unavailable: connection refused"),
        (OperationalError("SELECT 1", {}, Exception("no such table")),
         "database unavailable: no such table"),
        (LeadNotFound("no lead FM-1"), "error: no lead FM-1"),
    ],
)  # fmt: skip
def test_errors_become_one_line_and_exit_code_1(error, line, capsys):
    run = guarded(failing(error), configuration_errors=(RulesError,))
    assert run(None, None) == 1
    assert capsys.readouterr().err.splitlines() == [
        line + (" (is it running and migrated?)" if "database" in line else "")
    ]


def test_a_configuration_error_is_reported_before_the_generic_value_error(capsys):
    run = guarded(failing(RulesError("bad")), (RulesError,), errors=(ValueError,))
    assert run(None, None) == 1
    assert capsys.readouterr().err.startswith("configuration error: bad")


def test_errors_not_in_the_policy_are_not_swallowed():
    with pytest.raises(KeyError):
        guarded(failing(KeyError("bug")))(None, None)


def test_success_passes_the_exit_code_through():
    assert guarded(lambda args, settings: 0)(None, None) == 0
