from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "sunlight.ratings"
    label = "ratings"
    verbose_name = _("Service ratings")

    def ready(self) -> None:
        from sunlight.ratings import labels, timers  # noqa: F401  (timers register themselves)

        labels.register()
