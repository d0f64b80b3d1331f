from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "sunlight.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from sunlight.orgs.context import NavItem, register_nav
        from sunlight.orgs.models import Role

        register_nav(
            NavItem("supervision:patrols", _("Patrols and spot checks"), Role.SUPERVISION, 30),
            NavItem("supervision:vouchers", _("Voucher reconciliation"), Role.MONITORING, 30),
            NavItem("supervision:archives", _("Archive comparison"), Role.MONITORING, 32),
            NavItem("supervision:self_checks", _("Quarterly self-check"), Role.MONITORING, 34),
        )
