from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "sunlight.reports"
    label = "reports"
    verbose_name = _("Whistleblowing reports")

    def ready(self) -> None:
        from sunlight.reports import labels

        labels.register()
