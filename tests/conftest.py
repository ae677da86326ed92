"""Shared fixtures, one of each per test session: a trained model, a Rasa stack, a Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.training import ensure_model
from tests.support.browser import chromium
from tests.support.postgres_cluster import postgres_cluster  # noqa: F401  (a fixture)
from tests.support.redis_server import private_redis  # noqa: F401  (a fixture)
from tests.support.servers import Stack, stack_settings

# Models trained by the tests live here, named by the data fingerprint, so an
# unchanged project reuses the model of an earlier session.
TEST_MODELS_DIR = Path(os.environ.get("TEST_MODELS_DIR", PROJECT_ROOT / "var" / "test-models"))
TEST_WEB_PORT = int(os.environ.get("TEST_WEB_PORT", "8765"))
ARTIFACTS = PROJECT_ROOT / "test-artifacts"  # screenshots a person looks at; not in git
# Rasa caches trained components under the working directory's .rasa/cache;
# tests that train in a copy of the project share this one, so a component
# whose inputs did not change (most of them, when only an answer text was
# edited) is reused instead of trained again.
os.environ.setdefault("RASA_CACHE_DIRECTORY", str(PROJECT_ROOT / ".rasa" / "cache"))


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def trained_model() -> Path:
    return ensure_model(PROJECT_ROOT, TEST_MODELS_DIR, log=lambda _: None)


@pytest.fixture(scope="session")
def rasa_server(trained_model, tmp_path_factory):
    """The real Rasa server and action server, with a fresh SQLite database."""
    work_dir = tmp_path_factory.mktemp("stack")
    origins = f"http://127.0.0.1:{TEST_WEB_PORT},http://localhost:{TEST_WEB_PORT}"
    settings = stack_settings(work_dir, WEB_ORIGINS=origins, WEB_PORT=str(TEST_WEB_PORT))
    stack = Stack(settings, trained_model, work_dir)
    try:
        yield stack.start()
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module, closed before the next module starts.

    Playwright's sync API keeps its event loop marked as running in the main
    thread while a browser is open, so an open browser makes every later
    ``async def`` test fail with "cannot be called from a running event loop".
    """
    with chromium() as launched:
        yield launched
