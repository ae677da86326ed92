"""Delivery channels, one small module each, built from the settings.

A channel exists only when its variable is set; the dispatcher delivers each
notification to every channel that exists.
"""

from __future__ import annotations

from typing import List

from bot.config import Settings
from bot.handoff.channels.base import Channel, ChannelConfigError, DeliveryError
from bot.handoff.channels.email import EmailChannel
from bot.handoff.channels.slack import SlackChannel
from bot.handoff.channels.webhook import WebhookChannel

__all__ = ["Channel", "ChannelConfigError", "DeliveryError", "build_channels", "no_channel_warning"]

NO_CHANNEL = (
    "Nothing reaches the sales team: no notification channel is configured. Set "
    "HANDOFF_WEBHOOK_URL, SMTP_HOST or SLACK_WEBHOOK_URL (see .env.example); until then "
    "enquiries wait in the outbox (`bot handoff status`) and are sent once one is set."
)


def build_channels(settings: Settings) -> List[Channel]:
    """The configured channels; a half-configured one is an error, not silently skipped."""
    channels: List[Channel] = []
    if settings.handoff_webhook_url:
        if not settings.handoff_webhook_secret:
            raise ChannelConfigError("HANDOFF_WEBHOOK_URL is set but HANDOFF_WEBHOOK_SECRET is "
                                     "not: receivers could not verify the signature")  # fmt: skip
        channels.append(
            WebhookChannel(settings.handoff_webhook_url, settings.handoff_webhook_secret)
        )
    if settings.smtp_host:
        if not settings.smtp_from:
            raise ChannelConfigError("SMTP_HOST is set but SMTP_FROM (the sender) is not")
        channels.append(EmailChannel(
            settings.smtp_host, settings.smtp_port, settings.smtp_from, settings.sales_email,
            user=settings.smtp_user, password=settings.smtp_password,
        ))  # fmt: skip
    if settings.slack_webhook_url:
        channels.append(SlackChannel(settings.slack_webhook_url))
    return channels


def no_channel_warning(settings: Settings) -> str | None:
    """What to tell people when nothing would be delivered, else None.

    Said where each role looks: the dispatcher's log, ``bot run``'s start-up
    lines, ``bot handoff status`` and the workspace banner.
    """
    configured = settings.handoff_webhook_url or settings.smtp_host or settings.slack_webhook_url
    return None if configured else NO_CHANNEL
