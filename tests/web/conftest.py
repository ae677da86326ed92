"""Fixtures for the web server and the browser tests of the chat widget.

The ``browser`` fixture is in ``tests/conftest.py``, shared with the workspace tests.
"""

from __future__ import annotations

import os
from typing import Iterator

import pytest

from bot.config import Settings, load_settings
from bot.web.server import WebServer, make_server
from tests.support.servers import free_port
from tests.support.threads import running
from tests.web.support import Widget


@pytest.fixture(scope="session")
def web_settings() -> Settings:
    return load_settings({"BIND_HOST": "127.0.0.1"})


@pytest.fixture(scope="session")
def web_site(web_settings, rasa_server) -> Iterator[WebServer]:
    """The demo site wired to the real Rasa server.

    The port is fixed (``TEST_WEB_PORT``, default 8765) because Rasa's CORS
    settings must list this page's origin, ``http://127.0.0.1:<port>``.
    """
    port = int(os.environ.get("TEST_WEB_PORT", "8765"))
    with running(make_server(web_settings, port=port, bot_url=rasa_server.url)) as server:
        yield server


@pytest.fixture(scope="session")
def offline_site(web_settings) -> Iterator[WebServer]:
    """The demo site pointed at a port where no bot listens."""
    # Bound once to find a free number, then released: nothing listens there.
    bot_url = f"http://127.0.0.1:{free_port()}"
    with running(make_server(web_settings, port=0, bot_url=bot_url)) as server:
        yield server


@pytest.fixture
def dialogs() -> list:
    """Messages of JavaScript dialogs (alert, confirm) the page opened; should stay empty."""
    return []


@pytest.fixture
def page(browser, dialogs):
    """A fresh page with its own storage, at a desktop size."""

    def record(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    new_page.on("dialog", record)
    yield new_page
    context.close()


@pytest.fixture
def widget(page) -> Widget:
    return Widget(page)
