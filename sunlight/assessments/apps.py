from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "sunlight.assessments"
    label = "assessments"
    verbose_name = _("Assessment and dashboards")
