from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "sunlight.operations"
    label = "operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from sunlight.lib import timers
        from sunlight.operations.recording import record_round

        timers.on_round(record_round)
