"""Leads sit below hand-off and the workspace: their domain modules load without either."""

import subprocess
import sys

from bot.config import PROJECT_ROOT

DOMAIN_MODULES = ("models", "repository", "unit_of_work", "services", "durable", "privacy",
                  "records", "rules", "filters", "submission", "spool", "redis_spool")  # fmt: skip


def test_leads_load_without_hand_off_or_the_workspace():
    imports = "; ".join(f"import bot.leads.{name}" for name in DOMAIN_MODULES)
    above = ("bot.handoff", "bot.workspace", "bot.accounts")
    found = f"print(sorted(m for m in sys.modules if m.startswith({above!r})))"
    command = [sys.executable, "-c", f"import sys; {imports}; {found}"]
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
