from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "sunlight.processes"
    label = "processes"
    verbose_name = _("Process definitions")

    def ready(self) -> None:
        from sunlight.orgs.actions import on_structure_change
        from sunlight.orgs.context import NavItem, register_nav
        from sunlight.orgs.models import Role
        from sunlight.processes.posts import forget

        on_structure_change(forget)
        register_nav(
            NavItem("processes:index", _("Processes"), Role.ADMINISTRATION, 20),
            NavItem("processes:index", _("Processes"), Role.SUPERVISION, 40),
        )
