from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "sunlight.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from sunlight.calendars.workdays import on_year_loaded
        from sunlight.cases.readers import may_read_case
        from sunlight.cases.timers import recompute_provisional
        from sunlight.documents import access

        on_year_loaded(recompute_provisional)
        access.register("cases.case", may_read_case)
