from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "sunlight.checkpoints"
    label = "checkpoints"
    verbose_name = _("Electronic checkpoints")

    def ready(self) -> None:
        from sunlight.orgs.context import NavItem, register_nav
        from sunlight.orgs.models import Role

        register_nav(
            NavItem("checkpoints:rules", _("Checkpoint rules"), Role.ADMINISTRATION, 40),
            NavItem("checkpoints:rules", _("Checkpoint rules"), Role.SUPERVISION, 60),
            NavItem("checkpoints:benchmarks", _("Discretion benchmarks"), Role.WORKBENCH, 60),
            NavItem("checkpoints:benchmarks", _("Discretion benchmarks"), Role.SUPERVISION, 61),
            NavItem("checkpoints:benchmarks", _("Discretion benchmarks"), Role.ADMINISTRATION, 41),
        )
