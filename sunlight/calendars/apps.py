from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "sunlight.calendars"
    label = "calendars"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from sunlight.orgs.context import NavItem, register_nav
        from sunlight.orgs.models import Role

        register_nav(NavItem("calendars:index", _("Working-day calendar"), Role.ADMINISTRATION, 30))
