from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "sunlight.funds"
    label = "funds"
    verbose_name = _("Funds")

    def ready(self) -> None:
        from sunlight.orgs.context import NavItem, register_nav
        from sunlight.orgs.models import Role

        register_nav(
            NavItem("funds:index", _("Project funds"), Role.WORKBENCH, 50),
            NavItem("funds:index", _("Project funds"), Role.MONITORING, 50),
            NavItem("funds:index", _("Project funds"), Role.SUPERVISION, 50),
            NavItem("funds:setup", _("Fund control posts"), Role.ADMINISTRATION, 45),
        )
