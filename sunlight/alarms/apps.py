from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlarmsConfig(AppConfig):
    name = "sunlight.alarms"
    label = "alarms"
    verbose_name = _("Alarms")

    def ready(self) -> None:
        from sunlight.alarms import listeners
        from sunlight.ledger import refusals, verification

        refusals.on_refusal(listeners.on_refusal)
        verification.on_verification_failure(listeners.on_ledger_failure)
