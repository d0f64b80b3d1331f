from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "sunlight.sites"
    label = "sites"
    verbose_name = _("Remote site supervision")

    def ready(self) -> None:
        from sunlight.sites import labels, timers  # noqa: F401  (timers register themselves)

        labels.register()
