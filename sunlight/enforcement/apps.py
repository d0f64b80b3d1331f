from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "sunlight.enforcement"
    label = "enforcement"
    verbose_name = _("Field enforcement")

    def ready(self) -> None:
        from sunlight.cases import guards as case_guards
        from sunlight.enforcement import guards, labels, timers  # noqa: F401  (timers register themselves)

        labels.register()
        case_guards.register(guards.penalty_through_benchmark)
