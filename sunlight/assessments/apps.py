from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "sunlight.assessments"
    label = "assessments"
    verbose_name = _("Assessment and dashboards")

    def ready(self) -> None:
        from sunlight.assessments import timers  # noqa: F401  (timers register themselves)
        from sunlight.assessments.access import may_read_letter
        from sunlight.documents import access
        from sunlight.orgs.context import NavItem, register_nav
        from sunlight.orgs.models import Role

        access.register("assessments.assessment", may_read_letter)
        register_nav(
            NavItem("assessments:dashboard", _("Dashboards"), Role.SUPERVISION, 15),
            NavItem("assessments:index", _("Assessment"), Role.SUPERVISION, 25),
            NavItem("assessments:analytics", _("Process analytics"), Role.SUPERVISION, 27),
            NavItem("assessments:unit_dashboard", _("Dashboard"), Role.MONITORING, 15),
            NavItem("assessments:index", _("Assessment"), Role.MONITORING, 36),
            NavItem("assessments:schemes", _("Assessment scheme"), Role.ADMINISTRATION, 40),
            NavItem("assessments:analytics", _("Process analytics"), Role.ADMINISTRATION, 42),
        )
