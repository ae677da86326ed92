"""Fixtures for the enquiry-form tests: the real knowledge base and a fixed clock."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.config import PROJECT_ROOT
from bot.knowledge import Knowledge, read_knowledge

NOW = datetime(2026, 3, 4, 10, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return read_knowledge(PROJECT_ROOT)
