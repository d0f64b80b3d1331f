from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "sunlight.risks"
    label = "risks"
    verbose_name = _("Risk register")

    def ready(self) -> None:
        from sunlight.risks import labels

        labels.register()
