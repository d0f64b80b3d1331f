from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "sunlight.operations"
    label = "operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from sunlight.lib import timers
        from sunlight.operations.recording import record_round

        timers.on_round(record_round)
        connection_created.connect(_checkpoint_in_background, dispatch_uid="sunlight.wal_checkpoint")


def _checkpoint_in_background(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """A SQLite database file gets its background WAL checkpoints (sunlight/lib/walcheckpoint.py)."""
    if connection.vendor == "sqlite":
        from sunlight.lib import walcheckpoint

        walcheckpoint.start(str(connection.settings_dict["NAME"]), settings.SQLITE_CHECKPOINT_MS / 1000)
