from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "sunlight.ledger"
    label = "ledger"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        from sunlight.ledger import timers  # noqa: F401 - registers the ledger's timer handlers
