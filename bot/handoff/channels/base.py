"""What every delivery channel promises the dispatcher."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Mapping, Protocol

from bot.handoff.message import Handoff


class DeliveryError(Exception):
    """The channel did not deliver; the dispatcher retries later or dead-letters."""


class ChannelConfigError(ValueError):
    """A channel is half configured (for instance a webhook URL without its secret)."""


class Channel(Protocol):
    name: str

    def send(self, handoff: Handoff) -> None:
        """Deliver or raise :class:`DeliveryError`; must finish within its timeout."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirected POST would arrive as a body-less GET and look like success."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
    """POST ``body``; any answer but 2xx, and any network error, is a DeliveryError."""
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(65536)
            return response.status
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"{url} answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(f"{url} unreachable: {reason}") from None
