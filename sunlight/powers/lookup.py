"""What other apps read from the power list (the process definitions check their limits here)."""

from __future__ import annotations

from sunlight.powers.models import LimitUnit, PowerVersion


def current_version(code: str) -> PowerVersion | None:
    """The published version of a power in force today, or None."""
    return (
        PowerVersion.objects.current().filter(item__code=code.strip().upper()).select_related("item").first()
    )


def statutory_workdays(code: str) -> int | None:
    """The statutory limit in working days of the power in force today.

    None when the power is unknown, has no statutory limit, or counts it in calendar days
    (which cannot be turned into working days without a date to count from).
    """
    version = current_version(code)
    if version is None or version.statutory_limit is None:
        return None
    if version.statutory_limit_unit != LimitUnit.WORKING_DAYS:
        return None
    return version.statutory_limit
