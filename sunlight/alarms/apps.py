from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlarmsConfig(AppConfig):
    name = "sunlight.alarms"
    label = "alarms"
    verbose_name = _("Alarms")

    def ready(self) -> None:
        from sunlight.alarms import listeners, timers  # noqa: F401 - timers register themselves
        from sunlight.alarms.queries import may_read_alarm
        from sunlight.documents import access
        from sunlight.ledger import refusals, verification
        from sunlight.orgs.context import NavItem, register_nav
        from sunlight.orgs.models import Role

        access.register("alarms.alarm", may_read_alarm)
        refusals.on_refusal(listeners.on_refusal)
        verification.on_verification_failure(listeners.on_ledger_failure)
        register_nav(
            NavItem("alarms:list", _("Alarms to handle"), Role.MONITORING, 20),
            NavItem("alarms:list", _("Alarm verification"), Role.SUPERVISION, 20),
        )
