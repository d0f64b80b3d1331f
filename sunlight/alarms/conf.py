"""The alarms' settings: a value in settings.py wins, else the environment variable, else the default.

Read at each use (not at import), so `override_settings` works in tests and a bad value fails
with a message naming the variable. Documented in docs/configuration.md.
"""

from __future__ import annotations

from django.conf import settings

from sunlight.lib.env import envint


def _days(name: str, default: int, minimum: int) -> int:
    value = getattr(settings, name, None)
    if value is None:
        return envint(name, default, minimum=minimum)
    return int(value)


def warning_workdays() -> int:
    """ALARMS_WARNING_WORKDAYS: a yellow card this many working days before a due date."""
    return _days("ALARMS_WARNING_WORKDAYS", 1, 0)


def explain_workdays() -> int:
    """ALARMS_EXPLAIN_WORKDAYS: the unit's monitoring centre explains an alarm within these."""
    return _days("ALARMS_EXPLAIN_WORKDAYS", 3, 1)


def verify_workdays() -> int:
    """ALARMS_VERIFY_WORKDAYS: an inspector verifies, decides or closes within these."""
    return _days("ALARMS_VERIFY_WORKDAYS", 5, 1)


def rectify_workdays() -> int:
    """ALARMS_RECTIFY_WORKDAYS: the unit rectifies and replies to a letter or accountability."""
    return _days("ALARMS_RECTIFY_WORKDAYS", 15, 1)


def refusal_min_chars() -> int:
    """ALARMS_REFUSAL_MIN_CHARS: a refusal whose reasons are shorter gives no reasons (§38)."""
    return _days("ALARMS_REFUSAL_MIN_CHARS", 6, 1)
