"""Text messages (短信). The platform talks to an SMS gateway through `SmsSender`; which one is
configured by NOTIFICATIONS_SMS_SENDER (a dotted path). The default only logs, with the number
masked: the district's gateway contract decides the real implementation.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Protocol, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from sunlight.lib.env import envstr

log = logging.getLogger("sunlight.notifications.sms")

DEFAULT_SENDER = "sunlight.notifications.sms.LoggingSmsSender"


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send `text` to the mobile number `phone`; raise on failure."""


def mask(phone: str) -> str:
    """138****1234: numbers are personal data and stay out of logs."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


class LoggingSmsSender:
    """Writes each message to the log (masked number) and sends nothing."""

    sent: list[tuple[str, str]] = []  # the last messages, for tests and the demo

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask(phone), text)
        LoggingSmsSender.sent = [*LoggingSmsSender.sent[-99:], (mask(phone), text)]


def sender_path() -> str:
    return str(
        getattr(settings, "NOTIFICATIONS_SMS_SENDER", None)
        or envstr("NOTIFICATIONS_SMS_SENDER", DEFAULT_SENDER)
    )


@lru_cache(maxsize=4)
def _load(path: str) -> SmsSender:
    try:
        factory = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"NOTIFICATIONS_SMS_SENDER: cannot import {path!r}: {exc}") from exc
    return cast(SmsSender, factory())


def sender() -> SmsSender:
    return _load(sender_path())
